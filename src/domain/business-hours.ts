// Business hours for support targets (seed 000 §7): weekdays 9:00-18:00 Japan time, national
// holidays off (the holiday table comes from @holiday-jp/holiday_jp, which follows the law's
// changes) and the year-end closure, 29 December to 3 January, off too. A first-response or
// resolution clock only runs inside these hours; the monthly report's business days are these.
import holidayJp from "@holiday-jp/holiday_jp";

export const BUSINESS_HOURS = { openHourJst: 9, closeHourJst: 18 } as const;

const JST_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const holidays = holidayJp.holidays as Record<string, { name: string } | undefined>;

/** "2026-11-23" for a JST day number (days since the epoch in Japan time). */
function dayKey(jstDayNumber: number): string {
  return new Date(jstDayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** The year-end closure (年末年始休業): 29 December to 3 January, whatever the weekday. */
export const YEAR_END_CLOSURE = { from: "12-29", to: "01-03", name: "年末年始休業" } as const;

function inYearEndClosure(dateJst: string): boolean {
  const md = dateJst.slice(5);
  return md >= YEAR_END_CLOSURE.from || md <= YEAR_END_CLOSURE.to;
}

/** Why that JST date ("2026-11-23") is closed: the national holiday's name, the year-end closure, or null. */
export function holidayName(dateJst: string): string | null {
  return holidays[dateJst]?.name ?? (inYearEndClosure(dateJst) ? YEAR_END_CLOSURE.name : null);
}

/** A weekday that is neither a national holiday nor in the year-end closure, for a JST day number. */
export function isBusinessDay(jstDayNumber: number): boolean {
  const weekday = new Date(jstDayNumber * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6 && holidayName(dayKey(jstDayNumber)) === null;
}

/** Milliseconds of business hours between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(from: number, to: number): number {
  if (!(to > from)) return 0;
  let total = 0;
  const first = Math.floor((from + JST_MS) / DAY_MS);
  const last = Math.floor((to + JST_MS) / DAY_MS);
  for (let day = first; day <= last; day++) {
    if (!isBusinessDay(day)) continue;
    const open = day * DAY_MS - JST_MS + BUSINESS_HOURS.openHourJst * HOUR_MS;
    const close = day * DAY_MS - JST_MS + BUSINESS_HOURS.closeHourJst * HOUR_MS;
    total += Math.max(0, Math.min(to, close) - Math.max(from, open));
  }
  return total;
}

/** The JST date ("2026-12-04") of the n-th business day (n from 1) of a month. */
export function nthBusinessDayOfMonth(year: number, month: number, n: number): string {
  let day = Math.floor(Date.UTC(year, month - 1, 1) / DAY_MS);
  let seen = 0;
  for (;;) {
    if (isBusinessDay(day)) {
      seen++;
      if (seen === n) return dayKey(day);
    }
    day++;
  }
}

export { dayKey as jstDateKey };
