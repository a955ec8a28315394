// Members and orders as the front desk sees them (seed 004 §3(3)2–4): search, a member's
// record with ledger and orders, manual point adjustments with a reason (through the ledger,
// never below zero), editing their details at the desk, and deletion that removes personal data
// (with every copy in their orders) but keeps the ledger and the orders, refused while the
// member has an open order.
import { lodgingAuditStatement } from "../db/lodging-audit.ts";
import { appendLedger, idNumberHash } from "../db/members.ts";
import { scrubCopiesStatements } from "../db/personal-data.ts";
import { DELETED_MEMBER_NAME, idNumberLast4, validateMember } from "../domain/lodging/members.ts";
import { normalizePhone } from "../domain/phone.ts";
import { reservationStub } from "../durable/client.ts";
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

export interface MemberEditInput {
  name: string;
  phone: string;
  email: string;
  birthDate: string;
  /** Empty keeps the document on record; a new number is re-hashed (only its keyed hash and last four are kept). */
  idNumber: string;
}

const MEMBER_FIELDS = ["name", "phone", "email", "birthDate"] as const;

/** The fields an edit names in its audit row, as staff read them. */
export const MEMBER_FIELD_LABELS: Record<string, string> = { name: "お名前", phone: "電話", email: "メール", birthDate: "生年月日", idNumber: "本人確認書類" };

/**
 * The front desk corrects a member's details: checked like a registration, written to the
 * member and to the person's users row (the phone they sign in with) in one batch with an
 * audit row naming the fields changed (never their values). Orders still to be lived take the
 * new contact through their own objects (`member_contact_changed`), so later texts and emails
 * reach the member where they are now.
 */
export async function editMember(env: Env, memberId: string, input: MemberEditInput, operator: string, now = Date.now()): Promise<{ ok: true; changed: string[]; message: Message } | { ok: false; message: Message }> {
  const d1 = env.DB;
  const m = await d1.prepare("SELECT user_id AS userId, name, phone, email, birth_date AS birthDate, id_number_hash AS idHash, registered_via AS via FROM members WHERE id = ?").bind(memberId).first<{ userId: string; name: string; phone: string; email: string; birthDate: string; idHash: string; via: string }>();
  if (!m || m.via === "deleted") return { ok: false, message: { ja: "会員が見つからないか、削除済みです。", en: "No such member, or deleted." } };
  const phone = normalizePhone(input.phone);
  const checked = validateMember({ ...input, phone: phone.ok ? phone.e164 : "" }, todayJst(now), { idNumberOptional: true });
  if (!checked.ok) return { ok: false, message: { ja: checked.errors.map((e) => e.message.ja).join(" "), en: checked.errors.map((e) => e.message.en).join(" ") } };
  const v = checked.value;
  const changed: string[] = MEMBER_FIELDS.filter((f) => v[f] !== m[f]);
  const idHash = v.idNumber ? await idNumberHash(env, v.idNumber) : null;
  if (idHash && idHash !== m.idHash) changed.push("idNumber");
  if (changed.length && changed.includes("phone") && (await d1.prepare("SELECT 1 AS x FROM users WHERE phone = ? AND id != ?").bind(v.phone, m.userId).first())) {
    return { ok: false, message: { ja: "この電話番号は別の方が使っています。", en: "Another person uses this phone number." } };
  }
  if (changed.length) {
    try {
      await d1.batch([
        d1
          .prepare("UPDATE members SET name = ?, phone = ?, email = ?, birth_date = ?, id_number_hash = coalesce(?, id_number_hash), id_number_last4 = coalesce(?, id_number_last4), updated_at = ? WHERE id = ? AND registered_via != 'deleted'")
          .bind(v.name, v.phone, v.email, v.birthDate, idHash, v.idNumber ? idNumberLast4(v.idNumber) : null, now, memberId),
        d1.prepare("UPDATE users SET phone = ?, name = ?, email = ?, updated_at = ? WHERE id = ?").bind(v.phone, v.name, v.email, now, m.userId),
        lodgingAuditStatement(d1, { operator, action: "member_edited", subjectType: "member", subjectId: memberId, detail: { fields: changed } }, now),
      ]);
    } catch (err) {
      if (/UNIQUE constraint failed/i.test(String(err))) return { ok: false, message: { ja: "この電話番号は別の方が使っています。", en: "Another person uses this phone number." } };
      throw err;
    }
  }
  // Open orders take the contact as it now is (each ignores it when it has it already), also when
  // nothing changed here: saving again finishes what an earlier save could not.
  const unsent: string[] = [];
  for (const orderId of await openOrdersOf(d1, memberId, now)) {
    try {
      await reservationStub(env, orderId).dispatch({ type: "member_contact_changed", operator }, "operator");
    } catch (err) {
      unsent.push(orderId);
      console.error(JSON.stringify({ msg: "member edit: an open order did not take the new contact", member: memberId, order: orderId, error: String(err) }));
    }
  }
  const note = unsent.length ? { ja: ` 注文 ${unsent.join("、")} の連絡先は更新できませんでした。もう一度保存してください。`, en: ` Orders ${unsent.join(", ")} kept the old contact; save again.` } : { ja: "", en: "" };
  if (!changed.length) return { ok: true, changed, message: { ja: `変更はありませんでした。${note.ja}`, en: `Nothing changed.${note.en}` } };
  return { ok: true, changed, message: { ja: `会員情報を更新しました（${changed.map((f) => MEMBER_FIELD_LABELS[f]).join("・")}）${note.ja}`, en: `Member updated (${changed.join(", ")})${note.en}` } };
}

