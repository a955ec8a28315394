// The lodging-order state machine (seed 004 §3(3)1): a pure function from (record, event) to
// the next record, the side effects to commit with it, the points to take in the same commit,
// and the timeline line. The table at the bottom is the whole machine; anything not in it is
// ignored and recorded, never an error. The rooms themselves are held, booked and released by
// their calendar objects; `data.calendar` says what they must show, and the order's object
// makes them show it after each commit (a `calendar_sync` timer retries until they do).
//
//   created ── points cover the total ──────────────▶ confirmed (paid at once, rooms booked)
//      └────── points short ─▶ awaiting_payment ─ points_added (covering) ─▶ confirmed
//                                   └─ payment_deadline (30 min) ─▶ expired (rooms released)
//
// A confirmed order may be cancelled, all rooms or some (seed 004 §3(3)5): the member's request
// is quoted and waits (one at a time) for staff; approval returns the quoted points once (the
// ledger reference is the request's) and frees the rooms' nights; the last rooms going make the
// order cancelled. Refusal leaves the order as it was.
import { DELETED_MEMBER_NAME } from "../lodging/members.ts";
import { lodgingEmail, lodgingSms } from "../lodging/messages.ts";
import { ledgerRef, shortfall } from "../lodging/points.ts";
import { lodgingPolicy } from "../lodging/policy.ts";
import { DEFAULT_CANCELLATION_POLICY, describeRow, quoteRefund, rowPercent } from "../lodging/refund.ts";
import type { DecideContext, Decision, Effect, LedgerCharge, LodgingCancellation, LodgingData, LodgingRecord, LodgingRoomLine, LodgingStatus, Note, ReservationEvent, Requester, Timer } from "./types.ts";

type EventType = ReservationEvent["type"];
type EventOf<T extends EventType> = Extract<ReservationEvent, { type: T }>;
type Handler<T extends EventType> = (r: LodgingRecord, e: EventOf<T>, ctx: DecideContext) => Decision<LodgingRecord>;
type Row = { [T in EventType]?: Handler<T> };

/** How soon the order's object checks again that the calendars show what the order says. */
export const CALENDAR_SYNC_DELAY_MS = 60_000;

function apply(next: LodgingRecord, effects: Effect[], note: Note, charge?: LedgerCharge): Decision<LodgingRecord> {
  return { kind: "apply", next, effects, note, ...(charge ? { charge } : {}) };
}

function ignore(reason: string): Decision<LodgingRecord> {
  return { kind: "ignore", reason };
}

function tell(r: LodgingRecord, sms: string, mail: ReturnType<(typeof lodgingEmail)["confirmed"]>, template: string): Effect[] {
  return [
    { kind: "sms.send", to: r.requester.phone, body: sms, template: `lodging_${template}` },
    ...(r.requester.email ? [{ kind: "email.send" as const, to: r.requester.email, recipient: "requester" as const, template: `lodging_${template}`, ...mail }] : []),
  ];
}

function syncTimer(now: number): Timer {
  return { type: "calendar_sync", key: "calendar_sync", at: now + CALENDAR_SYNC_DELAY_MS };
}

function withTimers(r: LodgingRecord, drop: (t: Timer) => boolean, add: Timer[]): Timer[] {
  return [...r.timers.filter((t) => !drop(t)), ...add].sort((a, b) => a.at - b.at);
}

/** Pays the order from the balance: confirmed, rooms to be booked, the charge committed with it. */
function pay(r: LodgingRecord, ctx: DecideContext, template: "confirmed" | "paid"): Decision<LodgingRecord> {
  const next: LodgingRecord = {
    ...r,
    status: "confirmed",
    timers: withTimers(r, (t) => t.type === "payment_deadline" || t.type === "calendar_sync", [syncTimer(ctx.now)]),
    data: { ...r.data, calendar: "booked", payment: { paidAt: ctx.now } },
  };
  const sms = template === "confirmed" ? lodgingSms.confirmed(next) : lodgingSms.paid(next);
  const mail = template === "confirmed" ? lodgingEmail.confirmed(next) : lodgingEmail.paid(next);
  return apply(next, tell(next, sms, mail, template), { code: template === "confirmed" ? "lodging_confirmed" : "lodging_paid", params: { points: r.data.total } }, { memberId: r.data.memberId, points: r.data.total, ref: ledgerRef.orderPayment(r.id) });
}

