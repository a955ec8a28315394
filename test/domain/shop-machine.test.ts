// The shop-booking state machine, checked against the seed: every status × event, and the
// rules behind each transition (rounds, payment window, 48-hour deadline, late payments).
import { describe, expect, it } from "vitest";
import { policy } from "../../src/domain/policy.ts";
import { SHOP_TRANSITIONS, createShopReservation, decideShop, notesOf } from "../../src/domain/reservation/shop-machine.ts";
import { STATUSES, type DecideContext, type Effect, type EventType, type ReservationEvent, type ReservationRecord, type Status } from "../../src/domain/reservation/types.ts";

const NOW = Date.UTC(2026, 11, 1, 3, 0); // 2026-12-01 12:00 JST
const HOUR = 3_600_000;

const ctx: DecideContext = { now: NOW, publicUrl: "https://qrv.test", roundDelayMs: 60_000, guestUrl: "{{guest_url}}", supportPhone: "03-0000-0000", supportEmail: "support@qrv.example" };

const shopA = { id: "shp_a", name: "店A", phone: "+81360000001", email: "a@shops.test", priceJpy: 5500 };
const shopB = { id: "shp_b", name: "店B", phone: "+81360000002", email: "b@shops.test", priceJpy: 6600 };

function created(startAt = NOW + 72 * HOUR): ReservationRecord {
  return createShopReservation(
    {
      id: "QRV-TEST22",
      service: "カット",
      area: "渋谷",
      startAt,
      partySize: 2,
      requester: { name: "山田 太郎", phone: "+819012345678", email: "taro@example.com", language: "ja" },
      shops: [shopA, shopB],
    },
    ctx,
  ).record;
}

function applied(r: ReservationRecord, e: ReservationEvent, c: DecideContext = ctx): { next: ReservationRecord; effects: Effect[] } {
  const d = decideShop(r, e, c);
  if (d.kind !== "apply") throw new Error(`expected ${e.type} to apply in ${r.status}: ${d.reason}`);
  return d;
}

const currentAttemptId = (r: ReservationRecord) => r.data.attempts.at(-1)!.id;

/** A plausible record in each status, reached through the machine itself. */
function inStatus(status: Status): ReservationRecord {
  const requested = created();
  const calling = applied(requested, { type: "start" }).next;
  const accepted = applied(calling, { type: "call_result", attemptId: currentAttemptId(calling), result: "accepted" }).next;
  const pending = applied(accepted, { type: "payment_link_ready", sessionId: "cs_1", url: "https://pay.test/cs_1" }).next;
  const confirmed = applied(pending, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 5500 }).next;
  switch (status) {
    case "requested":
      return requested;
    case "calling":
      return calling;
    case "calling_success":
      return accepted;
    case "pending_shop_response":
      return applied(calling, { type: "call_result", attemptId: currentAttemptId(calling), result: "ambiguous" }).next;
    case "change_requested":
      return applied(calling, { type: "call_result", attemptId: currentAttemptId(calling), result: "change_requested", proposedChange: "15:30なら可" }).next;
    case "no_shop_available": {
      let r = calling;
      while (r.status === "calling") {
        r = r.data.attempts.at(-1)?.result === undefined && r.data.attempts.length ? applied(r, { type: "call_result", attemptId: currentAttemptId(r), result: "declined" }).next : applied(r, { type: "next_round" }).next;
      }
      return r;
    }
    case "payment_pending":
      return pending;
    case "payment_timeout":
      return applied(pending, { type: "payment_deadline" }).next;
    case "confirmed":
      return confirmed;
    case "completed":
      return applied(confirmed, { type: "complete" }).next;
    case "cancelled":
      return applied(calling, { type: "cancel", by: "requester" }).next;
  }
  throw new Error(`no record for ${status satisfies never}`);
}

