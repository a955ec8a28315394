// QRV on its worst day: a queue that refuses a send, an alarm that throws, a cancel racing a
// payment, a payment that lands after the deadline, and webhooks with bad bodies. Each effect
// still happens once and no reservation moves backwards.
import { createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { reservationEvents, reservations, sandboxCalls, sandboxRefunds, webhookReceipts } from "../src/db/schema.ts";
import { reservationStub } from "../src/durable/client.ts";
import worker from "../src/index.ts";
import { stripeSignatureHeader } from "../src/providers/payments/stripe.ts";
import { twilioSignature } from "../src/providers/sms/twilio.ts";
import { blandSignature } from "../src/providers/voice/bland.ts";
import { UNSENT_AFTER_MS, reservationsWithStrandedJobs } from "../src/db/outbox.ts";
import { STRANDED_AFTER_MS, sweep } from "../src/queues/sweeper.ts";
import { HOUR, createReservation, db, eventsOf, fireAlarm, jobsOf, paySandbox, record, seedShops, sentOf, waitForJobs, waitForStatus } from "./helpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

function post(path: string, body: string, headers: Record<string, string>) {
  return exports.default.fetch(new Request(`https://qrv.test${path}`, { method: "POST", body, headers }));
}

describe("outbox", () => {
  it("a committed transition whose enqueue failed is sent by the sweeper, exactly once", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const send = vi.spyOn(env.JOBS, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    const { id } = await createReservation(where);
    expect(send).toHaveBeenCalled();
    const stranded = (await jobsOf(id)).filter((j) => j.enqueuedAt === null);
    expect(stranded.map((j) => j.kind).sort()).toEqual(["call.place", "email.send", "sms.send"]);

    // Not yet: the sweeper leaves fresh rows to the object that committed them.
    expect((await sweep(env)).woken).not.toContain(id);
    const later = Date.now() + 60_000;
    expect((await sweep(env, later)).woken).toContain(id);
    await sweep(env, later + 1000);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const sms = (await sentOf(id)).filter((s) => s.channel === "sms");
    expect(sms).toHaveLength(1);
    expect((await jobsOf(id)).map((j) => [j.kind, j.status, j.attempts])).toEqual(expect.arrayContaining([["sms.send", "done", 1], ["email.send", "done", 1]]));
    expect((await jobsOf(id)).filter((j) => !(j.status === "done" && j.attempts === 1)).map((j) => [j.kind, j.status, j.attempts, j.lastError])).toEqual([]);
  });

  it("jobs committed as enqueued whose send was lost with its sender are sent by the sweeper once they are overdue, exactly once", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    // The commit marks its jobs enqueued; the object dies before the queue gets them (here: a
    // send that silently delivers nothing), so nothing takes the mark off.
    vi.spyOn(env.JOBS, "sendBatch").mockResolvedValueOnce(undefined as never);
    const { id } = await createReservation(where);
    const lost = await jobsOf(id);
    expect(lost.map((j) => [j.kind, j.status, j.attempts, j.enqueuedAt !== null]).sort()).toEqual([
      ["call.place", "pending", 0, true],
      ["email.send", "pending", 0, true],
      ["sms.send", "pending", 0, true],
    ]);
    // A queue backlog is not a loss: not stranded until UNSENT_AFTER_MS have passed.
    const stranded = (at: number) => reservationsWithStrandedJobs(db, at - STRANDED_AFTER_MS, at);
    expect(await stranded(Date.now() + STRANDED_AFTER_MS + 15_000)).not.toContain(id);
    const later = Date.now() + UNSENT_AFTER_MS + 1000;
    expect(await stranded(later)).toContain(id);
    expect((await sweep(env, later)).woken).toContain(id);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    // Sent again with a fresh mark: no longer stranded.
    expect(await stranded(later + 1000)).not.toContain(id);
    expect((await sentOf(id)).filter((s) => s.channel === "sms")).toHaveLength(1);
    expect((await jobsOf(id)).filter((j) => !(j.status === "done" && j.attempts === 1)).map((j) => [j.kind, j.status, j.attempts, j.lastError])).toEqual([]);
  });

  it("the cron handler runs the sweeper", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    vi.spyOn(env.JOBS, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    const { id } = await createReservation(where);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env);
    vi.useRealTimers();
    await waitForJobs(id);
    expect((await sentOf(id)).filter((s) => s.channel === "sms")).toHaveLength(1);
  });
});

