// Rooms, prices and availability for lodging orders. The rooms' calendar objects are the truth
// about their nights; this module asks them which rooms are free, takes holds for an order
// (all or none, trying other rooms when one is taken in a race), prices the nights from D1's
// daily rates, and keeps D1's projection (free rooms per type and night) in step for search.
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { config } from "../config.ts";
import { createDb, type Db } from "../db/client.ts";
import { lodgingAvailability, roomRates, roomTypes, rooms } from "../db/schema.ts";
import { lodgingPolicy } from "../domain/lodging/policy.ts";
import { quoteLine, type LineQuote, type RateCard } from "../domain/lodging/pricing.ts";
import type { LodgingRoomLine } from "../domain/reservation/types.ts";
import { formatDate, isLive, nightInterval, nightsBetween, overlaps, parseDate } from "../domain/resource-calendar.ts";
import { jstDay } from "../domain/time.ts";
import { calendarFor, holdAll } from "../durable/calendar-client.ts";

export type RoomRow = typeof rooms.$inferSelect;
export type RoomTypeRow = typeof roomTypes.$inferSelect;

export function roomResource(roomId: string): string {
  return `room:${roomId}`;
}

/** A cart line as asked: a room type, the stay, how many rooms. */
export interface CartLine {
  roomTypeId: string;
  checkIn: string;
  checkOut: string;
  quantity: number;
}

export async function allRoomTypes(db: Db): Promise<RoomTypeRow[]> {
  return db.select().from(roomTypes).orderBy(asc(roomTypes.sort), asc(roomTypes.name));
}

/** A room type by id or by name (Japanese or English, as a person or a model would say it). */
export function findRoomType(types: readonly RoomTypeRow[], ref: string): RoomTypeRow | undefined {
  const q = ref.normalize("NFKC").trim().toLowerCase();
  return types.find((t) => t.id === ref || t.name.normalize("NFKC").toLowerCase() === q || t.nameEn?.toLowerCase() === q);
}

export async function rateCard(db: Db, type: RoomTypeRow, nights: readonly string[]): Promise<RateCard> {
  if (!nights.length) return { defaultPoints: type.defaultPoints, byDate: new Map() };
  const rows = await db
    .select({ date: roomRates.date, points: roomRates.points })
    .from(roomRates)
    .where(and(eq(roomRates.roomTypeId, type.id), gte(roomRates.date, nights[0]!), lt(roomRates.date, `${nights.at(-1)!}~`)));
  return { defaultPoints: type.defaultPoints, byDate: new Map(rows.map((r) => [r.date, r.points])) };
}

export async function quoteFor(env: Env, db: Db, type: RoomTypeRow, checkIn: string, checkOut: string, quantity: number, birthDate: string | null): Promise<LineQuote> {
  const nights = nightsBetween(checkIn, checkOut);
  return quoteLine({ nights, card: await rateCard(db, type, nights), quantity, birthDate, windowDays: config(env).lodgingBirthdayWindowDays });
}

async function activeRooms(db: Db, typeIds: string[]): Promise<RoomRow[]> {
  if (!typeIds.length) return [];
  return db.select().from(rooms).where(and(inArray(rooms.roomTypeId, typeIds), eq(rooms.active, true))).orderBy(asc(rooms.number));
}

function stayInterval(checkIn: string, checkOut: string) {
  return { start: nightInterval(checkIn).start, end: parseDate(checkOut)! };
}

/** Which of the given nights each room has free, asked of the rooms' calendars. */
async function busyNights(env: Env, room: RoomRow, nights: readonly string[]): Promise<Set<string>> {
  if (!nights.length) return new Set();
  const from = nightInterval(nights[0]!).start;
  const to = nightInterval(nights.at(-1)!).end;
  const now = Date.now();
  const entries = (await calendarFor(env, roomResource(room.id)).entries(from, to)).filter((e) => isLive(e, now));
  return new Set(nights.filter((n) => entries.some((e) => overlaps(e, nightInterval(n)))));
}

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0]! % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** How many times an order waits for another order's hold on a room before trying another room (about 2 s in all). */
const MAX_HOLD_WAITS = 7;