const onCalendarSync: Handler<"calendar_sync"> = (r, e, ctx) => {
  if (e.ok) return apply({ ...r, timers: withTimers(r, (t) => t.type === "calendar_sync", []) }, [], { code: "calendar_synced" });
  return apply({ ...r, timers: withTimers(r, (t) => t.type === "calendar_sync", [syncTimer(ctx.now)]) }, [], { code: "calendar_sync_failed" });
};

/** The cancellation waiting for staff, if any. */
export function pendingCancellation(r: LodgingRecord): LodgingCancellation | undefined {
  return r.data.cancellations?.find((c) => c.status === "pending");
}

/** Line numbers already cancelled (their points came back; their nights are free). */
export function cancelledLines(r: LodgingRecord): number[] {
  return r.data.lines.filter((l) => l.cancelledAt !== undefined).map((l) => l.lineNo);
}

function refuseRequest(message: { ja: string; en: string }): Decision<LodgingRecord> {
  return { kind: "ignore", reason: message.en, outcome: { type: "lodging_cancel", result: "refused", message } };
}

function withCancellation(r: LodgingRecord, c: LodgingCancellation): LodgingRecord {
  return { ...r, data: { ...r.data, cancellations: [...(r.data.cancellations ?? []).filter((x) => x.id !== c.id), c] } };
}

const onCancelRequest: Handler<"lodging_cancel_request"> = (r, e, ctx) => {
  const waiting = pendingCancellation(r);
  if (waiting) return refuseRequest({ ja: `キャンセルのご依頼（${waiting.roomNumbers.join("、")}号室）をすでに承っており、確認中です。`, en: `A cancellation (rooms ${waiting.roomNumbers.join(", ")}) is already waiting for the front desk.` });
  if ((r.data.cancellations ?? []).some((c) => c.id === e.requestId)) return ignore(`request ${e.requestId} was already made`);
  const policy = ctx.cancellationPolicy ?? DEFAULT_CANCELLATION_POLICY;
  const q = quoteRefund(r.data.lines, cancelledLines(r), ctx.now, policy, e.rooms);
  if (!q.ok) return refuseRequest(q.message);
  const c: LodgingCancellation = {
    id: e.requestId,
    lineNos: q.lines.map((l) => l.lineNo),
    roomNumbers: q.lines.map((l) => l.roomNumber),
    refund: q.refund,
    paid: q.paid,
    percent: rowPercent(q.row),
    policyRow: describeRow(q.row),
    full: q.full,
    status: "pending",
    requestedAt: ctx.now,
  };
  const next = withCancellation(r, c);
  const message = { ja: `キャンセルのご依頼を承りました。フロントの承認後、${c.refund.toLocaleString("ja-JP")}ポイントを返金します。`, en: `Cancellation requested. Once the front desk approves it, ${c.refund.toLocaleString("en-US")} points come back.` };
  return { kind: "apply", next, effects: [], note: { code: "lodging_cancel_requested", params: { rooms: c.roomNumbers.join(", "), refund: c.refund, percent: c.percent } }, outcome: { type: "lodging_cancel", result: "pending", message, cancellation: c } };
};

