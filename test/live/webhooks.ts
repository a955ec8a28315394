// Webhooks as the providers send them to QRV: Stripe events signed with the SDK's test-header
// helper, Bland post-call payloads with X-Webhook-Signature, Twilio status callbacks signed
// over QRV's public URL and the form parameters.
import { env, exports } from "cloudflare:workers";
import { stripeSignatureHeader } from "../../src/providers/payments/stripe.ts";
import { stripeEventJson } from "../../src/providers/sandbox/payments.ts";
import { twilioSignature } from "../../src/providers/sms/twilio.ts";
import { blandSignature } from "../../src/providers/voice/bland.ts";
import type { SentSms } from "./fake-providers.ts";

export function post(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return exports.default.fetch(new Request(`https://qrv.test${path}`, { method: "POST", body, headers }));
}

/** A Stripe event around `object`, as the sandbox also builds them. */
export const stripeEvent = stripeEventJson;

export async function postStripe(payload: string, options: { secret?: string; timestamp?: number; signature?: string } = {}): Promise<Response> {
  const signature = options.signature ?? (await stripeSignatureHeader(payload, options.secret ?? env.STRIPE_WEBHOOK_SECRET, options.timestamp));
  return post("/webhooks/stripe", payload, { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature, "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" });
}

export async function postBland(payload: unknown, options: { secret?: string; body?: string } = {}): Promise<Response> {
  const body = options.body ?? JSON.stringify(payload);
  const signature = await blandSignature(options.secret ?? env.BLAND_WEBHOOK_SECRET, JSON.stringify(payload));
  return post("/webhooks/bland", body, { "Content-Type": "application/json", "X-Webhook-Signature": signature });
}

/** A Twilio message status callback for a message the fake Twilio accepted. */
export async function postTwilioStatus(sms: SentSms, status: string, extra: Record<string, string> = {}, token = env.TWILIO_AUTH_TOKEN): Promise<Response> {
  const form = new URLSearchParams({
    AccountSid: env.TWILIO_ACCOUNT_SID,
    ApiVersion: "2010-04-01",
    MessageSid: sms.sid,
    MessageStatus: status,
    MessagingServiceSid: sms.messagingServiceSid ?? "",
    SmsSid: sms.sid,
    SmsStatus: status,
    To: sms.to,
    ...extra,
  });
  const signature = await twilioSignature(token, sms.statusCallback, form);
  const path = new URL(sms.statusCallback);
  return post(`${path.pathname}${path.search}`, form.toString(), { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature, "I-Twilio-Idempotency-Token": crypto.randomUUID() });
}
