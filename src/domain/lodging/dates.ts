// Calendar dates of a stay (YYYY-MM-DD, the hotel's local dates; no time zone arithmetic is
// needed because a night is named by its date). Check-out is the morning after the last night.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a valid YYYY-MM-DD, else null (2026-02-30 is not a date). */
export function dayNumber(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

export function isDate(date: string): boolean {
  return dayNumber(date) !== null;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const n = dayNumber(date);
  if (n === null) throw new RangeError(`not a date: ${date}`);
  return dateOfDay(n + days);
}

/** The nights of a stay: every date from check-in up to, not including, check-out. */
export function stayDates(checkIn: string, checkOut: string): string[] {
  const a = dayNumber(checkIn);
  const b = dayNumber(checkOut);
  if (a === null || b === null || b <= a) return [];
  return Array.from({ length: b - a }, (_, i) => dateOfDay(a + i));
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
