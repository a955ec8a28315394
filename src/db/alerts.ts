// Operator alerts: one row per condition (`key`), posted to Slack once while the condition
// holds. The queue consumer (alerts raised by a reservation) and the cron monitor (system
// conditions, open manual cases) both go through here, so a condition is never posted twice.
import { and, desc, eq, inArray, isNull, isNotNull, sql } from "drizzle-orm";
import { newId } from "../domain/ids.ts";
import type { Db } from "./client.ts";
import { alerts } from "./schema.ts";

export type AlertRow = typeof alerts.$inferSelect;

export interface AlertInput {
  key: string;
  case: string;
  priority: string;
  text: string;
  reservationId?: string | null;
}

/**
 * Records the alert and takes the right to post it. A condition that had cleared and holds
 * again is reopened (a new occurrence); one that is still open and already posted is not
 * taken again. Returns false when there is nothing to post.
 */
export async function claimAlert(db: Db, a: AlertInput, now: number): Promise<boolean> {
  await db
    .insert(alerts)
    .values({ id: newId("alr", now), key: a.key, reservationId: a.reservationId ?? null, case: a.case, priority: a.priority, text: a.text, createdAt: now })
    .onConflictDoUpdate({
      target: alerts.key,
      set: { text: a.text, priority: a.priority, createdAt: now, sentAt: null, resolvedAt: null },
      setWhere: isNotNull(alerts.resolvedAt),
    });
  const claimed = await db
    .update(alerts)
    .set({ sentAt: now })
    .where(and(eq(alerts.key, a.key), isNull(alerts.sentAt), isNull(alerts.resolvedAt)))
    .returning({ id: alerts.id });
  return claimed.length > 0;
}

/** Posting failed: the alert may be taken again by the next attempt. */
export async function releaseAlert(db: Db, key: string): Promise<void> {
  await db.update(alerts).set({ sentAt: null }).where(eq(alerts.key, key));
}

/** Conditions that no longer hold. */
export async function resolveAlerts(db: Db, keys: string[], now: number): Promise<void> {
  // D1 binds at most 100 values per statement.
  for (let i = 0; i < keys.length; i += 90) {
    await db.update(alerts).set({ resolvedAt: now }).where(and(inArray(alerts.key, keys.slice(i, i + 90)), isNull(alerts.resolvedAt)));
  }
}

export async function openAlerts(db: Db): Promise<AlertRow[]> {
  return db.select().from(alerts).where(isNull(alerts.resolvedAt)).orderBy(desc(alerts.createdAt));
}

export async function recentAlerts(db: Db, limit = 20): Promise<AlertRow[]> {
  return db.select().from(alerts).orderBy(desc(alerts.createdAt)).limit(limit);
}

/** How many alerts of these cases were raised since `since` (today's manual operations). */
export async function countAlertsSince(db: Db, cases: readonly string[], since: number, until = Number.MAX_SAFE_INTEGER): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(alerts)
    .where(and(inArray(alerts.case, [...cases]), sql`${alerts.createdAt} >= ${since}`, sql`${alerts.createdAt} < ${until}`));
  return row?.n ?? 0;
}
