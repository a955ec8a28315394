// Members and orders as the front desk sees them (seed 004 §3(3)2–4): search, a member's
// record with ledger and orders, manual point adjustments with a reason (through the ledger,
// never below zero), and deletion that removes personal data but keeps the ledger and the
// orders, refused while the member has an open order.
import { appendLedger } from "../db/members.ts";
import { newId } from "../domain/ids.ts";
import { todayJst } from "./orders.ts";

type Message = { ja: string; en: string };

export interface MemberListRow {
  id: string;
  name: string;
  phone: string;
  email: string;
  idLast4: string;
  balance: number;
  registeredVia: string;
  deletedAt: number | null;
}

const LIKE_ESCAPE = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Members by name, phone, email or member id (part of any), newest first. */
export async function searchMembers(d1: D1Database, q: string, limit = 50): Promise<MemberListRow[]> {
  const like = `%${LIKE_ESCAPE(q.trim())}%`;
  const { results } = await d1
    .prepare("SELECT id, name, phone, email, id_number_last4 AS idLast4, points_balance AS balance, registered_via AS registeredVia, CASE WHEN registered_via = 'deleted' THEN updated_at END AS deletedAt FROM members WHERE ? = '' OR name LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR id = ? ORDER BY created_at DESC LIMIT ?")
    .bind(q.trim(), like, like, like, q.trim(), limit)
    .all<MemberListRow>();
  return results;
}

/** A manual adjustment (positive or negative) with the operator and the reason, once per `key`. */
export async function adjustPoints(d1: D1Database, memberId: string, amount: number, reason: string, operator: string, key?: string): Promise<{ ok: true; balance: number } | { ok: false; message: Message }> {
  if (!Number.isSafeInteger(amount) || amount === 0 || Math.abs(amount) > 1_000_000) return { ok: false, message: { ja: "調整ポイントは0以外の整数（±1,000,000以内）で入力してください。", en: "An adjustment is a non-zero whole number within ±1,000,000." } };
  const why = reason.trim();
  if (!why || why.length > 200) return { ok: false, message: { ja: "理由を200文字以内で入力してください。", en: "Give a reason of at most 200 characters." } };
  const r = await appendLedger(d1, { memberId, kind: "adjustment", amount, ref: `adjustment:${key ?? newId("adj")}`, operator, reason: why, at: Date.now() });
  if (r.ok) return r;
  return { ok: false, message: r.reason === "insufficient" ? { ja: "残高がマイナスになる調整はできません。", en: "The balance cannot go below zero." } : { ja: "この調整はすでに記録されています。", en: "This adjustment was already recorded." } };
}

/** Orders still to be lived: waiting for points, or confirmed with a check-out today or later. */
export async function openOrdersOf(d1: D1Database, memberId: string, now = Date.now()): Promise<string[]> {
  const { results } = await d1.prepare("SELECT id FROM lodging_orders WHERE member_id = ? AND (status = 'awaiting_payment' OR (status = 'confirmed' AND check_out >= ?)) ORDER BY check_in").bind(memberId, todayJst(now)).all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Deletes a member's personal data: name, phone, email, birth date and the ID document's hash
 * go; the member id, the ledger and the orders stay (anonymised by the member row they point to).
 * Refused while an order is open, naming it.
 */
export async function deleteMember(d1: D1Database, memberId: string, operator: string, now = Date.now()): Promise<{ ok: true } | { ok: false; message: Message }> {
  const open = await openOrdersOf(d1, memberId, now);
  if (open.length) return { ok: false, message: { ja: `未完了の注文があるため削除できません: ${open.join("、")}`, en: `Open orders prevent deletion: ${open.join(", ")}` } };
  const r = await d1
    .prepare("UPDATE members SET name = '退会済み会員', phone = '', email = '', birth_date = '1900-01-01', id_number_hash = 'deleted:' || id, id_number_last4 = '', registered_via = 'deleted', updated_at = ? WHERE id = ? AND registered_via != 'deleted'")
    .bind(now, memberId)
    .run();
  if (r.meta.changes !== 1) return { ok: false, message: { ja: "会員が見つからないか、すでに削除されています。", en: "No such member, or already deleted." } };
  console.log(JSON.stringify({ msg: "member deleted (anonymised)", member: memberId, operator }));
  return { ok: true };
}

export interface OrderListRow {
  id: string;
  memberId: string;
  memberName: string;
  status: string;
  checkIn: string;
  checkOut: string;
  totalPoints: number;
  refundedPoints: number;
  pendingCancellation: string | null;
}

/** Orders by member name, order number or check-in date (any of them), newest first. */
export async function searchOrders(d1: D1Database, filter: { q?: string; checkIn?: string }, limit = 100): Promise<OrderListRow[]> {
  const q = (filter.q ?? "").trim();
  const like = `%${LIKE_ESCAPE(q)}%`;
  const { results } = await d1
    .prepare("SELECT o.id, o.member_id AS memberId, m.name AS memberName, o.status, o.check_in AS checkIn, o.check_out AS checkOut, o.total_points AS totalPoints, o.refunded_points AS refundedPoints, o.pending_cancellation AS pendingCancellation FROM lodging_orders o JOIN members m ON m.id = o.member_id WHERE (? = '' OR o.id = upper(?) OR m.name LIKE ? ESCAPE '\\') AND (? = '' OR o.check_in = ?) ORDER BY o.created_at DESC LIMIT ?")
    .bind(q, q, like, filter.checkIn ?? "", filter.checkIn ?? "", limit)
    .all<OrderListRow>();
  return results;
}
