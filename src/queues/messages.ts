// What travels on the "jobs" queue: outbox jobs (by id, with the links that are never stored
// in D1) and, in sandbox mode, provider webhooks waiting to be delivered.
import { z } from "zod";

export const WEBHOOK_PROVIDERS = ["stripe", "twilio", "bland"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export const queueMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("job"),
    id: z.string(),
    /** Values for placeholders such as {{guest_url}} in the job's stored payload. */
    links: z.record(z.string(), z.string()).optional(),
  }),
  z.object({
    type: z.literal("webhook"),
    provider: z.enum(WEBHOOK_PROVIDERS),
    /** Path and query on QRV, e.g. /webhooks/twilio/sms?job=... */
    path: z.string(),
    /** JSON for Stripe and Bland, form-encoded for Twilio. */
    body: z.string(),
  }),
  /** /healthz proves the producer works by sending this; the consumer only acknowledges it. */
  z.object({
    type: z.literal("ping"),
    at: z.number(),
  }),
]);

export type QueueMessage = z.infer<typeof queueMessageSchema>;

/** Stored payloads carry this instead of the guest link; the link (with its token) lives only in the reservation's object. */
export const GUEST_URL_PLACEHOLDER = "{{guest_url}}";

export function resolveLinks(text: string, links: Record<string, string> | undefined): string {
  if (!links) return text;
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => links[name] ?? whole);
}
