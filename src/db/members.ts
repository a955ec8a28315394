// Members and their prepaid points in D1 (seed 004 §3(2)). Every change to a balance is one
// D1 batch (a transaction) that appends to the ledger and moves `members.points_balance` by
// the same amount, so the ledger's sum is the balance. A spend can never take the balance
// below zero, whatever runs at the same time: the batch's balance update is conditional on
// the CHECK (points_balance >= 0) that SQLite evaluates inside the transaction, and a
// refused spend rolls the whole batch back (with anything that was to commit with it, such
// as an order's confirmation). Each entry's `ref` is unique, so a credit or charge happens once.
import { and, desc, eq } from "drizzle-orm";
import { idNumberLast4, normalizeIdNumber, type MemberInput } from "../domain/lodging/members.ts";
import { ledgerRef, type LedgerKind } from "../domain/lodging/points.ts";
import { newId } from "../domain/ids.ts";
import { hmacHex } from "../providers/crypto.ts";
import type { Db } from "./client.ts";
import { members, pointLedger, pointTopups } from "./schema.ts";

export type MemberRow = typeof members.$inferSelect;
export type LedgerRow = typeof pointLedger.$inferSelect;
export type TopUpRow = typeof pointTopups.$inferSelect;

/**
 * The keyed hash that lets the front desk match a presented ID document without QRV keeping
 * the number: HMAC-SHA-256 under the deployment's SESSION_SECRET, domain-separated.
 */
export async function idNumberHash(env: Pick<Env, "SESSION_SECRET">, normalized: string): Promise<string> {
  const secret = env.SESSION_SECRET;
  if (!secret || secret.length < 32) throw new Error("SESSION_SECRET is missing or shorter than 32 characters");
  return hmacHex("SHA-256", secret, `qrv:member-id-document:${normalized}`);
}

export async function memberByUser(db: Db, userId: string): Promise<MemberRow | undefined> {
  return db.query.members.findFirst({ where: eq(members.userId, userId) });
}

export async function memberById(db: Db, id: string): Promise<MemberRow | undefined> {
  return db.query.members.findFirst({ where: eq(members.id, id) });
}

export class AlreadyMember extends Error {
  override name = "AlreadyMember";
}

/** Registers the person (users.id) as a member. The input is validated (validateMember) by the caller. */
export async function createMember(env: Pick<Env, "SESSION_SECRET">, db: Db, userId: string, input: MemberInput, via: "online" | "front_desk", now = Date.now()): Promise<MemberRow> {
  const normalized = normalizeIdNumber(input.idNumber);
  const row = {
    id: newId("mem", now),
    userId,
    name: input.name,
    idNumberHash: await idNumberHash(env, normalized),
    idNumberLast4: idNumberLast4(normalized),
    phone: input.phone,
    email: input.email,
    birthDate: input.birthDate,
    pointsBalance: 0,
    registeredVia: via,
    createdAt: now,
    updatedAt: now,
  };
  const inserted = await db.insert(members).values(row).onConflictDoNothing({ target: members.userId }).returning();
  if (!inserted[0]) throw new AlreadyMember("this person is already a member");
  return inserted[0];
}

export interface LedgerEntry {
  memberId: string;
  kind: LedgerKind;
  /** Signed: positive credits, negative spends. */
  amount: number;
  ref: string;
  orderId?: string | null;
  operator?: string | null;
  reason?: string | null;
  at: number;
}

/**
 * The statements that append one entry and move the balance with it, for a caller's batch.
 * The balance moves first; a spend larger than the balance fails the CHECK and the batch.
 */
export function ledgerStatements(d1: D1Database, e: LedgerEntry, guard?: { sql: string; params: (string | number)[] }): D1PreparedStatement[] {
  if (!Number.isSafeInteger(e.amount) || e.amount === 0) throw new RangeError(`not a ledger amount: ${e.amount}`);
  const cond = guard ? ` AND ${guard.sql}` : "";
  const params = guard?.params ?? [];
  return [
    d1.prepare(`UPDATE members SET points_balance = points_balance + ?, updated_at = ? WHERE id = ?${cond}`).bind(e.amount, e.at, e.memberId, ...params),
    d1
      .prepare(`INSERT INTO point_ledger (member_id, kind, amount, balance_after, ref, order_id, operator, reason, created_at) SELECT id, ?, ?, points_balance, ?, ?, ?, ?, ? FROM members WHERE id = ?${cond}`)
      .bind(e.kind, e.amount, e.ref, e.orderId ?? null, e.operator ?? null, e.reason ?? null, e.at, e.memberId, ...params),
  ];
}

