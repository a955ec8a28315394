// The shop-booking state machine (seed 000 §2): a pure function from (record, event) to the
// next record, the side effects to commit with it, and the timeline lines. The table at the
// bottom is the whole machine: one row per status, one entry per event that applies there.
// Anything not in the table is ignored and recorded, never an error.
import { buildChangeApproval, withinApproval, type Approval } from "../approval.ts";
import { MANUAL_CASES, caseAlertKey, caseAlertText, type ManualCaseId } from "../cases.ts";
import { lateCancellationMessage, requesterEmail, shopEmail, sms, type EmailContent, type MessageContext } from "../messages.ts";
import { formatJpy, fullRefund, shopBookingPrice } from "../money.ts";
import { cancellationTier, policy, reminderAt } from "../policy.ts";
import { formatClock, formatShort, toIsoTokyo } from "../time.ts";
import type {
  Actor,
  CallAttempt,
  CallResult,
  DecideContext,
  Decision,
  Effect,
  EventType,
  Note,
  OpenCase,
  Outcome,
  ProposedChange,
  ReservationEvent,
  ReservationRecord,
  ShopRef,
  ShopRequest,
  Status,
  Timer,
} from "./types.ts";

type EventOf<T extends EventType> = Extract<ReservationEvent, { type: T }>;
type Handler<T extends EventType> = (r: ReservationRecord, e: EventOf<T>, ctx: DecideContext) => Decision;
type Row = { [T in EventType]?: Handler<T> };

// ------------------------------------------------------------------ small builders

function apply(next: ReservationRecord, effects: Effect[], notes: Note[], outcome?: Outcome): Decision {
  return { kind: "apply", next, effects, note: notes.length === 1 ? notes[0]! : { code: "multi", params: { notes: JSON.stringify(notes) } }, outcome };
}

function ignore(reason: string, outcome?: Outcome): Decision {
  return { kind: "ignore", reason, outcome };
}

function update(r: ReservationRecord, patch: Partial<ReservationRecord>, data?: Partial<ReservationRecord["data"]>): ReservationRecord {
  return { ...r, ...patch, data: data ? { ...r.data, ...data } : r.data };
}

function timers(r: ReservationRecord, drop: (t: Timer) => boolean, add: Timer[] = []): Timer[] {
  return [...r.timers.filter((t) => !drop(t)), ...add].sort((a, b) => a.at - b.at);
}

const all = () => true;

function mc(r: ReservationRecord, ctx: DecideContext): MessageContext {
  return { record: r, guestUrl: ctx.guestUrl, supportPhone: ctx.supportPhone, supportEmail: ctx.supportEmail };
}

function smsToRequester(r: ReservationRecord, body: string, template: string): Effect {
  return { kind: "sms.send", to: r.requester.phone, body, template };
}

function emailToRequester(r: ReservationRecord, content: EmailContent, template: string): Effect[] {
  return r.requester.email ? [{ kind: "email.send", to: r.requester.email, recipient: "requester", template, ...content }] : [];
}

function emailToShop(shop: ShopRef | undefined, content: (shop: ShopRef) => EmailContent, template: string): Effect[] {
  return shop?.email ? [{ kind: "email.send", to: shop.email, recipient: "shop", template, ...content(shop) }] : [];
}

/** Alerts operators; the case also opens on the record (see withCases) until someone settles it. */
function alert(caseId: ManualCaseId, r: ReservationRecord, ctx: DecideContext, detail?: string): Effect {
  return { kind: "alert.send", case: caseId, key: caseAlertKey(caseId, r.id), priority: MANUAL_CASES[caseId].priority, text: caseAlertText(caseId, r.id, ctx.publicUrl, detail) };
}

function currentAttempt(r: ReservationRecord): CallAttempt | undefined {
  const last = r.data.attempts.at(-1);
  return last && last.result === undefined ? last : undefined;
}

/** Joins the timeline lines of one transition into the note stored with its event. */
export function notesOf(note: Note): Note[] {
  return note.code === "multi" ? (JSON.parse(String(note.params?.notes)) as Note[]) : [note];
}

// ------------------------------------------------------------------ calling

/** Calls the next shop in the plan, or ends the round, or gives up after the last round. */
function advance(r: ReservationRecord, ctx: DecideContext): { next: ReservationRecord; effects: Effect[]; notes: Note[] } {
  const d = r.data;
  const shop = d.plan[d.index];
  if (shop) {
    const attempt: CallAttempt = { id: `${r.id}:${d.attempts.length + 1}`, shopId: shop.id, shopName: shop.name, round: d.round, startedAt: ctx.now };
    return {
      next: update(
        r,
        { status: "calling", timers: timers(r, (t) => t.type === "call_timeout", [{ type: "call_timeout", key: `call_timeout:${attempt.id}`, at: ctx.now + policy.callAttemptTimeoutMs, attemptId: attempt.id }]) },
        { attempts: [...d.attempts, attempt] },
      ),
      effects: [
        {
          kind: "call.place",
          attemptId: attempt.id,
          shop: { id: shop.id, name: shop.name, phone: shop.phone },
          request: { service: d.service, startAt: r.startAt, partySize: r.partySize, requesterName: r.requester.name, ...(d.notes ? { notes: d.notes } : {}) },
        },
      ],
      notes: [{ code: "call_started", params: { shop: shop.name, round: d.round } }],
    };
  }
  if (d.round < policy.maxCallRounds) {
    return {
      next: update(r, { status: "calling", timers: timers(r, (t) => t.type === "call_timeout", [{ type: "next_round", key: "next_round", at: ctx.now + ctx.roundDelayMs }]) }),
      effects: [],
      notes: [{ code: "round_finished", params: { round: d.round, delay: Math.round(ctx.roundDelayMs / 1000) } }],
    };
  }
  const next = update(r, { status: "no_shop_available", timers: [] });
  return {
    next,
    effects: [smsToRequester(next, sms.noShopAvailable(mc(next, ctx)), "no_shop_available"), alert("no_shop_available", next, ctx)],
    notes: [{ code: "no_shop_available" }],
  };
}

