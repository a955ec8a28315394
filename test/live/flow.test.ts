// PROVIDERS=live: whole reservations through the live adapters, against fake providers that
// accept only correctly shaped, correctly authenticated requests, and webhooks signed as each
// provider signs them. Tampered, replayed, stale and duplicate webhooks change nothing.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { alerts, reservationEvents } from "../../src/db/schema.ts";
import { callList } from "../../src/db/shops.ts";
import { reservationStub } from "../../src/durable/client.ts";
import { stripeSignatureHeader } from "../../src/providers/payments/stripe.ts";
import { HOUR, createReservation, db, eventsOf, fireAlarm, jobsOf, record, seedShops, uniqueMobile, waitForJobs, waitForStatus } from "../helpers.ts";
import { fakeProviders, type FakeProviders, type PlacedCall } from "./fake-providers.ts";
import { postBland, postStripe, postTwilioStatus, stripeEvent } from "./webhooks.ts";

let fakes: FakeProviders;
beforeEach(() => {
  fakes = fakeProviders();
});

async function request(shops: Parameters<typeof seedShops>[0], opts: { email?: string | null; startAt?: number } = {}) {
  const where = await seedShops(shops);
  const phone = uniqueMobile();
  const { id, guestUrl } = await createReservation(where, {
    requester: { name: "山田 太郎", phone, language: "ja", ...(opts.email === null ? {} : { email: opts.email ?? "taro@example.com" }) },
    ...(opts.startAt ? { startAt: opts.startAt } : {}),
  });
  return { id, guestUrl, phone, where };
}

function callFor(id: string, n: number): Promise<PlacedCall> {
  return vi.waitFor(
    () => {
      const calls = fakes.calls.filter((c) => c.body.metadata.reservation_id === id);
      if (calls.length < n) throw new Error(`${calls.length} call(s) placed for ${id}, waiting for ${n}`);
      return calls[n - 1]!;
    },
    { timeout: 10_000, interval: 25 },
  );
}

function smsTo(phone: string) {
  return fakes.sms.filter((s) => s.to === phone);
}

async function shopAnswers(id: string, n: number, outcome: string, proposedChange?: string) {
  const call = await callFor(id, n);
  const res = await postBland(fakes.callEnded(call, { outcome, ...(proposedChange ? { proposedChange } : {}) }));
  expect(res.status).toBe(200);
  return call;
}

/** Accepted by the first shop, waiting for payment. */
async function awaitingPayment(opts: { email?: string | null; startAt?: number } = {}) {
  const r = await request([{ answer: "accepted", name: "受ける店", priceJpy: 6600 }], opts);
  await shopAnswers(r.id, 1, "accepted");
  const pending = await waitForStatus(r.id, "payment_pending");
  return { ...r, sessionId: pending.data.payment!.sessionId! };
}

