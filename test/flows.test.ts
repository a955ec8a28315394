// Whole reservations through the sandbox: the Durable Object, the real queue and consumer,
// the sandbox providers and their signed webhooks back through QRV's routes.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alerts, reservations, sandboxCalls, sandboxCheckoutSessions, sandboxRefunds } from "../src/db/schema.ts";
import { callList } from "../src/db/shops.ts";
import { reservationStub } from "../src/durable/client.ts";
import { HOUR, createReservation, db, eventsOf, fireAlarm, jobsOf, paySandbox, record, seedShops, sentOf, waitForJobs, waitForQueuedCall, waitForStatus } from "./helpers.ts";

describe("accepted and paid", () => {
  it("calls down the list, takes payment on the checkout and confirms", async () => {
    const where = await seedShops([{ answer: "declined", name: "断る店" }, { answer: "accepted", name: "受ける店", priceJpy: 6600 }]);
    const { id, guestUrl } = await createReservation(where);

    const pending = await waitForStatus(id, "payment_pending");
    expect(pending.data.attempts.map((a) => [a.shopName, a.result])).toEqual([
      ["断る店", "declined"],
      ["受ける店", "accepted"],
    ]);
    expect(pending.amountJpy).toBe(6600);
    const sessionId = pending.data.payment!.sessionId!;

    const res = await paySandbox(sessionId);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${guestUrl}?payment=success`);

    const confirmed = await waitForStatus(id, "confirmed");
    expect(confirmed.data.payment).toMatchObject({ paymentIntentId: expect.stringMatching(/^pi_/), paidAt: expect.any(Number) });
    await waitForJobs(id);

    const sent = await sentOf(id);
    const sms = sent.filter((s) => s.channel === "sms");
    expect(sms.map((s) => s.to)).toEqual(["+819012345678", "+819012345678", "+819012345678"]);
    expect(sms[0]!.body).toContain("ご予約リクエストを受け付けました");
    expect(sms[0]!.body).toContain(guestUrl);
    expect(sms[1]!.body).toContain(`https://qrv.test/sandbox/checkout/${sessionId}`);
    expect(sms[2]!.body).toContain("ご予約が確定しました");
    expect(sent.filter((s) => s.channel === "email").map((s) => s.subject)).toEqual(["[QRV] 予約リクエストを受け付けました", "[QRV] 仮予約のお知らせ", "[QRV] ご予約が確定しました", "[QRV] 予約確定のお知らせ"]);
    expect(sent.filter((s) => s.channel === "call").map((s) => s.subject)).toEqual(["断る店", "受ける店"]);

    // Every job ran exactly once; delivery callbacks arrived for the SMS.
    const jobs = await jobsOf(id);
    expect(jobs.every((j) => j.status === "done" && j.attempts === 1)).toBe(true);
    await expect.poll(async () => (await jobsOf(id)).filter((j) => j.kind === "sms.send").map((j) => j.deliveryStatus)).toEqual(["delivered", "delivered", "delivered"]);

    // The guest link (with its token) is sent, never stored.
    const row = await db.query.reservations.findFirst({ where: eq(reservations.id, id) });
    const token = guestUrl.split("/r/")[1]!;
    expect(row!.guestTokenHash).not.toContain(token);
    expect(JSON.stringify(jobs)).not.toContain(token);
    expect(JSON.stringify(await eventsOf(id))).not.toContain(token);

    // The audit log holds one applied event per version.
    const applied = (await eventsOf(id)).filter((e) => !e.ignored);
    expect(applied.map((e) => e.version)).toEqual(applied.map((_, i) => i + 1));
    expect(applied.at(-1)!.toStatus).toBe("confirmed");
  });

  it("a reservation can be followed on its guest page", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    await waitForStatus(id, "payment_pending");
    const page = await exports.default.fetch(guestUrl, { headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(page.headers.get("X-Robots-Tag")).toBe("noindex");
    const html = await page.text();
    expect(html).toContain(id);
    expect(html).toContain("お支払い待ち");
    expect((await exports.default.fetch(`https://qrv.test/r/${"x".repeat(43)}`)).status).toBe(404);
  });
});

describe("reminder", () => {
  it("the alarm texts a reminder before the appointment, then completes it", async () => {
    const where = await seedShops([{ answer: "accepted", name: "リマインド店" }]);
    const { id } = await createReservation(where, { startAt: Date.now() + 72 * HOUR });
    const pending = await waitForStatus(id, "payment_pending");
    await paySandbox(pending.data.payment!.sessionId!);
    const confirmed = await waitForStatus(id, "confirmed");
    expect(confirmed.timers.map((t) => t.type)).toEqual(["reminder", "complete"]);
    await fireAlarm(id);
    await waitForJobs(id);
    expect((await sentOf(id)).filter((s) => s.channel === "sms").at(-1)!.body).toContain("リマインダー");
    expect((await record(id)).timers.map((t) => t.type)).toEqual(["complete"]);
    await fireAlarm(id);
    expect((await record(id)).status).toBe("completed");
  });
});

describe("declined everywhere for two rounds", () => {
  it("tells the requester with the seed's words and alerts operators once", async () => {
    const where = await seedShops([{ answer: "declined" }, { answer: "no_answer" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "no_shop_available");
    expect(r.data.attempts.map((a) => `${a.round}:${a.shopName}:${a.result}`)).toEqual(["1:店1:declined", "1:店2:no_answer", "2:店1:declined", "2:店2:no_answer"]);
    // Parked for an operator: only the timer that closes it at the start time is left.
    expect(r.timers).toEqual([{ type: "start_passed", key: "start_passed", at: r.startAt }]);
    await waitForJobs(id);
    const sent = await sentOf(id);
    expect(sent.filter((s) => s.channel === "sms").at(-1)!.body).toContain("現在、予約できませんでした。別の日時をご検討いただくか、カスタマーサポートまでご連絡ください");
    const alertRows = await db.select().from(alerts).where(eq(alerts.reservationId, id));
    expect(alertRows).toHaveLength(1);
    expect(alertRows[0]).toMatchObject({ case: "no_shop_available", priority: "high", sentAt: expect.any(Number) });
    expect(sent.filter((s) => s.channel === "alert").map((s) => s.body.split("\n")[0])).toEqual([`予約ID: ${id} が全店NG`]);
  });
});

describe("ambiguous answer", () => {
  it("stops calling and waits for an operator", async () => {
    const where = await seedShops([{ answer: "ambiguous" }, { answer: "accepted" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "pending_shop_response");
    expect(r.data.attempts).toHaveLength(1);
    await waitForJobs(id);
    const sent = await sentOf(id);
    expect(sent.filter((s) => s.channel === "call")).toHaveLength(1);
    expect(sent.find((s) => s.channel === "alert")!.body).toContain(`予約ID: ${id} が曖昧な回答`);
  });
});

describe("payment timeout", () => {
  it("the 10-minute alarm expires the session, tells the requester and withdraws from the shop", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where);
    const pending = await waitForStatus(id, "payment_pending");
    expect(pending.timers.map((t) => t.type)).toEqual(["payment_deadline"]);

    expect(await fireAlarm(id)).toBe(true);
    const r = await record(id);
    expect(r.status).toBe("payment_timeout");
    const session = await db.query.sandboxCheckoutSessions.findFirst({ where: eq(sandboxCheckoutSessions.id, pending.data.payment!.sessionId!) });
    expect(session!.status).toBe("expired");

    await waitForJobs(id);
    const sent = await sentOf(id);
    expect(sent.filter((s) => s.channel === "sms").at(-1)!.body).toContain("決済期限が切れました。再度予約をお願いします");
    expect(sent.some((s) => s.channel === "email" && s.subject === "[QRV] 仮予約取り消しのお知らせ")).toBe(true);

    // The link no longer takes money.
    const late = await paySandbox(pending.data.payment!.sessionId!);
    expect(late.headers.get("Location")).toBe(`/sandbox/checkout/${pending.data.payment!.sessionId}`);
    expect((await record(id)).status).toBe("payment_timeout");
  });

  it("a payment completed just before the deadline, whose webhook is late, still confirms", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where);
    const pending = await waitForStatus(id, "payment_pending");
    // Paid at Stripe, but the webhook has not arrived when the alarm fires.
    await db.update(sandboxCheckoutSessions).set({ status: "complete", paymentStatus: "paid", paymentIntent: "pi_just_in_time" }).where(eq(sandboxCheckoutSessions.id, pending.data.payment!.sessionId!));
    await fireAlarm(id);
    const r = await record(id);
    expect(r.status).toBe("confirmed");
    expect(r.data.payment!.paymentIntentId).toBe("pi_just_in_time");
  });
});

describe("cancellation", () => {
  it("before payment: free, the payment link is closed", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where);
    const pending = await waitForStatus(id, "payment_pending");
    const result = await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    expect(result).toMatchObject({ applied: true, status: "cancelled", outcome: { result: "cancelled_free" } });
    await waitForJobs(id);
    const session = await db.query.sandboxCheckoutSessions.findFirst({ where: eq(sandboxCheckoutSessions.id, pending.data.payment!.sessionId!) });
    expect(session!.status).toBe("expired");
  });

  it("confirmed, more than 48 hours ahead: cancelled and refunded once", async () => {
    const where = await seedShops([{ answer: "accepted", priceJpy: 7700 }]);
    const { id } = await createReservation(where, { startAt: Date.now() + 72 * HOUR });
    const pending = await waitForStatus(id, "payment_pending");
    await paySandbox(pending.data.payment!.sessionId!);
    await waitForStatus(id, "confirmed");

    const stub = reservationStub(env, id);
    const [a, b] = await Promise.all([stub.dispatch({ type: "cancel", by: "requester" }, "requester"), stub.dispatch({ type: "cancel", by: "requester" }, "requester")]);
    expect([a.outcome, b.outcome].map((o) => o && "result" in o && o.result).sort()).toEqual(["already_cancelled", "cancelled_refund"]);
    await waitForJobs(id);
    const refunds = await db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, (await record(id)).data.payment!.paymentIntentId!));
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(7700);
    await expect.poll(async () => (await record(id)).data.payment!.refund!.status).toBe("succeeded");
  });

  it("confirmed, less than 48 hours ahead: refused with the support message", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where, { startAt: Date.now() + 47 * HOUR });
    const pending = await waitForStatus(id, "payment_pending");
    await paySandbox(pending.data.payment!.sessionId!);
    await waitForStatus(id, "confirmed");
    const result = await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    expect(result.status).toBe("confirmed");
    expect(result.outcome).toMatchObject({ result: "refused_deadline", message: expect.stringContaining("キャンセル期限を過ぎています") });
    await waitForJobs(id);
    expect(await db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, (await record(id)).data.payment!.paymentIntentId!))).toHaveLength(0);
  });
});