/** A call ended with `result`: record it on the attempt and decide what follows. */
function callEnded(r: ReservationRecord, attemptId: string, result: CallResult, ctx: DecideContext, extra: { summary?: string; proposedChange?: string; providerCallId?: string } = {}): Decision {
  const attempt = currentAttempt(r);
  if (!attempt || attempt.id !== attemptId) return ignore(`attempt ${attemptId} is not the call in progress`);
  const ended: CallAttempt = {
    ...attempt,
    endedAt: ctx.now,
    result,
    ...(extra.summary ? { summary: extra.summary } : {}),
    ...(extra.proposedChange ? { proposedChange: extra.proposedChange } : {}),
    ...(extra.providerCallId && !attempt.providerCallId ? { providerCallId: extra.providerCallId } : {}),
  };
  const attempts = [...r.data.attempts.slice(0, -1), ended];
  const base = update(r, { timers: timers(r, (t) => t.key === `call_timeout:${attemptId}`) }, { attempts });
  const shopNote: Note = { code: `call_${result}`, params: { shop: attempt.shopName } };

  switch (result) {
    case "accepted":
      return holdShop(base, r.data.plan[r.data.index]!, ctx, [shopNote]);
    case "ambiguous": {
      const next = update(base, { status: "pending_shop_response" });
      return apply(next, [alert("ambiguous_answer", next, ctx, `店舗: ${attempt.shopName}${extra.summary ? ` / ${extra.summary}` : ""}`)], [shopNote]);
    }
    case "change_requested": {
      const next = update(base, { status: "change_requested" });
      return apply(next, [alert("change_requested", next, ctx, `店舗: ${attempt.shopName} / 変更内容: ${extra.proposedChange ?? "（要確認）"}`)], [shopNote]);
    }
    case "declined":
    case "no_answer":
    case "failed": {
      const moved = advance(update(base, {}, { index: r.data.index + 1 }), ctx);
      return apply(moved.next, moved.effects, [shopNote, ...moved.notes]);
    }
  }
}

/**
 * A shop said yes (on the phone, or to an operator): hold its price, ask for a payment
 * session and send the shop its tentative booking. Refunds already on record are kept.
 */
function holdShop(r: ReservationRecord, shop: ShopRef, ctx: DecideContext, notes: Note[]): Decision {
  const amountJpy = shopBookingPrice(shop.priceJpy);
  // The requester approved a price range; nobody may ask them to pay more than its top.
  if (!withinApproval(r.data.approval?.snapshot, amountJpy)) return ignore(`${shop.name} costs ${formatJpy(amountJpy)}, more than the ${formatJpy(r.data.approval!.snapshot.price_jpy.max)} the requester approved`);
  const before = r.data.payment;
  const payment = { amountJpy, ...(before?.latePayment ? { latePayment: before.latePayment } : {}), ...(before?.refund ? { refund: before.refund } : {}) };
  const next = update(r, { status: "calling_success", amountJpy }, { shop, payment });
  return apply(
    next,
    [
      { kind: "payment.create", amountJpy, description: `${shop.name} ${r.data.menu ?? r.data.service}`, language: r.requester.language, ...(r.requester.email ? { customerEmail: r.requester.email } : {}) },
      ...emailToShop(shop, (s) => shopEmail.tentative(mc(next, ctx), s), "shop_tentative"),
    ],
    notes,
  );
}

// ------------------------------------------------------------------ payment

/** The reminder timer for the record's current start time (replacing any earlier one). */
export function rescheduleReminder(r: ReservationRecord, now: number): Timer[] {
  const at = reminderAt(r.startAt, now);
  return timers(r, (t) => t.type === "reminder", at === null ? [] : [{ type: "reminder", key: "reminder", at }]);
}

function confirm(r: ReservationRecord, e: EventOf<"payment_completed">, ctx: DecideContext): Decision {
  const payment = r.data.payment!;
  if (payment.sessionId && payment.sessionId !== e.sessionId) return latePayment(r, e, ctx);
  const withReminder = update(r, { timers: rescheduleReminder(r, ctx.now) });
  const next = update(
    withReminder,
    {
      status: "confirmed",
      timers: timers(withReminder, (t) => t.type === "payment_deadline", [{ type: "complete", key: "complete", at: r.startAt + policy.completeAfterStartMs }]),
    },
    { payment: { ...payment, sessionId: e.sessionId, paidAt: ctx.now, paymentIntentId: e.paymentIntentId } },
  );
  const shop = r.data.shop!;
  return apply(
    next,
    [
      smsToRequester(next, sms.confirmed(mc(next, ctx), shop), "confirmed"),
      ...emailToRequester(next, requesterEmail.confirmed(mc(next, ctx), shop), "requester_confirmed"),
      ...emailToShop(shop, (s) => shopEmail.confirmed(mc(next, ctx), s), "shop_confirmed"),
    ],
    [{ code: "payment_completed" }],
  );
}

/** Money that arrived when it could no longer buy the booking goes back, and the requester is told. */
function latePayment(r: ReservationRecord, e: EventOf<"payment_completed">, ctx: DecideContext): Decision {
  const payment = r.data.payment;
  if (payment?.paymentIntentId === e.paymentIntentId || payment?.latePayment?.paymentIntentId === e.paymentIntentId) {
    return ignore(`payment ${e.paymentIntentId} already recorded`);
  }
  if (e.amountJpy <= 0) return ignore("nothing was paid");
  const next = update(r, {}, {
    payment: {
      ...(payment ?? { amountJpy: e.amountJpy }),
      latePayment: { paymentIntentId: e.paymentIntentId, amountJpy: e.amountJpy, at: ctx.now },
      refund: { amountJpy: e.amountJpy, requestedAt: ctx.now, status: "requested" },
    },
  });
  return apply(
    next,
    [
      { kind: "payment.refund", paymentIntentId: e.paymentIntentId, amountJpy: fullRefund(e.amountJpy), reason: "requested_by_customer", note: `late payment in status ${r.status}` },
      smsToRequester(next, sms.latePaymentRefunded(mc(next, ctx), e.amountJpy), "late_payment_refunded"),
    ],
    [{ code: "late_payment_refund" }],
  );
}

/**
 * §2.2.3: no manual work unless the requester asks, so no alert and no queue item; the expiry
 * stays in the timeline and the dashboards, and an operator reopens the payment from the
 * reservation's page when asked (reopen_payment).
 */
