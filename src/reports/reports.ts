// Scheduled reports (seed 000 §4.2.2, §6.2, §6.3): the weekly operations report on Friday and
// the monthly management report within the first five business days, made by the cron (or an
// operator's button), kept in D1 as the document itself (history in the console), and emailed
// as a PDF to REPORT_EMAILS. Their figures come from ./figures.ts, the dashboards' own code.
import { and, desc, eq, gte, lt } from "drizzle-orm";
import { config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { kpiInquiries } from "../db/inquiries.ts";
import { enqueueOpsJobs, opsJob } from "../db/ops-outbox.ts";
import { incidents, reports } from "../db/schema.ts";
import type { Doc } from "../documents/model.ts";
import { renderPdf } from "../documents/pdf.ts";
import { isBusinessDay } from "../domain/business-hours.ts";
import { newId } from "../domain/ids.ts";
import { jstDate, jstMidnight, jstMonth, jstWeekStart } from "../domain/metrics.ts";
import { email, statusLabel } from "../domain/messages.ts";
import { formatJpy } from "../domain/money.ts";
import { kpiTable, supportKpis } from "../domain/support-kpis.ts";
import { formatDateTime } from "../domain/time.ts";
import { computeManagementSnapshot, managementFigures, nightlyDue, operationsFigures, readManagementSnapshot, type ManagementFigures, type OperationsFigures } from "./figures.ts";

export type ReportKind = "weekly" | "monthly";
export const REPORT_TITLES: Record<ReportKind, string> = { weekly: "週次運用レポート", monthly: "月次経営レポート" };

/** The weekly report is made on Friday from this hour (Japan time); the monthly one on a business day from this hour. */
export const WEEKLY_HOUR_JST = 17;

/**
 * The week a weekly report covers: Monday 00:00 to Saturday 00:00, Japan time (Monday to
 * Friday), for the week `now` falls in. Made by the cron on Friday at 17:00, it counts what
 * happened from Monday 00:00 up to that moment (Friday's cases until 17:00, an hour before the
 * close of business, so the operator reviews it the same day); made later by hand (Friday night
 * or the weekend), it counts the whole of Friday. Saturday and Sunday belong to no weekly report:
 * the dashboard's last seven days and the monthly report include them.
 */
export function weeklyPeriod(now: number): { start: number; end: number; until: number } {
  const start = jstWeekStart(now);
  const end = start + 5 * DAY;
  return { start, end, until: Math.min(end, now + 1) };
}
export const MONTHLY_HOUR_JST = 9;
/** Seed 000 §6.3: 月次レポート作成 within the first five business days. */
export const MONTHLY_WITHIN_BUSINESS_DAYS = 5;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const pct = (v: number | null) => (v === null ? "—" : `${v}%`);
const LEVELS: Record<string, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };

