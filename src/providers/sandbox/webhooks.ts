// How the sandbox providers answer: they queue a webhook in the provider's wire format and,
// when it is due, post it to QRV's own webhook route signed exactly as the provider signs it.
import type { Config } from "../../config.ts";
import type { QueueMessage, WebhookProvider } from "../../queues/messages.ts";
import { stripeSignatureHeader } from "../payments/stripe.ts";
import { TWILIO_SIGNATURE_HEADER, twilioSignature } from "../sms/twilio.ts";
import { BLAND_SIGNATURE_HEADER, blandSignature } from "../voice/bland.ts";

export async function scheduleWebhook(env: Env, provider: WebhookProvider, path: string, body: string, delaySeconds = 0): Promise<void> {
  const msg: QueueMessage = { type: "webhook", provider, path, body };
  await env.JOBS.send(msg, delaySeconds > 0 ? { delaySeconds: Math.round(delaySeconds) } : undefined);
}

/** Several deliveries of one provider, in one queue send (one message's callbacks, in order). */
export async function scheduleWebhooks(env: Env, provider: WebhookProvider, path: string, bodies: string[]): Promise<void> {
  await env.JOBS.sendBatch(bodies.map((body) => ({ body: { type: "webhook", provider, path, body } satisfies QueueMessage })));
}

/** The request the provider would send, signed with the configured webhook secret. */
export async function signedWebhookRequest(env: Env, cfg: Config, msg: Extract<QueueMessage, { type: "webhook" }>): Promise<Request> {
  const url = `${cfg.publicUrl}${msg.path}`;
  const headers = new Headers();
  switch (msg.provider) {
    case "stripe":
      headers.set("Content-Type", "application/json; charset=utf-8");
      headers.set("Stripe-Signature", await stripeSignatureHeader(msg.body, env.STRIPE_WEBHOOK_SECRET));
      break;
    case "bland":
      headers.set("Content-Type", "application/json");
      headers.set(BLAND_SIGNATURE_HEADER, await blandSignature(env.BLAND_WEBHOOK_SECRET, msg.body));
      break;
    case "twilio":
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      headers.set(TWILIO_SIGNATURE_HEADER, await twilioSignature(env.TWILIO_AUTH_TOKEN, url, new URLSearchParams(msg.body)));
      break;
  }
  return new Request(url, { method: "POST", headers, body: msg.body });
}
