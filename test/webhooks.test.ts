// Webhook routes: only correctly signed requests change anything, and each provider event
// changes things once.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { outbox } from "../src/db/schema.ts";
import { stripeSignatureHeader } from "../src/providers/payments/stripe.ts";
import { twilioSignature } from "../src/providers/sms/twilio.ts";
import { blandSignature } from "../src/providers/voice/bland.ts";
import { createReservation, db, eventsOf, record, seedShops, waitForStatus } from "./helpers.ts";

function post(path: string, body: string, headers: Record<string, string>) {
  return exports.default.fetch(new Request(`https://qrv.test${path}`, { method: "POST", body, headers }));
}

async function callingReservation() {
  const where = await seedShops([{ answer: "manual" }, { answer: "manual" }]);
  const { id } = await createReservation(where);
  const r = await waitForStatus(id, "calling");
  return { id, attemptId: r.data.attempts[0]!.id };
}

function blandBody(id: string, attemptId: string, callId: string, outcome = "declined") {
  return JSON.stringify({ call_id: callId, completed: true, status: "completed", queue_status: "complete", answered_by: "human", metadata: { reservation_id: id, attempt_id: attemptId }, analysis: { outcome } });
}

describe("/webhooks/bland", () => {
  it("rejects a bad signature with 400 and changes nothing", async () => {
    const { id, attemptId } = await callingReservation();
    const before = await record(id);
    const body = blandBody(id, attemptId, crypto.randomUUID());
    const res = await post("/webhooks/bland", body, { "Content-Type": "application/json", "X-Webhook-Signature": await blandSignature("wrong secret", body) });
    expect(res.status).toBe(400);
    const unsigned = await post("/webhooks/bland", body, { "Content-Type": "application/json" });
    expect(unsigned.status).toBe(400);
    expect(await record(id)).toEqual(before);
  });

  it("applies a verified result once; a duplicate gets 200 and changes nothing", async () => {
    const { id, attemptId } = await callingReservation();
    const body = blandBody(id, attemptId, crypto.randomUUID());
    const headers = { "Content-Type": "application/json", "X-Webhook-Signature": await blandSignature(env.BLAND_WEBHOOK_SECRET, body) };
    expect((await post("/webhooks/bland", body, headers)).status).toBe(200);
    const after = await record(id);
    expect(after.data.attempts[0]!.result).toBe("declined");
    const events = (await eventsOf(id)).length;
    const dup = await post("/webhooks/bland", body, headers);
    expect(dup.status).toBe(200);
    expect(await dup.json()).toMatchObject({ duplicate: true });
    expect(await record(id)).toEqual(after);
    expect((await eventsOf(id)).length).toBe(events);
  });

  it("a tampered body does not verify", async () => {
    const { id, attemptId } = await callingReservation();
    const body = blandBody(id, attemptId, crypto.randomUUID(), "declined");
    const signature = await blandSignature(env.BLAND_WEBHOOK_SECRET, body);
    const res = await post("/webhooks/bland", body.replace("declined", "accepted"), { "Content-Type": "application/json", "X-Webhook-Signature": signature });
    expect(res.status).toBe(400);
    expect((await record(id)).status).toBe("calling");
  });
});

