// Calendar dates of a stay (YYYY-MM-DD): a night is named by its date, and the nights of a stay
// come from the shared calendar rules (src/domain/resource-calendar.ts); this adds what lodging
// needs on top of them.
import { formatDate, parseDate } from "../resource-calendar.ts";

const DAY_MS = 86_400_000;

export function isDate(date: string): boolean {
  return parseDate(date) !== null;
}

/** Days since 1970-01-01 for a valid YYYY-MM-DD, else null. */
export function dayNumber(date: string): number | null {
  const ms = parseDate(date);
  return ms === null ? null : ms / DAY_MS;
}

export function addDays(date: string, days: number): string {
  const ms = parseDate(date);
  if (ms === null) throw new RangeError(`not a date: ${date}`);
  return formatDate(ms + days * DAY_MS);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Day of the week of a date, 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const ms = parseDate(date);
  if (ms === null) throw new RangeError(`not a date: ${date}`);
  return new Date(ms).getUTCDay();
}

/**
 * The dates from `from` to `to` (both included) falling on the given weekdays (all when none
 * are given): a rate edit for one day, a range, or a weekday pattern ("every Friday and
 * Saturday in December"). At most `max` dates; null when the range is not valid.
 */
export function datesMatching(from: string, to: string, weekdays: readonly number[] = [], max = 400): string[] | null {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === null || b === null || b < a || b - a >= max) return null;
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (!weekdays.length || weekdays.includes(weekday(d))) out.push(d);
  return out;
}
