// Outbox rows: claimed by one consumer at a time, finished once, and swept back onto the
// queue when a committed transition never got them enqueued.
import { and, asc, eq, inArray, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Db } from "./client.ts";
import { outbox } from "./schema.ts";

export type OutboxRow = typeof outbox.$inferSelect;

/** How long a claimed job is protected from a second consumer (a redelivered message). */
export const CLAIM_MS = 2 * 60_000;

/**
 * A transition's jobs are committed already marked as enqueued (one write fewer per
 * transition), and sent right after; a failed send clears the mark. A job still marked but
 * never claimed this long after was lost between its commit and the queue (the sender died
 * before sending or before clearing the mark): the sweeper sends it again. A second message
 * for a job that was only late is harmless: the first delivery claims it, the other finds it
 * claimed or done.
 */
export const UNSENT_AFTER_MS = 5 * 60_000;

/** Jobs that never reached the queue: not marked, or marked long ago and never claimed. */
function unsent(now: number) {
  return and(eq(outbox.status, "pending"), or(isNull(outbox.enqueuedAt), and(eq(outbox.attempts, 0), lt(outbox.enqueuedAt, now - UNSENT_AFTER_MS))));
}

/**
 * Takes the jobs nobody finished or holds, in one statement (a queue batch's jobs in one round
 * trip). A job missing from the result is in another delivery's hands or done.
 */
export async function claimJobs(d1: D1Database, ids: string[], now: number): Promise<Map<string, OutboxRow>> {
  if (!ids.length) return new Map();
  const { results } = await d1
    .prepare(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, locked_until = ?, updated_at = ?
       WHERE id IN (${ids.map(() => "?").join(", ")}) AND (status = 'pending' OR (status = 'sending' AND locked_until < ?))
       RETURNING id, reservation_id AS reservationId, kind, payload, status, attempts, locked_until AS lockedUntil,
                 enqueued_at AS enqueuedAt, provider_ref AS providerRef, delivery_status AS deliveryStatus,
                 last_error AS lastError, result_event AS resultEvent, created_at AS createdAt, updated_at AS updatedAt`,
    )
    .bind(now + CLAIM_MS, now, ...ids, now)
    .all<OutboxRow>();
  return new Map(results.map((r) => [r.id, r]));
}

/** What a job left behind when it ran: the provider's id for it, and the event for its reservation. */
export interface JobResult {
  providerRef?: string;
  deliveryStatus?: string;
  event?: unknown;
}

/** A job's finish, to run alone (finishJob) or inside its reservation's transition (`guard`: SQL appended to the WHERE, with its params). */
export function finishStatement(d1: D1Database, id: string, result: JobResult, now: number, guard?: { sql: string; params: unknown[] }): D1PreparedStatement {
  return d1
    .prepare(`UPDATE outbox SET status = 'done', locked_until = NULL, provider_ref = ?, delivery_status = ?, result_event = ?, last_error = NULL, updated_at = ? WHERE id = ?${guard ? ` AND ${guard.sql}` : ""}`)
    .bind(result.providerRef ?? null, result.deliveryStatus ?? null, result.event ? JSON.stringify(result.event) : null, now, id, ...(guard?.params ?? []));
}

export async function finishJob(d1: D1Database, id: string, result: JobResult, now: number): Promise<void> {
  await finishStatement(d1, id, result, now).run();
}

/** Gives the job back for a later attempt (the queue redelivers the message). */
export async function releaseJob(db: Db, id: string, error: string, now: number): Promise<void> {
  await db.update(outbox).set({ status: "pending", lockedUntil: null, lastError: error.slice(0, 500), updatedAt: now }).where(eq(outbox.id, id));
}

/** `failed`: a permanent error; `dead`: retries exhausted (the dead-letter queue). */
export async function failJob(db: Db, id: string, status: "failed" | "dead", error: string, now: number): Promise<OutboxRow | undefined> {
  const rows = await db
    .update(outbox)
    .set({ status, lockedUntil: null, lastError: error.slice(0, 500), updatedAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ["pending", "sending"])))
    .returning();
  return rows[0];
}

export async function markEnqueued(db: Db, ids: string[], now: number): Promise<void> {
  if (ids.length) await db.update(outbox).set({ enqueuedAt: now }).where(inArray(outbox.id, ids));
}

/** Takes the mark off jobs committed as enqueued whose send failed, so the sweeper finds them soon. */
export async function clearEnqueued(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await db.update(outbox).set({ enqueuedAt: null }).where(and(inArray(outbox.id, ids), eq(outbox.status, "pending"), eq(outbox.attempts, 0)));
}

export async function unenqueuedJobs(db: Db, reservationId: string, now = Date.now()): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.reservationId, reservationId), unsent(now)))
    .orderBy(asc(outbox.id));
}

/**
 * Reservations with committed jobs that never reached the queue: not marked and older than
 * `olderThan` (left to the object that committed them until then), or marked and never
 * claimed for UNSENT_AFTER_MS.
 */
export async function reservationsWithStrandedJobs(db: Db, olderThan: number, now = Date.now(), limit = 50): Promise<string[]> {
  const rows = await db
    .selectDistinct({ reservationId: outbox.reservationId })
    .from(outbox)
    .where(and(unsent(now), or(isNotNull(outbox.enqueuedAt), lt(outbox.createdAt, olderThan))))
    .limit(limit);
  return rows.map((r) => r.reservationId);
}

export async function getJob(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.query.outbox.findFirst({ where: eq(outbox.id, id) });
}

/**
 * Puts a finished SMS job back to be sent again after its delivery failed for a passing reason.
 * Only the delivery of `providerRef` can reopen it (once); the old message id is forgotten, so
 * that message's late callbacks no longer match the job.
 */
export async function reopenJob(db: Db, id: string, providerRef: string, error: string, now: number): Promise<OutboxRow | undefined> {
  const rows = await db
    .update(outbox)
    .set({ status: "pending", providerRef: null, resultEvent: null, lockedUntil: null, enqueuedAt: null, lastError: error.slice(0, 500), updatedAt: now })
    .where(and(eq(outbox.id, id), eq(outbox.providerRef, providerRef), eq(outbox.status, "done")))
    .returning();
  return rows[0];
}