describe("shops answered by a person and shops not to call", () => {
  it("a manual shop waits for an answer on /sandbox", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    const call = await waitForQueuedCall(id);
    const res = await exports.default.fetch(new Request(`https://qrv.test/sandbox/calls/${call}/answer`, { method: "POST", body: new URLSearchParams({ answer: "change_requested", proposed_change: "16:00なら可能" }), redirect: "manual" }));
    expect(res.status).toBe(303);
    const r = await waitForStatus(id, "change_requested");
    expect(r.data.attempts[0]).toMatchObject({ result: "change_requested", proposedChange: "16:00なら可能" });
    // A second answer to the same call changes nothing.
    const again = await exports.default.fetch(new Request(`https://qrv.test/sandbox/calls/${call}/answer`, { method: "POST", body: new URLSearchParams({ answer: "accepted" }), redirect: "manual" }));
    expect(again.status).toBe(409);
  });

  it("a shop flagged do-not-call after the request is skipped", async () => {
    const where = await seedShops([{ answer: "accepted", name: "電話しない店" }, { answer: "accepted", name: "次の店" }]);
    // The call list is taken at request time; the flag is set after it.
    const shops = await callList(db, where.service, where.area);
    await env.DB.prepare("UPDATE shops SET do_not_call = 1 WHERE area = ? AND name = ?").bind(where.area, "電話しない店").run();
    const { id } = await createReservation(where, { shops });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.shop!.name).toBe("次の店");
    expect(r.data.attempts[0]).toMatchObject({ shopName: "電話しない店", result: "failed", summary: "skipped: do-not-call" });
    expect((await sentOf(id)).filter((s) => s.channel === "call").map((s) => s.subject)).toEqual(["次の店"]);
  });

  it("a shop paused where this isolate's cached call list cannot see it is still never phoned", async () => {
    const where = await seedShops([{ answer: "accepted", name: "休んだ店" }, { answer: "accepted", name: "開いている店" }]);
    expect((await callList(db, where.service, where.area)).map((s) => s.name)).toEqual(["休んだ店", "開いている店"]);
    // Paused outside this isolate (another isolate's console, a CSV import): the cached list still has it.
    await env.DB.prepare("UPDATE shops SET paused = 1 WHERE area = ? AND name = ?").bind(where.area, "休んだ店").run();
    const shops = await callList(db, where.service, where.area);
    expect(shops.map((s) => s.name)).toEqual(["休んだ店", "開いている店"]);
    const { id } = await createReservation(where, { shops });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.attempts[0]).toMatchObject({ shopName: "休んだ店", result: "failed", summary: "skipped: paused" });
    expect((await sentOf(id)).filter((s) => s.channel === "call").map((s) => s.subject)).toEqual(["開いている店"]);
  });
});
