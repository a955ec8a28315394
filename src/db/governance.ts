// Sessions governance in D1 (seed 001 Build: 例外権限, RACI/SLA): each coach's versioned
// exception policy, and the exception cases the engagements' objects project.
import { and, asc, desc, eq, gte, inArray, lt } from "drizzle-orm";
import { newId } from "../domain/ids.ts";
import type { EngagementRecord } from "../domain/reservation/session-machine.ts";
import type { AuditItem } from "../domain/sessions/weekly.ts";
import { rowToAnyRecord } from "./reservations.ts";
import { DEFAULT_COACH_POLICY, isLate, type CoachPolicy, type ExceptionKind } from "../domain/sessions/policy.ts";
import type { Db } from "./client.ts";
import { auditReviews, coachPolicies, coachSopNotes, coaches, engagements, metricSnapshots, reservationEvents, reservations, sessionExceptions } from "./schema.ts";

export type ExceptionRow = typeof sessionExceptions.$inferSelect;

/** The coach's current policy (the newest version), or the default before the coach set one. */
export async function coachPolicy(db: Db, coachId: string): Promise<CoachPolicy> {
  const row = await db.query.coachPolicies.findFirst({ where: eq(coachPolicies.coachId, coachId), orderBy: desc(coachPolicies.version) });
  return row ? { ...DEFAULT_COACH_POLICY, ...(JSON.parse(row.policy) as CoachPolicy), version: row.version } : DEFAULT_COACH_POLICY;
}

/** One version of the coach's policy (the one a case names), or the current one if it is not stored. */
export async function coachPolicyAt(db: Db, coachId: string, version: number): Promise<CoachPolicy> {
  const row = await db.query.coachPolicies.findFirst({ where: and(eq(coachPolicies.coachId, coachId), eq(coachPolicies.version, version)) });
  return row ? { ...DEFAULT_COACH_POLICY, ...(JSON.parse(row.policy) as CoachPolicy), version: row.version } : version === DEFAULT_COACH_POLICY.version ? DEFAULT_COACH_POLICY : coachPolicy(db, coachId);
}

/** Stores a new version (validated by the caller with validatePolicy); old versions stay for the audit log. */
export async function saveCoachPolicy(db: Db, coachId: string, policy: CoachPolicy, by: string, now = Date.now()): Promise<void> {
  await db.insert(coachPolicies).values({ coachId, version: policy.version, policy: JSON.stringify(policy), createdAt: now, createdBy: by });
}

/** Every version of the coach's policy, newest first: who changed it and when (the audit of the settings). */
export async function policyHistory(db: Db, coachId: string, limit = 20): Promise<{ policy: CoachPolicy; createdAt: number; createdBy: string }[]> {
  const rows = await db.select().from(coachPolicies).where(eq(coachPolicies.coachId, coachId)).orderBy(desc(coachPolicies.version)).limit(limit);
  return rows.map((r) => ({ policy: { ...DEFAULT_COACH_POLICY, ...(JSON.parse(r.policy) as CoachPolicy), version: r.version }, createdAt: r.createdAt, createdBy: r.createdBy }));
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
    // 未払い継続 run by the system closes itself on the cancel day; it is late only past that plus the target.
    if (kind === "unpaid" && row.openedBy === "system") {
      const targetMs = policy.unpaid.cancelAfterDays * 86_400_000 + policy.slaMinutes.unpaid * 60_000;
      return { row, kind, ageMs: now - row.openedAt, targetMs, late: now - row.openedAt > targetMs };
    }
    return { row, kind, ageMs: now - row.openedAt, targetMs: policy.slaMinutes[kind] * 60_000, late: isLate(policy, kind, row.openedAt, now) };
  });
}

// ---------------------------------------------------------------- the weekly control

/** Session engagements that changed since `since` (the week's cases and messages are on them). */
export async function engagementsChangedSince(db: Db, since: number, coachId?: string): Promise<EngagementRecord[]> {
  const rows = await db
    .select()
    .from(reservations)
    .where(and(eq(reservations.kind, "session"), gte(reservations.updatedAt, since)))
    .limit(5000);
  return rows.map(rowToAnyRecord).filter((r): r is EngagementRecord => r.kind === "session" && (!coachId || r.data.coach.id === coachId));
}

/** Records the week's sample once; drawing again keeps the first draw and its verdicts. */
export async function saveSample(db: Db, week: string, items: AuditItem[]): Promise<void> {
  if (!items.length) return;
  await db
    .insert(auditReviews)
    .values(items.map((i) => ({ week, itemId: i.id, coachId: i.coachId, engagementId: i.engagementId, at: i.at, summary: i.summary })))
    .onConflictDoNothing();
}

export async function sampleOf(db: Db, week: string, coachId?: string) {
  return db
    .select()
    .from(auditReviews)
    .where(coachId ? and(eq(auditReviews.week, week), eq(auditReviews.coachId, coachId)) : eq(auditReviews.week, week))
    .orderBy(asc(auditReviews.at));
}

