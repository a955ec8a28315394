// The shop-booking state machine, checked against the seed: every status × event, and the
// rules behind each transition (rounds, payment window, 48-hour deadline, late payments).
import { describe, expect, it } from "vitest";
import { policy } from "../../src/domain/policy.ts";
import { SHOP_TRANSITIONS, changeApprovalFor, createShopReservation, decideShop, notesOf } from "../../src/domain/reservation/shop-machine.ts";
import { STATUSES, type DecideContext, type Effect, type EventType, type OpenCase, type ReservationEvent, type ReservationRecord, type Status } from "../../src/domain/reservation/types.ts";

const NOW = Date.UTC(2026, 11, 1, 3, 0); // 2026-12-01 12:00 JST
const HOUR = 3_600_000;

const ctx: DecideContext = { now: NOW, publicUrl: "https://qrv.test", roundDelayMs: 60_000, guestUrl: "{{guest_url}}", supportPhone: "03-0000-0000", supportEmail: "support@qrv.example" };

const shopA = { id: "shp_a", name: "店A", phone: "+81360000001", email: "a@shops.test", priceJpy: 5500 };
const shopB = { id: "shp_b", name: "店B", phone: "+81360000002", email: "b@shops.test", priceJpy: 6600 };

/**
 * A request as it stood before calling began (a record made before calling began at creation
 * is still stored this way): `requested`, with its start timer, no call yet.
 */
function created(startAt = NOW + 72 * HOUR): ReservationRecord {
  const calling = newReservation(startAt);
  return { ...calling, status: "requested", timers: [{ type: "start", key: "start", at: NOW }], data: { ...calling.data, attempts: [] } };
}

function newReservation(startAt = NOW + 72 * HOUR): ReservationRecord {
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

type AcceptChange = Extract<ReservationEvent, { type: "accept_change" }>;

/** An accepted change as the reservation's object passes it on: with its new approval (a fixed hash here; the object hashes it). */
function withApproval(r: ReservationRecord, e: AcceptChange, hash = `sha256:change-${e.startAt}-${e.partySize}-${e.priceJpy ?? ""}`): AcceptChange {
  const snapshot = changeApprovalFor(r, e, NOW);
  return snapshot ? { ...e, approval: { snapshot, hash } } : e;
}

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
    case "start_passed":
      return { type };
    case "points_added":
      return { type };
    case "calendar_sync":
      return { type, ok: true };
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
    case "assign_shop":
      return { type, operator: "op@qrv.test", shop: shopB };
    case "propose_new_time":
      return { type, operator: "op@qrv.test", startAt: NOW + 96 * HOUR };
    case "operator_cancel":
      return { type, operator: "op@qrv.test", refund: false, reason: "依頼者の希望" };
    case "operator_note":
      return { type, operator: "op@qrv.test", note: "依頼者に電話しました" };
    case "resend_by_email":
      return { type, operator: "op@qrv.test", email: "taro2@example.com" };
    case "correct_phone":
      return { type, operator: "op@qrv.test", phone: "+819087654321" };
    case "reopen_payment":
    case "reject_change":
      return { type, operator: "op@qrv.test" };
    case "shop_answer":
      return { type, operator: "op@qrv.test", answer: "accepted" };
    case "accept_change":
      return withApproval(r, { type, operator: "op@qrv.test", startAt: r.startAt + 30 * 60_000, partySize: 3 });
    case "approve_change":
    case "decline_change":
      return { type, hash: r.data.proposedChange?.approval.hash ?? "sha256:none" };
    case "refuse_cancellation":
      return { type, operator: "op@qrv.test", reason: "店舗が了承しませんでした" };
    case "approve_cancellation":
    case "forget_requester":
    case "member_contact_changed":
      return { type, operator: "op@qrv.test" };
    case "lodging_cancel_request":
      return { type, requestId: "lcr_1" };
  }
}

/** Table fixtures carry an undelivered text (and, when confirmed, a late cancellation request) so follow-ups have something to act on. */
function withFollowUps(r: ReservationRecord): ReservationRecord {
  const cases: OpenCase[] = [{ case: "sms_undeliverable", at: NOW, messages: ["【QRV】ご予約リクエストを受け付けました {{guest_url}}"] }];
  if (r.status === "confirmed") cases.push({ case: "late_cancellation", at: NOW });
  return { ...r, openCases: [...(r.openCases ?? []), ...cases] };
}