function paymentTimedOut(r: ReservationRecord, ctx: DecideContext): Decision {
  const next = update(r, { status: "payment_timeout", timers: [] });
  return apply(
    next,
    [
      smsToRequester(next, sms.paymentTimeout(mc(next, ctx)), "payment_timeout"),
      ...emailToRequester(next, requesterEmail.paymentTimeout(mc(next, ctx)), "requester_payment_timeout"),
      ...emailToShop(r.data.shop, (s) => shopEmail.withdrawn(mc(next, ctx), s, "payment_timeout"), "shop_withdrawn"),
    ],
    [{ code: "payment_timeout" }],
  );
}

// ------------------------------------------------------------------ cancellation

function cancelOutcome(result: Extract<Outcome, { type: "cancel" }>["result"], r: ReservationRecord, ctx: DecideContext, refundJpy?: number): Outcome {
  const ja = r.requester.language === "ja";
  const messages: Record<typeof result, string> = {
    cancelled_free: ja ? "キャンセルしました。料金はかかりません。" : "Cancelled. You have not been charged.",
    cancelled_refund: ja ? `キャンセルしました。${formatJpy(refundJpy ?? 0)}を全額返金します。` : `Cancelled. ${formatJpy(refundJpy ?? 0)} will be refunded in full.`,
    refused_deadline: lateCancellationMessage(r.requester.language, ctx.supportPhone, ctx.supportEmail),
    already_cancelled: ja ? "この予約はすでにキャンセルされています。" : "This reservation is already cancelled.",
    not_cancellable: ja ? "ご利用日時を過ぎた予約はキャンセルできません。" : "A reservation whose time has passed cannot be cancelled.",
  };
  return { type: "cancel", result, message: messages[result], ...(refundJpy !== undefined ? { refundJpy } : {}) };
}

/** Before payment: cancel free. Withdraw a tentative booking from the shop and close the payment link. */
function cancelBeforePayment(r: ReservationRecord, e: EventOf<"cancel">, ctx: DecideContext): Decision {
  const next = update(r, { status: "cancelled", timers: [] }, { cancellation: { at: ctx.now, by: e.by, ...(e.reason ? { reason: e.reason } : {}), refund: false } });
  const shopHeld = r.status === "calling_success" || r.status === "payment_pending";
  // A shop that answered unclearly or asked for a change is waiting to hear back.
  const shopWaiting = r.status === "pending_shop_response" || r.status === "change_requested" ? lastCalledShop(r) : undefined;
  const session = r.data.payment?.sessionId;
  // A call still ringing is hung up; one not yet placed is never dialled (the job checks first).
  const ringing = r.status === "calling" ? currentAttempt(r) : undefined;
  return apply(
    next,
    [
      ...(ringing?.providerCallId ? [{ kind: "call.stop", attemptId: ringing.id, providerCallId: ringing.providerCallId } as const] : []),
      ...(r.status === "payment_pending" && session ? [{ kind: "payment.expire", sessionId: session } as const] : []),
      smsToRequester(next, sms.cancelled(mc(next, ctx), undefined), "cancelled"),
      ...emailToRequester(next, requesterEmail.cancelled(mc(next, ctx), undefined), "requester_cancelled"),
      ...(shopHeld ? emailToShop(r.data.shop, (s) => shopEmail.withdrawn(mc(next, ctx), s, "cancelled"), "shop_withdrawn") : []),
      ...emailToShop(shopWaiting, (s) => shopEmail.withdrawn(mc(next, ctx), s, "cancelled"), "shop_withdrawn"),
    ],
    [{ code: e.by === "operator" ? "cancelled_by_operator" : "cancelled_free" }],
    cancelOutcome("cancelled_free", r, ctx),
  );
}

/** Confirmed: 48 hours or more before the start cancels with a full refund; later is refused. */
function cancelConfirmed(r: ReservationRecord, e: EventOf<"cancel">, ctx: DecideContext): Decision {
  const tier = cancellationTier(true, r.startAt, ctx.now);
  if (tier.tier === "too_late") {
    // The requester still wants to cancel: seed 000 §2.2.6 makes this a case for an operator.
    const outcome = cancelOutcome("refused_deadline", r, ctx);
    return apply(update(r, {}), [alert("late_cancellation", r, ctx)], [{ code: "cancel_refused" }], outcome);
  }
  return cancelWithRefund(r, e.by, e.reason, ctx, "cancelled 48 hours or more before the start");
}

/** A paid booking cancelled with everything paid going back (the shop is told). */
function cancelWithRefund(r: ReservationRecord, by: Actor, reason: string | undefined, ctx: DecideContext, refundNote: string): Decision {
  const payment = r.data.payment!;
  const refundJpy = fullRefund(payment.amountJpy);
  const late = by === "operator" && cancellationTier(true, r.startAt, ctx.now).tier === "too_late";
  const next = update(
    r,
    { status: "cancelled", timers: [] },
    {
      cancellation: { at: ctx.now, by, ...(reason ? { reason } : {}), refund: true },
      payment: { ...payment, refund: { amountJpy: refundJpy, requestedAt: ctx.now, status: "requested" } },
    },
  );
  return apply(
    next,
    [
      { kind: "payment.refund", paymentIntentId: payment.paymentIntentId!, amountJpy: refundJpy, reason: "requested_by_customer", note: refundNote },
      smsToRequester(next, sms.cancelled(mc(next, ctx), refundJpy), "cancelled_refund"),
      ...emailToRequester(next, requesterEmail.cancelled(mc(next, ctx), refundJpy), "requester_cancelled"),
      ...(late ? emailToShop(r.data.shop, (s) => shopEmail.lateCancelled(mc(next, ctx), s, true), "shop_cancelled") : emailToShop(r.data.shop, (s) => shopEmail.cancelled(mc(next, ctx), s), "shop_cancelled")),
    ],
    [{ code: by === "operator" ? "cancelled_refund_by_operator" : "cancelled_refund" }],
    cancelOutcome("cancelled_refund", r, ctx, refundJpy),
  );
}

// ------------------------------------------------------------------ events valid in many statuses

const onCallPlaced: Handler<"call_placed"> = (r, e) => {
  const attempt = currentAttempt(r);
  if (!attempt || attempt.id !== e.attemptId) return ignore(`attempt ${e.attemptId} is not the call in progress`);
  if (attempt.providerCallId) return ignore("call id already recorded");
  return apply(update(r, {}, { attempts: [...r.data.attempts.slice(0, -1), { ...attempt, providerCallId: e.providerCallId }] }), [], []);
};

