// The shapes every kind of reservation shares: the record a Durable Object owns, the events
// it receives, the timers it keeps and the side effects (outbox jobs) a transition produces.
import type { SessionMessaging } from "../sessions/templates.ts";
import type { Approval } from "../approval.ts";
import type { CancellationPolicy } from "../lodging/refund.ts";
import { z } from "zod";
import type { ManualCaseId } from "../cases.ts";

export type Lang = "ja" | "en";

export const STATUSES = [
  "requested",
  "calling",
  "calling_success",
  "pending_shop_response",
  "change_requested",
  "no_shop_available",
  "payment_pending",
  "payment_timeout",
  "confirmed",
  "completed",
  "cancelled",
] as const;
export type Status = (typeof STATUSES)[number];

export const CALL_RESULTS = ["accepted", "declined", "no_answer", "ambiguous", "change_requested", "failed"] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

export interface Requester {
  name: string;
  /** E.164 */
  phone: string;
  email?: string;
  language: Lang;
}

export interface Timer {
  type: TimerType;
  at: number;
  /** Identifies the timer so a transition can replace or clear it. */
  key: string;
  attemptId?: string;
}

export type TimerType = "start" | "call_timeout" | "next_round" | "payment_deadline" | "reminder" | "complete" | "start_passed" | "calendar_sync";

/** A snapshot of a partner shop taken when the request is made. */
export interface ShopRef {
  id: string;
  name: string;
  phone: string;
  email?: string;
  address?: string;
  priceJpy: number;
  /** Weekly opening hours as written (opening-hours.ts), when the shop gave them. */
  hours?: string;
}

export interface CallAttempt {
  id: string;
  shopId: string;
  shopName: string;
  round: number;
  startedAt: number;
  providerCallId?: string;
  endedAt?: number;
  result?: CallResult;
  summary?: string;
  proposedChange?: string;
}

export interface PaymentState {
  amountJpy: number;
  sessionId?: string;
  url?: string;
  deadlineAt?: number;
  paidAt?: number;
  paymentIntentId?: string;
  /** A payment that arrived when it could no longer buy the booking. */
  latePayment?: { paymentIntentId: string; amountJpy: number; at: number };
  refund?: { amountJpy: number; requestedAt: number; status: "requested" | "succeeded" | "failed" | "pending"; refundId?: string };
  /** Sessions: the unpaid rule reminded the client (a new checkout replaced the old one). */
  remindedAt?: number;
  /** Sessions: checkouts replaced by a reminder's; a payment through one of them still counts. */
  previousSessionIds?: string[];
}

export interface ShopData {
  service: string;
  area: string;
  notes?: string;
  /** The menu agreed with the shop when it differs from the service asked for (a change the shop asked). */
  menu?: string;
  /** Shops in call order (priority), snapshotted at request time. */
  plan: ShopRef[];
  round: number;
  /** Index into `plan` of the shop being called (or to call next). */
  index: number;
  attempts: CallAttempt[];
  /** The shop that accepted. */
  shop?: ShopRef;
  payment?: PaymentState;
  cancellation?: { at: number; by: Actor; reason?: string; refund: boolean };
  /** What the requester approved (at request time, or a change since), and its hash (absent on older records). */
  approval?: ApprovalRecord;
  /** A change an operator accepted for the shop, waiting for the requester's approval (no payment until then). */
  proposedChange?: ProposedChange;
  /** Approvals a later one replaced, oldest first. */
  earlierApprovals?: ApprovalRecord[];
}

export interface ApprovalRecord {
  snapshot: Approval;
  hash: string;
  /** A change: when the requester approved it (ms), and where. */
  approvedAt?: number;
  approvedVia?: "guest_page";
}

/** The shop's change as an operator accepted it, put to the requester as a new approval. */
export interface ProposedChange {
  approval: ApprovalRecord;
  startAt: number;
  partySize: number;
  menu?: string;
  /** The agreed price when it changed (the shop's listed price otherwise). */
  priceJpy?: number;
  /** What the payment will be once approved: never more than the approval's price_jpy.max. */
  amountJpy: number;
  proposedAt: number;
  operator: string;
}

export type Actor = "requester" | "system" | "provider" | "operator" | "shop";

/**
 * A situation only a person can settle (seed 000 §2.2). It is opened by the alert the machine
 * raises, stays on the record until an operator resolves it (or the reservation leaves the
 * status it belongs to), and is what the operator console lists as its queue.
 */