export type Placement = { ok: true; lines: LodgingRoomLine[]; resources: string[] } | { ok: false; roomTypeId: string; roomTypeName: string; available: number; wanted: number };

/**
 * Picks rooms for every cart line that are free on every night of its stay (a guest never
 * changes rooms), and holds them all for the order (key = order id) until `expiresAt`, all or
 * none. When a room is taken by someone else between the look and the hold, that room is
 * dropped and another tried. Free rooms are tried in random order so concurrent orders spread
 * over them instead of all reaching for the same one.
 */
export async function placeRooms(env: Env, db: Db, orderId: string, cart: readonly CartLine[], birthDate: string | null, expiresAt: number): Promise<Placement> {
  const types = await allRoomTypes(db);
  const roomsOfTypes = await activeRooms(db, [...new Set(cart.map((l) => l.roomTypeId))]);
  const candidates: RoomRow[][] = [];
  const quotes: LineQuote[] = [];
  const used = new Set<string>();
  for (const line of cart) {
    const type = types.find((t) => t.id === line.roomTypeId)!;
    const nights = nightsBetween(line.checkIn, line.checkOut);
    const ofType = roomsOfTypes.filter((r) => r.roomTypeId === line.roomTypeId && !used.has(r.id));
    const free = (await Promise.all(ofType.map(async (r) => ((await busyNights(env, r, nights)).size === 0 ? r : null)))).filter((r): r is RoomRow => r !== null);
    if (free.length < line.quantity) return { ok: false, roomTypeId: type.id, roomTypeName: type.name, available: free.length, wanted: line.quantity };
    const order = shuffled(free);
    // Rooms of the same type in two lines of one order are kept apart, so no room is asked twice.
    for (const r of order.slice(0, line.quantity)) used.add(r.id);
    candidates.push(order);
    quotes.push(await quoteFor(env, db, type, line.checkIn, line.checkOut, 1, birthDate));
  }
  const taken = new Set<string>();
  let waits = 0;
  for (let attempt = 0; attempt <= lodgingPolicy.maxRoomRetries; attempt++) {
    const picked: RoomRow[][] = [];
    const chosen = new Set<string>();
    for (let i = 0; i < cart.length; i++) {
      const pool = candidates[i]!.filter((r) => !taken.has(r.id) && !chosen.has(r.id));
      if (pool.length < cart[i]!.quantity) {
        const type = types.find((t) => t.id === cart[i]!.roomTypeId)!;
        return { ok: false, roomTypeId: type.id, roomTypeName: type.name, available: pool.length, wanted: cart[i]!.quantity };
      }
      const these = pool.slice(0, cart[i]!.quantity);
      for (const r of these) chosen.add(r.id);
      picked.push(these);
    }
    // Holds are taken in one global order (by resource name), so two orders reaching for the
    // same rooms meet at the first of them instead of each taking one and both giving up.
    const requests = picked
      .flatMap((these, i) => these.map((r) => ({ resource: roomResource(r.id), intervals: [stayInterval(cart[i]!.checkIn, cart[i]!.checkOut)] })))
      .sort((a, b) => (a.resource < b.resource ? -1 : 1));
    const held = await holdAll(env, orderId, requests, expiresAt);
    if (held.ok) {
      let lineNo = 0;
      const lines = picked.flatMap((these, i) =>
        these.map((r) => {
          const q = quotes[i]!;
          const type = types.find((t) => t.id === r.roomTypeId)!;
          return { lineNo: ++lineNo, roomId: r.id, roomNumber: r.number, roomTypeId: type.id, roomTypeName: type.name, checkIn: cart[i]!.checkIn, checkOut: cart[i]!.checkOut, nightly: q.nightly, subtotal: q.subtotal, discount: q.discount, total: q.total };
        }),
      );
      return { ok: true, lines, resources: requests.map((r) => r.resource) };
    }
    if (held.error) throw new Error(`calendar refused the hold: ${held.error}`);
    // Another order's hold may still be let go (that order may fail): wait a moment and look
    // again. A booking or a block is final: try another room.
    if (held.conflicts.every((c) => c.state === "held") && waits < MAX_HOLD_WAITS) {
      // Backing off (25 ms doubling, with jitter) keeps a crowd of losers from hammering the
      // room's calendar while the winner commits.
      const delay = Math.min(800, 25 * 2 ** waits) * (0.5 + Math.random());
      waits++;
      attempt--;
      await new Promise((r) => setTimeout(r, delay));
      continue;
    }
    taken.add(held.resource.slice("room:".length));
  }
  const type = types.find((t) => t.id === cart[0]!.roomTypeId)!;
  return { ok: false, roomTypeId: type.id, roomTypeName: type.name, available: 0, wanted: cart[0]!.quantity };
}

