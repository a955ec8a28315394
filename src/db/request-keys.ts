// request_reservation made safe to retry: a caller's request is claimed under its key before a
// reservation is created, so two identical requests (a retry after a timeout, a double send)
// make one reservation. The claim is one conditional write, so racing requests agree on a winner.
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { requestKeys } from "./schema.ts";

export type Claim =
  | { won: true }
  /** Someone claimed it first: their reservation, and whether it was the same request. */
  | { won: false; reservationId: string; sameRequest: boolean };

/**
 * Claims (caller, key) for `reservationId` unless a claim younger than `ttlMs` holds it. An
 * older claim is taken over (its reservation is old news for a retry).
 */
export async function claimRequest(db: Db, caller: string, key: string, fingerprint: string, reservationId: string, ttlMs: number, now = Date.now()): Promise<Claim> {
  const fresh = { caller, key, fingerprint, reservationId, createdAt: now };
  const inserted = await db.insert(requestKeys).values(fresh).onConflictDoNothing().returning({ id: requestKeys.reservationId });
  if (inserted.length) return { won: true };
  const takenOver = await db
    .update(requestKeys)
    .set({ fingerprint, reservationId, createdAt: now })
    .where(and(eq(requestKeys.caller, caller), eq(requestKeys.key, key), lt(requestKeys.createdAt, now - ttlMs)))
    .returning({ id: requestKeys.reservationId });
  if (takenOver.length) return { won: true };
  const [held] = await db.select().from(requestKeys).where(and(eq(requestKeys.caller, caller), eq(requestKeys.key, key)));
  // Released between the two statements (a failed creation): claim again.
  if (!held) return claimRequest(db, caller, key, fingerprint, reservationId, ttlMs, now);
  return { won: false, reservationId: held.reservationId, sameRequest: held.fingerprint === fingerprint };
}

/** Moves a claim from a reservation that has ended to a new one; false if someone else moved it first. */
export async function replaceClaim(db: Db, caller: string, key: string, fromReservationId: string, fingerprint: string, reservationId: string, now = Date.now()): Promise<boolean> {
  const moved = await db
    .update(requestKeys)
    .set({ fingerprint, reservationId, createdAt: now })
    .where(and(eq(requestKeys.caller, caller), eq(requestKeys.key, key), eq(requestKeys.reservationId, fromReservationId)))
    .returning({ id: requestKeys.reservationId });
  return moved.length > 0;
}

/** Gives a claim back when its reservation could not be created, so a retry can try again. */
export async function releaseRequest(db: Db, caller: string, key: string, reservationId: string): Promise<void> {
  await db.delete(requestKeys).where(and(eq(requestKeys.caller, caller), eq(requestKeys.key, key), eq(requestKeys.reservationId, reservationId)));
}

/** Forgets claims no retry can use any more (the longest memory is an idempotency key's). */
export async function pruneRequestKeys(db: Db, olderThan: number): Promise<void> {
  await db.delete(requestKeys).where(lt(requestKeys.createdAt, olderThan));
}

/** How often an isolate prunes: housekeeping, which no claim depends on (an old claim is taken over). */
export const PRUNE_EVERY_MS = 60_000;
let lastPruned = Number.NEGATIVE_INFINITY;

/** pruneRequestKeys at most once a minute per isolate, instead of a D1 write on every booking. */
export async function pruneRequestKeysNowAndThen(db: Db, olderThan: number, now = Date.now()): Promise<void> {
  if (now - lastPruned < PRUNE_EVERY_MS) return;
  lastPruned = now;
  await pruneRequestKeys(db, olderThan);
}