export interface OpenCase {
  case: ManualCaseId;
  /** When it was raised: its age is measured against the case's response target. */
  at: number;
  /** sms_undeliverable: the texts that did not arrive (stored with placeholders, never with links). */
  messages?: string[];
}

export interface ReservationRecord {
  id: string;
  kind: "shop";
  status: Status;
  version: number;
  requester: Requester;
  startAt: number;
  partySize: number;
  amountJpy?: number;
  apiKeyId?: string;
  timers: Timer[];
  data: ShopData;
  /** Manual cases waiting for an operator (absent on records written before the console existed). */
  openCases?: OpenCase[];
  createdAt: number;
  updatedAt: number;
}

// ---- Lodging orders (seed 004): a reservation of kind `lodging`, machine in lodging-machine.ts ----

/** 支払待ち awaiting_payment, 確定 confirmed, 期限切れ expired; cancelled is the front desk's (partial and full cancellation). */
export const LODGING_STATUSES = ["awaiting_payment", "confirmed", "expired", "cancelled"] as const;
export type LodgingStatus = (typeof LODGING_STATUSES)[number];

/** One room of an order for its nights, priced at booking. */
export interface LodgingRoomLine {
  lineNo: number;
  roomId: string;
  roomNumber: string;
  roomTypeId: string;
  roomTypeName: string;
  checkIn: string;
  checkOut: string;
  nightly: { date: string; points: number; birthday: boolean }[];
  subtotal: number;
  discount: number;
  total: number;
  /** Set when an approved cancellation took this room out of the order. */
  cancelledAt?: number;
}

/** A member's request to cancel some or all rooms, quoted when asked and decided by staff. */
export interface LodgingCancellation {
  id: string;
  lineNos: number[];
  roomNumbers: string[];
  /** Points to return, and what the rooms cost (the quote when asked). */
  refund: number;
  paid: number;
  percent: number;
  /** The policy row that applied, as staff and the member read it. */
  policyRow: { ja: string; en: string };
  full: boolean;
  status: "pending" | "approved" | "refused";
  requestedAt: number;
  decidedAt?: number;
  operator?: string;
  reason?: string;
}

export interface LodgingData {
  memberId: string;
  lines: LodgingRoomLine[];
  /** Earliest check-in and latest check-out over the lines. */
  checkIn: string;
  checkOut: string;
  subtotal: number;
  discount: number;
  total: number;
  /** What the rooms' calendars must show for this order: held (waiting for points), booked, or released. */
  calendar: "held" | "booked" | "released";
  payment: { deadlineAt?: number; paidAt?: number; shortfall?: number; topUpUrl?: string };
  /** Cancellation requests, oldest first; at most one pending at a time. */
  cancellations?: LodgingCancellation[];
}

export interface LodgingRecord {
  id: string;
  kind: "lodging";
  status: LodgingStatus;
  version: number;
  /** The member, as messages reach them. */
  requester: Requester;
  /** Check-in (the first night's start, ms). */
  startAt: number;
  /** Rooms in the order. */
  partySize: number;
  apiKeyId?: string;
  timers: Timer[];
  data: LodgingData;
  openCases?: OpenCase[];
  createdAt: number;
  updatedAt: number;
}


/** What the requester asked for, validated and normalized (phone in E.164, start in ms). */
export interface ShopRequest {
  id: string;
  service: string;
  area: string;
  startAt: number;
  partySize: number;
  requester: Requester;
  notes?: string;
  apiKeyId?: string;
  /** The credential that asked (`api_key:<id>` or `user:<id>`), kept in the audit log. */
  via?: string;
  shops: ShopRef[];
  approval?: ApprovalRecord;
}

