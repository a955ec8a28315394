// The front desk (seed 004 §3(1)3, §3(3)6): room statuses moved by arrivals, check-in,
// check-out and housekeeping, and by staff taking a room out of service for some nights. The
// rules are the table in src/domain/lodging/room-status.ts; every change is written with its
// audit row (who, when) in one batch, guarded on the status it came from, so two desks racing
// on one room change it once. A room's nights are changed only through its calendar object.
import { addDays, isDate } from "../domain/lodging/dates.ts";
import { normalizeIdNumber } from "../domain/lodging/members.ts";
import { ROOM_STATUS_LABELS, isRoomStatus, moveRoom, type RoomAction, type RoomStatus } from "../domain/lodging/room-status.ts";
import { nightInterval, parseDate } from "../domain/resource-calendar.ts";
import { calendarFor } from "../durable/calendar-client.ts";
import { idNumberHash } from "../db/members.ts";
import type { Db } from "../db/client.ts";
import { refreshAvailability, roomResource } from "./inventory.ts";
import { todayJst } from "./orders.ts";

type Message = { ja: string; en: string };
export type DeskResult = { ok: true; message: Message } | { ok: false; message: Message };

interface RoomStateRow {
  id: string;
  number: string;
  roomTypeId: string;
  status: string;
  statusOrderId: string | null;
}

async function roomState(d1: D1Database, roomId: string): Promise<RoomStateRow | null> {
  return d1.prepare("SELECT id, number, room_type_id AS roomTypeId, status, status_order_id AS statusOrderId FROM rooms WHERE id = ?").bind(roomId).first<RoomStateRow>();
}

function statusOf(row: RoomStateRow): RoomStatus {
  return isRoomStatus(row.status) ? row.status : "available";
}

interface Move {
  roomId: string;
  from: RoomStatus;
  to: RoomStatus;
  action: RoomAction;
  actor: string;
  at: number;
  orderId?: string | null;
  reason?: string | null;
  dateFrom?: string | null;
  dateUntil?: string | null;
}

/** The room's new status and its audit row, applied only if the room is still in `from`. */
function moveStatements(d1: D1Database, m: Move, extra: D1PreparedStatement[] = []): D1PreparedStatement[] {
  const keepsOrder = m.to === "reserved" || m.to === "occupied";
  const outOfService = m.to === "maintenance" || m.to === "unavailable";
  return [
    d1
      .prepare("UPDATE rooms SET status = ?, status_order_id = ?, status_reason = ?, status_from = ?, status_until = ?, status_changed_at = ?, updated_at = ? WHERE id = ? AND status = ?")
      .bind(m.to, keepsOrder ? (m.orderId ?? null) : null, outOfService ? (m.reason ?? null) : null, outOfService ? (m.dateFrom ?? null) : null, outOfService ? (m.dateUntil ?? null) : null, m.at, m.at, m.roomId, m.from),
    // The audit row goes in only when the update just happened (the room now shows `to` at this moment).
    d1
      .prepare("INSERT INTO room_status_events (room_id, action, from_status, to_status, reason, date_from, date_until, order_id, actor, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1")
      .bind(m.roomId, m.action, m.from, m.to, m.reason ?? null, m.dateFrom ?? null, m.dateUntil ?? null, m.orderId ?? null, m.actor, m.at),
    ...extra,
  ];
}

async function applyMove(d1: D1Database, m: Move, extra: D1PreparedStatement[] = []): Promise<boolean> {
  const results = await d1.batch(moveStatements(d1, m, extra));
  return results[0]!.meta.changes === 1;
}

const raced: Message = { ja: "ほかの操作で部屋の状態が変わりました。画面を更新してください。", en: "The room changed meanwhile; reload and try again." };

function tableCheck(from: RoomStatus, action: RoomAction): { ok: true; to: RoomStatus } | { ok: false; message: Message } {
  const m = moveRoom(from, action);
  return m.ok ? { ok: true, to: m.to } : { ok: false, message: m.message };
}

// ---------------------------------------------------------------- arrivals (automatic)

interface StayLine {
  orderId: string;
  lineNo: number;
  roomId: string;
  roomNumber: string;
  roomTypeId: string;
  checkIn: string;
  checkOut: string;
  checkedInAt: number | null;
  checkedOutAt: number | null;
  memberId: string;
  memberName: string;
}

const STAY_COLUMNS = "l.order_id AS orderId, l.line_no AS lineNo, l.room_id AS roomId, l.room_number AS roomNumber, l.room_type_id AS roomTypeId, l.check_in AS checkIn, l.check_out AS checkOut, l.checked_in_at AS checkedInAt, l.checked_out_at AS checkedOutAt, o.member_id AS memberId, m.name AS memberName";
const STAY_FROM = "lodging_order_lines l JOIN lodging_orders o ON o.id = l.order_id JOIN members m ON m.id = o.member_id WHERE o.status = 'confirmed' AND l.status = 'active'";