const onCallResult: Handler<"call_result"> = (r, e, ctx) =>
  callEnded(r, e.attemptId, e.result, ctx, { ...(e.summary ? { summary: e.summary } : {}), ...(e.proposedChange ? { proposedChange: e.proposedChange } : {}), ...(e.providerCallId ? { providerCallId: e.providerCallId } : {}) });

const onCallTimeout: Handler<"call_timeout"> = (r, e, ctx) => callEnded(r, e.attemptId, "no_answer", ctx);

const onPaymentCompleted: Handler<"payment_completed"> = (r, e, ctx) => latePayment(r, e, ctx);

const onRefundUpdated: Handler<"refund_updated"> = (r, e, ctx) => {
  const payment = r.data.payment;
  if (!payment?.refund) return ignore("no refund was requested");
  if (payment.refund.status === e.status && payment.refund.refundId === e.refundId) return ignore("refund status unchanged");
  if (payment.refund.status === "succeeded" && e.status !== "succeeded") return ignore("refund already succeeded");
  const next = update(r, {}, { payment: { ...payment, refund: { ...payment.refund, status: e.status, refundId: e.refundId } } });
  return apply(next, e.status === "failed" ? [alert("payment_system", r, ctx, `返金に失敗しました (${e.refundId})`)] : [], [{ code: `refund_${e.status}` }]);
};

const onJobFailed: Handler<"job_failed"> = (r, e, ctx) => {
  switch (e.jobKind) {
    case "call.place":
      if (r.status !== "calling" || !e.attemptId) return ignore("no call in progress");
      return callEnded(r, e.attemptId, "failed", ctx);
    case "payment.create":
      return apply(update(r, {}), [alert("payment_system", r, ctx, e.error)], [{ code: "payment_link_failed" }]);
    case "sms.send":
      return apply(update(r, {}), [alert("sms_undeliverable", r, ctx, e.error)], [{ code: "message_failed" }]);
    case "alert.send":
      return ignore("an alert that cannot be sent cannot raise another alert");
    default:
      return apply(update(r, {}), [alert("job_dead", r, ctx, `${e.jobKind}: ${e.error}`)], [{ code: "job_failed" }]);
  }
};

/** Seed 000 §2.2.2: operators are alerted, and the same content goes by email when there is an address. */
const onSmsFailed: Handler<"sms_failed"> = (r, e, ctx) =>
  apply(update(r, {}), [alert("sms_undeliverable", r, ctx, e.error), ...emailToRequester(r, requesterEmail.smsFallback(mc(r, ctx), e.body), "sms_fallback")], [{ code: "message_failed" }]);

const onReminder: Handler<"reminder"> = (r, _e, ctx) =>
  // A reminder that comes too late (a lost alarm, a time moved earlier) would only confuse.
  ctx.now >= r.startAt ? ignore("the appointment time has already come") : apply(update(r, {}), [smsToRequester(r, sms.reminder(mc(r, ctx), r.data.shop!, ctx.now), "reminder")], [{ code: "reminder_sent" }]);

/** The call that was ringing when the booking was cancelled: its placement arrives late, so hang up. */
const onCallPlacedAfterCancel: Handler<"call_placed"> = (r, e) => {
  const attempt = currentAttempt(r);
  if (!attempt || attempt.id !== e.attemptId || attempt.providerCallId) return ignore(`attempt ${e.attemptId} is not a call to hang up`);
  const next = update(r, {}, { attempts: [...r.data.attempts.slice(0, -1), { ...attempt, providerCallId: e.providerCallId }] });
  return apply(next, [{ kind: "call.stop", attemptId: attempt.id, providerCallId: e.providerCallId }], [{ code: "call_stopped", params: { shop: attempt.shopName } }]);
};

/**
 * The answer of the call that was ringing when the booking was cancelled. A shop that said yes
 * was promised an email; it gets one saying the booking is off.
 */
const onCallResultAfterCancel: Handler<"call_result"> = (r, e, ctx) => {
  const attempt = currentAttempt(r);
  if (!attempt || attempt.id !== e.attemptId) return ignore(`attempt ${e.attemptId} is not the call that was ringing`);
  if (e.result !== "accepted") return ignore(`the booking was cancelled; the shop's answer (${e.result}) changes nothing`);
  const next = update(r, {}, { attempts: [...r.data.attempts.slice(0, -1), { ...attempt, endedAt: ctx.now, result: e.result }] });
  const shop = r.data.plan.find((s) => s.id === attempt.shopId);
  return apply(next, emailToShop(shop, (s) => shopEmail.withdrawn(mc(next, ctx), s, "cancelled"), "shop_withdrawn"), [{ code: "shop_told_cancelled", params: { shop: attempt.shopName } }]);
};

const cancelled: Handler<"cancel"> = (r, _e, ctx) => ignore("already cancelled", cancelOutcome("already_cancelled", r, ctx));

/** A shop booking whose payment link is still being made, or not yet paid. */
const onPaymentLinkReady: Handler<"payment_link_ready"> = (r, e, ctx) => {
  const deadlineAt = ctx.now + policy.paymentWindowMs;
  const payment = { ...r.data.payment!, sessionId: e.sessionId, url: e.url, deadlineAt };
  const next = update(r, { status: "payment_pending", timers: timers(r, (t) => t.type === "payment_deadline", [{ type: "payment_deadline", key: "payment_deadline", at: deadlineAt }]) }, { payment });
  return apply(next, [smsToRequester(next, sms.paymentLink(mc(next, ctx), r.data.shop!, e.url, deadlineAt), "payment_link")], [{ code: "payment_link_sent", params: { deadline: formatClock(deadlineAt) } }]);
};


// ------------------------------------------------------------------ operator decisions (seed 000 §2.2)

function openCase(r: ReservationRecord, caseId: ManualCaseId): OpenCase | undefined {
  return r.openCases?.find((c) => c.case === caseId);
}

/** The shop of the last call (the one that answered unclearly or asked for a change). */
function lastCalledShop(r: ReservationRecord): ShopRef | undefined {
  const attempt = r.data.attempts.at(-1);
  return attempt ? r.data.plan.find((s) => s.id === attempt.shopId) : undefined;
}

