// What travels on the "jobs" queue: outbox jobs (by id, with the links that are never stored
// in D1) and, in sandbox mode, provider webhooks waiting to be delivered.
import { z } from "zod";
import { fillPlaceholders } from "../domain/text.ts";

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

/**
 * Stored payloads carry a placeholder instead of the guest link; the link (with its token)
 * lives only in the reservation's object. The placeholder's name is `guest_url.` plus a random
 * part kept by that object: a requester who types `{{guest_url}}` in a name or a note cannot
 * name it, so user text never expands into the secret link. (`guest_url` alone is the name
 * reservations made before kept.)
 */
export const GUEST_URL_KEY = "guest_url";

export function newGuestUrlKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${GUEST_URL_KEY}.${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function placeholder(key: string): string {
  return `{{${key}}}`;
}

/** The guest link among a reservation's link values, whatever its placeholder is called. */
export function guestUrlOf(links: Record<string, string>): string | undefined {
  const key = Object.keys(links).find((k) => k === GUEST_URL_KEY || k.startsWith(`${GUEST_URL_KEY}.`));
  return key ? links[key] : undefined;
}

export function resolveLinks(text: string, links: Record<string, string> | undefined): string {
  if (!links) return text;
  return fillPlaceholders(text, links);
}