export type ReservationEvent =
  | { type: "start" }
  | { type: "call_placed"; attemptId: string; providerCallId: string }
  | { type: "call_result"; attemptId: string; result: CallResult; summary?: string; proposedChange?: string; providerCallId?: string }
  | { type: "call_timeout"; attemptId: string }
  | { type: "next_round" }
  | { type: "payment_link_ready"; sessionId: string; url: string }
  | { type: "payment_completed"; sessionId: string; paymentIntentId: string; amountJpy: number }
  | { type: "payment_expired"; sessionId: string }
  | { type: "payment_deadline" }
  | { type: "refund_updated"; refundId: string; status: "succeeded" | "failed" | "pending" }
  | { type: "cancel"; by: Actor; reason?: string; /** the credential that asked, for the audit log */ via?: string }
  | { type: "reminder" }
  | { type: "complete" }
  /** A reservation parked for an operator (unclear answer, change, no shop) reached its start time. */
  | { type: "start_passed" }
  /** Every try to text the requester failed; `body` is the message that did not arrive. */
  | { type: "sms_failed"; jobId: string; body: string; error: string }
  | { type: "job_failed"; jobId: string; jobKind: Effect["kind"]; error: string; attemptId?: string }
  /** Lodging: the member's points grew (a top-up was credited); an order waiting for points tries to pay. */
  | { type: "points_added"; topUpId?: string }
  /** Lodging (timer): make the rooms' calendars show what the order says (confirm or release); `ok` is whether they now do. */
  | { type: "calendar_sync"; ok: boolean }
  /** Lodging: the member asks to cancel these rooms (all remaining when absent); staff decide. */
  | { type: "lodging_cancel_request"; requestId: string; rooms?: string[]; via?: string }
  /** The requester approves the change put to them, naming the approval's hash as shown on their page. */
  | { type: "approve_change"; hash: string }
  /** The requester declines the change: the request closes, free, and the shop is told. */
  | { type: "decline_change"; hash: string }
  | OperatorEvent;

/** Who acted in the operator console (the Access identity, or the name given at the local login), and why. */
interface ByOperator {
  operator: string;
  note?: string;
}

/** What an operator decides in the console (seed 000 §2.2); each one lands in the audit log with its operator. */
export type OperatorEvent =
  /** §2.2.1: a shop found by hand said yes. */
  | ({ type: "assign_shop"; shop: ShopRef } & ByOperator)
  /** §2.2.1: the requester agreed to another date and time; calling starts again. */
  | ({ type: "propose_new_time"; startAt: number } & ByOperator)
  /** Cancel as an operator: free before payment; once paid (§2.2.6) with or without a refund. */
  | ({ type: "operator_cancel"; refund: boolean; reason: string } & ByOperator)
  /** A phone call or other handling worth recording; `resolves` closes that case. */
  | ({ type: "operator_note"; resolves?: ManualCaseId } & ByOperator)
  /** §2.2.2: the texts that did not arrive, by email (to this address). */
  | ({ type: "resend_by_email"; email: string } & ByOperator)
  /** §2.2.2: the right number (E.164); undelivered texts go again to it. */
  | ({ type: "correct_phone"; phone: string } & ByOperator)
  /** §2.2.3: on the requester's request, a fresh payment window with the same shop. */
  | ({ type: "reopen_payment" } & ByOperator)
  /** §2.2.4: the shop's final answer, obtained by phone. */
  | ({ type: "shop_answer"; answer: "accepted" | "declined" } & ByOperator)
  /** §2.2.5: the requester accepted the shop's change (or a confirmed booking's details change). */
  /** The shop's change as agreed: time and party, and a changed menu or price when those changed too. */
  | ({ type: "accept_change"; startAt: number; partySize: number; menu?: string; priceJpy?: number; /** Before payment: the new approval put to the requester (hashed by the reservation's object). */ approval?: ApprovalRecord } & ByOperator)
  /** §2.2.5: the requester declined the change; the shop is told and calling resumes. */
  | ({ type: "reject_change" } & ByOperator)
  /** §2.2.6: a late cancellation is declined; the booking stands. */
  | ({ type: "refuse_cancellation"; reason: string } & ByOperator)
  /** Lodging: the pending cancellation is approved; its points return and its rooms' nights reopen. */
  | ({ type: "approve_cancellation" } & ByOperator)
  /** Lodging: staff corrected the member's details; an open order takes the member's contact as it is now. */
  | ({ type: "member_contact_changed" } & ByOperator)
  /** Lodging: the member was deleted; the order keeps its rooms and points but forgets who they were. */
  | ({ type: "forget_requester" } & ByOperator);

export type OperatorEventType = OperatorEvent["type"];

export type EventType = ReservationEvent["type"];

// ---- Effects: one outbox row each; the queue consumer runs them through provider ports. ----

const langSchema = z.enum(["ja", "en"]);