describe("alarms", () => {
  it("an alarm whose handler throws runs again and the flow resumes, sending nothing twice", async () => {
    const where = await seedShops([{ answer: "manual", name: "一軒目" }, { answer: "manual", name: "二軒目" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const before = await record(id);
    // The call timeout fires while D1 refuses the commit.
    vi.spyOn(env.DB, "batch").mockRejectedValueOnce(new Error("D1 unavailable"));
    await expect(fireAlarm(id)).rejects.toThrow();
    expect(await record(id)).toEqual(before);
    // Redelivered (as the runtime retries a failed alarm): this time it commits.
    await reservationStub(env, id).flush();
    await fireAlarm(id);
    const after = await record(id);
    expect(after.data.attempts.map((a) => [a.shopName, a.result])).toEqual([
      ["一軒目", "no_answer"],
      ["二軒目", undefined],
    ]);
    await waitForJobs(id);
    expect((await jobsOf(id)).filter((j) => j.kind === "call.place")).toHaveLength(2);
    expect(await db.select().from(sandboxCalls).where(eq(sandboxCalls.reservationId, id))).toHaveLength(2);
  });
});

describe("payment races", () => {
  async function pending(price = 5000) {
    const where = await seedShops([{ answer: "accepted", priceJpy: price }]);
    const { id } = await createReservation(where, { startAt: Date.now() + 72 * HOUR });
    const r = await waitForStatus(id, "payment_pending");
    return { id, sessionId: r.data.payment!.sessionId! };
  }

  function completedEvent(id: string, sessionId: string, paymentIntent: string, amount: number) {
    return JSON.stringify({
      id: `evt_${crypto.randomUUID()}`,
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: sessionId, object: "checkout.session", status: "complete", payment_status: "paid", payment_intent: paymentIntent, amount_total: amount, metadata: { reservation_id: id } } },
    });
  }

  it("cancel and payment at the same moment: cancelled, and the money refunded exactly once", async () => {
    const { id, sessionId } = await pending(6600);
    const [cancel] = await Promise.all([
      reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester"),
      paySandbox(sessionId),
    ]);
    expect(cancel.applied).toBe(true);
    await waitForJobs(id);
    await expect.poll(async () => (await record(id)).data.payment?.refund?.status, { timeout: 10_000 }).toBe("succeeded");
    const r = await record(id);
    expect(r.status).toBe("cancelled");
    const paidWith = r.data.payment!.paymentIntentId ?? r.data.payment!.latePayment!.paymentIntentId;
    const refunds = await db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, paidWith));
    expect(refunds.map((x) => x.amount)).toEqual([6600]);
  });

  it("a payment that lands after payment_timeout is refunded automatically and the requester is told", async () => {
    const { id, sessionId } = await pending(5500);
    await fireAlarm(id);
    expect((await record(id)).status).toBe("payment_timeout");
    const body = completedEvent(id, sessionId, "pi_too_late", 5500);
    const res = await post("/webhooks/stripe", body, { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(body, env.STRIPE_WEBHOOK_SECRET) });
    expect(res.status).toBe(200);
    await waitForJobs(id);
    expect((await record(id)).status).toBe("payment_timeout");
    expect((await db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, "pi_too_late"))).map((x) => x.amount)).toEqual([5500]);
    expect((await sentOf(id)).filter((s) => s.channel === "sms").at(-1)!.body).toContain("全額返金");
    // The same money arriving again (another delivery) is not refunded twice.
    const again = completedEvent(id, sessionId, "pi_too_late", 5500);
    await post("/webhooks/stripe", again, { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(again, env.STRIPE_WEBHOOK_SECRET) });
    await waitForJobs(id);
    expect(await db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, "pi_too_late"))).toHaveLength(1);
  });

  it("a call result that arrives after the call timed out does not move the reservation back", async () => {
    const where = await seedShops([{ answer: "manual" }, { answer: "manual" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "calling");
    await waitForJobs(id);
    await fireAlarm(id); // first call times out: the second shop is called
    const late = JSON.stringify({ call_id: crypto.randomUUID(), completed: true, queue_status: "complete", answered_by: "human", metadata: { reservation_id: id, attempt_id: r.data.attempts[0]!.id }, analysis: { outcome: "accepted" } });
    const res = await post("/webhooks/bland", late, { "Content-Type": "application/json", "X-Webhook-Signature": await blandSignature(env.BLAND_WEBHOOK_SECRET, late) });
    expect(res.status).toBe(200);
    const after = await record(id);
    expect(after.status).toBe("calling");
    expect(after.data.attempts.map((a) => a.result)).toEqual(["no_answer", undefined]);
    expect((await eventsOf(id)).at(-1)).toMatchObject({ type: "call_result", ignored: true });
  });
});

