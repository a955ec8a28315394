// The coach's weekly report (seed 001 Run：定期業務（週次）: サンプル監査 → 是正・SOP更新 →
// 週次レポート作成 → コーチのレポート確認). One computation (`coachWeekly`, counted from the
// engagements by `weeklyReport`) feeds the coach portal's page, its PDF download and the PDF
// the cron emails to the coach each Monday evening for the week before. The sessions' nightly duty
// (deleting the audit log past each coach's retention) runs from here too.
import { and, eq } from "drizzle-orm";
import { config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { deleteAuditPastRetention, engagementsChangedSince, lastRetentionRun, sampleOf } from "../db/governance.ts";
import { enqueueOpsJobs } from "../db/ops-outbox.ts";
import { coachReports, coaches } from "../db/schema.ts";
import type { Doc } from "../documents/model.ts";
import { jstDate } from "../domain/metrics.ts";
import { EXCEPTION_LABELS } from "../domain/sessions/policy.ts";
import { weekOf, weeklyReport, type WeeklyReport } from "../domain/sessions/weekly.ts";
import { formatDateTime } from "../domain/time.ts";
import { nightlyDue } from "./figures.ts";
import { reportMailJobs } from "./reports.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The report of the week before goes out on Monday from this hour (Japan time), after the day operators work the sample audit. */
export const COACH_REPORT_HOUR_JST = 17;

type Week = { start: number; end: number; key: string };

/** The coach's week as the portal, the PDF and the email show it. */
export async function coachWeekly(db: Db, coachId: string, week: Week): Promise<WeeklyReport> {
  // Engagements that changed since well before the week: a case settled this week may have opened earlier.
  const records = await engagementsChangedSince(db, week.start - 90 * DAY, coachId);
  const findings = await sampleOf(db, week.key, coachId);
  return weeklyReport(
    records,
    week,
    findings.filter((f) => f.verdict === "ok" || f.verdict === "fix").map((f) => ({ verdict: f.verdict as "ok" | "fix", note: f.note })),
  );
}

const STATUS_JA: Record<string, string> = { pending: "コーチ判断待ち", approved: "対応中", done: "対応済み", rejected: "却下", instructed: "指示どおり対応" };

export function coachWeeklyDoc(coachName: string, r: WeeklyReport, week: Week, now: number): Doc {
  const inPolicy = r.exceptions.filter((x) => x.inPolicy).length;
  // Exceptions grouped by kind, policy and how they ended.
  const groups = new Map<string, { kind: string; policy: string; status: string; n: number }>();
  for (const x of r.exceptions) {
    const key = `${x.kind}|${x.inPolicy}|${x.status}`;
    const g = groups.get(key) ?? { kind: EXCEPTION_LABELS[x.kind].ja, policy: x.inPolicy ? "ポリシー内" : "ポリシー外", status: STATUS_JA[x.status] ?? x.status, n: 0 };
    g.n++;
    groups.set(key, g);
  }
  const last = weekOf(week.end - 1);
  return {
    title: `週次レポート ${coachName} ${week.key} の週`,
    subtitle: `${week.key} 〜 ${jstDate(last.end - DAY)}（日本時間）・作成 ${formatDateTime(now, "ja")}・受講者とのやりとりの記録から集計`,
    lang: "ja",
    blocks: [
      { h2: "概要" },
      {
        table: {
          head: ["項目", "今週"],
          rows: [
            ["実施したセッション", `${r.sessionsHeld}件`],
            ["無断欠席（ノーショー）", `${r.noShows}件`],
            ["無料体験（うち成約）", `${r.trialsHeld}件（${r.trialConversions}件）`],
            ["アンケート（件数・平均）", `${r.surveyCount}件・${r.surveyAverage ?? "—"}`],
            ["例外（ポリシー内／外）", `${inPolicy}件／${r.exceptions.length - inPolicy}件`],
            ["判断待ち（作成時点）", `${r.pendingApprovals}件`],
            ["サンプル監査（問題なし／是正）", `${r.findings.ok}件／${r.findings.fix}件`],
          ],
        },
      },
      { h2: "例外と対応" },
      groups.size ? { table: { head: ["種類", "ポリシー", "対応", "件数"], rows: [...groups.values()].map((g) => [g.kind, g.policy, g.status, `${g.n}件`]) } } : { p: "今週の例外はありません。" },
      { h2: "判断待ちの例外" },
      { p: r.pendingApprovals ? `${r.pendingApprovals}件がコーチの判断を待っています。コーチポータルの「判断待ちの例外」からご判断ください。` : "判断待ちはありません。" },
      { h2: "サンプル監査の結果" },
      r.findings.notes.length ? { ul: r.findings.notes.map((n) => `是正: ${n}`) } : { p: r.findings.ok ? "抽出した項目はすべて問題ありませんでした。" : "この週の確認結果はまだありません。" },
    ],
  };
}

export const coachReportFilename = (coachId: string, week: string) => `qrv-coach-weekly-${coachId}-${week}.pdf`;

/**
 * Makes the coach's report for a week and emails it with the PDF, once: the row (one per
 * coach and week) and the emails are written in one batch, the emails only if the row was.
 */
export async function makeCoachReport(env: Env, db: Db, coach: { id: string; name: string; email: string | null }, week: Week, now: number): Promise<{ doc: Doc; created: boolean }> {
  const existing = await db.query.coachReports.findFirst({ where: and(eq(coachReports.coachId, coach.id), eq(coachReports.week, week.key)) });
  if (existing) return { doc: JSON.parse(existing.doc) as Doc, created: false };
  const doc = coachWeeklyDoc(coach.name, await coachWeekly(db, coach.id, week), week, now);
  const to = coach.email && /^[^\s@]+@[^\s@]+$/.test(coach.email) ? [coach.email] : [];
  const d1 = env.DB;
  const mails = reportMailJobs(d1, doc, {
    ownerId: `coach_report:${coach.id}:${week.key}`,
    to,
    recipient: "coach",
    filename: coachReportFilename(coach.id, week.key),
    template: "coach_weekly_report",
    link: `コーチポータル: ${config(env).publicUrl}/coach/report?week=${week.key}`,
    guard: { sql: "WHERE EXISTS (SELECT 1 FROM coach_reports WHERE coach_id = ? AND week = ? AND created_at = ?)", binds: [coach.id, week.key, now] },
    now,
  });
  const [inserted] = await d1.batch([
    d1
      .prepare("INSERT INTO coach_reports (coach_id, week, period_start, period_end, doc, recipients, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (coach_id, week) DO NOTHING")
      .bind(coach.id, week.key, week.start, week.end, JSON.stringify(doc), to.join(","), now),
    ...mails.statements,
  ]);
  if (!inserted?.meta.changes) return { doc, created: false };
  await enqueueOpsJobs(env, db, mails.jobs);
  console.log(JSON.stringify({ msg: "coach report made", coach: coach.id, week: week.key, recipients: to.length }));
  return { doc, created: true };
}

/**
 * Run by the per-minute cron. From Monday 17:00 (Japan time) each active coach gets the week
 * before's report once (a missed minute is caught up; a coach already done is skipped), and
 * once a night the audit log past each coach's retention is deleted.
 */
export async function runSessionSchedules(env: Env, db: Db, now = Date.now()): Promise<string[]> {
  const done: string[] = [];
  const last = await lastRetentionRun(db);
  if (nightlyDue(last?.at ?? null, now)) {
    await deleteAuditPastRetention(env, db, now);
    done.push("audit_retention");
  }
  const thisWeek = weekOf(now);
  if (now >= thisWeek.start + COACH_REPORT_HOUR_JST * HOUR) {
    const week = weekOf(thisWeek.start - 1);
    const made = new Set((await db.select({ coachId: coachReports.coachId }).from(coachReports).where(eq(coachReports.week, week.key))).map((r) => r.coachId));
    const todo = (await db.select({ id: coaches.id, name: coaches.name, email: coaches.email, active: coaches.active, createdAt: coaches.createdAt }).from(coaches)).filter((c) => c.active && c.createdAt < week.end && !made.has(c.id));
    for (const coach of todo.slice(0, 20)) if ((await makeCoachReport(env, db, coach, week, now)).created) done.push(`coach_weekly:${coach.id}`);
  }
  return done;
}