const OPERATOR_EVENT_TYPES: EventType[] = ["assign_shop", "propose_new_time", "operator_cancel", "operator_note", "resend_by_email", "correct_phone", "reopen_payment", "shop_answer", "accept_change", "reject_change", "refuse_cancellation", "approve_cancellation"];
const EVENT_TYPES: EventType[] = ["start", "call_placed", "call_result", "call_timeout", "next_round", "payment_link_ready", "payment_completed", "payment_expired", "payment_deadline", "refund_updated", "cancel", "reminder", "complete", "start_passed", "sms_failed", "job_failed", "lodging_cancel_request", "approve_change", "decline_change", ...OPERATOR_EVENT_TYPES];

// The expected table, written from seed 000 §2 independently of the implementation:
// the status each event leads to ("same" = applied without a status change). Anything
// not listed must be ignored. Operator decisions (seed 000 §2.2) follow each case's actions;
// a note, a resend by email and a corrected number apply in every status.
const FOLLOW_UPS = { operator_note: "same", resend_by_email: "same", correct_phone: "same" } as const;
const EXPECTED: Record<Status, Partial<Record<EventType, Status | "same">>> = {
  requested: { start: "calling", cancel: "cancelled", payment_completed: "same", sms_failed: "same", operator_cancel: "cancelled", ...FOLLOW_UPS },
  calling: { call_placed: "same", call_result: "calling_success", call_timeout: "calling", cancel: "cancelled", payment_completed: "same", job_failed: "calling", sms_failed: "same", operator_cancel: "cancelled", ...FOLLOW_UPS },
  calling_success: { payment_link_ready: "payment_pending", payment_completed: "confirmed", cancel: "cancelled", sms_failed: "same", operator_cancel: "cancelled", ...FOLLOW_UPS },
  pending_shop_response: { cancel: "cancelled", payment_completed: "same", sms_failed: "same", shop_answer: "calling_success", operator_cancel: "cancelled", start_passed: "cancelled", ...FOLLOW_UPS },
  change_requested: { cancel: "cancelled", payment_completed: "same", sms_failed: "same", accept_change: "same", reject_change: "calling", operator_cancel: "cancelled", start_passed: "cancelled", ...FOLLOW_UPS },
  no_shop_available: { cancel: "cancelled", payment_completed: "same", sms_failed: "same", assign_shop: "calling_success", propose_new_time: "calling", operator_cancel: "cancelled", start_passed: "cancelled", ...FOLLOW_UPS },
  payment_pending: { payment_completed: "confirmed", payment_deadline: "payment_timeout", payment_expired: "payment_timeout", cancel: "cancelled", sms_failed: "same", operator_cancel: "cancelled", ...FOLLOW_UPS },
  payment_timeout: { payment_completed: "same", cancel: "cancelled", sms_failed: "same", reopen_payment: "calling_success", operator_cancel: "cancelled", ...FOLLOW_UPS },
  confirmed: { cancel: "cancelled", reminder: "same", complete: "completed", sms_failed: "same", operator_cancel: "cancelled", refuse_cancellation: "same", accept_change: "same", ...FOLLOW_UPS },
  completed: { sms_failed: "same", ...FOLLOW_UPS },
  // The call that was ringing at the cancellation: hung up when its id arrives; a yes is told it is off.
  cancelled: { call_placed: "same", call_result: "same", payment_link_ready: "same", payment_completed: "same", sms_failed: "same", ...FOLLOW_UPS },
};

