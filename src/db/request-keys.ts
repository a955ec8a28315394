// request_reservation made safe to retry: a caller's request is claimed under its key in the
// same D1 batch that creates its reservation, so two identical requests (a retry after a
// timeout, a double send) make one reservation. The claim is one conditional write, so racing
// requests agree on a winner.
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { takeStatement, type Limit } from "./rate-limits.ts";
import { requestKeys } from "./schema.ts";

/** The claim (caller, key) as it is held now, or null when nobody holds it. */
export async function heldClaim(db: Db, caller: string, key: string): Promise<{ reservationId: string; fingerprint: string } | null> {
  const [held] = await db.select({ reservationId: requestKeys.reservationId, fingerprint: requestKeys.fingerprint }).from(requestKeys).where(and(eq(requestKeys.caller, caller), eq(requestKeys.key, key)));
  return held ?? null;
}

export interface ClaimInput {
  caller: string;
  key: string;
  fingerprint: string;
  reservationId: string;
  ttlMs: number;
  now: number;
}

/**
 * Claims (caller, key) for `reservationId` unless a claim younger than `ttlMs` holds it (an
 * older claim is taken over: its reservation is old news for a retry). One statement for the
 * reservation's own commit batch: it changes a row only when the claim is won, so the
 * reservation is written in the same transaction or not at all.
 */
export function claimStatement(d1: D1Database, c: ClaimInput): D1PreparedStatement {
  return d1
    .prepare(
      "INSERT INTO request_keys (caller, key, fingerprint, reservation_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (caller, key) DO UPDATE SET fingerprint = excluded.fingerprint, reservation_id = excluded.reservation_id, created_at = excluded.created_at WHERE request_keys.created_at < ?",
    )
    .bind(c.caller, c.key, c.fingerprint, c.reservationId, c.now, c.now - c.ttlMs);
}

/** A condition (for `WHERE … AND`) that holds once the claim is this reservation's. */
export function claimWonBy(c: Pick<ClaimInput, "caller" | "key" | "reservationId">): { sql: string; params: string[] } {
  return { sql: "EXISTS (SELECT 1 FROM request_keys WHERE caller = ? AND key = ? AND reservation_id = ?)", params: [c.caller, c.key, c.reservationId] };
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

/**
 * What a new shop reservation's creation is gated on, as plain data for its Durable Object:
 * the request's claim (unless it already holds it) and the booking limits to count it against
 * (when they are on). Both are decided in the reservation's own commit batch.
 */
export interface CreateGate {
  claim?: Omit<ClaimInput, "reservationId">;
  limits?: Limit[];
  now: number;
}

/** The gate as statements for commitTransition: the claim, then the limits counted only if the claim was won. */
export function gateStatements(d1: D1Database, reservationId: string, gate: CreateGate): D1PreparedStatement[] {
  const claim = gate.claim ? { ...gate.claim, reservationId } : undefined;
  const take = gate.limits?.length ? takeStatement(d1, gate.limits, gate.now, claim ? claimWonBy(claim) : undefined) : null;
  return [...(claim ? [claimStatement(d1, claim)] : []), ...(take ? [take] : [])];
}