const onApproveCancellation: Handler<"approve_cancellation"> = (r, e, ctx) => {
  const c = pendingCancellation(r);
  if (!c) return ignore("no cancellation is waiting for approval");
  const lines = r.data.lines.map((l) => (c.lineNos.includes(l.lineNo) && l.cancelledAt === undefined ? { ...l, cancelledAt: ctx.now } : l));
  const allGone = lines.every((l) => l.cancelledAt !== undefined);
  const approved: LodgingCancellation = { ...c, status: "approved", decidedAt: ctx.now, operator: e.operator, ...(e.note ? { reason: e.note } : {}) };
  const next = withCancellation({ ...r, status: allGone ? "cancelled" : r.status, timers: withTimers(r, (t) => t.type === "calendar_sync", [syncTimer(ctx.now)]), data: { ...r.data, lines, ...(allGone ? { calendar: "released" as const } : {}) } }, approved);
  const credit = c.refund > 0 ? { memberId: r.data.memberId, points: c.refund, ref: ledgerRef.refund(r.id, c.id) } : undefined;
  return { kind: "apply", next, effects: tell(next, lodgingSms.cancelled(next, approved), lodgingEmail.cancelled(next, approved), "cancelled"), note: { code: "lodging_cancel_approved", params: { rooms: c.roomNumbers.join(", "), refund: c.refund, operator: e.operator } }, ...(credit ? { credit } : {}) };
};

const onRefuseCancellation: Handler<"refuse_cancellation"> = (r, e, ctx) => {
  const c = pendingCancellation(r);
  if (!c) return ignore("no cancellation is waiting for a decision");
  const refused: LodgingCancellation = { ...c, status: "refused", decidedAt: ctx.now, operator: e.operator, reason: e.reason };
  const next = withCancellation(r, refused);
  return apply(next, tell(next, lodgingSms.cancelRefused(next, refused), lodgingEmail.cancelRefused(next, refused), "cancel_refused"), { code: "lodging_cancel_refused", params: { rooms: c.roomNumbers.join(", "), reason: e.reason, operator: e.operator } });
};

/** An order still to be lived takes the member's corrected contact (read from the member, never carried by the event). */
const onMemberContactChanged: Handler<"member_contact_changed"> = (r, _e, ctx) => {
  const c = ctx.memberContact;
  if (!c || !c.phone) return ignore("the member's contact could not be read");
  if (c.name === r.requester.name && c.phone === r.requester.phone && c.email === (r.requester.email ?? "")) return ignore("the order already has the member's contact");
  const next: LodgingRecord = { ...r, requester: { name: c.name, phone: c.phone, ...(c.email ? { email: c.email } : {}), language: r.requester.language } };
  return apply(next, [], { code: "lodging_contact_updated" });
};

/** A deleted member's order forgets their contact details; the rest of the order stays as it was. */
const onForgetRequester: Handler<"forget_requester"> = (r) => {
  if (r.requester.name === DELETED_MEMBER_NAME && !r.requester.phone && !r.requester.email) return ignore("the order's contact details are already removed");
  const next: LodgingRecord = { ...r, requester: { name: DELETED_MEMBER_NAME, phone: "", language: r.requester.language } };
  return apply(next, [], { code: "lodging_requester_forgotten" });
};

export const LODGING_TRANSITIONS: Record<LodgingStatus, Row> = {
  awaiting_payment: {
    points_added: (r, _e, ctx) => {
      const balance = ctx.pointsBalance ?? 0;
      if (balance < r.data.total) return ignore(`the balance (${balance}) still does not cover the order (${r.data.total})`);
      return pay(r, ctx, "paid");
    },
    payment_deadline: (r, _e, ctx) => {
      const next: LodgingRecord = {
        ...r,
        status: "expired",
        timers: withTimers(r, (t) => t.type === "payment_deadline" || t.type === "calendar_sync", [syncTimer(ctx.now)]),
        data: { ...r.data, calendar: "released" },
      };
      return apply(next, tell(next, lodgingSms.expired(next), lodgingEmail.expired(next), "expired"), { code: "lodging_expired" });
    },
    calendar_sync: onCalendarSync,
    member_contact_changed: onMemberContactChanged,
    forget_requester: onForgetRequester,
  },
  confirmed: {
    calendar_sync: onCalendarSync,
    lodging_cancel_request: onCancelRequest,
    approve_cancellation: onApproveCancellation,
    refuse_cancellation: onRefuseCancellation,
    member_contact_changed: onMemberContactChanged,
    forget_requester: onForgetRequester,
  },
  expired: {
    calendar_sync: onCalendarSync,
    forget_requester: onForgetRequester,
  },
  cancelled: {
    calendar_sync: onCalendarSync,
    forget_requester: onForgetRequester,
  },
};