/** Confirmed stays arriving on `date`, and those leaving on it. */
export async function arrivalsAndDepartures(d1: D1Database, date: string): Promise<{ arrivals: StayLine[]; departures: StayLine[]; inHouse: StayLine[] }> {
  const [a, d, h] = await d1.batch<StayLine>([
    d1.prepare(`SELECT ${STAY_COLUMNS} FROM ${STAY_FROM} AND l.check_in = ? ORDER BY l.room_number`).bind(date),
    d1.prepare(`SELECT ${STAY_COLUMNS} FROM ${STAY_FROM} AND l.check_out = ? AND l.checked_in_at IS NOT NULL ORDER BY l.room_number`).bind(date),
    d1.prepare(`SELECT ${STAY_COLUMNS} FROM ${STAY_FROM} AND l.checked_in_at IS NOT NULL AND l.checked_out_at IS NULL ORDER BY l.room_number`),
  ]);
  return { arrivals: a!.results, departures: d!.results, inHouse: h!.results };
}

/** A room whose confirmed stay starts today shows Reserved (run when the board is read, and by the cron). */
export async function markArrivals(d1: D1Database, now = Date.now()): Promise<number> {
  const { arrivals } = await arrivalsAndDepartures(d1, todayJst(now));
  let moved = 0;
  // A Reserved room whose arrival went (cancelled, or an arrival day that passed without check-in) is free again.
  const waiting = new Set(arrivals.filter((s) => s.checkedInAt === null).map((s) => `${s.roomId}:${s.orderId}`));
  const { results: reserved } = await d1.prepare("SELECT id, status_order_id AS orderId FROM rooms WHERE status = 'reserved'").all<{ id: string; orderId: string | null }>();
  for (const r of reserved.filter((r) => !waiting.has(`${r.id}:${r.orderId}`))) {
    if (await applyMove(d1, { roomId: r.id, from: "reserved", to: "available", action: "arrival_cancelled", actor: "system", at: now, orderId: r.orderId })) moved++;
  }
  for (const stay of arrivals.filter((s) => s.checkedInAt === null)) {
    const room = await roomState(d1, stay.roomId);
    if (!room || statusOf(room) !== "available") continue;
    if (await applyMove(d1, { roomId: room.id, from: "available", to: "reserved", action: "arrival_due", actor: "system", at: now, orderId: stay.orderId })) moved++;
  }
  return moved;
}

// ---------------------------------------------------------------- check-in and check-out

async function stayLines(d1: D1Database, orderId: string): Promise<StayLine[]> {
  const { results } = await d1.prepare(`SELECT ${STAY_COLUMNS} FROM ${STAY_FROM} AND l.order_id = ? ORDER BY l.line_no`).bind(orderId).all<StayLine>();
  return results;
}

/**
 * Checks in one room of the order, or all its rooms arriving today, once staff have matched the
 * guest's ID document against the member's record (the number is compared by its keyed hash).
 */
export async function checkIn(env: Env, orderId: string, opts: { lineNo?: number; idNumber: string; operator: string; now?: number }): Promise<DeskResult> {
  const now = opts.now ?? Date.now();
  const today = todayJst(now);
  const lines = (await stayLines(env.DB, orderId)).filter((l) => l.checkIn <= today && l.checkOut > today && l.checkedInAt === null && (opts.lineNo === undefined || l.lineNo === opts.lineNo));
  if (!lines.length) return { ok: false, message: { ja: "本日チェックインできる部屋がこの予約にありません。", en: "This order has no room to check in today." } };
  const member = await env.DB.prepare("SELECT id_number_hash AS hash FROM members WHERE id = ?").bind(lines[0]!.memberId).first<{ hash: string }>();
  const given = normalizeIdNumber(opts.idNumber ?? "");
  if (!member || !given || (await idNumberHash(env, given)) !== member.hash) return { ok: false, message: { ja: "本人確認書類の番号が会員情報と一致しません。", en: "The ID document number does not match the member's record." } };
  await markArrivals(env.DB, now);
  const done: string[] = [];
  for (const line of lines) {
    const room = await roomState(env.DB, line.roomId);
    if (!room) continue;
    const check = tableCheck(statusOf(room), "check_in");
    if (!check.ok) return { ok: false, message: { ja: `${line.roomNumber}号室: ${check.message.ja}`, en: `Room ${line.roomNumber}: ${check.message.en}` } };
    const stamp = env.DB.prepare("UPDATE lodging_order_lines SET checked_in_at = ? WHERE order_id = ? AND line_no = ? AND checked_in_at IS NULL AND changes() = 1").bind(now, orderId, line.lineNo);
    if (!(await applyMove(env.DB, { roomId: room.id, from: statusOf(room), to: check.to, action: "check_in", actor: opts.operator, at: now, orderId }, [stamp]))) return { ok: false, message: raced };
    done.push(line.roomNumber);
  }
  return { ok: true, message: { ja: `${done.join("、")}号室をチェックインしました。`, en: `Checked in: ${done.join(", ")}.` } };
}

