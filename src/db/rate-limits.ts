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

export async function takeAll(db: Db, limits: Limit[], now = Date.now()): Promise<LimitResult> {
  const keys = [...new Set(limits.map((l) => l.key))];
  if (!keys.length) return { ok: true };
  const room = sql.join(
    limits.map((l) => sql`(SELECT count(*) FROM rate_events WHERE key = ${l.key} AND at > ${now - l.windowMs}) < ${l.max}`),
    sql` AND `,
  );
  const inserted = await db.run(sql`INSERT INTO rate_events (key, at) SELECT value, ${now} FROM json_each(${JSON.stringify(keys)}) WHERE ${room}`);
  // Now and then, forget what no window looks at any more.
  if (Math.random() < 0.01) await db.delete(rateEvents).where(lt(rateEvents.at, now - KEEP_MS));
  if (inserted.meta.changes > 0) return { ok: true };
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
