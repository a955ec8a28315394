// The weekly control (seed 001 Run：定期業務（週次）): a sample audit of the week's handled cases
// and sent messages, and the coach's weekly report. Pure: the same week and the same items give
// the same sample, so anyone can draw it again and check it.
import { sha256Hex } from "../ids.ts";
import { jstDate, jstMidnight } from "../metrics.ts";
import type { EngagementRecord } from "../reservation/session-machine.ts";
import type { ExceptionKind } from "./policy.ts";

const DAY = 86_400_000;

export const SAMPLE_RATE = 0.1;
export const SAMPLE_MIN = 5;

/** The Monday (Japan time) that starts the week `ms` falls in, and the week's name ("2026-11-30"). */
export function weekOf(ms: number): { start: number; end: number; key: string } {
  const midnight = jstMidnight(ms);
  const weekday = new Date(midnight + 9 * 3_600_000).getUTCDay(); // 0 = Sunday
  const start = midnight - ((weekday + 6) % 7) * DAY;
  return { start, end: start + 7 * DAY, key: jstDate(start) };
}

/** The week named by its Monday ("2026-11-30", Japan time), or the week of `now`. */
export function weekFromQuery(value: string | undefined, now: number): { start: number; end: number; key: string } {
  if (value && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T12:00:00+09:00`);
    if (Number.isFinite(ms)) return weekOf(ms);
  }
  return weekOf(now);
}

export interface AuditItem {
  /** `case:<id>` or `message:<id>`. */
  id: string;
  engagementId: string;
  coachId: string;
  at: number;
  summary: string;
}

/**
 * 10 % of the week's items, and at least 5 (all of them when there are fewer): the items with
 * the smallest hash of (week, item id). Reproducible, and no one can choose what is drawn.
 */
export async function weeklySample(items: AuditItem[], weekKey: string, rate = SAMPLE_RATE, min = SAMPLE_MIN): Promise<AuditItem[]> {
  const size = Math.min(items.length, Math.max(min, Math.ceil(items.length * rate)));
  const ranked = await Promise.all(items.map(async (item) => ({ item, rank: await sha256Hex(`${weekKey}:${item.id}`) })));
  return ranked
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, size)
    .map((x) => x.item)
    .sort((a, b) => a.at - b.at);
}

/** The week's handled cases and sent messages of these engagements. */
export function weekItems(records: EngagementRecord[], week: { start: number; end: number }): AuditItem[] {
  const inWeek = (t: number | undefined) => t !== undefined && t >= week.start && t < week.end;
  return records.flatMap((r) => [
    ...(r.data.exceptions ?? []).filter((c) => inWeek(c.doneAt ?? c.decision?.at)).map((c) => ({ id: `case:${c.id}`, engagementId: r.id, coachId: r.data.coach.id, at: c.doneAt ?? c.decision!.at, summary: `${c.kind} ${c.rule} ${c.status}` })),
    ...(r.data.messages ?? []).filter((m) => m.status === "sent" && inWeek(m.sentAt)).map((m) => ({ id: `message:${m.id}`, engagementId: r.id, coachId: r.data.coach.id, at: m.sentAt!, summary: m.body.slice(0, 80) })),
  ]);
}

export interface WeeklyReport {
  week: string;
  sessionsHeld: number;
  noShows: number;
  trialsHeld: number;
  trialConversions: number;
  surveyCount: number;
  /** Average score, one decimal; null without surveys. */
  surveyAverage: number | null;
  exceptions: { kind: ExceptionKind; inPolicy: boolean; status: string }[];
  pendingApprovals: number;
  findings: { ok: number; fix: number; notes: string[] };
}

/** The coach's week, counted from the engagements themselves (seed 001: 週次レポート作成). */
export function weeklyReport(records: EngagementRecord[], week: { start: number; end: number; key: string }, findings: { verdict: "ok" | "fix"; note?: string | null }[]): WeeklyReport {
  const inWeek = (t: number | undefined) => t !== undefined && t >= week.start && t < week.end;
  const sessions = records.flatMap((r) => [...r.data.history, ...(r.data.current ? [r.data.current] : [])]).filter((s) => inWeek(s.start));
  const surveys = records.flatMap((r) => r.data.surveys).filter((s) => inWeek(s.at));
  const cases = records.flatMap((r) => r.data.exceptions ?? []);
  return {
    week: week.key,
    sessionsHeld: sessions.filter((s) => !s.trial && s.outcome === "held").length,
    noShows: sessions.filter((s) => s.outcome === "no_show").length,
    trialsHeld: sessions.filter((s) => s.trial && (s.outcome === "converted" || s.outcome === "undecided" || s.outcome === "dropped")).length,
    trialConversions: sessions.filter((s) => s.trial && s.outcome === "converted").length,
    surveyCount: surveys.length,
    surveyAverage: surveys.length ? Math.round((surveys.reduce((n, s) => n + s.score, 0) / surveys.length) * 10) / 10 : null,
    exceptions: cases.filter((c) => inWeek(c.at)).map((c) => ({ kind: c.kind, inPolicy: c.inPolicy, status: c.status })),
    pendingApprovals: cases.filter((c) => c.status === "pending").length,
    findings: { ok: findings.filter((f) => f.verdict === "ok").length, fix: findings.filter((f) => f.verdict === "fix").length, notes: findings.filter((f) => f.verdict === "fix" && f.note).map((f) => f.note!) },
  };
}
