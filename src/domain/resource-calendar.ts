// The time of one bookable resource (a lodging room, a coach) as half-open intervals of epoch
// milliseconds. Pure rules shared by the calendar object and the products that call it: what
// overlaps, what a night is, and what is left of an interval after part of it is released.

export interface Interval {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
}

export type EntryState = "held" | "booked" | "blocked";

export interface CalendarEntry extends Interval {
  /** The order, engagement or block that owns this time. */
  key: string;
  state: EntryState;
  /** When a hold lapses; null for bookings and blocks. */
  expiresAt: number | null;
  note: string | null;
}

export type Conflict = Pick<CalendarEntry, "key" | "start" | "end" | "state">;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** A reason the intervals cannot be used, or null when they are well formed. */
export function invalidIntervals(intervals: readonly Interval[]): string | null {
  if (!Array.isArray(intervals) || intervals.length === 0) return "at least one interval is needed";
  if (intervals.length > 1000) return "at most 1000 intervals at once";
  for (const i of intervals) {
    if (!i || !Number.isSafeInteger(i.start) || !Number.isSafeInteger(i.end)) return "interval bounds must be whole epoch milliseconds";
    if (i.start >= i.end) return "an interval must end after it starts";
  }
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  for (let k = 1; k < sorted.length; k++) if (overlaps(sorted[k - 1]!, sorted[k]!)) return "intervals in one request must not overlap";
  return null;
}

/** Day number of a calendar date (YYYY-MM-DD), or null when the date does not exist. */
export function parseDate(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The night of date D: [00:00 UTC of D, +24 h). A calendar date stands for itself here, not for
 * an instant in any zone, so a night is the same interval whoever computes it.
 */
export function nightInterval(date: string): Interval {
  const start = parseDate(date);
  if (start === null) throw new RangeError(`not a date: ${date}`);
  return { start, end: start + DAY_MS };
}

/** The nights of a stay: every date from check-in up to, not including, check-out. */
export function nightsBetween(checkIn: string, checkOut: string): string[] {
  const from = parseDate(checkIn);
  const to = parseDate(checkOut);
  if (from === null || to === null) throw new RangeError("check-in and check-out must be dates (YYYY-MM-DD)");
  const nights: string[] = [];
  for (let t = from; t < to; t += DAY_MS) nights.push(formatDate(t));
  return nights;
}

/** What remains of `interval` once `cut` is taken out: nothing, one piece or two. */
export function subtract(interval: Interval, cut: Interval): Interval[] {
  if (!overlaps(interval, cut)) return [interval];
  const rest: Interval[] = [];
  if (interval.start < cut.start) rest.push({ start: interval.start, end: cut.start });
  if (cut.end < interval.end) rest.push({ start: cut.end, end: interval.end });
  return rest;
}

/** Whether an entry still occupies time at `now` (a lapsed hold does not, even before it is swept). */
export function isLive(entry: Pick<CalendarEntry, "state" | "expiresAt">, now: number): boolean {
  return entry.state !== "held" || (entry.expiresAt !== null && entry.expiresAt > now);
}
