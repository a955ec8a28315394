// Support KPIs (seed 000 §7.3.1), measured in business hours (./business-hours.ts): the first
// response (the operator's first reply or note), the resolution (closing), and the 1-5
// satisfaction score a person gives after closing. Pure: the console and the weekly report
// both compute from the same rows with this module, so their figures agree.
import { businessMsBetween } from "./business-hours.ts";

const HOUR = 3_600_000;

export const SUPPORT_TARGETS = {
  /** 初回応答時間: within 2 business hours (email). */
  firstResponseMs: 2 * HOUR,
  /** 解決時間: within 24 business hours. */
  resolutionMs: 24 * HOUR,
  /** 顧客満足度: 4.0 or more out of 5. */
  satisfaction: 4.0,
} as const;

export interface KpiInquiry {
  createdAt: number;
  firstResponseAt: number | null;
  closedAt: number | null;
  satisfaction: number | null;
}

export interface SupportKpis {
  received: number;
  responded: number;
  /** Average first response in business milliseconds, null when nothing was answered. */
  avgFirstResponseMs: number | null;
  /** Share answered within the target among those received, in percent (unanswered ones past the target count as missed). */
  firstResponseOnTargetPct: number | null;
  resolved: number;
  avgResolutionMs: number | null;
  resolutionOnTargetPct: number | null;
  rated: number;
  avgSatisfaction: number | null;
}

function avg(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function pct(ok: number, of: number): number | null {
  return of ? Math.round((ok / of) * 1000) / 10 : null;
}

/** KPIs for the inquiries received in a period, as of `now` (an open clock is measured to now). */
export function supportKpis(rows: KpiInquiry[], now: number): SupportKpis {
  const first = rows.map((r) => ({ done: r.firstResponseAt !== null, ms: businessMsBetween(r.createdAt, r.firstResponseAt ?? now) }));
  const resolution = rows.map((r) => ({ done: r.closedAt !== null, ms: businessMsBetween(r.createdAt, r.closedAt ?? now) }));
  // Measured: answered ones, and open ones whose clock already passed the target.
  const firstMeasured = first.filter((f) => f.done || f.ms > SUPPORT_TARGETS.firstResponseMs);
  const resolutionMeasured = resolution.filter((f) => f.done || f.ms > SUPPORT_TARGETS.resolutionMs);
  const scores = rows.map((r) => r.satisfaction).filter((s): s is number => s !== null);
  const a = avg(scores);
  return {
    received: rows.length,
    responded: first.filter((f) => f.done).length,
    avgFirstResponseMs: avg(first.filter((f) => f.done).map((f) => f.ms)),
    firstResponseOnTargetPct: pct(firstMeasured.filter((f) => f.done && f.ms <= SUPPORT_TARGETS.firstResponseMs).length, firstMeasured.length),
    resolved: resolution.filter((f) => f.done).length,
    avgResolutionMs: avg(resolution.filter((f) => f.done).map((f) => f.ms)),
    resolutionOnTargetPct: pct(resolutionMeasured.filter((f) => f.done && f.ms <= SUPPORT_TARGETS.resolutionMs).length, resolutionMeasured.length),
    rated: scores.length,
    avgSatisfaction: a === null ? null : Math.round(a * 100) / 100,
  };
}

/** "1時間25分" of business time. */
export function businessDuration(ms: number | null): string {
  if (ms === null) return "—";
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  return h ? `${h}時間${minutes % 60 ? `${minutes % 60}分` : ""}` : `${minutes}分`;
}

/** The KPI table (KPI, figure, target, met?) shown in the console and in the weekly report alike. */
export function kpiTable(k: SupportKpis): { head: string[]; rows: string[][] } {
  const judge = (ok: boolean | null) => (ok === null ? "—" : ok ? "達成" : "未達");
  const firstOk = k.firstResponseOnTargetPct === null ? null : k.firstResponseOnTargetPct === 100;
  const resolutionOk = k.resolutionOnTargetPct === null ? null : k.resolutionOnTargetPct === 100;
  const satOk = k.avgSatisfaction === null ? null : k.avgSatisfaction >= SUPPORT_TARGETS.satisfaction;
  const pct = (v: number | null) => (v === null ? "—" : `${v}%`);
  return {
    head: ["KPI", "実績", "目標", "判定"],
    rows: [
      ["受付件数", `${k.received}件`, "", ""],
      ["初回応答時間（平均・営業時間）", `${businessDuration(k.avgFirstResponseMs)}（${k.responded}件）`, "2時間以内", ""],
      ["初回応答の目標内の割合", pct(k.firstResponseOnTargetPct), "100%", judge(firstOk)],
      ["解決時間（平均・営業時間）", `${businessDuration(k.avgResolutionMs)}（${k.resolved}件）`, "24時間以内", ""],
      ["解決の目標内の割合", pct(k.resolutionOnTargetPct), "100%", judge(resolutionOk)],
      ["顧客満足度（5段階）", k.avgSatisfaction === null ? "—" : `${k.avgSatisfaction.toFixed(2)}（${k.rated}件）`, `${SUPPORT_TARGETS.satisfaction.toFixed(1)}以上`, judge(satOk)],
    ],
  };
}