describe("live providers: a reservation end to end", () => {
  it("calls the shops, takes payment through Stripe Checkout and confirms, with every message sent for real", async () => {
    const { id, guestUrl, phone } = await request([{ answer: "declined", name: "断る店" }, { answer: "accepted", name: "受ける店", priceJpy: 6600 }]);

    // Bland: one call per shop, in order, with the reservation in the prompt and metadata.
    const first = await shopAnswers(id, 1, "declined");
    expect(first.body).toMatchObject({ language: "ja", wait_for_greeting: true, from: env.BLAND_FROM, webhook: "https://qrv.test/webhooks/bland", metadata: { reservation_id: id, attempt_id: `${id}:1` } });
    expect(String(first.body.task)).toContain("山田 太郎");
    expect(String(first.body.task)).toContain("2名");
    expect(String(first.body.task)).toContain("ご連絡お待ちしております");
    const second = await shopAnswers(id, 2, "accepted");
    expect(second.body.metadata.attempt_id).toBe(`${id}:2`);

    // Stripe: one Checkout Session, JPY, card only, keyed by the payment job's outbox id.
    const pending = await waitForStatus(id, "payment_pending");
    expect(pending.data.attempts.map((a) => [a.shopName, a.result, a.providerCallId])).toEqual([
      ["断る店", "declined", first.callId],
      ["受ける店", "accepted", second.callId],
    ]);
    const paymentJob = (await jobsOf(id)).find((j) => j.kind === "payment.create")!;
    const creates = fakes.stripeRequests.filter((r) => r.path === "/v1/checkout/sessions" && r.form.get("metadata[reservation_id]") === id);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.idempotencyKey).toBe(paymentJob.id);
    const form = Object.fromEntries(creates[0]!.form);
    expect(form).toMatchObject({
      mode: "payment",
      "allowed_payment_method_types[0]": "card",
      currency: "jpy",
      "line_items[0][price_data][unit_amount]": "6600",
      "line_items[0][quantity]": "1",
      client_reference_id: id,
      customer_email: "taro@example.com",
      locale: "ja",
      success_url: `${guestUrl}?payment=success`,
      cancel_url: `${guestUrl}?payment=cancel`,
    });
    const expiresIn = Number(form.expires_at) - Math.floor(Date.now() / 1000);
    expect(expiresIn).toBeGreaterThanOrEqual(30 * 60 - 60);
    expect(expiresIn).toBeLessThanOrEqual(36 * 60);
    const session = fakes.sessions.get(pending.data.payment!.sessionId!)!;
    expect(pending.data.payment!.url).toBe(session.url);

    // Twilio: the payment link goes by SMS through the Messaging Service.
    await vi.waitFor(() => expect(smsTo(phone).map((s) => s.body)).toEqual([expect.stringContaining("受け付けました"), expect.stringContaining(session.url!)]));
    expect(smsTo(phone)[0]).toMatchObject({ messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID, from: null });
    expect(smsTo(phone)[0]!.body).toContain(guestUrl);

    // The requester pays; Stripe says so with a signed event.
    const paid = fakes.pay(session.id);
    const completed = stripeEvent("checkout.session.completed", paid);
    expect((await postStripe(completed)).status).toBe(200);
    const confirmed = await waitForStatus(id, "confirmed");
    expect(confirmed.data.payment).toMatchObject({ paymentIntentId: paid.payment_intent, paidAt: expect.any(Number) });
    await waitForJobs(id);
    await vi.waitFor(() => expect(smsTo(phone).at(-1)!.body).toContain("ご予約が確定しました"));

    // Every job ran once through a live adapter and recorded the provider's reference.
    const jobs = await jobsOf(id);
    expect(jobs.every((j) => j.status === "done" && j.attempts === 1)).toBe(true);
    expect(jobs.filter((j) => j.kind === "sms.send").map((j) => j.providerRef).sort()).toEqual(smsTo(phone).map((s) => s.sid).sort());
    expect(jobs.filter((j) => j.kind === "call.place").map((j) => j.providerRef)).toEqual([first.callId, second.callId]);
    const emails = jobs.filter((j) => j.kind === "email.send");
    expect(emails.map((j) => JSON.parse(j.payload).subject).sort()).toEqual(["[QRV] 予約リクエストを受け付けました", "[QRV] 仮予約のお知らせ", "[QRV] ご予約が確定しました", "[QRV] 予約確定のお知らせ"].sort());
    expect(emails.every((j) => /^<.+@qrv\.test>$/.test(j.providerRef ?? ""))).toBe(true);

    // Twilio reports delivery; out of order, a late "sent" does not undo "delivered".
    for (const sms of smsTo(phone)) {
      expect((await postTwilioStatus(sms, "delivered")).status).toBe(204);
      expect((await postTwilioStatus(sms, "sent")).status).toBe(204);
    }
    expect((await jobsOf(id)).filter((j) => j.kind === "sms.send").map((j) => j.deliveryStatus)).toEqual(["delivered", "delivered", "delivered"]);
    expect(fakes.refused).toEqual([]);

    // Replayed, tampered, stale and foreign webhooks change nothing.
    const before = await record(id);
    const eventCount = (await eventsOf(id)).length;
    const replay = await postStripe(completed);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    const genuine = await stripeSignatureHeader(completed, env.STRIPE_WEBHOOK_SECRET);
    expect((await postStripe(completed.replace(paid.payment_intent!, "pi_attacker"), { signature: genuine })).status).toBe(400);
    expect((await postStripe(stripeEvent("checkout.session.completed", paid), { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(400);
    expect((await postStripe(stripeEvent("checkout.session.completed", paid), { secret: "whsec_not_ours" })).status).toBe(400);
    const blandAgain = await postBland(fakes.callEnded(second, { outcome: "accepted" }));
    expect(await blandAgain.json()).toMatchObject({ duplicate: true });
    const signedAccepted = fakes.callEnded(second, { outcome: "accepted" });
    expect((await postBland(signedAccepted, { body: JSON.stringify(signedAccepted).replace('"outcome":"accepted"', '"outcome":"declined"') })).status).toBe(400);
    expect((await postTwilioStatus(smsTo(phone)[0]!, "failed", { ErrorCode: "30006" }, "not the auth token")).status).toBe(400);
    expect(await record(id)).toEqual(before);
    expect((await eventsOf(id)).length).toBe(eventCount);
    expect(smsTo(phone)).toHaveLength(3);
  });

  it("when a call's webhook never comes, the timeout asks Bland for the call before counting it", async () => {
    const { id } = await request([{ answer: "accepted", name: "電話の店" }, { answer: "accepted", name: "次の店" }]);
    const call = await callFor(id, 1);
    await vi.waitFor(async () => expect((await record(id)).data.attempts[0]!.providerCallId).toBe(call.callId));
    fakes.callDetails.set(call.callId, fakes.callEnded(call, { outcome: "accepted" }));
    await fireAlarm(id);
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.attempts.map((a) => [a.shopName, a.result])).toEqual([["電話の店", "accepted"]]);
  });

  it("a voicemail is no answer and a call that errors is failed: the next shop is called", async () => {
    const { id } = await request([{ answer: "accepted", name: "留守電の店" }, { answer: "accepted", name: "不通の店" }, { answer: "accepted", name: "三番目の店" }]);
    await postBland(fakes.callEnded(await callFor(id, 1), { answeredBy: "voicemail" }));
    await postBland(fakes.callEnded(await callFor(id, 2), { answeredBy: "unknown", error: "The number is not in service" }));
    await callFor(id, 3);
    expect((await record(id)).data.attempts.map((a) => [a.shopName, a.result])).toEqual([
      ["留守電の店", "no_answer"],
      ["不通の店", "failed"],
      ["三番目の店", undefined],
    ]);
  });

  it("a shop flagged do-not-call is never phoned", async () => {
    const where = await seedShops([{ answer: "accepted", name: "電話しない店" }, { answer: "accepted", name: "次の店" }]);
    const shops = await callList(db, where.service, where.area);
    await env.DB.prepare("UPDATE shops SET do_not_call = 1 WHERE area = ? AND name = ?").bind(where.area, "電話しない店").run();
    const { id } = await createReservation(where, { shops, requester: { name: "山田 太郎", phone: uniqueMobile(), language: "ja" } });
    const call = await callFor(id, 1);
    expect(call.body.phone_number).toBe(shops[1]!.phone);
    expect(fakes.calls.some((c) => c.body.phone_number === shops[0]!.phone)).toBe(false);
    expect((await record(id)).data.attempts[0]).toMatchObject({ shopName: "電話しない店", result: "failed", summary: "skipped: do-not-call" });
  });
});

describe("live providers: payment deadline", () => {
  it("the 10-minute alarm expires the session; a payment that still lands is refunded and the requester told", async () => {
    const { id, phone, sessionId } = await awaitingPayment();
    await fireAlarm(id);
    const timedOut = await waitForStatus(id, "payment_timeout");
    expect(fakes.sessions.get(sessionId)!.status).toBe("expired");
    expect(fakes.stripeRequests.filter((r) => r.path === `/v1/checkout/sessions/${sessionId}/expire`)).toHaveLength(1);
    await vi.waitFor(() => expect(smsTo(phone).at(-1)!.body).toContain("決済期限が切れました。再度予約をお願いします。"));

    // Stripe's own expiry event arrives too: nothing moves.
    expect((await postStripe(stripeEvent("checkout.session.expired", fakes.sessions.get(sessionId)))).status).toBe(200);
    expect((await record(id)).version).toBe(timedOut.version);

    // A payment made in the last second, reported after the deadline.
    const paid = { ...fakes.sessions.get(sessionId)!, status: "complete", payment_status: "paid", payment_intent: "pi_latepayment0001" };
    expect((await postStripe(stripeEvent("checkout.session.completed", paid))).status).toBe(200);
    await waitForJobs(id);
    const refundJob = (await jobsOf(id)).find((j) => j.kind === "payment.refund")!;
    const refunds = fakes.stripeRequests.filter((r) => r.path === "/v1/refunds");
    expect(refunds.map((r) => [r.idempotencyKey, r.form.get("payment_intent"), r.form.get("amount"), r.form.get("metadata[reservation_id]")])).toEqual([[refundJob.id, "pi_latepayment0001", "6600", id]]);
    const refund = [...fakes.refunds.values()].find((r) => r.metadata.reservation_id === id)!;
    expect((await record(id)).data.payment!.refund).toMatchObject({ status: "succeeded", refundId: refund.id });
    await vi.waitFor(() => expect(smsTo(phone).at(-1)!.body).toContain("全額返金します"));
    expect((await record(id)).status).toBe("payment_timeout");

    // Stripe's refund event, twice and late: nothing moves backwards.
    const refundEvent = stripeEvent("refund.updated", { ...refund, status: "pending" });
    expect((await postStripe(refundEvent)).status).toBe(200);
    expect((await record(id)).data.payment!.refund!.status).toBe("succeeded");
  });

  it("if Stripe says the session was already paid when the alarm expires it, the booking is confirmed", async () => {
    const { id, sessionId } = await awaitingPayment();
    const paid = fakes.pay(sessionId);
    await fireAlarm(id);
    const confirmed = await waitForStatus(id, "confirmed");
    expect(confirmed.data.payment!.paymentIntentId).toBe(paid.payment_intent);
    // The completion webhook arriving afterwards is a no-op.
    const version = confirmed.version;
    expect((await postStripe(stripeEvent("checkout.session.completed", paid))).status).toBe(200);
    expect((await record(id)).version).toBe(version);
    expect(fakes.refunds.size).toBe(0);
  });

  it("a Checkout Session completed without payment does not confirm; async success does", async () => {
    const { id, sessionId } = await awaitingPayment();
    const unpaid = { ...fakes.sessions.get(sessionId)!, status: "complete", payment_status: "unpaid" };
    await postStripe(stripeEvent("checkout.session.completed", unpaid));
    await postStripe(stripeEvent("checkout.session.async_payment_failed", unpaid));
    expect((await record(id)).status).toBe("payment_pending");
    const paid = fakes.pay(sessionId);
    await postStripe(stripeEvent("checkout.session.async_payment_succeeded", paid));
    expect((await record(id)).status).toBe("confirmed");
  });

  it("cancelling a confirmed booking 48 hours ahead refunds it through Stripe, once", async () => {
    const { id, sessionId } = await awaitingPayment({ startAt: Date.now() + 72 * HOUR });
    const paid = fakes.pay(sessionId);
    await postStripe(stripeEvent("checkout.session.completed", paid));
    await waitForStatus(id, "confirmed");
    const outcome = await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    expect(outcome.outcome).toMatchObject({ result: "cancelled_refund", refundJpy: 6600 });
    await waitForJobs(id);
    const refunds = fakes.stripeRequests.filter((r) => r.path === "/v1/refunds" && r.form.get("metadata[reservation_id]") === id);
    expect(refunds.map((r) => [r.form.get("payment_intent"), r.form.get("amount"), r.form.get("reason")])).toEqual([[paid.payment_intent, "6600", "requested_by_customer"]]);
    expect((await record(id)).data.payment!.refund!.status).toBe("succeeded");
  });
});

describe("live providers: an SMS that does not arrive", () => {
  it("a permanent delivery error stops the SMS, alerts operators on Slack once and sends the same content by email", async () => {
    const { id, phone, guestUrl } = await request([{ answer: "manual" }]);
    await vi.waitFor(() => expect(smsTo(phone)).toHaveLength(1));
    const received = smsTo(phone)[0]!;
    await waitForJobs(id);
    expect((await postTwilioStatus(received, "sent")).status).toBe(204);
    expect((await postTwilioStatus(received, "undelivered", { ErrorCode: "30006" })).status).toBe(204);
    await waitForJobs(id);

    const smsJob = (await jobsOf(id)).find((j) => j.kind === "sms.send")!;
    expect(smsJob).toMatchObject({ status: "done", deliveryStatus: "undelivered", lastError: "Twilio error 30006" });
    expect(smsTo(phone)).toHaveLength(1);
    const fallback = (await jobsOf(id)).find((j) => j.kind === "email.send" && JSON.parse(j.payload).template === "sms_fallback")!;
    expect(fallback.status).toBe("done");
    expect(JSON.parse(fallback.payload).text).toContain("ご予約リクエストを受け付けました");
    expect(JSON.parse(fallback.payload).text).toContain("{{guest_url.");
    expect(JSON.stringify(await jobsOf(id))).not.toContain(guestUrl);

    await vi.waitFor(() => expect(fakes.slack.filter((s) => s.text.includes(id))).toHaveLength(1));
    const alert = fakes.slack.find((s) => s.text.includes(id))!;
    expect(alert.text).toContain(`予約ID: ${id} のSMS送信が全て失敗`);
    expect(alert.text).toContain("対応: 依頼者に電話で連絡し");
    expect(alert.text).toContain(`https://qrv.test/admin/reservations/${id}`);
    expect(JSON.stringify(alert.blocks)).toContain("sms_undeliverable");
    expect(JSON.stringify(alert.blocks)).toContain(`<https://qrv.test/admin/reservations/${id}|`);

    // More failure reports for the same message change nothing.
    const version = (await record(id)).version;
    expect((await postTwilioStatus(received, "failed", { ErrorCode: "30006" })).status).toBe(204);
    expect((await postTwilioStatus(received, "undelivered", { ErrorCode: "30006" })).status).toBe(204);
    expect((await record(id)).version).toBe(version);
    // Another SMS of the same reservation fails too: its content goes by email, but operators
    // already have this case for this reservation and are not alerted twice.
    await reservationStub(env, id).dispatch({ type: "sms_failed", jobId: "job_another_sms", body: "別のSMS", error: "Twilio: message undelivered (error 30005)" }, "provider");
    await waitForJobs(id);
    expect((await jobsOf(id)).filter((j) => j.kind === "email.send" && JSON.parse(j.payload).template === "sms_fallback")).toHaveLength(2);
    expect(fakes.slack.filter((s) => s.text.includes(id))).toHaveLength(1);
    expect((await db.select().from(alerts).where(eq(alerts.reservationId, id))).map((a) => a.case)).toEqual(["sms_undeliverable"]);
    expect((await record(id)).status).toBe("calling");
  });

  it("a passing delivery failure sends the SMS again, a few times, before it counts as undeliverable", async () => {
    const { id, phone } = await request([{ answer: "manual" }]);
    await vi.waitFor(() => expect(smsTo(phone)).toHaveLength(1));
    await waitForJobs(id);
    const { createExecutionContext, createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const worker = (await import("../../src/index.ts")).default;
    const smsJobId = (await jobsOf(id)).find((j) => j.kind === "sms.send")!.id;
    // The queue brings the job back after SMS_RESEND_DELAY_SECONDS; here it is delivered at once.
    const redeliver = async () => {
      const batch = createMessageBatch("qrv-jobs", [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { type: "job", id: smsJobId } }]);
      const ctx = createExecutionContext();
      await worker.queue(batch as MessageBatch<unknown>, env, ctx);
      await getQueueResult(batch, ctx);
    };

    for (let sent = 1; sent <= 2; sent++) {
      expect((await postTwilioStatus(smsTo(phone)[sent - 1]!, "undelivered", { ErrorCode: "30003" })).status).toBe(204);
      expect((await jobsOf(id)).find((j) => j.id === smsJobId)).toMatchObject({ status: "pending", providerRef: null, lastError: "Twilio: message undelivered (error 30003)" });
      await redeliver();
      expect(smsTo(phone)).toHaveLength(sent + 1);
      expect(smsTo(phone)[sent]!.body).toBe(smsTo(phone)[0]!.body);
    }
    // A late callback for the first message no longer matches the job.
    expect((await postTwilioStatus(smsTo(phone)[0]!, "failed", { ErrorCode: "30003" })).status).toBe(204);
    expect((await jobsOf(id)).find((j) => j.id === smsJobId)!.providerRef).toBe(smsTo(phone)[2]!.sid);

    // The third send fails too: now it is reported, with the email fallback and an alert.
    expect((await postTwilioStatus(smsTo(phone)[2]!, "undelivered", { ErrorCode: "30003" })).status).toBe(204);
    await waitForJobs(id);
    expect(smsTo(phone)).toHaveLength(3);
    await vi.waitFor(() => expect(fakes.slack.filter((s) => s.text.includes(id))).toHaveLength(1));
    expect((await jobsOf(id)).some((j) => j.kind === "email.send" && JSON.parse(j.payload).template === "sms_fallback")).toBe(true);
    expect((await db.select().from(reservationEvents).where(eq(reservationEvents.reservationId, id))).filter((e) => e.type === "sms_failed")).toHaveLength(1);
  });
});