describe("/webhooks/stripe", () => {
  async function pendingReservation() {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "payment_pending");
    return { id, sessionId: r.data.payment!.sessionId! };
  }

  function completed(id: string, sessionId: string, eventId = `evt_${crypto.randomUUID()}`) {
    return JSON.stringify({
      id: eventId,
      object: "event",
      type: "checkout.session.completed",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: sessionId, object: "checkout.session", status: "complete", payment_status: "paid", payment_intent: "pi_webhook", amount_total: 5000, metadata: { reservation_id: id } } },
    });
  }

  it("rejects tampered, foreign-signed and stale events with 400", async () => {
    const { id, sessionId } = await pendingReservation();
    const body = completed(id, sessionId);
    const good = await stripeSignatureHeader(body, env.STRIPE_WEBHOOK_SECRET);
    for (const [payload, header] of [
      [body.replace("pi_webhook", "pi_other"), good],
      [body, await stripeSignatureHeader(body, "whsec_someone_else")],
      [body, await stripeSignatureHeader(body, env.STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600)],
      [body, "t=1,v1=00"],
    ] as const) {
      expect((await post("/webhooks/stripe", payload, { "Content-Type": "application/json", "Stripe-Signature": header })).status).toBe(400);
    }
    expect((await post("/webhooks/stripe", body, { "Content-Type": "application/json" })).status).toBe(400);
    expect((await record(id)).status).toBe("payment_pending");
  });

  it("confirms on a verified completion; a replay changes nothing", async () => {
    const { id, sessionId } = await pendingReservation();
    const body = completed(id, sessionId);
    const headers = { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(body, env.STRIPE_WEBHOOK_SECRET) };
    expect((await post("/webhooks/stripe", body, headers)).status).toBe(200);
    const confirmed = await record(id);
    expect(confirmed.status).toBe("confirmed");
    const replay = await post("/webhooks/stripe", body, headers);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(await record(id)).toEqual(confirmed);
  });

  it("an expiry that arrives after the payment does not move the reservation back", async () => {
    const { id, sessionId } = await pendingReservation();
    const paid = completed(id, sessionId);
    await post("/webhooks/stripe", paid, { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(paid, env.STRIPE_WEBHOOK_SECRET) });
    const expired = JSON.stringify({ id: `evt_${crypto.randomUUID()}`, object: "event", type: "checkout.session.expired", data: { object: { id: sessionId, object: "checkout.session", status: "expired", metadata: { reservation_id: id } } } });
    const res = await post("/webhooks/stripe", expired, { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(expired, env.STRIPE_WEBHOOK_SECRET) });
    expect(res.status).toBe(200);
    expect((await record(id)).status).toBe("confirmed");
  });
});

describe("/webhooks/twilio/sms", () => {
  async function smsJob() {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    return vi_poll(async () => (await db.select().from(outbox).where(eq(outbox.reservationId, id))).find((j) => j.kind === "sms.send" && j.providerRef));
  }

  async function callback(jobId: string, params: Record<string, string>, token = env.TWILIO_AUTH_TOKEN) {
    const form = new URLSearchParams(params);
    const path = `/webhooks/twilio/sms?job=${jobId}`;
    const signature = await twilioSignature(token, `https://qrv.test${path}`, form);
    return post(path, form.toString(), { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature });
  }

  it("rejects a callback signed with another token", async () => {
    const job = await smsJob();
    const res = await callback(job.id, { MessageSid: job.providerRef!, MessageStatus: "failed", ErrorCode: "30006" }, "not the token");
    expect(res.status).toBe(400);
    expect((await db.query.outbox.findFirst({ where: eq(outbox.id, job.id) }))!.deliveryStatus).not.toBe("failed");
  });

  it("records delivery, and a late 'sent' does not undo 'delivered'", async () => {
    const job = await smsJob();
    const sid = `SM${crypto.randomUUID().replaceAll("-", "")}`;
    await db.update(outbox).set({ providerRef: sid, deliveryStatus: "queued" }).where(eq(outbox.id, job.id));
    expect((await callback(job.id, { MessageSid: sid, MessageStatus: "delivered" })).status).toBe(204);
    expect((await callback(job.id, { MessageSid: sid, MessageStatus: "sent" })).status).toBe(204);
    expect((await db.query.outbox.findFirst({ where: eq(outbox.id, job.id) }))!.deliveryStatus).toBe("delivered");
  });

  it("a failure callback delivered twice sends the SMS again once", async () => {
    const job = await smsJob();
    const sid = `SM${crypto.randomUUID().replaceAll("-", "")}`;
    await db.update(outbox).set({ providerRef: sid, deliveryStatus: "sent" }).where(eq(outbox.id, job.id));
    const send = vi.spyOn(env.JOBS, "send");
    const failed = { MessageSid: sid, MessageStatus: "undelivered", ErrorCode: "30003" };
    const [a, b] = await Promise.all([callback(job.id, failed), callback(job.id, failed)]);
    expect([a.status, b.status]).toEqual([204, 204]);
    expect((await callback(job.id, failed)).status).toBe(204);
    expect(send.mock.calls.filter(([m]) => (m as { id?: string }).id === job.id)).toHaveLength(1);
    send.mockRestore();
    expect(await db.query.outbox.findFirst({ where: eq(outbox.id, job.id) })).toMatchObject({ status: "pending", providerRef: null, lastError: expect.stringContaining("30003") });
    // The resend waits SMS_RESEND_DELAY_SECONDS, longer than this file runs: settle it here.
    await db.update(outbox).set({ status: "done" }).where(eq(outbox.id, job.id));
  });
});

async function vi_poll<T>(fn: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await expect
    .poll(async () => {
      value = await fn();
      return value !== undefined;
    })
    .toBe(true);
  return value!;
}
