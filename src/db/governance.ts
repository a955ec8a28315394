// Sessions governance in D1 (seed 001 Build: 例外権限, RACI/SLA): each coach's versioned
// exception policy, and the exception cases the engagements' objects project.
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { DEFAULT_COACH_POLICY, isLate, type CoachPolicy, type ExceptionKind } from "../domain/sessions/policy.ts";
import type { Db } from "./client.ts";
import { coachPolicies, sessionExceptions } from "./schema.ts";

export type ExceptionRow = typeof sessionExceptions.$inferSelect;

/** The coach's current policy (the newest version), or the default before the coach set one. */
export async function coachPolicy(db: Db, coachId: string): Promise<CoachPolicy> {
  const row = await db.query.coachPolicies.findFirst({ where: eq(coachPolicies.coachId, coachId), orderBy: desc(coachPolicies.version) });
  return row ? { ...DEFAULT_COACH_POLICY, ...(JSON.parse(row.policy) as CoachPolicy), version: row.version } : DEFAULT_COACH_POLICY;
}

/** Stores a new version (validated by the caller with validatePolicy); old versions stay for the audit log. */
export async function saveCoachPolicy(db: Db, coachId: string, policy: CoachPolicy, by: string, now = Date.now()): Promise<void> {
  await db.insert(coachPolicies).values({ coachId, version: policy.version, policy: JSON.stringify(policy), createdAt: now, createdBy: by });
}

/** Cases still waiting for someone: the coach (pending) or QRV (approved, not yet carried out). */
export async function openExceptions(db: Db, coachId?: string): Promise<ExceptionRow[]> {
  const open = inArray(sessionExceptions.status, ["pending", "approved"]);
  return db
    .select()
    .from(sessionExceptions)
    .where(coachId ? and(open, eq(sessionExceptions.coachId, coachId)) : open)
    .orderBy(asc(sessionExceptions.openedAt))
    .limit(500);
}

export async function getException(db: Db, id: string): Promise<ExceptionRow | null> {
  return (await db.query.sessionExceptions.findFirst({ where: eq(sessionExceptions.id, id) })) ?? null;
}

/** Open cases with their age against the coach's response target for their kind (RACI/SLA). */
export async function agedExceptions(db: Db, now: number): Promise<{ row: ExceptionRow; kind: ExceptionKind; ageMs: number; targetMs: number; late: boolean }[]> {
  const rows = await openExceptions(db);
  const policies = new Map<string, CoachPolicy>();
  for (const r of rows) if (!policies.has(r.coachId)) policies.set(r.coachId, await coachPolicy(db, r.coachId));
  return rows.map((row) => {
    const policy = policies.get(row.coachId)!;
    const kind = row.kind as ExceptionKind;
    return { row, kind, ageMs: now - row.openedAt, targetMs: policy.slaMinutes[kind] * 60_000, late: isLate(policy, kind, row.openedAt, now) };
  });
}