/**
 * Checks out one room. Leaving before the booked check-out frees the nights from today on: the
 * room's calendar releases them and search sees them again.
 */
export async function checkOut(env: Env, db: Db, orderId: string, lineNo: number, operator: string, now = Date.now()): Promise<DeskResult> {
  const today = todayJst(now);
  const line = (await stayLines(env.DB, orderId)).find((l) => l.lineNo === lineNo);
  if (!line || line.checkedInAt === null || line.checkedOutAt !== null) return { ok: false, message: { ja: "この部屋はチェックイン中ではありません。", en: "This room is not checked in." } };
  const room = await roomState(env.DB, line.roomId);
  if (!room) return { ok: false, message: raced };
  const check = tableCheck(statusOf(room), "check_out");
  if (!check.ok) return check;
  const stamp = env.DB.prepare("UPDATE lodging_order_lines SET checked_out_at = ? WHERE order_id = ? AND line_no = ? AND checked_out_at IS NULL AND changes() = 1").bind(now, orderId, lineNo);
  if (!(await applyMove(env.DB, { roomId: room.id, from: "occupied", to: check.to, action: "check_out", actor: operator, at: now, orderId }, [stamp]))) return { ok: false, message: raced };
  if (today < line.checkOut) {
    const freed = await calendarFor(env, roomResource(line.roomId)).release(orderId, [{ start: nightInterval(today).start, end: parseDate(line.checkOut)! }]);
    if (freed.error) console.error(JSON.stringify({ msg: "early departure: nights not released", order: orderId, room: line.roomNumber, error: freed.error }));
    await refreshAvailability(env, db, [line.roomTypeId], today, line.checkOut).catch((err) => console.error(JSON.stringify({ msg: "availability projection not updated", order: orderId, error: String(err) })));
    return { ok: true, message: { ja: `${line.roomNumber}号室をチェックアウトしました（早期退室: ${today}〜${line.checkOut}の泊を解放）。`, en: `Room ${line.roomNumber} checked out early; nights ${today} to ${line.checkOut} are free again.` } };
  }
  return { ok: true, message: { ja: `${line.roomNumber}号室をチェックアウトしました。清掃をお願いします。`, en: `Room ${line.roomNumber} checked out; it now needs cleaning.` } };
}

// ---------------------------------------------------------------- housekeeping and service

/** Housekeeping, or reopening a room after maintenance (its calendar block goes). */
export async function simpleMove(env: Env, db: Db, roomId: string, action: "cleaned" | "reopen", operator: string, now = Date.now()): Promise<DeskResult> {
  const room = await roomState(env.DB, roomId);
  if (!room) return { ok: false, message: { ja: "部屋が見つかりません。", en: "No such room." } };
  const from = statusOf(room);
  const check = tableCheck(from, action);
  if (!check.ok) return check;
  if (action === "reopen") {
    const block = await env.DB.prepare("SELECT status_from AS f, status_until AS u FROM rooms WHERE id = ?").bind(roomId).first<{ f: string | null; u: string | null }>();
    await calendarFor(env, roomResource(roomId)).release(blockKey(roomId));
    if (block?.f && block.u) await refreshAvailability(env, db, [room.roomTypeId], block.f, block.u).catch(() => undefined);
  }
  if (!(await applyMove(env.DB, { roomId, from, to: check.to, action, actor: operator, at: now }))) return { ok: false, message: raced };
  return { ok: true, message: { ja: `${room.number}号室: ${ROOM_STATUS_LABELS[check.to].ja}`, en: `Room ${room.number}: ${ROOM_STATUS_LABELS[check.to].en}` } };
}

export function blockKey(roomId: string): string {
  return `service:${roomId}`;
}

/**
 * Takes a room out of sale (Maintenance or Unavailable) for nights `from` to `until` (exclusive),
 * with a reason. The room's calendar blocks those nights; it refuses over a booking or a hold,
 * and the refusal names the orders in the way.
 */