export function decideLodging(r: LodgingRecord, e: ReservationEvent, ctx: DecideContext): Decision<LodgingRecord> {
  const handler = LODGING_TRANSITIONS[r.status][e.type] as Handler<typeof e.type> | undefined;
  if (!handler) return ignore(`${e.type} does not apply to a lodging order in status ${r.status}`);
  const decision = handler(r, e as never, ctx);
  if (decision.kind === "apply") decision.next = { ...decision.next, version: r.version + 1, updatedAt: ctx.now };
  return decision;
}

/** A new order: its rooms are already held for it (all or none) and priced. */
export interface LodgingRequest {
  id: string;
  memberId: string;
  requester: Requester;
  lines: LodgingRoomLine[];
  apiKeyId?: string;
}

export function lodgingTotals(lines: readonly LodgingRoomLine[]): Pick<LodgingData, "checkIn" | "checkOut" | "subtotal" | "discount" | "total"> {
  return {
    checkIn: lines.map((l) => l.checkIn).sort()[0]!,
    checkOut: lines.map((l) => l.checkOut).sort().at(-1)!,
    subtotal: lines.reduce((s, l) => s + l.subtotal, 0),
    discount: lines.reduce((s, l) => s + l.discount, 0),
    total: lines.reduce((s, l) => s + l.total, 0),
  };
}

/**
 * The record, effects and charge of a new order: paid at once when the balance covers it,
 * otherwise waiting for points for the payment window with its rooms held.
 */
export function createLodgingOrder(req: LodgingRequest, ctx: DecideContext): Decision<LodgingRecord> & { kind: "apply" } {
  if (!req.lines.length) throw new RangeError("an order needs at least one room");
  const totals = lodgingTotals(req.lines);
  const base: LodgingRecord = {
    id: req.id,
    kind: "lodging",
    status: "awaiting_payment",
    version: 1,
    requester: req.requester,
    startAt: Date.parse(`${totals.checkIn}T00:00:00Z`),
    partySize: req.lines.length,
    ...(req.apiKeyId ? { apiKeyId: req.apiKeyId } : {}),
    timers: [],
    data: { memberId: req.memberId, lines: req.lines, ...totals, calendar: "held", payment: {} },
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const balance = ctx.pointsBalance ?? 0;
  if (balance >= totals.total) {
    const paid = pay(base, ctx, "confirmed") as Decision<LodgingRecord> & { kind: "apply" };
    return { ...paid, next: { ...paid.next, version: 1 } };
  }
  const deadlineAt = ctx.now + (ctx.lodgingPaymentWindowMs ?? lodgingPolicy.paymentWindowMs);
  const missing = shortfall(balance, totals.total);
  const next: LodgingRecord = {
    ...base,
    timers: [{ type: "payment_deadline", key: "payment_deadline", at: deadlineAt }],
    data: { ...base.data, payment: { deadlineAt, shortfall: missing, ...(ctx.topUpUrl ? { topUpUrl: ctx.topUpUrl } : {}) } },
  };
  return apply(next, tell(next, lodgingSms.awaitingPayment(next), lodgingEmail.awaitingPayment(next), "awaiting_payment"), { code: "lodging_awaiting_payment", params: { missing } }) as Decision<LodgingRecord> & { kind: "apply" };
}
