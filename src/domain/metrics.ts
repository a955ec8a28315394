// The numbers on the dashboards (seed 000 §4.2), computed from plain facts about
// reservations so the definitions can be read and tested here:
// - booking success rate (予約成功率): of the requests whose calling has an outcome, the share
//   where a shop said yes (requests still being called are left out);
// - payment success rate (決済成功率): of the payment links sent, the share paid (links still
//   open are left out).
// Days and months are Japan time.

const DAY = 86_400_000;
const JST = 9 * 3_600_000;

/** "2026-12-01" (Japan time). */
export function jstDate(ms: number): string {
  return new Date(ms + JST).toISOString().slice(0, 10);
}

/** "2026-12" (Japan time). */
export function jstMonth(ms: number): string {
  return new Date(ms + JST).toISOString().slice(0, 7);
}

/** Midnight Japan time of the day `ms` falls in. */
export function jstMidnight(ms: number): number {
  return Math.floor((ms + JST) / DAY) * DAY - JST;
}

/** The last `n` days ending today, oldest first. */
export function lastDays(now: number, n: number): string[] {
  const today = jstMidnight(now);
  return Array.from({ length: n }, (_, i) => jstDate(today - (n - 1 - i) * DAY));
}

/** The last `n` months ending this month, oldest first. */
export function lastMonths(now: number, n: number): string[] {
  const d = new Date(now + JST);
  return Array.from({ length: n }, (_, i) => {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (n - 1 - i), 1));
    return m.toISOString().slice(0, 7);
  });
}

/** Midnight Japan time on the first day of the month `n - 1` months before this one. */
export function monthsStart(now: number, n: number): number {
  const d = new Date(now + JST);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (n - 1), 1) - JST;
}

/** Statuses in which calling has not reached an outcome yet. */
const STILL_CALLING = new Set(["requested", "calling", "pending_shop_response", "change_requested"]);

export interface ReservationFacts {
  createdAt: number;
  status: string;
  /** A shop accepted (on the call or through an operator). */
  shopAccepted: boolean;
  /** A payment link was made. */
  linkSent: boolean;
  paid: boolean;
}

export interface DayRates {
  day: string;
  requests: number;
  /** Requests whose calling has an outcome. */
  decided: number;
  booked: number;
  /** booked / decided, in percent; null without any decided request. */
  bookingRate: number | null;
  linksSent: number;
  /** Links whose window has closed (paid, or not). */
  linksClosed: number;
  paid: number;
  paymentRate: number | null;
}

function percent(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 1000) / 10 : null;
}

export function dailyRates(facts: ReservationFacts[], days: string[]): DayRates[] {
  return days.map((day) => {
    const of = facts.filter((f) => jstDate(f.createdAt) === day);
    const decided = of.filter((f) => f.shopAccepted || !STILL_CALLING.has(f.status));
    const booked = decided.filter((f) => f.shopAccepted).length;
    const links = of.filter((f) => f.linkSent);
    const closed = links.filter((f) => f.paid || f.status !== "payment_pending");
    const paid = closed.filter((f) => f.paid).length;
    return {
      day,
      requests: of.length,
      decided: decided.length,
      booked,
      bookingRate: percent(booked, decided.length),
      linksSent: links.length,
      linksClosed: closed.length,
      paid,
      paymentRate: percent(paid, closed.length),
    };
  });
}

/** Fills months without data with zero, in the order given. */
export function byMonth<T extends { month: string }>(rows: T[], months: string[], empty: (month: string) => T): T[] {
  return months.map((m) => rows.find((r) => r.month === m) ?? empty(m));
}

/** Rows to CSV text: one writer for every export (src/domain/csv.ts). */
export { toCsv } from "./csv.ts";

/** Monday 00:00 Japan time of the week `ms` falls in (weeks run Monday to Sunday). */
export function jstWeekStart(ms: number): number {
  const day = Math.floor((ms + JST) / DAY);
  // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 is days since Monday.
  return (day - ((day + 3) % 7)) * DAY - JST;
}