function validDetails(r: ReservationRecord, startAt: number, partySize: number, ctx: DecideContext): string | null {
  if (!Number.isSafeInteger(partySize) || partySize < 1 || partySize > policy.maxPartySize) return `party size must be 1 to ${policy.maxPartySize}`;
  if (startAt !== r.startAt && startAt < ctx.now + policy.minLeadTimeMs) return "the new time must leave time to arrange the booking";
  return tooLateToBook(startAt, ctx);
}

/**
 * Whether an operator decision may still send a payment link for this start (the console shows
 * or hides its forms by the same rule the machine applies): null when it may, else why not.
 */
export function paymentLinkRefusal(startAt: number, now: number): string | null {
  return tooLateToBook(startAt, { now });
}

/**
 * No operator decision sends a payment link for a start that has passed, or that is too close
 * to pay and reach the shop (less than the lead time a new request needs).
 */
function tooLateToBook(startAt: number, ctx: Pick<DecideContext, "now">): string | null {
  if (startAt <= ctx.now) return "the start time has passed; no payment link can be sent for it";
  if (startAt < ctx.now + policy.minLeadTimeMs) return `the start is less than ${policy.minLeadTimeMs / 60_000} minutes away, too close to pay and reach the shop`;
  return null;
}

/** §2.2.1: a shop found by hand accepted; the booking continues as if it had said yes on the call. */
const onAssignShop: Handler<"assign_shop"> = (r, e, ctx) => {
  const late = tooLateToBook(r.startAt, ctx);
  return late ? ignore(late) : holdShop(r, e.shop, ctx, [{ code: "shop_assigned", params: { shop: e.shop.name } }]);
};

/** §2.2.1: the requester agreed to another time; both rounds start again for it. */
const onProposeNewTime: Handler<"propose_new_time"> = (r, e, ctx) => {
  const invalid = validDetails(r, e.startAt, r.partySize, ctx);
  if (invalid) return ignore(invalid);
  const moved = advance(update(r, { startAt: e.startAt }, { round: 1, index: 0 }), ctx);
  return apply(moved.next, [smsToRequester(moved.next, sms.newTime(mc(moved.next, ctx)), "new_time"), ...moved.effects], [{ code: "new_time", params: { start: formatShort(e.startAt, "ja") } }, ...moved.notes]);
};

/** Free before payment; once paid, an operator may cancel after the deadline with or without a refund (§2.2.6). */
const onOperatorCancel: Handler<"operator_cancel"> = (r, e, ctx) => {
  if (r.status !== "confirmed") return cancelBeforePayment(r, { type: "cancel", by: "operator", reason: e.reason }, ctx);
  if (e.refund) return cancelWithRefund(r, "operator", e.reason, ctx, `cancelled by an operator: ${e.reason}`);
  // 48 hours or more ahead the requester would have had a refund: only a stated reason explains why not.
  const late = cancellationTier(true, r.startAt, ctx.now).tier === "too_late";
  if (!late && !e.reason.trim()) return ignore("a reason is required to cancel without a refund 48 hours or more before the start");
  const why = { late, reason: e.reason.trim() };
  const next = update(r, { status: "cancelled", timers: [] }, { cancellation: { at: ctx.now, by: "operator", reason: e.reason, refund: false } });
  return apply(
    next,
    [
      smsToRequester(next, sms.cancelledNoRefund(mc(next, ctx), why), "cancelled_no_refund"),
      ...emailToRequester(next, requesterEmail.cancelledNoRefund(mc(next, ctx), why), "requester_cancelled_no_refund"),
      ...emailToShop(r.data.shop, (s) => (late ? shopEmail.lateCancelled(mc(next, ctx), s, false) : shopEmail.cancelled(mc(next, ctx), s)), "shop_cancelled"),
    ],
    [{ code: "cancelled_no_refund" }],
  );
};

/** A phone call or other handling, kept in the audit log; it may settle a case. */
const onOperatorNote: Handler<"operator_note"> = (r) => apply(update(r, {}), [], [{ code: "operator_note" }]);

/** §2.2.2: the texts that did not arrive, by email. */
const onResendByEmail: Handler<"resend_by_email"> = (r, e, ctx) => {
  const messages = openCase(r, "sms_undeliverable")?.messages ?? [];
  if (!messages.length) return ignore("no undelivered text to resend");
  const next = update(r, { requester: { ...r.requester, email: e.email } });
  return apply(next, [{ kind: "email.send", to: e.email, recipient: "requester", template: "sms_fallback", ...requesterEmail.smsFallback(mc(next, ctx), messages.join("\n\n")) }], [{ code: "resent_by_email" }]);
};

/** §2.2.2: the right number; whatever did not arrive goes again. */
const onCorrectPhone: Handler<"correct_phone"> = (r, e, ctx) => {
  if (!/^\+[1-9]\d{7,14}$/.test(e.phone)) return ignore("the phone number must be in E.164 form");
  const next = update(r, { requester: { ...r.requester, phone: e.phone } });
  const messages = openCase(r, "sms_undeliverable")?.messages ?? [];
  return apply(next, messages.map((body) => smsToRequester(next, body, "resend")), [{ code: "phone_corrected" }]);
};

/** §2.2.3: on the requester's request, the same shop and a fresh 10-minute window. */
const onReopenPayment: Handler<"reopen_payment"> = (r, _e, ctx) => {
  if (!r.data.shop) return ignore("no shop holds this booking");
  const late = tooLateToBook(r.startAt, ctx);
  return late ? ignore(late) : holdShop(r, r.data.shop, ctx, [{ code: "payment_reopened" }]);
};

/** §2.2.4: the shop's final answer, obtained by phone. */
const onShopAnswer: Handler<"shop_answer"> = (r, e, ctx) => {
  const shop = lastCalledShop(r);
  if (!shop) return ignore("no shop was called");
  if (e.answer === "accepted") {
    const late = tooLateToBook(r.startAt, ctx);
    return late ? ignore(late) : holdShop(r, shop, ctx, [{ code: "shop_confirmed_by_operator", params: { shop: shop.name } }]);
  }
  const moved = advance(update(r, {}, { index: r.data.index + 1 }), ctx);
  return apply(moved.next, moved.effects, [{ code: "shop_declined_by_operator", params: { shop: shop.name } }, ...moved.notes]);
};

