// Placing a lodging order for a member: validates the cart, names the order (an idempotency
// key makes a retried request the same order), and hands it to the order's own object, which
// picks and holds the rooms and pays or waits for points.
import type { Db } from "../db/client.ts";
import type { MemberRow } from "../db/members.ts";
import { lodgingOrderIdFor, newLodgingOrderId } from "../domain/ids.ts";
import { addDays, isDate } from "../domain/lodging/dates.ts";
import { lodgingPolicy } from "../domain/lodging/policy.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { formatDate, nightsBetween } from "../domain/resource-calendar.ts";
import { jstDay } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import type { LodgingCreateResult } from "../durable/reservation.ts";
import { allRoomTypes, findRoomType, type CartLine } from "./inventory.ts";

export interface AskedLine {
  roomType: string;
  checkIn: string;
  checkOut: string;
  quantity: number;
}

export type CartCheck = { ok: true; cart: CartLine[] } | { ok: false; message: { ja: string; en: string } };

/** Today in Japan (YYYY-MM-DD): a stay may start today at the earliest. */
export function todayJst(now = Date.now()): string {
  return formatDate(jstDay(now) * 86_400_000);
}

export function checkStay(checkIn: string, checkOut: string, now = Date.now()): { ja: string; en: string } | null {
  if (!isDate(checkIn) || !isDate(checkOut)) return { ja: "チェックイン・チェックアウトは YYYY-MM-DD 形式の日付で指定してください。", en: "check_in and check_out must be dates as YYYY-MM-DD." };
  const nights = nightsBetween(checkIn, checkOut).length;
  if (nights < 1) return { ja: "チェックアウトはチェックインより後の日付にしてください。", en: "check_out must be after check_in." };
  if (nights > lodgingPolicy.maxNights) return { ja: `1回のご宿泊は${lodgingPolicy.maxNights}泊までです。`, en: `A stay is at most ${lodgingPolicy.maxNights} nights.` };
  const today = todayJst(now);
  if (checkIn < today) return { ja: "チェックインは今日以降の日付にしてください。", en: "check_in must be today or later (Japan time)." };
  if (checkIn > addDays(today, lodgingPolicy.maxAdvanceDays)) return { ja: `ご予約は${lodgingPolicy.maxAdvanceDays}日先までです。`, en: `Stays can be booked up to ${lodgingPolicy.maxAdvanceDays} days ahead.` };
  return null;
}

export async function checkCart(db: Db, lines: AskedLine[], now = Date.now()): Promise<CartCheck> {
  if (!lines.length) return { ok: false, message: { ja: "お部屋を1つ以上選んでください。", en: "Choose at least one room." } };
  if (lines.length > lodgingPolicy.maxLines) return { ok: false, message: { ja: `1回のご注文は${lodgingPolicy.maxLines}行までです。`, en: `An order has at most ${lodgingPolicy.maxLines} lines.` } };
  const types = await allRoomTypes(db);
  const cart: CartLine[] = [];
  for (const l of lines) {
    const stay = checkStay(l.checkIn, l.checkOut, now);
    if (stay) return { ok: false, message: stay };
    const type = findRoomType(types, l.roomType);
    if (!type) return { ok: false, message: { ja: `部屋タイプ「${l.roomType}」はありません（${types.map((t) => t.name).join("、")}）。`, en: `There is no room type "${l.roomType}" (${types.map((t) => t.nameEn ?? t.name).join(", ")}).` } };
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > lodgingPolicy.maxRoomsPerLine) return { ok: false, message: { ja: `部屋数は1〜${lodgingPolicy.maxRoomsPerLine}で指定してください。`, en: `quantity must be 1 to ${lodgingPolicy.maxRoomsPerLine} rooms.` } };
    cart.push({ roomTypeId: type.id, checkIn: l.checkIn, checkOut: l.checkOut, quantity: l.quantity });
  }
  return { ok: true, cart };
}

export type BookResult = (LodgingCreateResult & { orderId: string }) | { ok: false; reason: "invalid"; message: { ja: string; en: string } };

export async function bookRooms(env: Env, db: Db, member: MemberRow, lines: AskedLine[], opts: { idempotencyKey?: string; apiKeyId?: string; via?: string; language: Lang }): Promise<BookResult> {
  const checked = await checkCart(db, lines);
  if (!checked.ok) return { ok: false, reason: "invalid", message: checked.message };
  const orderId = opts.idempotencyKey ? await lodgingOrderIdFor(`${member.id}\u0000${opts.idempotencyKey}`) : newLodgingOrderId();
  const result = await reservationStub(env, orderId).createLodging({ id: orderId, memberId: member.id, cart: checked.cart, language: opts.language, ...(opts.apiKeyId ? { apiKeyId: opts.apiKeyId } : {}), ...(opts.via ? { via: opts.via } : {}) });
  return { ...result, orderId };
}