function sampleEvent(type: EventType, r: ReservationRecord): ReservationEvent {
  const attemptId = r.data.attempts.at(-1)?.id ?? "none";
  switch (type) {
    case "start":
    case "next_round":
    case "payment_deadline":
    case "reminder":
    case "complete":
      return { type };
    case "sms_failed":
      return { type, jobId: "job_sms", body: "【QRV】決済はこちら https://pay.test/cs_1", error: "Twilio 30006" };
    case "call_placed":
      return { type, attemptId, providerCallId: "call_1" };
    case "call_result":
      return { type, attemptId, result: "accepted" };
    case "call_timeout":
      return { type, attemptId };
    case "payment_link_ready":
      return { type, sessionId: "cs_1", url: "https://pay.test/cs_1" };
    case "payment_completed":
      return { type, sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 5500 };
    case "payment_expired":
      return { type, sessionId: "cs_1" };
    case "refund_updated":
      return { type, refundId: "re_1", status: "succeeded" };
    case "cancel":
      return { type, by: "requester" };
    case "job_failed":
      return { type, jobId: "job_1", jobKind: "call.place", error: "boom", attemptId };
  }
}

const EVENT_TYPES: EventType[] = ["start", "call_placed", "call_result", "call_timeout", "next_round", "payment_link_ready", "payment_completed", "payment_expired", "payment_deadline", "refund_updated", "cancel", "reminder", "complete", "sms_failed", "job_failed"];

// The expected table, written from seed 000 §2 independently of the implementation:
// the status each event leads to ("same" = applied without a status change). Anything
// not listed must be ignored.
const EXPECTED: Record<Status, Partial<Record<EventType, Status | "same">>> = {
  requested: { start: "calling", cancel: "cancelled", payment_completed: "same", sms_failed: "same" },
  calling: { call_placed: "same", call_result: "calling_success", call_timeout: "calling", cancel: "cancelled", payment_completed: "same", job_failed: "calling", sms_failed: "same" },
  calling_success: { payment_link_ready: "payment_pending", payment_completed: "confirmed", cancel: "cancelled", sms_failed: "same" },
  pending_shop_response: { cancel: "cancelled", payment_completed: "same", sms_failed: "same" },
  change_requested: { cancel: "cancelled", payment_completed: "same", sms_failed: "same" },
  no_shop_available: { cancel: "cancelled", payment_completed: "same", sms_failed: "same" },
  payment_pending: { payment_completed: "confirmed", payment_deadline: "payment_timeout", payment_expired: "payment_timeout", cancel: "cancelled", sms_failed: "same" },
  payment_timeout: { payment_completed: "same", cancel: "cancelled", sms_failed: "same" },
  confirmed: { cancel: "cancelled", reminder: "same", complete: "completed", sms_failed: "same" },
  completed: { sms_failed: "same" },
  cancelled: { payment_link_ready: "same", payment_completed: "same", sms_failed: "same" },
};

describe("transition table: every status × event", () => {
  for (const status of STATUSES) {
    for (const type of EVENT_TYPES) {
      const expected = EXPECTED[status][type];
      it(`${status} + ${type} → ${expected ?? "ignored"}`, () => {
        const r = inStatus(status);
        expect(r.status).toBe(status);
        const d = decideShop(r, sampleEvent(type, r), ctx);
        if (expected === undefined) {
          expect(d.kind).toBe("ignore");
        } else {
          expect(d.kind).toBe("apply");
          if (d.kind !== "apply") return;
          expect(d.next.status).toBe(expected === "same" ? status : expected);
          expect(d.next.version).toBe(r.version + 1);
        }
      });
    }
  }

  it("lists only known statuses and events", () => {
    expect(Object.keys(SHOP_TRANSITIONS).sort()).toEqual([...STATUSES].sort());
    for (const row of Object.values(SHOP_TRANSITIONS)) for (const e of Object.keys(row)) expect(EVENT_TYPES).toContain(e);
  });
});