/** The price a change agrees on, or why it cannot be one. */
function changePrice(e: { priceJpy?: number }): string | null {
  return e.priceJpy !== undefined && (!Number.isSafeInteger(e.priceJpy) || e.priceJpy < 50 || e.priceJpy > 1_000_000) ? "the price must be 50 to 1,000,000 yen" : null;
}

/**
 * The approval a shop's change asks the requester for (before payment), or null when the
 * event cannot make one. The reservation's object hashes it and adds it to the event.
 */
export function changeApprovalFor(r: ReservationRecord, e: EventOf<"accept_change">, now: number): Approval | null {
  const shop = lastCalledShop(r);
  if (r.status !== "change_requested" || !shop || changePrice(e) || !Number.isSafeInteger(e.partySize)) return null;
  const previous = r.data.approval;
  return buildChangeApproval({
    ...(previous ? { previous } : {}),
    service: r.data.service,
    area: r.data.area,
    shop: shop.name,
    ...(e.menu ?? r.data.menu ? { menu: e.menu ?? r.data.menu } : {}),
    start: toIsoTokyo(e.startAt),
    partySize: e.partySize,
    amountJpy: shopBookingPrice(e.priceJpy ?? shop.priceJpy),
    requester: { name: r.requester.name, phone: r.requester.phone },
    askedBy: r.apiKeyId ? { kind: "api_key", id: r.apiKeyId } : { kind: "user", id: "requester" },
    operator: e.operator,
    proposedAt: toIsoTokyo(now),
  });
}

/**
 * §2.2.5 and the approval record: an operator accepted the shop's change. It becomes a new
 * approval, hashed, that the requester approves or declines on their page (the SMS links to
 * it); nothing is charged and no payment link goes out until they approve.
 */
const onAcceptChange: Handler<"accept_change"> = (r, e, ctx) => {
  const shop = lastCalledShop(r);
  if (!shop) return ignore("no shop was called");
  const invalid = validDetails(r, e.startAt, e.partySize, ctx) ?? changePrice(e);
  if (invalid) return ignore(invalid);
  if (!e.approval) return ignore("the change has no approval record to put to the requester");
  const amountJpy = shopBookingPrice(e.priceJpy ?? shop.priceJpy);
  if (e.approval.snapshot.price_jpy.max !== amountJpy || e.approval.snapshot.start !== toIsoTokyo(e.startAt) || e.approval.snapshot.party_size !== e.partySize) return ignore("the approval record does not match the change");
  const proposedChange: ProposedChange = {
    approval: e.approval,
    startAt: e.startAt,
    partySize: e.partySize,
    ...(e.menu ? { menu: e.menu } : {}),
    ...(e.priceJpy !== undefined ? { priceJpy: e.priceJpy } : {}),
    amountJpy,
    proposedAt: ctx.now,
    operator: e.operator,
  };
  const next = update(r, {}, { proposedChange });
  return apply(
    next,
    [smsToRequester(next, sms.changeProposed(mc(next, ctx), shop, proposedChange), "change_proposed"), ...emailToRequester(next, requesterEmail.changeProposed(mc(next, ctx), shop, proposedChange), "requester_change_proposed")],
    [{ code: "change_proposed", params: { start: formatShort(e.startAt, "ja"), party: e.partySize, amount: formatJpy(amountJpy) } }],
  );
};

/** The record without the change waiting for approval (it was decided or replaced). */
function withoutProposal(r: ReservationRecord): ReservationRecord["data"] {
  const { proposedChange: _decided, ...data } = r.data;
  return data;
}

/** The requester's answer must name the change on their page: a newer one since makes it stale. */
function pendingProposal(r: ReservationRecord, hash: string): ProposedChange | string {
  const p = r.data.proposedChange;
  if (!p) return "no change is waiting for the requester's approval";
  if (p.approval.hash !== hash) return "the change was replaced by a newer one; the requester must read it again";
  return p;
}

/** The requester approved the change: the booking takes it, the approval replaces the old one, and payment follows, capped by it. */
const onApproveChange: Handler<"approve_change"> = (r, e, ctx) => {
  const p = pendingProposal(r, e.hash);
  if (typeof p === "string") return ignore(p);
  const shop = lastCalledShop(r);
  if (!shop) return ignore("no shop was called");
  const invalid = validDetails(r, p.startAt, p.partySize, ctx);
  if (invalid) return ignore(invalid);
  const approval = { ...p.approval, approvedAt: ctx.now, approvedVia: "guest_page" as const };
  const earlierApprovals = [...(r.data.earlierApprovals ?? []), ...(r.data.approval ? [r.data.approval] : [])];
  const changed = { ...r, startAt: p.startAt, partySize: p.partySize, data: { ...withoutProposal(r), ...(p.menu ? { menu: p.menu } : {}), approval, earlierApprovals } };
  // A changed price is what this booking costs; the shop's listed price stays as it is.
  const agreed = p.priceJpy !== undefined ? { ...shop, priceJpy: p.priceJpy } : shop;
  const held = holdShop(changed, agreed, ctx, [{ code: "change_approved", params: { start: formatShort(p.startAt, "ja"), party: p.partySize } }]);
  if (held.kind !== "apply") return held;
  return { ...held, effects: [smsToRequester(held.next, sms.detailsChanged(mc(held.next, ctx), false), "details_changed"), ...held.effects] };
};

/** The requester declined the change: the request closes free, politely, and the shop is told. */
const onDeclineChange: Handler<"decline_change"> = (r, e, ctx) => {
  const p = pendingProposal(r, e.hash);
  if (typeof p === "string") return ignore(p);
  const next = { ...r, status: "cancelled" as const, timers: [], data: { ...withoutProposal(r), cancellation: { at: ctx.now, by: "requester" as const, reason: "declined the shop's change", refund: false } } };
  return apply(
    next,
    [smsToRequester(next, sms.changeDeclined(mc(next, ctx)), "change_declined"), ...emailToShop(lastCalledShop(r), (s) => shopEmail.changeDeclined(mc(r, ctx), s), "shop_change_declined")],
    [{ code: "change_declined" }],
  );
};

