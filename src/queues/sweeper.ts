// The cron sweeper: wakes reservation objects whose committed jobs never reached the queue or
// whose alarm is overdue (the object re-enqueues its own jobs, with their links, and re-arms).
import { and, isNotNull, lt } from "drizzle-orm";
import { createDb } from "../db/client.ts";
import { reservationsWithStrandedJobs } from "../db/outbox.ts";
import { enqueueOpsJobs, isOpsOwner, strandedOpsJobs } from "../db/ops-outbox.ts";
import { reservations } from "../db/schema.ts";
import { reservationStub } from "../durable/client.ts";

/** A job this old and still not enqueued was stranded by a failure after its commit. */
export const STRANDED_AFTER_MS = 30_000;
/** An alarm this late was lost. */
export const OVERDUE_AFTER_MS = 60_000;

export async function sweep(env: Env, now = Date.now()): Promise<{ woken: string[] }> {
  const db = createDb(env.DB);
  const stranded = await reservationsWithStrandedJobs(db, now - STRANDED_AFTER_MS);
  const overdue = await db
    .select({ id: reservations.id })
    .from(reservations)
    .where(and(isNotNull(reservations.nextTimerAt), lt(reservations.nextTimerAt, now - OVERDUE_AFTER_MS)))
    .limit(50);
  // Operations messages have no object to wake: they are put on the queue directly.
  await enqueueOpsJobs(env, db, await strandedOpsJobs(db, now - STRANDED_AFTER_MS));
  const ids = [...new Set([...stranded.filter((id) => !isOpsOwner(id)), ...overdue.map((r) => r.id)])];
  await Promise.all(ids.map((id) => reservationStub(env, id).flush()));
  if (ids.length) console.log(JSON.stringify({ msg: "sweeper woke reservations", count: ids.length }));
  return { woken: ids };
}
