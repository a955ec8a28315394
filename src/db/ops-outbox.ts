// Messages that belong to no reservation (an inquiry's closing note, "your request shipped",
// a report by email) go through the same outbox and queue as a reservation's, so they get the
// same once-only claim, retries and dead-letter handling. Their owner is "ops:<id>" instead
// of a reservation id: the consumer has no object to tell about them, and the sweeper
// re-sends them itself. Each row is written in the same D1 batch as the change that causes it.
import { and, eq, isNull, like, lt } from "drizzle-orm";
import { newId } from "../domain/ids.ts";
import type { Effect } from "../domain/reservation/types.ts";
import type { QueueMessage } from "../queues/messages.ts";
import type { Db } from "./client.ts";
import { markEnqueued } from "./outbox.ts";
import { outbox } from "./schema.ts";

const OPS = "ops:";

export function isOpsOwner(reservationId: string): boolean {
  return reservationId.startsWith(OPS);
}

export interface OpsJob {
  id: string;
  statement: D1PreparedStatement;
}

/** An outbox row for `ownerId` (an inquiry or report id), to run in the caller's batch. */
export function opsJob(d1: D1Database, ownerId: string, effect: Effect, now: number, guard?: { sql: string; binds: unknown[] }): OpsJob {
  const id = newId("job", now);
  const { kind, ...payload } = effect;
  const values = [id, `${OPS}${ownerId}`, kind, JSON.stringify(payload), "pending", 0, now, now];
  const statement = guard
    ? d1.prepare(`INSERT INTO outbox (id, reservation_id, kind, payload, status, attempts, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? ${guard.sql}`).bind(...values, ...guard.binds)
    : d1.prepare("INSERT INTO outbox (id, reservation_id, kind, payload, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(...values);
  return { id, statement };
}

/** After the commit: put the jobs that were written on the queue (the sweeper repairs a failure here). */
export async function enqueueOpsJobs(env: Env, db: Db, ids: string[]): Promise<void> {
  if (!ids.length) return;
  try {
    const written = await db.select({ id: outbox.id }).from(outbox).where(and(like(outbox.reservationId, `${OPS}%`), isNull(outbox.enqueuedAt)));
    const todo = ids.filter((id) => written.some((w) => w.id === id));
    if (!todo.length) return;
    await env.JOBS.sendBatch(todo.map((id) => ({ body: { type: "job", id, links: {} } satisfies QueueMessage })));
    await markEnqueued(db, todo, Date.now());
  } catch (err) {
    console.error(JSON.stringify({ msg: "enqueue failed; the sweeper will retry", jobs: ids.length, error: String(err) }));
  }
}

/** Operations jobs committed but never enqueued (older than `olderThan`), for the sweeper. */
export async function strandedOpsJobs(db: Db, olderThan: number, limit = 50): Promise<string[]> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(like(outbox.reservationId, `${OPS}%`), eq(outbox.status, "pending"), isNull(outbox.enqueuedAt), lt(outbox.createdAt, olderThan)))
    .limit(limit);
  return rows.map((r) => r.id);
}