describe("bad webhook bodies are refused without changing anything", () => {
  const cases: [string, string, () => Promise<[string, Record<string, string>]>][] = [
    ["stripe: signed but not JSON", "/webhooks/stripe", async () => ["{not json", { "Stripe-Signature": await stripeSignatureHeader("{not json", env.STRIPE_WEBHOOK_SECRET) }]],
    ["stripe: no signature", "/webhooks/stripe", async () => ['{"id":"evt_1"}', {}]],
    ["stripe: signed, no event id", "/webhooks/stripe", async () => { const b = JSON.stringify({ object: "event", type: "checkout.session.completed", data: { object: { id: "cs_1", metadata: { reservation_id: "QRV-AAAAAA" } } } }); return [b, { "Stripe-Signature": await stripeSignatureHeader(b, env.STRIPE_WEBHOOK_SECRET) }]; }],
    ["stripe: 1 MB body", "/webhooks/stripe", async () => { const b = `{"pad":"${"x".repeat(1_000_000)}"}`; return [b, { "Stripe-Signature": await stripeSignatureHeader(b, env.STRIPE_WEBHOOK_SECRET) }]; }],
    ["bland: signed but not JSON", "/webhooks/bland", async () => ["<xml/>", { "X-Webhook-Signature": await blandSignature(env.BLAND_WEBHOOK_SECRET, "<xml/>") }]],
    ["bland: signed, wrong types", "/webhooks/bland", async () => { const b = JSON.stringify({ call_id: 42, completed: "yes" }); return [b, { "X-Webhook-Signature": await blandSignature(env.BLAND_WEBHOOK_SECRET, b) }]; }],
    ["bland: 1 MB body", "/webhooks/bland", async () => { const b = JSON.stringify({ call_id: "c", pad: "x".repeat(1_000_000) }); return [b, { "X-Webhook-Signature": await blandSignature(env.BLAND_WEBHOOK_SECRET, b) }]; }],
    ["twilio: signed, no MessageSid", "/webhooks/twilio/sms", async () => { const f = new URLSearchParams({ MessageStatus: "delivered" }); return [f.toString(), { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": await twilioSignature(env.TWILIO_AUTH_TOKEN, "https://qrv.test/webhooks/twilio/sms", f) }]; }],
    ["twilio: unsigned", "/webhooks/twilio/sms", async () => ["MessageSid=SM1&MessageStatus=failed", { "Content-Type": "application/x-www-form-urlencoded" }]],
  ];
  /** Everything a webhook could write: receipts, reservations (and their versions), events. */
  async function footprint() {
    const count = async (table: typeof webhookReceipts | typeof reservationEvents) => (await db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n;
    const versions = await db.select({ n: sql<number>`count(*)`, v: sql<number>`coalesce(sum(${reservations.version}), 0)` }).from(reservations);
    return { receipts: await count(webhookReceipts), events: await count(reservationEvents), reservations: versions[0] };
  }
  for (const [label, path, make] of cases) {
    it(label, async () => {
      const [body, headers] = await make();
      const before = await footprint();
      const res = await post(path, body, headers);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/\bat\s+\S+\.(ts|js):\d+/);
      expect(await footprint()).toEqual(before);
    });
  }
});