describe("calling shops", () => {
  it("starts with the first shop by priority and a timeout for the call", () => {
    const { next, effects } = applied(created(), { type: "start" });
    expect(next.status).toBe("calling");
    expect(effects).toEqual([expect.objectContaining({ kind: "call.place", shop: { id: "shp_a", name: "店A", phone: shopA.phone } })]);
    expect(next.timers).toEqual([expect.objectContaining({ type: "call_timeout", at: NOW + policy.callAttemptTimeoutMs, attemptId: next.data.attempts[0]!.id })]);
  });

  it("goes down the list, pauses between rounds, and gives up after the second round", () => {
    let r = applied(created(), { type: "start" }).next;
    const called: string[] = [r.data.attempts[0]!.shopName];
    r = applied(r, { type: "call_result", attemptId: currentAttemptId(r), result: "declined" }).next;
    called.push(r.data.attempts.at(-1)!.shopName);
    const endOfRound = applied(r, { type: "call_result", attemptId: currentAttemptId(r), result: "no_answer" });
    expect(endOfRound.next.status).toBe("calling");
    expect(endOfRound.effects).toEqual([]);
    expect(endOfRound.next.timers).toEqual([{ type: "next_round", key: "next_round", at: NOW + ctx.roundDelayMs }]);
    r = applied(endOfRound.next, { type: "next_round" }).next;
    expect(r.data.round).toBe(2);
    called.push(r.data.attempts.at(-1)!.shopName);
    r = applied(r, { type: "call_result", attemptId: currentAttemptId(r), result: "failed" }).next;
    called.push(r.data.attempts.at(-1)!.shopName);
    const last = applied(r, { type: "call_timeout", attemptId: currentAttemptId(r) });
    expect(called).toEqual(["店A", "店B", "店A", "店B"]);
    expect(last.next.status).toBe("no_shop_available");
    expect(last.next.timers).toEqual([]);
    const sms = last.effects.find((e) => e.kind === "sms.send");
    expect(sms && sms.kind === "sms.send" && sms.body).toContain("現在、予約できませんでした。別の日時をご検討いただくか、カスタマーサポートまでご連絡ください");
    const alert = last.effects.find((e) => e.kind === "alert.send");
    expect(alert).toMatchObject({ kind: "alert.send", case: "no_shop_available", key: "no_shop_available:QRV-TEST22", priority: "high" });
    expect(alert && alert.kind === "alert.send" && alert.text).toContain("予約ID: QRV-TEST22 が全店NG");
  });

  it("ignores a result for a call that is no longer in progress", () => {
    let r = applied(created(), { type: "start" }).next;
    const first = currentAttemptId(r);
    r = applied(r, { type: "call_result", attemptId: first, result: "declined" }).next;
    expect(decideShop(r, { type: "call_result", attemptId: first, result: "accepted" }, ctx).kind).toBe("ignore");
    expect(decideShop(r, { type: "call_timeout", attemptId: first }, ctx).kind).toBe("ignore");
  });

  it("on acceptance, holds the shop's price, asks for a payment session and tells the shop", () => {
    const calling = applied(created(), { type: "start" }).next;
    const { next, effects } = applied(calling, { type: "call_result", attemptId: currentAttemptId(calling), result: "accepted" });
    expect(next).toMatchObject({ status: "calling_success", amountJpy: 5500, data: { shop: { id: "shp_a" } } });
    expect(next.timers).toEqual([]);
    expect(effects.map((e) => e.kind)).toEqual(["payment.create", "email.send"]);
    expect(effects[0]).toMatchObject({ amountJpy: 5500, customerEmail: "taro@example.com", language: "ja" });
    expect(effects[1]).toMatchObject({ to: "a@shops.test", recipient: "shop", template: "shop_tentative" });
  });

  it("an unclear answer or a change request waits for an operator, with the seed's alert", () => {
    const calling = applied(created(), { type: "start" }).next;
    const ambiguous = applied(calling, { type: "call_result", attemptId: currentAttemptId(calling), result: "ambiguous", summary: "後で連絡" });
    expect(ambiguous.next.status).toBe("pending_shop_response");
    expect(ambiguous.effects).toEqual([expect.objectContaining({ kind: "alert.send", case: "ambiguous_answer", text: expect.stringContaining("予約ID: QRV-TEST22 が曖昧な回答") })]);
    const change = applied(calling, { type: "call_result", attemptId: currentAttemptId(calling), result: "change_requested", proposedChange: "15:30なら可能" });
    expect(change.next.status).toBe("change_requested");
    expect(change.next.data.attempts.at(-1)!.proposedChange).toBe("15:30なら可能");
    expect(change.effects).toEqual([expect.objectContaining({ kind: "alert.send", case: "change_requested", text: expect.stringContaining("予約ID: QRV-TEST22 で変更依頼") })]);
  });
});