/** Orders still to be lived: waiting for points, or confirmed with a check-out today or later. */
export async function openOrdersOf(d1: D1Database, memberId: string, now = Date.now()): Promise<string[]> {
  const { results } = await d1.prepare("SELECT id FROM lodging_orders WHERE member_id = ? AND (status = 'awaiting_payment' OR (status = 'confirmed' AND check_out >= ?)) ORDER BY check_in").bind(memberId, todayJst(now)).all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Deletes a member's personal data, refused while an order is open (naming it). Gone: the
 * member's name, phone, email, birth date and ID document hash; the same on the person's users
 * row (and their sign-in sessions, codes and rate counters); and every copy in their orders:
 * each order's own object forgets the contact it kept (`forget_requester`), and the copies in
 * the orders' timelines, jobs and sandbox records are replaced. The member id, the ledger and
 * the orders stay, anonymised. Safe to run again after a failure part-way.
 */
export async function deleteMember(env: Env, memberId: string, operator: string, now = Date.now()): Promise<{ ok: true; orders: number } | { ok: false; message: Message }> {
  const d1 = env.DB;
  const member = await d1.prepare("SELECT user_id AS userId, name, phone, email, registered_via AS via FROM members WHERE id = ?").bind(memberId).first<{ userId: string; name: string; phone: string; email: string; via: string }>();
  if (!member || member.via === "deleted") return { ok: false, message: { ja: "会員が見つからないか、すでに削除されています。", en: "No such member, or already deleted." } };
  const open = await openOrdersOf(d1, memberId, now);
  if (open.length) return { ok: false, message: { ja: `未完了の注文があるため削除できません: ${open.join("、")}`, en: `Open orders prevent deletion: ${open.join(", ")}` } };
  const { results: orders } = await d1.prepare("SELECT o.id, r.requester_name AS name, r.phone, r.email FROM lodging_orders o LEFT JOIN reservations r ON r.id = o.id WHERE o.member_id = ?").bind(memberId).all<{ id: string; name: string | null; phone: string | null; email: string | null }>();
  const user = await d1.prepare("SELECT name, phone, email FROM users WHERE id = ?").bind(member.userId).first<{ name: string | null; phone: string; email: string | null }>();
  const values = {
    names: [member.name, user?.name, ...orders.map((o) => o.name)].filter((v): v is string => !!v && v !== DELETED_MEMBER_NAME),
    phones: [member.phone, user?.phone, ...orders.map((o) => o.phone)].filter((v): v is string => !!v && v.startsWith("+")),
    emails: [member.email, user?.email, ...orders.map((o) => o.email)].filter((v): v is string => !!v),
  };
  const unique = { names: [...new Set(values.names)], phones: [...new Set(values.phones)], emails: [...new Set(values.emails)] };
  // Each order's object is the only writer of its row: it forgets the contact itself. A failure
  // here stops before anything else changes, and running the deletion again picks up from here.
  for (const o of orders) {
    try {
      await reservationStub(env, o.id).dispatch({ type: "forget_requester", operator }, "operator", `forget_requester:${o.id}`);
    } catch (err) {
      console.error(JSON.stringify({ msg: "member deletion: an order could not forget its contact", member: memberId, order: o.id, error: String(err) }));
      return { ok: false, message: { ja: `注文 ${o.id} の匿名化に失敗しました。もう一度お試しください（会員情報はまだ削除していません）。`, en: `Order ${o.id} could not be anonymised; try again (nothing was deleted yet).` } };
    }
  }
  const ids = orders.map((o) => o.id);
  const { results: kept } = await d1.prepare("SELECT id FROM reservations WHERE id IN (SELECT value FROM json_each(?)) AND (requester_name != ? OR phone != '' OR email IS NOT NULL)").bind(JSON.stringify(ids), DELETED_MEMBER_NAME).all<{ id: string }>();
  if (kept.length) return { ok: false, message: { ja: `注文 ${kept.map((k) => k.id).join("、")} の匿名化を確認できませんでした。もう一度お試しください（会員情報はまだ削除していません）。`, en: `Orders ${kept.map((k) => k.id).join(", ")} still show the contact; try again (nothing was deleted yet).` } };
  const results = await d1.batch([
    d1.prepare("UPDATE members SET name = ?, phone = '', email = '', birth_date = '1900-01-01', id_number_hash = 'deleted:' || id, id_number_last4 = '', registered_via = 'deleted', updated_at = ? WHERE id = ? AND registered_via != 'deleted'").bind(DELETED_MEMBER_NAME, now, memberId),
    // The sign-in identity goes too: the number is free to sign in (and register) afresh.
    d1.prepare("UPDATE users SET phone = 'deleted:' || id, name = NULL, email = NULL, updated_at = ? WHERE id = ?").bind(now, member.userId),
    d1.prepare("DELETE FROM account_sessions WHERE user_id = ?").bind(member.userId),
    ...unique.phones.flatMap((p) => [d1.prepare("DELETE FROM login_codes WHERE phone = ?").bind(p), d1.prepare("DELETE FROM rate_events WHERE instr(key, ?) > 0").bind(p)]),
    ...scrubCopiesStatements(d1, ids, unique),
    lodgingAuditStatement(d1, { operator, action: "member_deleted", subjectType: "member", subjectId: memberId, detail: { orders: ids } }, now),
  ]);
  if (results[0]!.meta.changes !== 1) return { ok: false, message: { ja: "会員が見つからないか、すでに削除されています。", en: "No such member, or already deleted." } };
  return { ok: true, orders: ids.length };
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