export const effectSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("sms.send"),
    to: z.string(),
    body: z.string(),
    template: z.string(),
  }),
  z.object({
    kind: z.literal("email.send"),
    to: z.string(),
    recipient: z.enum(["requester", "shop", "operator", "coach"]),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    template: z.string(),
    /** Files to attach (reports as PDF), base64. */
    attachments: z.array(z.object({ filename: z.string(), type: z.string(), base64: z.string() })).optional(),
  }),
  z.object({
    kind: z.literal("call.place"),
    attemptId: z.string(),
    shop: z.object({ id: z.string(), name: z.string(), phone: z.string() }),
    request: z.object({
      service: z.string(),
      startAt: z.number(),
      partySize: z.number(),
      requesterName: z.string(),
      notes: z.string().optional(),
    }),
  }),
  /** Hangs up a call that is no longer wanted (the booking was cancelled while it rang). */
  z.object({
    kind: z.literal("call.stop"),
    attemptId: z.string(),
    providerCallId: z.string(),
  }),
  z.object({
    kind: z.literal("payment.create"),
    amountJpy: z.number().int().nonnegative(),
    description: z.string(),
    customerEmail: z.string().optional(),
    language: langSchema,
  }),
  z.object({
    kind: z.literal("payment.expire"),
    sessionId: z.string(),
  }),
  z.object({
    kind: z.literal("payment.refund"),
    paymentIntentId: z.string(),
    amountJpy: z.number().int().positive(),
    reason: z.enum(["requested_by_customer", "duplicate", "fraudulent"]),
    note: z.string(),
  }),
  z.object({
    kind: z.literal("alert.send"),
    case: z.string(),
    /** Same key, same alert: sent once. */
    key: z.string(),
    priority: z.enum(["urgent", "high", "medium", "low"]),
    text: z.string(),
  }),
]);

export type Effect = z.infer<typeof effectSchema>;
export type EffectKind = Effect["kind"];
export type EffectOf<K extends EffectKind> = Extract<Effect, { kind: K }>;

export type AlertEffect = EffectOf<"alert.send"> & { case: ManualCaseId };

/** A timeline line: a message code and parameters, rendered in the reader's language. */
export interface Note {
  code: string;
  params?: Record<string, string | number>;
}

/** A points ledger entry committed in the same batch as the transition (a lodging order's payment). */
export interface LedgerCharge {
  memberId: string;
  /** Positive: the points taken. */
  points: number;
  ref: string;
}

export type Decision<R extends ReservationRecord | LodgingRecord = ReservationRecord> =
  | {
      kind: "apply";
      next: R;
      /** Lodging: points taken with this transition; if the balance does not cover them, nothing commits. */
      charge?: LedgerCharge;
      /** Lodging: points returned with this transition (a refund), once per reference. */
      credit?: LedgerCharge;
      effects: Effect[];
      note: Note;
      /** Returned to whoever sent the event (for example the outcome of a cancellation). */
      outcome?: Outcome;
    }
  | { kind: "ignore"; reason: string; outcome?: Outcome };

export type Outcome =
  | { type: "cancel"; result: "cancelled_free" | "cancelled_refund" | "refused_deadline" | "already_cancelled" | "not_cancellable"; message: string; refundJpy?: number }
  | { type: "lodging_cancel"; result: "pending" | "refused"; message: { ja: string; en: string }; cancellation?: LodgingCancellation };

/** Everything a transition may depend on besides the record and the event. */
export interface DecideContext {
  now: number;
  /** Base URL for links in alerts (the admin console). */
  publicUrl: string;
  roundDelayMs: number;
  guestUrl: string;
  supportPhone: string;
  supportEmail: string;
  /** Lodging: the member's points balance, read just before deciding. */
  pointsBalance?: number;
  /** Lodging: where the member buys points (shown with a shortfall). */
  topUpUrl?: string;
  /** Lodging: how long an order short of points keeps its rooms. */
  lodgingPaymentWindowMs?: number;
  /** Lodging: the operator's refund table (src/domain/lodging/refund.ts). */
  cancellationPolicy?: CancellationPolicy;
  /** Sessions: the coach's approved templates and send rules, read just before deciding. */
  sessionMessaging?: SessionMessaging;
  /** Lodging: the member's contact as it is now, read for `member_contact_changed`. */
  memberContact?: { name: string; phone: string; email: string };
}