export function weeklyDoc(o: OperationsFigures, kpi: ReturnType<typeof supportKpis>, weekIncidents: { title: string; level: string; detectedAt: number; recoveredAt: number | null }[], now: number): Doc {
  const total = (k: "requests" | "decided" | "booked" | "linksClosed" | "paid") => o.rates.reduce((s, r) => s + r[k], 0);
  const rate = (a: number, b: number) => (b ? `${Math.round((a / b) * 1000) / 10}%` : "—");
  const period = weeklyPeriod(now);
  const through = period.until === period.end ? "金曜24:00" : `${formatDateTime(now, "ja")}の作成時点`;
  return {
    title: `${REPORT_TITLES.weekly} ${jstDate(period.start)} 〜 ${jstDate(period.end - 1)}`,
    subtitle: `作成 ${formatDateTime(now, "ja")}・対象 月曜0:00〜${through}（日本時間）・運営ダッシュボードと同じ集計`,
    lang: "ja",
    blocks: [
      { h2: "概要" },
      {
        table: {
          head: ["項目", "今週"],
          rows: [
            ["依頼", `${total("requests")}件`],
            ["予約成功率（店舗OK ÷ 電話の結果が出た依頼）", `${rate(total("booked"), total("decided"))}（${total("booked")}/${total("decided")}）`],
            ["決済成功率（支払い ÷ 期限が来た決済リンク）", `${rate(total("paid"), total("linksClosed"))}（${total("paid")}/${total("linksClosed")}）`],
            ["手動対応の発生（Slack通知）", `${o.manualWeek}件`],
            ["対応待ち（作成時点）", `${o.openCount}件（目標時間超過 ${o.overdue}件）`],
          ],
        },
      },
      { h2: "予約成功率・決済成功率（日別）" },
      {
        table: {
          head: ["日", "依頼", "結果あり", "店舗OK", "予約成功率", "決済リンク", "支払い", "決済成功率"],
          rows: o.rates.map((r) => [r.day, String(r.requests), String(r.decided), String(r.booked), pct(r.bookingRate), String(r.linksClosed), String(r.paid), pct(r.paymentRate)]),
        },
      },
      { h2: "今日の予約（ステータス別・作成時点）" },
      { table: { head: ["ステータス", "件数"], rows: o.byStatus.filter((s) => s.n > 0).map((s) => [statusLabel(s.status, "ja"), `${s.n}件`]) } },
      { h2: "サポートKPI（今週受け付けたお問い合わせ・営業時間）" },
      { table: kpiTable(kpi) },
      { h2: "インシデント（今週検知）" },
      weekIncidents.length
        ? { table: { head: ["検知", "レベル", "内容", "復旧"], rows: weekIncidents.map((i) => [formatDateTime(i.detectedAt, "ja"), LEVELS[i.level] ?? i.level, i.title, i.recoveredAt ? formatDateTime(i.recoveredAt, "ja") : "未復旧"]) } }
        : { p: "今週検知したインシデントはありません。" },
    ],
  };
}

export function monthlyDoc(m: ManagementFigures, computedAt: number): Doc {
  const totalBookings = m.services.reduce((s, r) => s + r.n, 0);
  const reportMonth = m.months.at(-1)!;
  const current = m.counts.at(-1)!;
  const revenue = m.revenue.at(-1)!;
  return {
    title: `${REPORT_TITLES.monthly} ${reportMonth}`,
    subtitle: `${m.months[0]} 〜 ${reportMonth} の12か月・集計 ${formatDateTime(computedAt, "ja")}（経営ダッシュボードと同じ夜間バッチの集計）`,
    lang: "ja",
    blocks: [
      { h2: `${reportMonth} の概要` },
      {
        table: {
          head: ["項目", reportMonth],
          rows: [
            ["依頼件数", `${current.requests}件`],
            ["成立件数（支払い済み）", `${current.bookings}件`],
            ["売上（返金差し引き後）", formatJpy(revenue.netJpy)],
            ["返金", formatJpy(revenue.refundedJpy)],
          ],
        },
      },
      { h2: "月間予約件数の推移" },
      { table: { head: ["月", "依頼", "成立"], rows: m.counts.map((c) => [c.month, String(c.requests), String(c.bookings)]) } },
      { h2: "月間売上の推移" },
      { table: { head: ["月", "売上", "返金", "売上（返金差し引き後）"], rows: m.revenue.map((r) => [r.month, formatJpy(r.grossJpy), formatJpy(r.refundedJpy), formatJpy(r.netJpy)]) } },
      { h2: "サービスタイプ別の予約割合（12か月）" },
      m.services.length
        ? { table: { head: ["サービス", "成立", "割合"], rows: m.services.map((s) => [s.service || "（なし）", String(s.n), totalBookings ? `${Math.round((s.n / totalBookings) * 1000) / 10}%` : "—"]) } }
        : { p: "成立した予約はありません。" },
      { h2: "提携店別の予約件数ランキング（上位10店・12か月）" },
      m.ranking.length ? { table: { head: ["順位", "店舗", "エリア", "成立", "売上"], rows: m.ranking.map((s, i) => [String(i + 1), s.name, s.area, String(s.n), formatJpy(s.revenueJpy ?? 0)]) } } : { p: "成立した予約はありません。" },
    ],
  };
}