export type LedgerFailure = "insufficient" | "duplicate";

/** Which rule a failed ledger batch broke, or null when it failed for another reason. */
export function ledgerFailure(err: unknown): LedgerFailure | null {
  const message = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err);
  if (/CHECK constraint failed/i.test(message) && /points_balance/i.test(message)) return "insufficient";
  if (/UNIQUE constraint failed/i.test(message) && /point_ledger\.ref/i.test(message)) return "duplicate";
  return null;
}

export type LedgerResult = { ok: true; balance: number } | { ok: false; reason: LedgerFailure };

/** Appends one entry on its own (a spend, a credit, an adjustment). */
export async function appendLedger(d1: D1Database, e: LedgerEntry): Promise<LedgerResult> {
  try {
    const results = await d1.batch([...ledgerStatements(d1, e), d1.prepare("SELECT points_balance AS balance FROM members WHERE id = ?").bind(e.memberId)]);
    if (results[0]!.meta.changes !== 1) throw new Error(`member ${e.memberId} not found`);
    return { ok: true, balance: (results[2]!.results[0] as { balance: number }).balance };
  } catch (err) {
    const reason = ledgerFailure(err);
    if (reason) return { ok: false, reason };
    throw err;
  }
}

export async function ledgerOf(db: Db, memberId: string, limit = 20): Promise<LedgerRow[]> {
  return db.select().from(pointLedger).where(eq(pointLedger.memberId, memberId)).orderBy(desc(pointLedger.id)).limit(limit);
}

// ---------------------------------------------------------------- top-ups

/** Top-up ids go to Stripe as the Checkout Session's reference; webhooks recognise them by this prefix. */
export const TOPUP_PREFIX = "tpu_";

export function isTopUpId(id: string): boolean {
  return id.startsWith(TOPUP_PREFIX);
}

export async function createTopUpRow(db: Db, memberId: string, points: number, now = Date.now()): Promise<TopUpRow> {
  const row = { id: newId("tpu", now), memberId, points, sessionId: null, status: "open", createdAt: now, creditedAt: null };
  await db.insert(pointTopups).values(row);
  return row;
}

export async function setTopUpSession(db: Db, id: string, sessionId: string): Promise<void> {
  await db.update(pointTopups).set({ sessionId }).where(and(eq(pointTopups.id, id), eq(pointTopups.status, "open")));
}

export type CreditResult = { credited: true; memberId: string; balance: number } | { credited: false; reason: "unknown" | "already_credited" | "amount_mismatch"; memberId?: string };

/**
 * Credits a paid top-up once: the ledger entry's ref is the top-up's, so a repeated webhook
 * (or a second delivery racing the first) finds it taken and changes nothing.
 */
export async function creditTopUp(d1: D1Database, db: Db, topUpId: string, paidJpy: number, now = Date.now()): Promise<CreditResult> {
  const topUp = await db.query.pointTopups.findFirst({ where: eq(pointTopups.id, topUpId) });
  if (!topUp) return { credited: false, reason: "unknown" };
  if (topUp.status === "credited") return { credited: false, reason: "already_credited", memberId: topUp.memberId };
  // 1 point = 1 yen: a payment for another amount is not this top-up's.
  if (paidJpy !== topUp.points) return { credited: false, reason: "amount_mismatch", memberId: topUp.memberId };
  try {
    const results = await d1.batch([
      ...ledgerStatements(d1, { memberId: topUp.memberId, kind: "topup", amount: topUp.points, ref: ledgerRef.topup(topUp.id), at: now }),
      d1.prepare("UPDATE point_topups SET status = 'credited', credited_at = ? WHERE id = ?").bind(now, topUp.id),
      d1.prepare("SELECT points_balance AS balance FROM members WHERE id = ?").bind(topUp.memberId),
    ]);
    return { credited: true, memberId: topUp.memberId, balance: (results[3]!.results[0] as { balance: number }).balance };
  } catch (err) {
    if (ledgerFailure(err) === "duplicate") return { credited: false, reason: "already_credited", memberId: topUp.memberId };
    throw err;
  }
}