/** A confirmed booking whose details change (the shop asks later): reminder and completion follow the new time. */
const onChangeConfirmed: Handler<"accept_change"> = (r, e, ctx) => {
  const invalid = validDetails(r, e.startAt, e.partySize, ctx);
  if (invalid) return ignore(invalid);
  const changed = update(r, { startAt: e.startAt, partySize: e.partySize });
  const withReminder = update(changed, { timers: rescheduleReminder(changed, ctx.now) });
  const next = update(withReminder, { timers: timers(withReminder, (t) => t.type === "complete", [{ type: "complete", key: "complete", at: e.startAt + policy.completeAfterStartMs }]) });
  return apply(
    next,
    [
      smsToRequester(next, sms.detailsChanged(mc(next, ctx), true), "details_changed"),
      ...emailToRequester(next, requesterEmail.detailsChanged(mc(next, ctx)), "requester_details_changed"),
      ...emailToShop(next.data.shop, (s) => shopEmail.detailsChanged(mc(next, ctx), s), "shop_details_changed"),
    ],
    [{ code: "change_accepted", params: { start: formatShort(e.startAt, "ja"), party: e.partySize } }],
  );
};

/** §2.2.5: the requester declined the change: the shop is told and calling resumes with the next shop. */
const onRejectChange: Handler<"reject_change"> = (r, _e, ctx) => {
  const shop = lastCalledShop(r);
  const moved = advance({ ...r, data: { ...withoutProposal(r), index: r.data.index + 1 } }, ctx);
  return apply(moved.next, [...emailToShop(shop, (s) => shopEmail.changeDeclined(mc(r, ctx), s), "shop_change_declined"), ...moved.effects], [{ code: "change_rejected" }, ...moved.notes]);
};

/** §2.2.6: the late cancellation is declined; the requester is told the booking stands. */
const onRefuseCancellation: Handler<"refuse_cancellation"> = (r, _e, ctx) => {
  if (!openCase(r, "late_cancellation")) return ignore("no late cancellation request is open");
  return apply(
    update(r, {}),
    [smsToRequester(r, sms.cancellationRefused(mc(r, ctx)), "cancellation_refused"), ...emailToRequester(r, requesterEmail.cancellationRefused(mc(r, ctx)), "requester_cancellation_refused")],
    [{ code: "cancellation_refused" }],
  );
};

/**
 * A request parked for an operator (unclear answer, change asked, no shop) whose start time
 * came: it closes, free, the requester is told and a shop still waiting to hear back is told.
 */
const onStartPassed: Handler<"start_passed"> = (r, _e, ctx) => {
  const next = update(r, { status: "cancelled", timers: [] }, { cancellation: { at: ctx.now, by: "system", reason: "the start time passed before a booking was made", refund: false } });
  const shopWaiting = r.status === "no_shop_available" ? undefined : lastCalledShop(r);
  return apply(
    next,
    [smsToRequester(next, sms.closedAtStart(mc(next, ctx)), "closed_at_start"), ...emailToShop(shopWaiting, (s) => shopEmail.withdrawn(mc(next, ctx), s, "cancelled"), "shop_withdrawn")],
    [{ code: "closed_at_start" }],
  );
};

/** Statuses that wait for an operator; each closes by itself at the start time. */
const PARKED: ReadonlySet<Status> = new Set(["pending_shop_response", "change_requested", "no_shop_available"]);

/** Follow-ups an operator can record in any status. */
const operatorAnywhere: Row = { operator_note: onOperatorNote, resend_by_email: onResendByEmail, correct_phone: onCorrectPhone };

// ------------------------------------------------------------------ manual cases

/** Cases that last only as long as the reservation stays in one status. */
const CASE_STATUS: Partial<Record<ManualCaseId, Status>> = {
  no_shop_available: "no_shop_available",
  payment_timeout: "payment_timeout",
  ambiguous_answer: "pending_shop_response",
  change_requested: "change_requested",
  late_cancellation: "confirmed",
};

/** Cases an operator event settles explicitly (others close with their status). */
function settledBy(e: ReservationEvent): ManualCaseId[] {
  switch (e.type) {
    case "operator_note":
      return e.resolves ? [e.resolves] : [];
    case "resend_by_email":
    case "correct_phone":
      return ["sms_undeliverable"];
    case "refuse_cancellation":
      return ["late_cancellation"];
    case "accept_change":
      // The operator's part is done; the change now waits for the requester (or the start time).
      return ["change_requested"];
    default:
      return [];
  }
}

/**
 * Keeps the record's open cases true after a transition: a case bound to a status closes
 * when the reservation leaves it, an operator's decision closes what it settles, and every
 * alert raised opens its case (an undelivered text is added to the open SMS case).
 */
function withCases(before: ReservationRecord, e: ReservationEvent, next: ReservationRecord, effects: Effect[], now: number): OpenCase[] {
  const settled = settledBy(e);
  let open = (before.openCases ?? []).filter((c) => {
    const status = CASE_STATUS[c.case];
    return (!status || status === next.status) && !settled.includes(c.case);
  });
  for (const effect of effects) {
    if (effect.kind !== "alert.send") continue;
    const caseId = effect.case as ManualCaseId;
    const message = caseId === "sms_undeliverable" && e.type === "sms_failed" ? [e.body] : [];
    const existing = open.find((c) => c.case === caseId);
    if (existing) {
      if (message.length) open = open.map((c) => (c === existing ? { ...c, messages: [...(c.messages ?? []), ...message] } : c));
    } else {
      open = [...open, { case: caseId, at: now, ...(message.length ? { messages: message } : {}) }];
    }
  }
  return open;
}

// ------------------------------------------------------------------ the table