export async function takeOutOfService(env: Env, db: Db, roomId: string, opts: { action: "set_maintenance" | "set_unavailable"; reason: string; from: string; until: string; operator: string; now?: number }): Promise<DeskResult> {
  const now = opts.now ?? Date.now();
  const reason = opts.reason.trim();
  if (!reason || reason.length > 200) return { ok: false, message: { ja: "理由を200文字以内で入力してください。", en: "Give a reason of at most 200 characters." } };
  if (!isDate(opts.from) || !isDate(opts.until) || opts.until <= opts.from) return { ok: false, message: { ja: "期間は開始日と終了日（開始日より後）で指定してください。", en: "Give a date range: a start date and a later end date." } };
  if (opts.until > addDays(opts.from, 366)) return { ok: false, message: { ja: "期間は1年以内にしてください。", en: "The range is at most a year." } };
  const room = await roomState(env.DB, roomId);
  if (!room) return { ok: false, message: { ja: "部屋が見つかりません。", en: "No such room." } };
  const from = statusOf(room);
  const check = tableCheck(from, opts.action);
  if (!check.ok) return check;
  const calendar = calendarFor(env, roomResource(roomId));
  // A room already out of service moves its block to the new range.
  await calendar.release(blockKey(roomId));
  const blocked = await calendar.block(blockKey(roomId), [{ start: nightInterval(opts.from).start, end: parseDate(opts.until)! }], reason);
  if (!blocked.ok) {
    const orders = [...new Set(blocked.conflicts.map((c) => c.key).filter((k) => k !== blockKey(roomId)))];
    return { ok: false, message: blocked.error ? { ja: blocked.error, en: blocked.error } : { ja: `予約と重なるため設定できません: ${orders.join("、")}`, en: `Refused: the range overlaps booked orders ${orders.join(", ")}` } };
  }
  if (!(await applyMove(env.DB, { roomId, from, to: check.to, action: opts.action, actor: opts.operator, at: now, reason, dateFrom: opts.from, dateUntil: opts.until }))) {
    await calendar.release(blockKey(roomId));
    return { ok: false, message: raced };
  }
  await refreshAvailability(env, db, [room.roomTypeId], opts.from, opts.until).catch(() => undefined);
  return { ok: true, message: { ja: `${room.number}号室を${ROOM_STATUS_LABELS[check.to].ja}にしました（${opts.from}〜${opts.until}）。`, en: `Room ${room.number} is ${ROOM_STATUS_LABELS[check.to].en} (${opts.from} to ${opts.until}).` } };
}

// ---------------------------------------------------------------- the board

export interface BoardRoom {
  id: string;
  number: string;
  type: string;
  status: RoomStatus;
  label: string;
  guest: string | null;
  orderId: string | null;
  reason: string | null;
  until: string | null;
}

export interface Board {
  date: string;
  rooms: BoardRoom[];
  arrivals: { orderId: string; lineNo: number; room: string; guest: string; checkedIn: boolean }[];
  departures: { orderId: string; lineNo: number; room: string; guest: string; checkedOut: boolean }[];
  at: number;
}

/** Every room with its status and guest, and today's arrivals and departures (small: polled every few seconds). */
export async function roomBoard(d1: D1Database, now = Date.now()): Promise<Board> {
  await markArrivals(d1, now);
  const date = todayJst(now);
  const [{ results: rooms }, stays] = await Promise.all([
    d1.prepare("SELECT r.id, r.number, t.name AS type, r.status, r.status_order_id AS orderId, r.status_reason AS reason, r.status_until AS until, m.name AS guest FROM rooms r JOIN room_types t ON t.id = r.room_type_id LEFT JOIN lodging_orders o ON o.id = r.status_order_id LEFT JOIN members m ON m.id = o.member_id WHERE r.active = 1 ORDER BY r.number").all<{ id: string; number: string; type: string; status: string; orderId: string | null; reason: string | null; until: string | null; guest: string | null }>(),
    arrivalsAndDepartures(d1, date),
  ]);
  return {
    date,
    at: now,
    rooms: rooms.map((r) => {
      const status = isRoomStatus(r.status) ? r.status : "available";
      return { ...r, status, label: `${ROOM_STATUS_LABELS[status].ja} ${ROOM_STATUS_LABELS[status].en}`, guest: status === "reserved" || status === "occupied" ? r.guest : null };
    }),
    arrivals: stays.arrivals.map((s) => ({ orderId: s.orderId, lineNo: s.lineNo, room: s.roomNumber, guest: s.memberName, checkedIn: s.checkedInAt !== null })),
    departures: stays.departures.map((s) => ({ orderId: s.orderId, lineNo: s.lineNo, room: s.roomNumber, guest: s.memberName, checkedOut: s.checkedOutAt !== null })),
  };
}
