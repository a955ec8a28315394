// The alert monitor, run by the per-minute cron: measures the jobs (outbox), the open manual
// cases and the inquiries left unanswered, evaluates seed 000 §4.3's rules
// (src/domain/alert-rules.ts), posts each new condition to Slack once through the alerts port,
// and marks conditions that cleared.
import { and, eq, gte, gt, isNull, lt, ne, sql } from "drizzle-orm";
import { config } from "../config.ts";
import { claimAlert, releaseAlert, resolveAlerts } from "../db/alerts.ts";
import { createDb, type Db } from "../db/client.ts";
import { reservationsWithOpenCases } from "../db/console.ts";
import { alerts, inquiries, outbox } from "../db/schema.ts";
import { ALERT_RULES, evaluateAlerts, type AlertCondition, type MonitorSnapshot } from "../domain/alert-rules.ts";
import { providersFor } from "../providers/index.ts";
import { agedExceptions } from "../db/governance.ts";
import { EXCEPTION_LABELS } from "../domain/sessions/policy.ts";

async function count(db: Db, where: ReturnType<typeof and>): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(outbox).where(where);
  return row?.n ?? 0;
}

export async function measure(db: Db, now: number): Promise<MonitorSnapshot> {
  const since = now - ALERT_RULES.errorRateWindowMs;
  const ran = and(gte(outbox.updatedAt, since), gt(outbox.attempts, 0), ne(outbox.status, "dismissed"));
  const [waitingJobs, recentJobs, recentErrors, deadJobs, open, [waiting]] = await Promise.all([
    count(db, eq(outbox.status, "pending")),
    count(db, ran),
    count(db, and(ran, sql`(${outbox.status} IN ('failed', 'dead') OR (${outbox.status} = 'pending' AND ${outbox.lastError} IS NOT NULL))`)),
    count(db, eq(outbox.status, "dead")),
    reservationsWithOpenCases(db),
    db.select({ n: sql<number>`count(*)` }).from(inquiries).where(and(eq(inquiries.status, "new"), lt(inquiries.createdAt, now - ALERT_RULES.inquiryWaitingMs))),
  ]);
  return { waitingJobs, recentJobs, recentErrors, deadJobs, waitingInquiries: waiting?.n ?? 0, lateExceptions: await lateExceptions(db, now), openCases: open.flatMap((r) => (r.openCases ?? []).map((c) => ({ reservationId: r.id, case: c.case }))) };
}

/** Session exception cases past their coach's response target. */
async function lateExceptions(db: Db, now: number): Promise<NonNullable<MonitorSnapshot["lateExceptions"]>> {
  return (await agedExceptions(db, now)).filter((x) => x.late).map((x) => ({ caseId: x.row.id, engagementId: x.row.engagementId, label: EXCEPTION_LABELS[x.kind].ja, waiting: x.row.status === "pending" ? ("coach" as const) : ("operators" as const) }));
}

/** Posts what newly holds (once per condition) and resolves what no longer holds. */
export async function runAlertRules(env: Env, now = Date.now()): Promise<{ conditions: AlertCondition[]; posted: string[]; resolved: string[] }> {
  const db = createDb(env.DB);
  const cfg = config(env);
  const conditions = evaluateAlerts(await measure(db, now), cfg.publicUrl);
  const holding = new Set(conditions.map((c) => c.key));
  const open = await db.select({ key: alerts.key, sentAt: alerts.sentAt }).from(alerts).where(isNull(alerts.resolvedAt));
  const resolved = open.filter((a) => !holding.has(a.key)).map((a) => a.key);
  await resolveAlerts(db, resolved, now);
  const alreadyOut = new Set(open.filter((a) => a.sentAt !== null).map((a) => a.key));
  const posted: string[] = [];
  const providers = providersFor(env, db, cfg);
  for (const c of conditions) {
    if (alreadyOut.has(c.key) || !(await claimAlert(db, c, now))) continue;
    try {
      await providers.alerts.post({ text: c.text, case: c.case, priority: c.priority, ...(c.reservationId ? { reservationId: c.reservationId } : {}) });
      posted.push(c.key);
    } catch (err) {
      await releaseAlert(db, c.key);
      console.error(JSON.stringify({ msg: "alert could not be posted; the next run retries", key: c.key, error: String(err) }));
    }
  }
  if (posted.length || resolved.length) console.log(JSON.stringify({ msg: "alert rules", posted, resolved }));
  return { conditions, posted, resolved };
}
