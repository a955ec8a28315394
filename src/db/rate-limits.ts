// Rate limits over a log of counted actions (`rate_events`). An action is counted against
// several keys at once (a booking: its caller, its phone number, each shop it would phone),
// and either every limit has room and it is counted everywhere, or nothing is counted. One
// INSERT ... SELECT decides and writes, so parallel requests cannot all pass a check made
// before any of them is counted.
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { rateEvents } from "./schema.ts";

import type { Limit } from "../domain/policy.ts";

export type { Limit };

export type LimitResult = { ok: true } | { ok: false; limit: Limit; retryAt: number };

/** Rows older than this are never counted again (the longest window is a day). */
const KEEP_MS = 2 * 24 * 60 * 60_000;

/**
 * The one statement that counts an action against every limit when all have room, and nothing
 * otherwise (it changes no row then). `also`: a further SQL condition, with its parameters, that
 * must hold for anything to be counted (e.g. that the request's claim, earlier in the same batch, won).
 */
export function takeStatement(d1: D1Database, limits: Limit[], now: number, also?: { sql: string; params: (string | number)[] }): D1PreparedStatement | null {
  const keys = [...new Set(limits.map((l) => l.key))];
  if (!keys.length) return null;
  const room = limits.map(() => "(SELECT count(*) FROM rate_events WHERE key = ? AND at > ?) < ?").join(" AND ");
  const params = [now, JSON.stringify(keys), ...limits.flatMap((l) => [l.key, now - l.windowMs, l.max]), ...(also?.params ?? [])];
  return d1.prepare(`INSERT INTO rate_events (key, at) SELECT value, ? FROM json_each(?) WHERE ${room}${also ? ` AND ${also.sql}` : ""}`).bind(...params);
}

export async function takeAll(db: Db, limits: Limit[], now = Date.now()): Promise<LimitResult> {
  const take = takeStatement(db.$client, limits, now);
  if (!take) return { ok: true };
  const inserted = await take.run();
  await pruneNowAndThen(db, now);
  if (inserted.meta.changes > 0) return { ok: true };
  return refusal(db, limits, now);
}

/** Now and then (one take in a hundred), forgets what no window looks at any more. */
export async function pruneNowAndThen(db: Db, now = Date.now()): Promise<void> {
  if (Math.random() < 0.01) await db.delete(rateEvents).where(lt(rateEvents.at, now - KEEP_MS));
}

/** Which limit refused a take, and when it has room again. */
export async function refusal(db: Db, limits: Limit[], now = Date.now()): Promise<Extract<LimitResult, { ok: false }>> {
  for (const limit of limits) {
    // Full: room comes back when the oldest counted action leaves the window.
    const retryAt = await fullUntil(db, limit, now);
    if (retryAt !== null) return { ok: false, limit, retryAt };
  }
  // Freed between the two queries: the caller may simply try again.
  return { ok: false, limit: limits[0]!, retryAt: now };
}

/** Counts one action against each key, unconditionally (e.g. a failed password). */
export async function note(db: Db, keys: string[], now = Date.now()): Promise<void> {
  if (keys.length) await db.insert(rateEvents).values(keys.map((key) => ({ key, at: now })));
}

/** When a key that holds `max` actions inside `windowMs` has room again, or null when it has room now. */
export async function fullUntil(db: Db, limit: Limit, now = Date.now()): Promise<number | null> {
  const rows = await db
    .select({ at: rateEvents.at })
    .from(rateEvents)
    .where(and(eq(rateEvents.key, limit.key), gt(rateEvents.at, now - limit.windowMs)))
    .orderBy(asc(rateEvents.at))
    .limit(limit.max);
  return rows.length >= limit.max ? rows[0]!.at + limit.windowMs : null;
}

/** How many actions are counted for a key inside a window (for tests and the console). */
export async function counted(db: Db, key: string, windowMs: number, now = Date.now()): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(rateEvents).where(and(eq(rateEvents.key, key), gt(rateEvents.at, now - windowMs)));
  return row?.n ?? 0;
}
