// The dashboards' figures (seed 000 §4.2), computed in one place so the console's dashboards
// and the scheduled reports show the same numbers for the same period:
// - operations (§4.2.1): today by status, today's manual operations, the last seven days'
//   booking and payment success rates, recent alerts (computed on each page load);
// - management (§4.2.2): twelve months of reservations and revenue, share by service, shop
//   ranking, computed by the nightly batch and kept in metric_snapshots with the time.
import { eq } from "drizzle-orm";
import { countAlertsSince, recentAlerts } from "../db/alerts.ts";
import type { Db } from "../db/client.ts";
import { reservationsWithOpenCases } from "../db/console.ts";
import { bookingsByService, monthlyReservations, monthlyRevenue, reservationFactsSince, shopRanking, statusCountsSince, type MonthCount, type MonthRevenue } from "../db/metrics.ts";
import { metricSnapshots } from "../db/schema.ts";
import { MANUAL_CASES, isQueued } from "../domain/cases.ts";
import { byMonth, dailyRates, jstDate, jstMidnight, lastDays, lastMonths, monthsStart } from "../domain/metrics.ts";
import { STATUSES } from "../domain/reservation/types.ts";

const DAY = 86_400_000;

/**
 * The operations dashboard's figures as of `now`: the success rates per day over `window`
 * (the last seven days unless given; the weekly report passes its Monday-to-Friday week) and
 * the manual operations raised in it.
 */
export async function operationsFigures(db: Db, now: number, window?: { start: number; end: number }) {
  const today = jstMidnight(now);
  const weekStart = window?.start ?? today - 6 * DAY;
  const weekEnd = window?.end ?? now + 1;
  const days = window ? daysBetween(window.start, Math.min(window.end, now + 1)) : lastDays(now, 7);
  const [statusRows, facts, manualToday, manualWeek, open, alerts] = await Promise.all([
    statusCountsSince(db, today),
    reservationFactsSince(db, weekStart, weekEnd),
    countAlertsSince(db, Object.keys(MANUAL_CASES), today),
    countAlertsSince(db, Object.keys(MANUAL_CASES), weekStart, weekEnd),
    reservationsWithOpenCases(db),
    recentAlerts(db, 20),
  ]);
  const byStatus = STATUSES.map((s) => ({ status: s, n: statusRows.find((r) => r.status === s)?.n ?? 0 }));
  const openCases = open.flatMap((r) => (r.openCases ?? []).filter(isQueued));
  const overdue = openCases.filter((o) => now - o.at > MANUAL_CASES[o.case].targetMinutes * 60_000).length;
  return { weekStart, days, byStatus, rates: dailyRates(facts, days), manualToday, manualWeek, openCount: openCases.length, overdue, alerts, todayTotal: byStatus.reduce((s, r) => s + r.n, 0) };
}

export type OperationsFigures = Awaited<ReturnType<typeof operationsFigures>>;

/** The Japan-time days ("2026-12-07") from `start` up to (not including) `end`; at least the first. */
function daysBetween(start: number, end: number): string[] {
  const days = [jstDate(start)];
  for (let d = start + DAY; d < end; d += DAY) days.push(jstDate(d));
  return days;
}

export interface ManagementFigures {
  /** The period: the twelve months ending just before `end` (Japan time), and `end` itself. */
  months: string[];
  since: number;
  end: number;
  counts: MonthCount[];
  revenue: MonthRevenue[];
  services: { service: string; n: number }[];
  ranking: { shopId: string; name: string; area: string; n: number; revenueJpy: number }[];
}

/** Twelve months up to (not including) `end`: the nightly batch passes midnight Japan time. */
export async function managementFigures(db: Db, end: number): Promise<ManagementFigures> {
  const last = end - 1;
  const months = lastMonths(last, 12);
  const since = monthsStart(last, 12);
  const [counts, revenue, services, ranking] = await Promise.all([monthlyReservations(db, since, end), monthlyRevenue(db, since, end), bookingsByService(db, since, end), shopRanking(db, since, 10, end)]);
  return {
    months,
    since,
    end,
    counts: byMonth(counts, months, (month) => ({ month, requests: 0, bookings: 0 })),
    revenue: byMonth(revenue, months, (month) => ({ month, grossJpy: 0, refundedJpy: 0, netJpy: 0 })),
    services,
    ranking,
  };
}

export const MANAGEMENT_SNAPSHOT = "management";
/** The nightly batch runs at this hour, Japan time (seed 000 §4.2.2: 日次・深夜バッチ). */
export const NIGHTLY_HOUR_JST = 3;

export interface Snapshot<T> {
  data: T;
  computedAt: number;
}

export async function readManagementSnapshot(db: Db): Promise<Snapshot<ManagementFigures> | null> {
  const row = await db.query.metricSnapshots.findFirst({ where: eq(metricSnapshots.name, MANAGEMENT_SNAPSHOT) });
  return row ? { data: JSON.parse(row.data) as ManagementFigures, computedAt: row.computedAt } : null;
}

/**
 * The nightly batch: the management figures up to today's midnight (Japan time), stored with
 * the time. An operator's "compute now" passes `end = now` to include today so far.
 */
export async function computeManagementSnapshot(db: Db, now: number, end = jstMidnight(now)): Promise<Snapshot<ManagementFigures>> {
  const data = await managementFigures(db, end);
  await db
    .insert(metricSnapshots)
    .values({ name: MANAGEMENT_SNAPSHOT, data: JSON.stringify(data), computedAt: now })
    .onConflictDoUpdate({ target: metricSnapshots.name, set: { data: JSON.stringify(data), computedAt: now } });
  console.log(JSON.stringify({ msg: "nightly batch", snapshot: MANAGEMENT_SNAPSHOT, end: data.end }));
  return { data, computedAt: now };
}

/** Whether the nightly batch is due: it last ran before today's run time and that time has come. */
export function nightlyDue(lastComputedAt: number | null, now: number): boolean {
  const todaysRun = jstMidnight(now) + NIGHTLY_HOUR_JST * 3_600_000;
  return now >= todaysRun && (lastComputedAt === null || lastComputedAt < todaysRun);
}