describe("payment", () => {
  it("sends the link by SMS and allows 10 minutes", () => {
    const { next, effects } = applied(inStatus("calling_success"), { type: "payment_link_ready", sessionId: "cs_9", url: "https://pay.test/cs_9" });
    expect(next.status).toBe("payment_pending");
    expect(next.data.payment).toMatchObject({ sessionId: "cs_9", url: "https://pay.test/cs_9", deadlineAt: NOW + 10 * 60_000 });
    expect(next.timers).toEqual([{ type: "payment_deadline", key: "payment_deadline", at: NOW + 10 * 60_000 }]);
    expect(effects).toEqual([expect.objectContaining({ kind: "sms.send", to: "+819012345678", template: "payment_link", body: expect.stringContaining("https://pay.test/cs_9") })]);
  });

  it("confirms on payment: SMS and email to the requester, email to the shop, completes after the appointment", () => {
    const pending = inStatus("payment_pending");
    const { next, effects } = applied(pending, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 5500 });
    expect(next.status).toBe("confirmed");
    // Start 12/4 12:00 JST: remind at 18:00 JST the evening before, complete 2 hours after the start.
    expect(next.timers).toEqual([
      { type: "reminder", key: "reminder", at: Date.UTC(2026, 11, 3, 9, 0) },
      { type: "complete", key: "complete", at: pending.startAt + policy.completeAfterStartMs },
    ]);
    expect(effects.map((e) => (e.kind === "email.send" ? `email:${e.recipient}` : e.kind))).toEqual(["sms.send", "email:requester", "email:shop"]);
  });

  it("times out with the seed's SMS and withdraws the tentative booking from the shop", () => {
    const { next, effects } = applied(inStatus("payment_pending"), { type: "payment_deadline" });
    expect(next.status).toBe("payment_timeout");
    expect(next.timers).toEqual([]);
    const sms = effects.find((e) => e.kind === "sms.send");
    expect(sms && sms.kind === "sms.send" && sms.body).toContain("決済期限が切れました。再度予約をお願いします");
    expect(effects).toContainEqual(expect.objectContaining({ kind: "email.send", recipient: "shop", template: "shop_withdrawn" }));
  });

  it("refunds a payment that lands after the deadline, once, and tells the requester", () => {
    const timedOut = inStatus("payment_timeout");
    const late = applied(timedOut, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_late", amountJpy: 5500 });
    expect(late.next.status).toBe("payment_timeout");
    expect(late.effects).toEqual([
      expect.objectContaining({ kind: "payment.refund", paymentIntentId: "pi_late", amountJpy: 5500 }),
      expect.objectContaining({ kind: "sms.send", template: "late_payment_refunded" }),
    ]);
    expect(decideShop(late.next, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_late", amountJpy: 5500 }, ctx).kind).toBe("ignore");
  });

  it("a payment session expired by Stripe for another session does not time out this one", () => {
    expect(decideShop(inStatus("payment_pending"), { type: "payment_expired", sessionId: "cs_other" }, ctx).kind).toBe("ignore");
  });
});

describe("reminders", () => {
  it("texts the requester the evening before, with the shop and the time", () => {
    const confirmed = inStatus("confirmed");
    const evening = { ...ctx, now: Date.UTC(2026, 11, 3, 9, 0) };
    const { next, effects } = applied(confirmed, { type: "reminder" }, evening);
    expect(next.status).toBe("confirmed");
    expect(effects).toEqual([expect.objectContaining({ kind: "sms.send", template: "reminder", body: expect.stringContaining("リマインダー: 明日") })]);
    expect(effects[0]!.kind === "sms.send" && effects[0]!.body).toContain("店A");
  });

  it("is never sent once the reservation is cancelled", () => {
    const confirmed = inStatus("confirmed");
    const cancelled = applied(confirmed, { type: "cancel", by: "requester" }).next;
    expect(cancelled.timers).toEqual([]);
    expect(decideShop(cancelled, { type: "reminder" }, ctx).kind).toBe("ignore");
  });
});

describe("SMS that cannot be delivered (seed 000 §2.2.2)", () => {
  it("alerts operators and sends the same content by email", () => {
    const r = inStatus("payment_pending");
    const { effects } = applied(r, { type: "sms_failed", jobId: "job_1", body: "【QRV】お支払いはこちら: https://pay.test/cs_1", error: "Twilio 30006: landline" });
    expect(effects).toEqual([
      expect.objectContaining({ kind: "alert.send", case: "sms_undeliverable", priority: "urgent", text: expect.stringContaining("のSMS送信が全て失敗") }),
      expect.objectContaining({ kind: "email.send", to: "taro@example.com", template: "sms_fallback", text: expect.stringContaining("https://pay.test/cs_1") }),
    ]);
  });

  it("without an email address, operators are alerted to phone the requester", () => {
    const r = { ...inStatus("payment_pending"), requester: { name: "山田", phone: "+819012345678", language: "ja" as const } };
    const { effects } = applied(r, { type: "sms_failed", jobId: "job_1", body: "x", error: "invalid number" });
    expect(effects.map((e) => e.kind)).toEqual(["alert.send"]);
  });
});

describe("cancellation policy", () => {
  it("before payment: free, closes the payment link and withdraws from the shop", () => {
    const d = decideShop(inStatus("payment_pending"), { type: "cancel", by: "requester" }, ctx);
    expect(d.kind).toBe("apply");
    if (d.kind !== "apply") return;
    expect(d.next.status).toBe("cancelled");
    expect(d.outcome).toMatchObject({ type: "cancel", result: "cancelled_free" });
    expect(d.effects.map((e) => e.kind)).toEqual(["payment.expire", "sms.send", "email.send", "email.send"]);
    expect(d.effects.some((e) => e.kind === "payment.refund")).toBe(false);
  });

  function confirmedStartingIn(ms: number): ReservationRecord {
    const r = inStatus("confirmed");
    return { ...r, startAt: NOW + ms };
  }

  it("exactly 48 hours before the start: cancelled with a full refund", () => {
    const d = decideShop(confirmedStartingIn(48 * HOUR), { type: "cancel", by: "requester" }, ctx);
    expect(d.kind === "apply" && d.next.status).toBe("cancelled");
    expect(d.outcome).toMatchObject({ result: "cancelled_refund", refundJpy: 5500 });
    expect(d.kind === "apply" && d.effects[0]).toMatchObject({ kind: "payment.refund", paymentIntentId: "pi_1", amountJpy: 5500 });
  });

  it("one minute under 48 hours: refused with the seed's message, and operators are told", () => {
    const r = confirmedStartingIn(48 * HOUR - 60_000);
    const d = decideShop(r, { type: "cancel", by: "requester" }, ctx);
    expect(d.kind === "apply" && d.next.status).toBe("confirmed");
    expect(d.outcome).toMatchObject({ result: "refused_deadline", message: expect.stringContaining("キャンセル期限を過ぎています。カスタマーサポートまでご連絡ください") });
    expect(d.kind === "apply" && d.effects).toEqual([expect.objectContaining({ kind: "alert.send", case: "late_cancellation" })]);
  });

  it("never cancels or refunds twice", () => {
    const first = decideShop(confirmedStartingIn(72 * HOUR), { type: "cancel", by: "requester" }, ctx);
    if (first.kind !== "apply") throw new Error("expected apply");
    const again = decideShop(first.next, { type: "cancel", by: "requester" }, ctx);
    expect(again).toMatchObject({ kind: "ignore", outcome: { result: "already_cancelled" } });
  });
});

describe("creation", () => {
  it("starts as requested, due to start calling at once, and tells the requester by SMS and email", () => {
    const c = createShopReservation(
      { id: "QRV-TEST22", service: "カット", area: "渋谷", startAt: NOW + 72 * HOUR, partySize: 2, requester: { name: "Ann", phone: "+819012345678", language: "en" }, shops: [shopA] },
      ctx,
    );
    expect(c.record).toMatchObject({ status: "requested", version: 1, timers: [{ type: "start", at: NOW }] });
    expect(c.effects).toEqual([expect.objectContaining({ kind: "sms.send", body: expect.stringContaining("We received your カット request") })]);
    expect(c.effects[0]!.kind === "sms.send" && c.effects[0]!.body).toContain("{{guest_url}}");
    expect(notesOf(c.note)).toEqual([{ code: "created" }]);
  });
});
