// Cancelling a lodging order, all rooms or some (seed 004 §3(3)5): the member sees the quote,
// asks, and the order waits for the front desk; staff approve or refuse in the console. The
// quote and the decision are the order's own (its machine, src/domain/reservation/lodging-machine.ts).
import { config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { ordersOfMember } from "../db/lodging-orders.ts";
import { newId } from "../domain/ids.ts";
import { describeRow, quoteRefund, rowPercent } from "../domain/lodging/refund.ts";
import { cancelledLines } from "../domain/reservation/lodging-machine.ts";
import type { LodgingCancellation, LodgingRecord, OperatorEvent } from "../domain/reservation/types.ts";
import { reservationStub } from "../durable/client.ts";

type Message = { ja: string; en: string };

export interface CancellationQuote {
  orderId: string;
  rooms: { roomNumber: string; paid: number; refund: number }[];
  refund: number;
  paid: number;
  percent: number;
  policyRow: Message;
  full: boolean;
}

const notFound = (orderId: string): Message => ({ ja: `ご注文 ${orderId} が見つかりません。`, en: `No order ${orderId} was found for this member.` });
const notConfirmed: Message = { ja: "確定したご予約のみキャンセルできます。", en: "Only a confirmed order can be cancelled." };

async function ownOrder(env: Env, db: Db, memberId: string, orderId: string): Promise<LodgingRecord | Message> {
  const [row] = await ordersOfMember(db, memberId, { orderId, limit: 1 });
  if (!row) return notFound(orderId);
  const record = await reservationStub(env, row.id).snapshot();
  if (record.kind !== "lodging") return notFound(orderId);
  return record;
}

/** What cancelling these rooms (all remaining when none are named) would return now. */
export async function quoteCancellation(env: Env, db: Db, memberId: string, orderId: string, rooms?: string[], now = Date.now()): Promise<{ ok: true; quote: CancellationQuote } | { ok: false; message: Message }> {
  const record = await ownOrder(env, db, memberId, orderId);
  if ("ja" in record) return { ok: false, message: record };
  if (record.status !== "confirmed") return { ok: false, message: notConfirmed };
  const q = quoteRefund(record.data.lines, cancelledLines(record), now, config(env).lodgingCancellationPolicy, rooms);
  if (!q.ok) return q;
  return { ok: true, quote: { orderId, rooms: q.lines.map((l) => ({ roomNumber: l.roomNumber, paid: l.paid, refund: l.refund })), refund: q.refund, paid: q.paid, percent: rowPercent(q.row), policyRow: describeRow(q.row), full: q.full } };
}

export type CancellationRequestResult = { ok: true; cancellation: LodgingCancellation; message: Message } | { ok: false; message: Message };

/** Files the request; it waits for staff. `key` makes a repeated submission the same request. */
export async function requestCancellation(env: Env, db: Db, memberId: string, orderId: string, opts: { rooms?: string[]; via?: string; key?: string } = {}): Promise<CancellationRequestResult> {
  const record = await ownOrder(env, db, memberId, orderId);
  if ("ja" in record) return { ok: false, message: record };
  if (record.status !== "confirmed") return { ok: false, message: notConfirmed };
  const result = await reservationStub(env, record.id).dispatch({ type: "lodging_cancel_request", requestId: newId("lcr"), ...(opts.rooms?.length ? { rooms: opts.rooms } : {}), ...(opts.via ? { via: opts.via } : {}) }, "requester", opts.key);
  const outcome = result.outcome;
  if (outcome?.type === "lodging_cancel" && outcome.result === "pending" && outcome.cancellation) return { ok: true, cancellation: outcome.cancellation, message: outcome.message };
  if (outcome?.type === "lodging_cancel") return { ok: false, message: outcome.message };
  if (result.duplicate) return { ok: false, message: { ja: "このご依頼はすでに承っています。", en: "This request was already received." } };
  return { ok: false, message: notConfirmed };
}

/** Staff's decision on the order's waiting cancellation; `key` makes a double submit one decision. */
export async function decideCancellation(env: Env, orderId: string, event: Extract<OperatorEvent, { type: "approve_cancellation" | "refuse_cancellation" }>, key?: string): Promise<{ applied: boolean; reason?: string }> {
  const result = await reservationStub(env, orderId).dispatch(event, "operator", key);
  return { applied: result.applied, ...(result.reason ? { reason: result.reason } : {}) };
}

export interface PendingCancellationRow {
  orderId: string;
  memberId: string;
  memberName: string;
  checkIn: string;
  checkOut: string;
  totalPoints: number;
}

/** Orders with a cancellation waiting for staff, earliest check-in first (the console's queue). */
export async function pendingCancellations(d1: D1Database, limit = 100): Promise<PendingCancellationRow[]> {
  const { results } = await d1
    .prepare("SELECT o.id AS orderId, o.member_id AS memberId, m.name AS memberName, o.check_in AS checkIn, o.check_out AS checkOut, o.total_points AS totalPoints FROM lodging_orders o JOIN members m ON m.id = o.member_id WHERE o.pending_cancellation IS NOT NULL ORDER BY o.check_in, o.id LIMIT ?")
    .bind(limit)
    .all<PendingCancellationRow>();
  return results;
}

export interface PendingCancellationSummary {
  orderId: string;
  memberName: string;
  checkIn: string;
  checkOut: string;
  roomNumbers: string[];
  refund: number;
  paid: number;
  percent: number;
  full: boolean;
}

/**
 * The same queue with each request's quote, read from the orders' committed rows (small and
 * quick: the room board polls it every few seconds).
 */
export async function pendingCancellationSummaries(d1: D1Database, limit = 20): Promise<PendingCancellationSummary[]> {
  const { results } = await d1
    .prepare(
      "SELECT o.id AS orderId, m.name AS memberName, o.check_in AS checkIn, o.check_out AS checkOut, c.value AS cancellation FROM lodging_orders o JOIN members m ON m.id = o.member_id JOIN reservations r ON r.id = o.id, json_each(r.data, '$.cancellations') c WHERE o.pending_cancellation IS NOT NULL AND json_extract(c.value, '$.status') = 'pending' ORDER BY o.check_in, o.id LIMIT ?",
    )
    .bind(limit)
    .all<{ orderId: string; memberName: string; checkIn: string; checkOut: string; cancellation: string }>();
  return results.map(({ cancellation, ...row }) => {
    const c = JSON.parse(cancellation) as LodgingCancellation;
    return { ...row, roomNumbers: c.roomNumbers, refund: c.refund, paid: c.paid, percent: c.percent, full: c.full };
  });
}