/** An operator's verdict; a fix becomes an SOP note with the coach's settings, in the same batch. */
export async function reviewItem(db: Db, week: string, itemId: string, verdict: "ok" | "fix", note: string, by: string, now = Date.now()): Promise<boolean> {
  const row = await db.query.auditReviews.findFirst({ where: and(eq(auditReviews.week, week), eq(auditReviews.itemId, itemId)) });
  if (!row) return false;
  const update = db
    .update(auditReviews)
    .set({ verdict, note: note || null, reviewedBy: by, reviewedAt: now })
    .where(and(eq(auditReviews.week, week), eq(auditReviews.itemId, itemId)));
  if (verdict === "fix") await db.batch([update, db.insert(coachSopNotes).values({ id: newId("sop", now), coachId: row.coachId, note, source: `${week} ${itemId}`, createdAt: now, createdBy: by })]);
  else await update;
  return true;
}

export async function sopNotes(db: Db, coachId: string) {
  return db.select().from(coachSopNotes).where(eq(coachSopNotes.coachId, coachId)).orderBy(desc(coachSopNotes.createdAt)).limit(100);
}

/** The audit log of a coach's engagements between `from` and `to`, within the coach's retention. */
export async function coachAuditLog(db: Db, coachId: string, from: number, to: number, now: number) {
  const policy = await coachPolicy(db, coachId);
  const since = Math.max(from, now - policy.auditRetentionDays * 86_400_000);
  const rows = await db
    .select({ event: reservationEvents })
    .from(reservationEvents)
    .innerJoin(engagements, eq(engagements.id, reservationEvents.reservationId))
    .where(and(eq(engagements.coachId, coachId), gte(reservationEvents.createdAt, since), lt(reservationEvents.createdAt, to)))
    .orderBy(asc(reservationEvents.createdAt), asc(reservationEvents.id))
    .limit(50_000);
  return { retentionDays: policy.auditRetentionDays, since, events: rows.map((r) => r.event) };
}

// ---------------------------------------------------------------- retention (監査設計: 保存期間)

/** Where the nightly deletion records its last run (in `metric_snapshots`). */
export const AUDIT_RETENTION_RUN = "audit_retention";

export interface RetentionRun {
  /** Rows deleted: the engagements' events, settled cases, weekly sample items. */
  events: number;
  cases: number;
  reviews: number;
}

/**
 * Deletes what is older than each coach's retention (`auditRetentionDays`, default 730): the
 * events of the coach's engagements (the audit log), settled exception cases and the weekly
 * sample's items. Open cases and the SOP notes (the coach's settings) stay. Run nightly by the
 * cron; records when it ran and what it deleted.
 */
export async function deleteAuditPastRetention(env: Env, db: Db, now: number): Promise<RetentionRun> {
  const list = await db.select({ id: coaches.id }).from(coaches);
  const d1 = env.DB;
  const statements: D1PreparedStatement[] = [];
  for (const { id } of list) {
    const cutoff = now - (await coachPolicy(db, id)).auditRetentionDays * 86_400_000;
    statements.push(
      d1.prepare("DELETE FROM reservation_events WHERE created_at < ? AND reservation_id IN (SELECT id FROM engagements WHERE coach_id = ?)").bind(cutoff, id),
      d1.prepare("DELETE FROM session_exceptions WHERE coach_id = ? AND status NOT IN ('pending', 'approved') AND COALESCE(done_at, decided_at, opened_at) < ?").bind(id, cutoff),
      d1.prepare("DELETE FROM audit_reviews WHERE coach_id = ? AND at < ?").bind(id, cutoff),
    );
  }
  const run: RetentionRun = { events: 0, cases: 0, reviews: 0 };
  for (let i = 0; i < statements.length; i += 90) {
    const results = await d1.batch(statements.slice(i, i + 90));
    results.forEach((r, k) => {
      const which = (["events", "cases", "reviews"] as const)[(i + k) % 3]!;
      run[which] += r.meta.changes ?? 0;
    });
  }
  await db
    .insert(metricSnapshots)
    .values({ name: AUDIT_RETENTION_RUN, data: JSON.stringify(run), computedAt: now })
    .onConflictDoUpdate({ target: metricSnapshots.name, set: { data: JSON.stringify(run), computedAt: now } });
  console.log(JSON.stringify({ msg: "audit retention", coaches: list.length, ...run }));
  return run;
}

/** The nightly deletion's last run, for the pages that export the audit log. */
export async function lastRetentionRun(db: Db): Promise<{ at: number; run: RetentionRun } | null> {
  const row = await db.query.metricSnapshots.findFirst({ where: eq(metricSnapshots.name, AUDIT_RETENTION_RUN) });
  return row ? { at: row.computedAt, run: JSON.parse(row.data) as RetentionRun } : null;
}