// ---------------------------------------------------------------- the projection for search

/**
 * Recomputes free rooms per night for these room types over [from, to) from the rooms'
 * calendars and writes them to D1. Run after each calendar change an order makes, and by the
 * cron over the coming weeks, so a change whose projection write was lost is caught up.
 */
export async function refreshAvailability(env: Env, db: Db, typeIds: readonly string[], from: string, to: string, now = Date.now()): Promise<void> {
  const nights = nightsBetween(from, to);
  if (!nights.length || !typeIds.length) return;
  const all = await activeRooms(db, [...typeIds]);
  const busy = await Promise.all(all.map(async (r) => ({ room: r, busy: await busyNights(env, r, nights) })));
  const rows = typeIds.flatMap((typeId) => {
    const ofType = busy.filter((b) => b.room.roomTypeId === typeId);
    return nights.map((date) => ({ roomTypeId: typeId, date, roomsTotal: ofType.length, roomsFree: ofType.filter((b) => !b.busy.has(date)).length, updatedAt: now }));
  });
  for (let i = 0; i < rows.length; i += 20) {
    const chunk = rows.slice(i, i + 20);
    await db
      .insert(lodgingAvailability)
      .values(chunk)
      .onConflictDoUpdate({ target: [lodgingAvailability.roomTypeId, lodgingAvailability.date], set: { roomsTotal: sql`excluded.rooms_total`, roomsFree: sql`excluded.rooms_free`, updatedAt: sql`excluded.updated_at` } });
  }
}

/** The reconcile step: every room type over [from, to). */
export async function reconcileAvailability(env: Env, db: Db, from: string, to: string): Promise<void> {
  const types = await allRoomTypes(db);
  await refreshAvailability(
    env,
    db,
    types.map((t) => t.id),
    from,
    to,
  );
}

/** The cron's reconcile step: the coming weeks, where searches and changes happen most. */
export async function reconcileSoon(env: Env, days = 60): Promise<void> {
  const from = formatDate(jstDay(Date.now()) * 86_400_000);
  await reconcileAvailability(env, createDb(env.DB), from, formatDate(parseDate(from)! + days * 86_400_000));
}

export interface TypeAvailability {
  type: RoomTypeRow;
  /** Rooms free on every night of the stay (the fewest over its nights). */
  available: number;
  maxGuests: number;
}

/** Search: free rooms per type for a stay, from the projection (filled from the calendars where missing). */
export async function searchAvailability(env: Env, db: Db, checkIn: string, checkOut: string): Promise<TypeAvailability[]> {
  const nights = nightsBetween(checkIn, checkOut);
  const types = await allRoomTypes(db);
  const read = () => db.select().from(lodgingAvailability).where(and(gte(lodgingAvailability.date, checkIn), lt(lodgingAvailability.date, checkOut)));
  let rows = await read();
  const missing = types.filter((t) => rows.filter((r) => r.roomTypeId === t.id).length < nights.length).map((t) => t.id);
  if (missing.length) {
    await refreshAvailability(env, db, missing, checkIn, checkOut);
    rows = await read();
  }
  const all = await activeRooms(
    db,
    types.map((t) => t.id),
  );
  return types.map((type) => {
    const ofType = rows.filter((r) => r.roomTypeId === type.id);
    return { type, available: ofType.length ? Math.min(...ofType.map((r) => r.roomsFree)) : 0, maxGuests: Math.max(0, ...all.filter((r) => r.roomTypeId === type.id).map((r) => r.maxGuests)) };
  });
}
