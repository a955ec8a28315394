// Provider webhooks. Each request is verified with the provider's signature scheme (400 and
// no change when it does not verify), deduplicated by the provider's id (a verified
// duplicate gets 200 and changes nothing: the reservation's object knows the deliveries it
// has had, and a receipt in D1 covers the rest), and turned into an event for the
// reservation's object, which ignores anything that would move the reservation backwards.
import { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { isTopUpId } from "../db/members.ts";
import { alreadyReceived, markReceived } from "../db/webhooks.ts";
import type { ReservationEvent } from "../domain/reservation/types.ts";
import { reservationStub } from "../durable/client.ts";
import { reservationEventFromStripe, verifyStripeEvent } from "../providers/payments/stripe.ts";
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from "../providers/sms/twilio.ts";
import { BLAND_SIGNATURE_HEADER, blandCallSchema, outcomeFromBland, verifyBlandSignature } from "../providers/voice/bland.ts";
import { topUpPaid } from "../lodging/points.ts";
import { recordSmsDelivery } from "../queues/delivery.ts";

export const webhooks = new Hono<{ Bindings: Env }>();

const MAX_BODY = 256 * 1024;

function rejected(reason: string) {
  return Response.json({ error: reason }, { status: 400 });
}

/**
 * Hands the event to its reservation. Its object knows the deliveries it has had (`duplicate`),
 * and records the receipt in the batch that applies or ignores the event (`receipted`).
 */
async function deliver(env: Env, provider: string, eventId: string, reservationId: string, event: ReservationEvent) {
  const result = await reservationStub(env, reservationId).dispatch(event, "provider", `${provider}:${eventId}`, undefined, { provider, eventId });
  if (result.status === null) console.warn(JSON.stringify({ msg: "webhook for unknown reservation", provider, reservation: reservationId }));
  return result;
}

webhooks.post("/stripe", async (c) => {
  const raw = await c.req.text();
  if (raw.length > MAX_BODY) return rejected("body too large");
  const signature = c.req.header("Stripe-Signature");
  if (!signature) return rejected("missing Stripe-Signature");
  let event;
  try {
    event = await verifyStripeEvent(raw, signature, c.env.STRIPE_WEBHOOK_SECRET);
  } catch {
    return rejected("signature does not verify");
  }
  // Deduplication needs the event's id: a signed body without one is not a Stripe event.
  if (typeof event.id !== "string" || !/^evt_[\w-]{1,250}$/.test(event.id) || typeof event.type !== "string") return rejected("not a Stripe event: id (evt_...) and type are required");
  const db = createDb(c.env.DB);
  const mapped = reservationEventFromStripe(event);
  if (mapped && !isTopUpId(mapped.reservationId)) {
    const told = await deliver(c.env, "stripe", event.id, mapped.reservationId, mapped.event);
    if (told.duplicate) return c.json({ received: true, duplicate: true });
    if (!told.receipted) await markReceived(db, "stripe", event.id);
    return c.json({ received: true });
  }
  if (await alreadyReceived(db, "stripe", event.id)) return c.json({ received: true, duplicate: true });
  // A member buying points (lodging): credited once, then the orders waiting for points are told.
  if (mapped?.event.type === "payment_completed") await topUpPaid(c.env, db, mapped.reservationId, mapped.event.amountJpy, `stripe:${event.id}`);
  await markReceived(db, "stripe", event.id);
  return c.json({ received: true });
});

webhooks.post("/bland", async (c) => {
  const raw = await c.req.text();
  if (raw.length > MAX_BODY) return rejected("body too large");
  if (!(await verifyBlandSignature(c.env.BLAND_WEBHOOK_SECRET, raw, c.req.header(BLAND_SIGNATURE_HEADER)))) return rejected("signature does not verify");
  let parsed;
  try {
    parsed = blandCallSchema.safeParse(JSON.parse(raw));
  } catch {
    return rejected("body is not JSON");
  }
  if (!parsed.success) return rejected("not a Bland call payload");
  const outcome = outcomeFromBland(parsed.data);
  // Progress updates and Bland's later transcript-only delivery carry no result.
  if (!outcome) return c.json({ received: true, final: false });
  const db = createDb(c.env.DB);
  if (outcome.reservationId && outcome.attemptId) {
    const told = await deliver(c.env, "bland", outcome.callId, outcome.reservationId, {
      type: "call_result",
      attemptId: outcome.attemptId,
      result: outcome.result,
      providerCallId: outcome.callId,
      ...(outcome.summary ? { summary: outcome.summary } : {}),
      ...(outcome.proposedChange ? { proposedChange: outcome.proposedChange } : {}),
    });
    if (told.duplicate) return c.json({ received: true, duplicate: true });
    if (told.receipted) return c.json({ received: true });
  } else if (await alreadyReceived(db, "bland", outcome.callId)) return c.json({ received: true, duplicate: true });
  await markReceived(db, "bland", outcome.callId);
  return c.json({ received: true });
});

webhooks.post("/twilio/sms", async (c) => {
  // Form-encoded: read the bytes (workerd warns on .text() for non-text content types).
  const raw = new TextDecoder().decode(await c.req.arrayBuffer());
  if (raw.length > MAX_BODY) return rejected("body too large");
  const params = new URLSearchParams(raw);
  const url = new URL(c.req.url);
  // Twilio signs the URL it was given (PUBLIC_URL based), not whatever host the request reached.
  const signedUrl = `${config(c.env).publicUrl}${url.pathname}${url.search}`;
  if (!(await verifyTwilioSignature(c.env.TWILIO_AUTH_TOKEN, signedUrl, params, c.req.header(TWILIO_SIGNATURE_HEADER)))) return rejected("signature does not verify");
  const sid = params.get("MessageSid");
  const status = params.get("MessageStatus");
  const jobId = url.searchParams.get("job");
  if (!sid || !status) return rejected("MessageSid and MessageStatus are required");
  // Callbacks arrive out of order and more than once; a message's status only moves forward,
  // in one conditional write, so a repeated callback changes nothing and needs no receipt; a
  // message that did not arrive is sent again or reported to its reservation, once
  // (src/queues/delivery.ts).
  if (jobId) await recordSmsDelivery(c.env, createDb(c.env.DB), { jobId, sid, status, errorCode: params.get("ErrorCode") });
  return c.body(null, 204);
});