describe("transition table: every status × event", () => {
  for (const status of STATUSES) {
    for (const type of EVENT_TYPES) {
      const expected = EXPECTED[status][type];
      it(`${status} + ${type} → ${expected ?? "ignored"}`, () => {
        const r = withFollowUps(inStatus(status));
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
    // Parked for an operator: the only timer left closes it at the start time.
    expect(last.next.timers).toEqual([{ type: "start_passed", key: "start_passed", at: last.next.startAt }]);
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
  it("calls the first shop at once, in the same transition that tells the requester by SMS and email", () => {
    const c = createShopReservation(
      { id: "QRV-TEST22", service: "カット", area: "渋谷", startAt: NOW + 72 * HOUR, partySize: 2, requester: { name: "Ann", phone: "+819012345678", language: "en" }, shops: [shopA, shopB] },
      ctx,
    );
    expect(c.record).toMatchObject({ status: "calling", version: 1, timers: [{ type: "call_timeout", at: NOW + policy.callAttemptTimeoutMs }] });
    expect(c.record.data.attempts).toEqual([{ id: "QRV-TEST22:1", shopId: "shp_a", shopName: "店A", round: 1, startedAt: NOW }]);
    expect(c.effects).toEqual([
      expect.objectContaining({ kind: "sms.send", body: expect.stringContaining("We received your カット request") }),
      expect.objectContaining({ kind: "call.place", attemptId: "QRV-TEST22:1", shop: { id: "shp_a", name: "店A", phone: "+81360000001" } }),
    ]);
    expect(c.effects[0]!.kind === "sms.send" && c.effects[0]!.body).toContain("{{guest_url}}");
    expect(notesOf(c.note)).toEqual([{ code: "created" }, { code: "calling_started" }, { code: "call_started", params: { shop: "店A", round: 1 } }]);
  });

  it("a request stored before calling began at creation still starts when its timer fires", () => {
    const started = applied(created(), { type: "start" });
    expect(started.next).toMatchObject({ status: "calling", version: 2 });
    expect(started.effects).toEqual([expect.objectContaining({ kind: "call.place", attemptId: "QRV-TEST22:1" })]);
    expect(newReservation().data.attempts).toEqual(started.next.data.attempts);
  });
});

describe("manual cases on the record (the operator queue)", () => {
  it("an alert opens its case; leaving the status closes it", () => {
    const pending = inStatus("pending_shop_response");
    expect(pending.openCases).toEqual([{ case: "ambiguous_answer", at: NOW }]);
    const cancelled = applied(pending, { type: "cancel", by: "requester" }).next;
    expect(cancelled.openCases).toEqual([]);
  });

  it("undelivered texts gather in one SMS case, with their placeholders", () => {
    const r = inStatus("payment_pending");
    const once = applied(r, { type: "sms_failed", jobId: "job_1", body: "【QRV】お支払いはこちら {{guest_url}}", error: "invalid" }).next;
    const twice = applied(once, { type: "sms_failed", jobId: "job_2", body: "【QRV】2通目", error: "invalid" }).next;
    expect(twice.openCases).toEqual([{ case: "sms_undeliverable", at: NOW, messages: ["【QRV】お支払いはこちら {{guest_url}}", "【QRV】2通目"] }]);
  });

  it("a payment timeout opens no case and raises no alert (seed 000 §2.2.3: no one is needed unless asked)", () => {
    const { next, effects } = applied(inStatus("payment_pending"), { type: "payment_deadline" });
    expect(next.status).toBe("payment_timeout");
    expect(effects.filter((e) => e.kind === "alert.send")).toEqual([]);
    expect(effects.map((e) => e.kind)).toContain("sms.send");
    expect(next.openCases ?? []).toEqual([]);
  });

  it("a payment timeout case opened before that rule still closes with an operator's note, or when the payment reopens", () => {
    const legacy = { ...applied(inStatus("payment_pending"), { type: "payment_deadline" }).next, openCases: [{ case: "payment_timeout" as const, at: NOW }] };
    const noted = applied(legacy, { type: "operator_note", operator: "op@qrv.test", note: "問い合わせなし", resolves: "payment_timeout" });
    expect(noted.next.openCases).toEqual([]);
    expect(applied(legacy, { type: "reopen_payment", operator: "op@qrv.test" }).next.openCases).toEqual([]);
  });
});

describe("operator decisions (seed 000 §2.2)", () => {
  const by = { operator: "op@qrv.test" };

  it("§2.2.1 a shop found by hand: calling_success, its price held, a payment session and its tentative booking", () => {
    const shopC = { id: "shp_c", name: "店C（手配）", phone: "+81360000003", email: "c@shops.test", priceJpy: 8800 };
    const d = decideShop(inStatus("no_shop_available"), { type: "assign_shop", shop: shopC, ...by }, ctx);
    if (d.kind !== "apply") throw new Error(d.reason);
    expect(d.next).toMatchObject({ status: "calling_success", amountJpy: 8800, data: { shop: { id: "shp_c" } }, openCases: [] });
    expect(d.effects.map((e) => e.kind)).toEqual(["payment.create", "email.send"]);
    expect(d.effects[1]).toMatchObject({ to: "c@shops.test", template: "shop_tentative" });
    expect(notesOf(d.note)).toEqual([{ code: "shop_assigned", params: { shop: "店C（手配）" } }]);
  });

  it("§2.2.1 another date and time: both rounds start again for it, and the requester is told", () => {
    const newStart = NOW + 96 * HOUR;
    const { next, effects } = applied(inStatus("no_shop_available"), { type: "propose_new_time", startAt: newStart, ...by });
    expect(next).toMatchObject({ status: "calling", startAt: newStart, data: { round: 1, index: 0 } });
    expect(effects.map((e) => e.kind)).toEqual(["sms.send", "call.place"]);
    expect(effects[0]).toMatchObject({ template: "new_time", body: expect.stringContaining("もう一度確認します") });
    expect(effects[1]).toMatchObject({ shop: { id: "shp_a" }, request: { startAt: newStart } });
    expect(decideShop(inStatus("no_shop_available"), { type: "propose_new_time", startAt: NOW + 10 * 60_000, ...by }, ctx)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("new time") });
  });

  it("§2.2.1 cancel for the requester: free, by an operator, with the reason kept", () => {
    const { next, effects } = applied(inStatus("no_shop_available"), { type: "operator_cancel", refund: false, reason: "依頼者の希望", ...by });
    expect(next).toMatchObject({ status: "cancelled", data: { cancellation: { by: "operator", reason: "依頼者の希望", refund: false } }, openCases: [] });
    expect(effects.some((e) => e.kind === "payment.refund")).toBe(false);
  });

  it("§2.2.2 resend by email: every undelivered text, to the address given, which the record keeps", () => {
    const r = applied(inStatus("payment_pending"), { type: "sms_failed", jobId: "job_1", body: "【QRV】お支払いはこちら https://pay.test/cs_1", error: "invalid" }).next;
    const { next, effects } = applied(r, { type: "resend_by_email", email: "new@example.com", ...by });
    expect(next.requester.email).toBe("new@example.com");
    expect(next.openCases).toEqual([]);
    expect(effects).toEqual([expect.objectContaining({ kind: "email.send", to: "new@example.com", template: "sms_fallback", text: expect.stringContaining("https://pay.test/cs_1") })]);
    expect(decideShop(inStatus("payment_pending"), { type: "resend_by_email", email: "new@example.com", ...by }, ctx).kind).toBe("ignore");
  });

  it("§2.2.2 correct the number: the undelivered texts go again to it", () => {
    const r = applied(inStatus("payment_pending"), { type: "sms_failed", jobId: "job_1", body: "【QRV】お支払いはこちら https://pay.test/cs_1", error: "invalid" }).next;
    const { next, effects } = applied(r, { type: "correct_phone", phone: "+819087654321", ...by });
    expect(next.requester.phone).toBe("+819087654321");
    expect(next.openCases).toEqual([]);
    expect(effects).toEqual([expect.objectContaining({ kind: "sms.send", to: "+819087654321", body: "【QRV】お支払いはこちら https://pay.test/cs_1", template: "resend" })]);
    expect(decideShop(r, { type: "correct_phone", phone: "090-8765-4321", ...by }, ctx).kind).toBe("ignore");
  });

  it("§2.2.2 a phone contact recorded settles the SMS case", () => {
    const r = applied(inStatus("calling"), { type: "sms_failed", jobId: "job_1", body: "x", error: "invalid" }).next;
    const { next } = applied(r, { type: "operator_note", note: "電話で内容を確認", resolves: "sms_undeliverable", ...by });
    expect(next.openCases).toEqual([]);
    expect(next.status).toBe("calling");
  });

  it("§2.2.3 a fresh payment window: the same shop holds it again and a new session is made", () => {
    const { next, effects } = applied(inStatus("payment_timeout"), { type: "reopen_payment", ...by });
    expect(next).toMatchObject({ status: "calling_success", data: { shop: { id: "shp_a" }, payment: { amountJpy: 5500 } }, openCases: [] });
    expect(next.data.payment!.sessionId).toBeUndefined();
    expect(effects.map((e) => e.kind)).toEqual(["payment.create", "email.send"]);
    const link = applied(next, { type: "payment_link_ready", sessionId: "cs_2", url: "https://pay.test/cs_2" });
    expect(link.next.status).toBe("payment_pending");
  });

  it("§2.2.4 the shop's final answer: yes goes to payment, no calls the next shop", () => {
    const pending = inStatus("pending_shop_response");
    const yes = applied(pending, { type: "shop_answer", answer: "accepted", ...by });
    expect(yes.next).toMatchObject({ status: "calling_success", data: { shop: { id: "shp_a" } }, openCases: [] });
    expect(yes.effects.map((e) => e.kind)).toEqual(["payment.create", "email.send"]);
    const no = applied(pending, { type: "shop_answer", answer: "declined", ...by });
    expect(no.next).toMatchObject({ status: "calling", data: { index: 1 }, openCases: [] });
    expect(no.effects).toEqual([expect.objectContaining({ kind: "call.place", shop: expect.objectContaining({ id: "shp_b" }) })]);
  });

  it("§2.2.5 a change accepted: a new approval goes to the requester, and no payment link before they approve", () => {
    const r = inStatus("change_requested");
    const newStart = r.startAt + 30 * 60_000;
    const { next, effects } = applied(r, withApproval(r, { type: "accept_change", startAt: newStart, partySize: 3, ...by }));
    expect(next).toMatchObject({ status: "change_requested", startAt: r.startAt, partySize: 2, openCases: [] });
    expect(next.data.payment).toBeUndefined();
    expect(next.data.proposedChange).toMatchObject({ startAt: newStart, partySize: 3, amountJpy: 5500, approval: { snapshot: { revision: 2, party_size: 3, price_jpy: { min: 5500, max: 5500 }, shop: "店A", proposed: { by: "operator", name: by.operator } } } });
    expect(effects.map((e) => e.kind)).toEqual(["sms.send", "email.send"]);
    expect(effects[0]).toMatchObject({ template: "change_proposed", body: expect.stringContaining("{{guest_url}}") });
    expect(effects.some((e) => e.kind === "payment.create")).toBe(false);
    // Without its approval record (never from the object), the change is not made.
    expect(decideShop(r, { type: "accept_change", startAt: newStart, partySize: 3, ...by }, ctx).kind).toBe("ignore");
  });

  it("§2.2.5 the requester approves: new details, the approval replaces the old one, then the payment link", () => {
    const r = inStatus("change_requested");
    const newStart = r.startAt + 30 * 60_000;
    const proposed = applied(r, withApproval(r, { type: "accept_change", startAt: newStart, partySize: 3, ...by })).next;
    const hash = proposed.data.proposedChange!.approval.hash;
    // A page showing an older proposal approves nothing.
    expect(decideShop(proposed, { type: "approve_change", hash: "sha256:older" }, ctx)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("replaced") });
    const { next, effects } = applied(proposed, { type: "approve_change", hash });
    expect(next).toMatchObject({ status: "calling_success", startAt: newStart, partySize: 3, amountJpy: 5500, data: { shop: { id: "shp_a" }, approval: { hash, approvedAt: NOW, approvedVia: "guest_page" } } });
    expect(next.data.proposedChange).toBeUndefined();
    expect(effects.map((e) => e.kind)).toEqual(["sms.send", "payment.create", "email.send"]);
    expect(effects[0]).toMatchObject({ template: "details_changed", body: expect.stringContaining("3名") });
    // Approving again does nothing: the change is no longer waiting.
    expect(decideShop(next, { type: "approve_change", hash }, ctx).kind).toBe("ignore");
  });

  it("§2.2.5 the requester declines: the request closes free, politely, and the shop is told", () => {
    const r = inStatus("change_requested");
    const proposed = applied(r, withApproval(r, { type: "accept_change", startAt: r.startAt + 30 * 60_000, partySize: 3, ...by })).next;
    const { next, effects } = applied(proposed, { type: "decline_change", hash: proposed.data.proposedChange!.approval.hash });
    expect(next).toMatchObject({ status: "cancelled", timers: [], data: { cancellation: { by: "requester", refund: false } } });
    expect(next.data.proposedChange).toBeUndefined();
    expect(effects.map((e) => (e.kind === "email.send" ? `email:${e.recipient}:${e.template}` : `${e.kind}:${e.kind === "sms.send" ? e.template : ""}`))).toEqual(["sms.send:change_declined", "email:shop:shop_change_declined"]);
    expect(effects[0]).toMatchObject({ body: expect.stringContaining("ありがとうございました") });
  });

  it("§2.2.5 a change rejected: the shop is told and calling resumes with the next shop", () => {
    const { next, effects } = applied(inStatus("change_requested"), { type: "reject_change", ...by });
    expect(next).toMatchObject({ status: "calling", data: { index: 1 }, openCases: [] });
    expect(effects.map((e) => (e.kind === "email.send" ? `${e.kind}:${e.to}:${e.template}` : e.kind))).toEqual(["email.send:a@shops.test:shop_change_declined", "call.place"]);
  });

  it("a confirmed booking's new time moves the reminder and the completion", () => {
    const r = inStatus("confirmed");
    const newStart = r.startAt + 24 * HOUR;
    const { next, effects } = applied(r, { type: "accept_change", startAt: newStart, partySize: 2, ...by });
    expect(next.status).toBe("confirmed");
    expect(next.timers).toEqual([
      { type: "reminder", key: "reminder", at: Date.UTC(2026, 11, 4, 9, 0) },
      { type: "complete", key: "complete", at: newStart + policy.completeAfterStartMs },
    ]);
    expect(effects.map((e) => (e.kind === "email.send" ? `email:${e.recipient}` : e.kind))).toEqual(["sms.send", "email:requester", "email:shop"]);
  });

  describe("§2.2.6 cancellation after the deadline", () => {
    function lateRequest(): ReservationRecord {
      const r = { ...inStatus("confirmed"), startAt: NOW + 24 * HOUR };
      const refused = applied(r, { type: "cancel", by: "requester" }).next;
      expect(refused.openCases).toEqual([{ case: "late_cancellation", at: NOW }]);
      return refused;
    }

    it("cancel with refund: everything paid goes back and the shop is told it was agreed", () => {
      const { next, effects } = applied(lateRequest(), { type: "operator_cancel", refund: true, reason: "入院のため。店舗了承済み", ...by });
      expect(next).toMatchObject({ status: "cancelled", data: { cancellation: { by: "operator", refund: true, reason: "入院のため。店舗了承済み" } }, openCases: [] });
      expect(effects[0]).toMatchObject({ kind: "payment.refund", paymentIntentId: "pi_1", amountJpy: 5500 });
      expect(effects).toContainEqual(expect.objectContaining({ kind: "email.send", recipient: "shop", subject: "[QRV] 予約キャンセルのお知らせ", text: expect.stringContaining("返金を伴うキャンセル") }));
    });

    it("cancel without refund: cancelled, nothing refunded, the requester told why", () => {
      const { next, effects } = applied(lateRequest(), { type: "operator_cancel", refund: false, reason: "特別な事情なし", ...by });
      expect(next.status).toBe("cancelled");
      expect(effects.some((e) => e.kind === "payment.refund")).toBe(false);
      expect(effects[0]).toMatchObject({ kind: "sms.send", template: "cancelled_no_refund", body: expect.stringContaining("返金はございません") });
    });

    it("decline: the booking stands, the requester is told, the case closes", () => {
      const { next, effects } = applied(lateRequest(), { type: "refuse_cancellation", reason: "店舗が了承せず", ...by });
      expect(next).toMatchObject({ status: "confirmed", openCases: [] });
      expect(effects[0]).toMatchObject({ kind: "sms.send", template: "cancellation_refused", body: expect.stringContaining("引き続き有効") });
      expect(decideShop(next, { type: "refuse_cancellation", reason: "x", ...by }, ctx).kind).toBe("ignore");
    });
  });
});

describe("a call that outlives the cancellation", () => {
  const calling = () => applied(created(), { type: "start" }).next;

  it("cancelling hangs up a call whose id is known", () => {
    const r = calling();
    const placed = applied(r, { type: "call_placed", attemptId: currentAttemptId(r), providerCallId: "call_9" }).next;
    const { effects } = applied(placed, { type: "cancel", by: "requester" });
    expect(effects).toContainEqual({ kind: "call.stop", attemptId: currentAttemptId(r), providerCallId: "call_9" });
  });

  it("a call id that arrives after the cancellation is hung up at once; a second copy is ignored", () => {
    const r = calling();
    const cancelled = applied(r, { type: "cancel", by: "requester" }).next;
    const late = applied(cancelled, { type: "call_placed", attemptId: currentAttemptId(r), providerCallId: "call_late" });
    expect(late.effects).toEqual([{ kind: "call.stop", attemptId: currentAttemptId(r), providerCallId: "call_late" }]);
    expect(decideShop(late.next, { type: "call_placed", attemptId: currentAttemptId(r), providerCallId: "call_late" }, ctx).kind).toBe("ignore");
  });

  it("a yes that arrives after the cancellation tells the shop it is off; a no changes nothing", () => {
    const r = calling();
    const cancelled = applied(r, { type: "cancel", by: "requester" }).next;
    const yes = applied(cancelled, { type: "call_result", attemptId: currentAttemptId(r), result: "accepted" });
    expect(yes.effects).toEqual([expect.objectContaining({ kind: "email.send", to: shopA.email, recipient: "shop", template: "shop_withdrawn" })]);
    expect(yes.next.status).toBe("cancelled");
    expect(decideShop(cancelled, { type: "call_result", attemptId: currentAttemptId(r), result: "declined" }, ctx).kind).toBe("ignore");
  });

  it("a shop left waiting on an unclear answer or a change is told when the requester cancels", () => {
    const r = calling();
    const unclear = applied(r, { type: "call_result", attemptId: currentAttemptId(r), result: "ambiguous" }).next;
    const { effects } = applied(unclear, { type: "cancel", by: "requester" });
    expect(effects).toContainEqual(expect.objectContaining({ kind: "email.send", to: shopA.email, template: "shop_withdrawn" }));
  });
});

describe("operator decisions respect the clock", () => {
  const calling = () => applied(created(), { type: "start" }).next;
  const parkedAs = (result: "ambiguous" | "change_requested") => {
    const r = calling();
    return applied(r, { type: "call_result", attemptId: currentAttemptId(r), result, ...(result === "change_requested" ? { proposedChange: "30分後なら可" } : {}) }).next;
  };
  const at = (now: number): DecideContext => ({ ...ctx, now });

  it("a parked case keeps a start_passed timer that follows its start time", () => {
    const unclear = parkedAs("ambiguous");
    expect(unclear.timers).toContainEqual({ type: "start_passed", key: "start_passed", at: unclear.startAt });
    const settled = applied(unclear, { type: "shop_answer", operator: "op", answer: "accepted" }).next;
    expect(settled.timers.some((t) => t.type === "start_passed")).toBe(false);
  });

  for (const status of ["pending_shop_response", "change_requested", "no_shop_available"] as const) {
    it(`${status} closes at the start time: the requester is told, nothing is charged, the case closes`, () => {
      const r = withFollowUps(inStatus(status));
      const { next, effects } = applied(r, { type: "start_passed" }, at(r.startAt));
      expect(next.status).toBe("cancelled");
      expect(next.data.cancellation).toMatchObject({ by: "system", refund: false });
      expect(next.timers).toEqual([]);
      expect(next.openCases?.map((c) => c.case)).not.toContain(status === "pending_shop_response" ? "ambiguous_answer" : status);
      const text = effects.find((e) => e.kind === "sms.send");
      expect(text && text.kind === "sms.send" && text.body).toContain("までに予約を確定できなかったため");
      if (status !== "no_shop_available") expect(effects).toContainEqual(expect.objectContaining({ kind: "email.send", recipient: "shop", template: "shop_withdrawn" }));
    });
  }

  it("no operator action sends a payment link once the start has passed or is under 30 minutes away", () => {
    const unclear = parkedAs("ambiguous");
    for (const now of [unclear.startAt + 60_000, unclear.startAt - 20 * 60_000]) {
      const d = decideShop(unclear, { type: "shop_answer", operator: "op", answer: "accepted" }, at(now));
      expect(d.kind).toBe("ignore");
      if (d.kind === "ignore") expect(d.reason).toMatch(/start time has passed|too close/);
    }
    const noShop = withFollowUps(inStatus("no_shop_available"));
    expect(decideShop(noShop, { type: "assign_shop", operator: "op", shop: shopB }, at(noShop.startAt - 60_000)).kind).toBe("ignore");
    const change = parkedAs("change_requested");
    expect(decideShop(change, { type: "accept_change", operator: "op", startAt: change.startAt, partySize: 2 }, at(change.startAt + 1)).kind).toBe("ignore");
    const timedOut = applied(inStatus("payment_pending"), { type: "payment_deadline" }).next;
    expect(decideShop(timedOut, { type: "reopen_payment", operator: "op" }, at(timedOut.startAt - 10 * 60_000)).kind).toBe("ignore");
    // With time to spare the same decisions go through.
    expect(decideShop(unclear, { type: "shop_answer", operator: "op", answer: "accepted" }, ctx).kind).toBe("apply");
  });
});

describe("accepting a shop's change", () => {
  function changeAsked(): ReservationRecord {
    const r = applied(created(), { type: "start" }).next;
    return applied(r, { type: "call_result", attemptId: currentAttemptId(r), result: "change_requested", proposedChange: "カット＋シャンプーなら可" }).next;
  }

  it("can record a changed menu and price: once approved, the payment and the shop's email follow them", () => {
    const change = changeAsked();
    const proposed = applied(change, withApproval(change, { type: "accept_change", operator: "op", startAt: change.startAt, partySize: 2, menu: "カット＋シャンプー", priceJpy: 7700 })).next;
    expect(proposed.data.proposedChange?.approval.snapshot).toMatchObject({ menu: "カット＋シャンプー", price_jpy: { max: 7700 } });
    const { next, effects } = applied(proposed, { type: "approve_change", hash: proposed.data.proposedChange!.approval.hash });
    expect(next.status).toBe("calling_success");
    expect(next.amountJpy).toBe(7700);
    expect(next.data.menu).toBe("カット＋シャンプー");
    expect(effects).toContainEqual(expect.objectContaining({ kind: "payment.create", amountJpy: 7700, description: "店A カット＋シャンプー" }));
    const shopMail = effects.find((e) => e.kind === "email.send" && e.recipient === "shop");
    expect(shopMail && shopMail.kind === "email.send" && shopMail.text).toContain("メニュー: カット＋シャンプー");
    expect(decideShop(change, withApproval(change, { type: "accept_change", operator: "op", startAt: change.startAt, partySize: 2, priceJpy: 10 }), ctx).kind).toBe("ignore");
  });

  it("the approved amount caps every later payment: a pricier shop or link is refused", () => {
    const change = changeAsked();
    // The change lowers the price to 4,400 yen; once approved, that is the most any payment may ask.
    const proposed = applied(change, withApproval(change, { type: "accept_change", operator: "op", startAt: change.startAt, partySize: 2, priceJpy: 4400 })).next;
    const approved = applied(proposed, { type: "approve_change", hash: proposed.data.proposedChange!.approval.hash }).next;
    expect(approved.data.approval?.snapshot.price_jpy.max).toBe(4400);
    expect(approved.data.earlierApprovals).toHaveLength(0);
    const timedOut = applied(applied(approved, { type: "payment_link_ready", sessionId: "cs_1", url: "https://pay.test/cs_1" }).next, { type: "payment_deadline" }).next;
    // Reopening with the same (approved) price goes through; a shop costing more than approved does not.
    expect(decideShop(timedOut, { type: "reopen_payment", operator: "op" }, ctx).kind).toBe("apply");
    const pricier = { ...timedOut, data: { ...timedOut.data, shop: { ...timedOut.data.shop!, priceJpy: 5500 } } };
    expect(decideShop(pricier, { type: "reopen_payment", operator: "op" }, ctx)).toMatchObject({ kind: "ignore", reason: expect.stringContaining("more than") });
  });

  it("a change from a request with an approval supersedes it and keeps who asked", () => {
    const change = changeAsked();
    const first = { snapshot: { version: 1 as const, service: "カット", area: "渋谷", start: "2026-12-04T12:00:00+09:00", party_size: 2, price_jpy: { min: 5500, max: 6600 }, cancellation_policy: "v1", requester: { name: "山田 太郎", phone: "+81 90-****-5678" }, asked_by: { kind: "api_key" as const, id: "key_1", name: "Agent" }, client: { name: "claude" }, approved_at: "2026-12-01T12:00:00+09:00" }, hash: "sha256:first" };
    const withFirst = { ...change, data: { ...change.data, approval: first } };
    const proposed = applied(withFirst, withApproval(withFirst, { type: "accept_change", operator: "op", startAt: change.startAt, partySize: 2, priceJpy: 8800 })).next;
    expect(proposed.data.proposedChange?.approval.snapshot).toMatchObject({ revision: 2, supersedes: "sha256:first", asked_by: first.snapshot.asked_by, client: { name: "claude" }, price_jpy: { max: 8800 } });
    // Until approved, the first approval is the one in force.
    expect(proposed.data.approval?.hash).toBe("sha256:first");
    const approved = applied(proposed, { type: "approve_change", hash: proposed.data.proposedChange!.approval.hash }).next;
    expect(approved.amountJpy).toBe(8800);
    expect(approved.data.earlierApprovals?.map((a) => a.hash)).toEqual(["sha256:first"]);
  });
});

describe("an operator cancelling a paid booking without a refund", () => {
  it("48 hours or more ahead: the requester is told the operator's reason, never that the deadline passed", () => {
    const r = inStatus("confirmed");
    expect(r.startAt - NOW).toBeGreaterThanOrEqual(policy.cancelDeadlineMs);
    expect(decideShop(r, { type: "operator_cancel", operator: "op", refund: false, reason: "  " }, ctx).kind).toBe("ignore");
    const { effects } = applied(r, { type: "operator_cancel", operator: "op", refund: false, reason: "店舗の臨時休業" });
    const text = effects.find((e) => e.kind === "sms.send");
    expect(text && text.kind === "sms.send" && text.body).toContain("理由: 店舗の臨時休業");
    const toRequester = effects.filter((e) => (e.kind === "sms.send" && e.to === r.requester.phone) || (e.kind === "email.send" && e.recipient === "requester"));
    expect(toRequester).toHaveLength(2);
    expect(JSON.stringify(toRequester)).not.toContain("期限");
    expect(JSON.stringify(toRequester)).not.toContain("deadline");
  });

  it("under 48 hours the deadline is the reason", () => {
    const r = inStatus("confirmed");
    const late = { ...ctx, now: r.startAt - 24 * HOUR };
    const { effects } = applied(r, { type: "operator_cancel", operator: "op", refund: false, reason: "依頼者の希望" }, late);
    const text = effects.find((e) => e.kind === "sms.send");
    expect(text && text.kind === "sms.send" && text.body).toContain("キャンセル期限（48時間前）を過ぎているため");
  });
});

describe("refund updates", () => {
  it("apply in every status where a refund can exist, including after reopen_payment", () => {
    const timedOut = applied(inStatus("payment_pending"), { type: "payment_deadline" }).next;
    // The money arrives late (refunded automatically), then the requester asks for the link again.
    const late = applied(timedOut, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_late", amountJpy: 5500 }).next;
    const reopened = applied(late, { type: "reopen_payment", operator: "op" }).next;
    expect(reopened.status).toBe("calling_success");
    expect(reopened.data.payment?.refund?.status).toBe("requested");
    const failed = applied(reopened, { type: "refund_updated", refundId: "re_1", status: "failed" });
    expect(failed.next.data.payment?.refund).toMatchObject({ status: "failed", refundId: "re_1" });
    expect(failed.effects).toContainEqual(expect.objectContaining({ kind: "alert.send", case: "payment_system" }));
    for (const status of STATUSES) expect(Object.keys(SHOP_TRANSITIONS[status])).toContain("refund_updated");
  });
});