export function reportRecipients(env: Env): string[] {
  return (env.REPORT_EMAILS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => /^[^\s@]+@[^\s@]+$/.test(s));
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * A report emailed as its PDF: one outbox row per address, to write in the caller's batch
 * with the report itself (`guard`: only if the report was written). The ops reports and the
 * coaches' weekly reports both go out this way.
 */
export function reportMailJobs(
  d1: D1Database,
  doc: Doc,
  o: { ownerId: string; to: string[]; recipient: "operator" | "coach"; filename: string; template: string; link: string; guard: { sql: string; binds: unknown[] }; now: number },
): { statements: D1PreparedStatement[]; jobs: string[] } {
  if (!o.to.length) return { statements: [], jobs: [] };
  const pdf = base64(renderPdf(doc, { createdAt: o.now, footer: `QRV · ${doc.title}` }));
  const mail = email(doc.title, [`${doc.title} を添付します（PDF）。`, "", o.link], doc.lang);
  const statements: D1PreparedStatement[] = [];
  const jobs: string[] = [];
  for (const address of o.to) {
    const job = opsJob(d1, o.ownerId, { kind: "email.send", to: address, recipient: o.recipient, subject: mail.subject, text: mail.text, html: mail.html, template: o.template, attachments: [{ filename: o.filename, type: "application/pdf", base64: pdf }] }, o.now, o.guard);
    statements.push(job.statement);
    jobs.push(job.id);
  }
  return { statements, jobs };
}

export type ReportRow = typeof reports.$inferSelect;

export function reportFilename(r: Pick<ReportRow, "kind" | "periodStart" | "periodEnd">): string {
  return r.kind === "weekly" ? `qrv-weekly-${jstDate(r.periodEnd - 1)}.pdf` : `qrv-monthly-${jstMonth(r.periodEnd - 1)}.pdf`;
}

/**
 * Makes one report and keeps it; one per kind and period (a second run for the same period,
 * from the cron or a button, returns the one already made and emails nothing). The report and
 * its emails are written in one batch.
 */
export async function makeReport(env: Env, db: Db, kind: ReportKind, now: number): Promise<{ report: ReportRow; created: boolean }> {
  let doc: Doc;
  let periodStart: number;
  let periodEnd: number;
  if (kind === "weekly") {
    const week = weeklyPeriod(now);
    const o = await operationsFigures(db, now, { start: week.start, end: week.until });
    const kpi = supportKpis(await kpiInquiries(db, week.start, week.until), Math.min(now, week.until));
    const inc = await db
      .select({ title: incidents.title, level: incidents.level, detectedAt: incidents.detectedAt, recoveredAt: incidents.recoveredAt })
      .from(incidents)
      .where(and(gte(incidents.detectedAt, week.start), lt(incidents.detectedAt, week.until)))
      .orderBy(incidents.detectedAt);
    doc = weeklyDoc(o, kpi, inc, now);
    periodStart = week.start;
    periodEnd = week.until;
  } else {
    // The month just ended: the nightly batch's figures when it already covered it, else the same computation.
    const monthStart = Date.UTC(new Date(now + 9 * HOUR).getUTCFullYear(), new Date(now + 9 * HOUR).getUTCMonth(), 1) - 9 * HOUR;
    const snap = await readManagementSnapshot(db);
    const figures = snap && snap.data.end === monthStart ? snap : { data: await managementFigures(db, monthStart), computedAt: now };
    doc = monthlyDoc(figures.data, figures.computedAt);
    periodStart = figures.data.since;
    periodEnd = monthStart;
  }
  const existing = await db.query.reports.findFirst({ where: and(eq(reports.kind, kind), eq(reports.periodStart, periodStart)) });
  if (existing) return { report: existing, created: false };

  const id = newId("rep", now);
  const to = reportRecipients(env);
  const cfg = config(env);
  const d1 = env.DB;
  const row: ReportRow = { id, kind, periodStart, periodEnd, doc: JSON.stringify(doc), recipients: to.join(","), createdAt: now };
  const statements: D1PreparedStatement[] = [
    d1
      .prepare("INSERT INTO reports (id, kind, period_start, period_end, doc, recipients, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, period_start) DO NOTHING")
      .bind(id, kind, periodStart, periodEnd, row.doc, row.recipients, now),
  ];
  const mails = reportMailJobs(d1, doc, { ownerId: id, to, recipient: "operator", filename: reportFilename(row), template: `report_${kind}`, link: `コンソール: ${cfg.publicUrl}/admin/reports/${id}`, guard: { sql: "WHERE EXISTS (SELECT 1 FROM reports WHERE id = ?)", binds: [id] }, now });
  statements.push(...mails.statements);
  const jobs = mails.jobs;
  const [inserted] = await d1.batch(statements);
  if (!inserted?.meta.changes) {
    const made = await db.query.reports.findFirst({ where: and(eq(reports.kind, kind), eq(reports.periodStart, periodStart)) });
    return { report: made!, created: false };
  }
  await enqueueOpsJobs(env, db, jobs);
  console.log(JSON.stringify({ msg: "report made", kind, report: id, recipients: to.length }));
  return { report: row, created: true };
}

export async function listReports(db: Db, limit = 60): Promise<ReportRow[]> {
  return db.select().from(reports).orderBy(desc(reports.createdAt)).limit(limit);
}

/** Which business day of its month a JST day is (1-based), or 0 for a day off. */
function businessDayOfMonth(now: number): number {
  const today = Math.floor((now + 9 * HOUR) / DAY);
  if (!isBusinessDay(today)) return 0;
  const first = Math.floor((Date.UTC(new Date(now + 9 * HOUR).getUTCFullYear(), new Date(now + 9 * HOUR).getUTCMonth(), 1)) / DAY);
  let n = 0;
  for (let d = first; d <= today; d++) if (isBusinessDay(d)) n++;
  return n;
}

/** What the cron owes now: the nightly batch, Friday's weekly report, the monthly report in its first business days. */
export function duties(now: number, lastNightly: number | null): { nightly: boolean; weekly: boolean; monthly: boolean } {
  const local = new Date(now + 9 * HOUR);
  const hour = local.getUTCHours();
  const bday = businessDayOfMonth(now);
  return {
    nightly: nightlyDue(lastNightly, now),
    weekly: local.getUTCDay() === 5 && hour >= WEEKLY_HOUR_JST,
    monthly: bday >= 1 && bday <= MONTHLY_WITHIN_BUSINESS_DAYS && (bday > 1 || hour >= MONTHLY_HOUR_JST),
  };
}

/**
 * Run by the per-minute cron: each duty is cheap to check and done at most once per day,
 * week or month (the snapshot's time and the reports' unique period say so), so a missed
 * minute is caught up on the next.
 */
export async function runSchedules(env: Env, db: Db, now = Date.now()): Promise<string[]> {
  const done: string[] = [];
  const snap = await readManagementSnapshot(db);
  const due = duties(now, snap?.computedAt ?? null);
  if (due.nightly) {
    await computeManagementSnapshot(db, now);
    done.push("nightly");
  }
  if (due.weekly) {
    const weekStart = weeklyPeriod(now).start;
    const made = await db.query.reports.findFirst({ where: and(eq(reports.kind, "weekly"), eq(reports.periodStart, weekStart)), columns: { id: true } });
    if (!made && (await makeReport(env, db, "weekly", now)).created) done.push("weekly");
  }
  if (due.monthly) {
    const last = await db.query.reports.findFirst({ where: eq(reports.kind, "monthly"), orderBy: desc(reports.periodEnd), columns: { periodEnd: true } });
    const monthStart = jstMidnight(now) - (new Date(now + 9 * HOUR).getUTCDate() - 1) * DAY;
    if ((!last || last.periodEnd < monthStart) && (await makeReport(env, db, "monthly", now)).created) done.push("monthly");
  }
  return done;
}