export const SHOP_TRANSITIONS: Record<Status, Row> = {
  requested: {
    refund_updated: onRefundUpdated,
    start: (r, _e, ctx) => {
      const moved = advance(update(r, { timers: timers(r, (t) => t.type === "start") }, { round: 1, index: 0 }), ctx);
      return apply(moved.next, moved.effects, [{ code: "calling_started" }, ...moved.notes]);
    },
    cancel: cancelBeforePayment,
    payment_completed: onPaymentCompleted,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    operator_cancel: onOperatorCancel,
    ...operatorAnywhere,
  },
  calling: {
    refund_updated: onRefundUpdated,
    call_placed: onCallPlaced,
    call_result: onCallResult,
    call_timeout: onCallTimeout,
    next_round: (r, _e, ctx) => {
      if (r.data.index < r.data.plan.length) return ignore("the current round is not finished");
      const moved = advance(update(r, { timers: timers(r, (t) => t.type === "next_round") }, { round: r.data.round + 1, index: 0 }), ctx);
      return apply(moved.next, moved.effects, moved.notes);
    },
    cancel: cancelBeforePayment,
    payment_completed: onPaymentCompleted,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    operator_cancel: onOperatorCancel,
    ...operatorAnywhere,
  },
  calling_success: {
    refund_updated: onRefundUpdated,
    payment_link_ready: onPaymentLinkReady,
    payment_completed: (r, e, ctx) => confirm(r, e, ctx),
    cancel: cancelBeforePayment,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    operator_cancel: onOperatorCancel,
    ...operatorAnywhere,
  },
  pending_shop_response: {
    refund_updated: onRefundUpdated,
    cancel: cancelBeforePayment,
    payment_completed: onPaymentCompleted,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    shop_answer: onShopAnswer,
    operator_cancel: onOperatorCancel,
    start_passed: onStartPassed,
    ...operatorAnywhere,
  },
  change_requested: {
    refund_updated: onRefundUpdated,
    cancel: cancelBeforePayment,
    payment_completed: onPaymentCompleted,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    accept_change: onAcceptChange,
    reject_change: onRejectChange,
    approve_change: onApproveChange,
    decline_change: onDeclineChange,
    operator_cancel: onOperatorCancel,
    start_passed: onStartPassed,
    ...operatorAnywhere,
  },
  no_shop_available: {
    refund_updated: onRefundUpdated,
    cancel: cancelBeforePayment,
    payment_completed: onPaymentCompleted,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    assign_shop: onAssignShop,
    propose_new_time: onProposeNewTime,
    operator_cancel: onOperatorCancel,
    start_passed: onStartPassed,
    ...operatorAnywhere,
  },
  payment_pending: {
    refund_updated: onRefundUpdated,
    payment_completed: (r, e, ctx) => confirm(r, e, ctx),
    payment_deadline: (r, _e, ctx) => paymentTimedOut(r, ctx),
    payment_expired: (r, e, ctx) => (e.sessionId === r.data.payment?.sessionId ? paymentTimedOut(r, ctx) : ignore("another payment session expired")),
    cancel: cancelBeforePayment,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    operator_cancel: onOperatorCancel,
    ...operatorAnywhere,
  },
  payment_timeout: {
    payment_completed: onPaymentCompleted,
    refund_updated: onRefundUpdated,
    cancel: cancelBeforePayment,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    reopen_payment: onReopenPayment,
    operator_cancel: onOperatorCancel,
    ...operatorAnywhere,
  },
  confirmed: {
    payment_completed: onPaymentCompleted,
    cancel: cancelConfirmed,
    reminder: onReminder,
    complete: (r) => apply(update(r, { status: "completed", timers: timers(r, (t) => t.type === "complete" || t.type === "reminder") }), [], [{ code: "completed" }]),
    refund_updated: onRefundUpdated,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    operator_cancel: onOperatorCancel,
    refuse_cancellation: onRefuseCancellation,
    accept_change: onChangeConfirmed,
    ...operatorAnywhere,
  },
  completed: {
    payment_completed: onPaymentCompleted,
    cancel: (r, _e, ctx) => ignore("the appointment time has passed", cancelOutcome("not_cancellable", r, ctx)),
    refund_updated: onRefundUpdated,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    ...operatorAnywhere,
  },
  cancelled: {
    call_placed: onCallPlacedAfterCancel,
    call_result: onCallResultAfterCancel,
    payment_link_ready: (r, e) => apply(update(r, {}), [{ kind: "payment.expire", sessionId: e.sessionId }], []),
    payment_completed: onPaymentCompleted,
    refund_updated: onRefundUpdated,
    cancel: cancelled,
    job_failed: onJobFailed,
    sms_failed: onSmsFailed,
    ...operatorAnywhere,
  },
};

/** A parked reservation keeps one start_passed timer at its (current) start time; others none. */
function startPassedTimer(r: ReservationRecord): Timer[] {
  const rest = r.timers.filter((t) => t.type !== "start_passed");
  return PARKED.has(r.status) ? [...rest, { type: "start_passed" as const, key: "start_passed", at: r.startAt }].sort((a, b) => a.at - b.at) : rest;
}

/** Applies one event. Events the table does not list for the current status are ignored. */
export function decideShop(r: ReservationRecord, e: ReservationEvent, ctx: DecideContext): Decision {
  const handler = SHOP_TRANSITIONS[r.status][e.type] as Handler<typeof e.type> | undefined;
  if (!handler) return ignore(`${e.type} does not apply to a reservation in status ${r.status}`);
  const decision = handler(r, e as never, ctx);
  if (decision.kind === "apply") {
    decision.next = { ...decision.next, timers: startPassedTimer(decision.next), openCases: withCases(r, e, decision.next, decision.effects, ctx.now), version: r.version + 1, updatedAt: ctx.now };
  }
  return decision;
}

/**
 * The record and first effects of a new shop request: received, and calling its first shop at
 * once, in one transition (the texts that say it was received and the first call go out
 * together). A record still `requested` with a `start` timer (made before calling began at
 * creation) starts when its alarm fires.
 */
export function createShopReservation(req: ShopRequest, ctx: DecideContext): { record: ReservationRecord; effects: Effect[]; note: Note } {
  const received: ReservationRecord = {
    id: req.id,
    kind: "shop",
    status: "requested",
    version: 1,
    requester: req.requester,
    startAt: req.startAt,
    partySize: req.partySize,
    ...(req.apiKeyId ? { apiKeyId: req.apiKeyId } : {}),
    timers: [],
    data: { service: req.service, area: req.area, ...(req.notes ? { notes: req.notes } : {}), plan: req.shops, round: 1, index: 0, attempts: [], ...(req.approval ? { approval: req.approval } : {}) },
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const calling = advance(received, ctx);
  const notes: Note[] = [{ code: "created" }, { code: "calling_started" }, ...calling.notes];
  return {
    record: calling.next,
    effects: [smsToRequester(received, sms.received(mc(received, ctx)), "received"), ...emailToRequester(received, requesterEmail.received(mc(received, ctx)), "requester_received"), ...calling.effects],
    note: { code: "multi", params: { notes: JSON.stringify(notes) } },
  };
}

export type { Actor };
