// A coach's availability (seed 001 Build: スケジュール・空き枠) turned into bookable slots.
// Weekly hours and exceptions are written in Japan time; slots are half-open intervals of
// epoch milliseconds. A booked session occupies its own time plus the coach's buffer after
// it, so the interval held on the coach's calendar is `[start, end + buffer)`; two sessions
// are then always at least one buffer apart, whichever is booked first.

import { overlaps, type Interval } from "../resource-calendar.ts";

export type { Interval };

const MINUTE = 60_000;
const DAY = 86_400_000;
const JST_OFFSET = 9 * 3_600_000;

/** Open hours on one weekday (0 = Sunday … 6 = Saturday, Japan time), "HH:MM" to "HH:MM". */
export interface WeeklyHours {
  weekday: number;
  start: string;
  end: string;
}

/** A day off (no hours at all that date), or extra hours on a date ("YYYY-MM-DD", Japan time). */
export type AvailabilityException = { date: string; kind: "off" } | { date: string; kind: "extra"; start: string; end: string };

export interface Availability {
  weekly: WeeklyHours[];
  exceptions: AvailabilityException[];
  /** Gap kept free after every session. */
  bufferMinutes: number;
  /** A slot must start at least this long after the moment it is booked. */
  minNoticeMinutes: number;
  /** Slots start on this grid within open hours (default 30 minutes). */
  stepMinutes?: number;
}

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Epoch ms of a Japan-time wall clock: date "YYYY-MM-DD" at "HH:MM". */
export function jstWallClock(date: string, hhmm: string): number {
  const [y, mo, d] = date.split("-").map(Number);
  return Date.UTC(y!, mo! - 1, d!) - JST_OFFSET + minutesOf(hhmm) * MINUTE;
}

/** "YYYY-MM-DD" of the Japan-time day containing `ms`. */
export function jstDate(ms: number): string {
  return new Date(ms + JST_OFFSET).toISOString().slice(0, 10);
}

function jstWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export type AvailabilityProblem = { field: string; message: string };

/** Checks an availability before it is saved; an empty list means it is usable. */
export function validateAvailability(a: Availability): AvailabilityProblem[] {
  const problems: AvailabilityProblem[] = [];
  const range = (field: string, start: string, end: string) => {
    if (!HHMM.test(start) || !HHMM.test(end)) problems.push({ field, message: "times are HH:MM (Japan time)" });
    else if (minutesOf(start) >= minutesOf(end)) problems.push({ field, message: `${start}–${end}: the end must be after the start` });
  };
  a.weekly.forEach((w, i) => {
    if (!Number.isInteger(w.weekday) || w.weekday < 0 || w.weekday > 6) problems.push({ field: `weekly[${i}]`, message: "weekday is 0 (Sunday) to 6 (Saturday)" });
    range(`weekly[${i}]`, w.start, w.end);
  });
  a.exceptions.forEach((e, i) => {
    if (!DATE.test(e.date) || Number.isNaN(Date.parse(`${e.date}T00:00:00Z`))) problems.push({ field: `exceptions[${i}]`, message: "dates are YYYY-MM-DD" });
    if (e.kind === "extra") range(`exceptions[${i}]`, e.start, e.end);
  });
  for (const [field, v] of [["bufferMinutes", a.bufferMinutes], ["minNoticeMinutes", a.minNoticeMinutes]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 7 * 24 * 60) problems.push({ field, message: "a whole number of minutes, 0 to one week" });
  }
  if (a.stepMinutes !== undefined && (!Number.isInteger(a.stepMinutes) || a.stepMinutes < 5 || a.stepMinutes > 240)) problems.push({ field: "stepMinutes", message: "5 to 240 minutes" });
  return problems;
}

/** The open windows of one Japan-time date: its weekly hours unless it is a day off, plus extra hours. */
export function openWindows(a: Availability, date: string): Interval[] {
  const exceptions = a.exceptions.filter((e) => e.date === date);
  const windows: Interval[] = [];
  if (!exceptions.some((e) => e.kind === "off")) {
    for (const w of a.weekly) if (w.weekday === jstWeekday(date)) windows.push({ start: jstWallClock(date, w.start), end: jstWallClock(date, w.end) });
  }
  for (const e of exceptions) if (e.kind === "extra") windows.push({ start: jstWallClock(date, e.start), end: jstWallClock(date, e.end) });
  return windows.sort((x, y) => x.start - y.start);
}

/** What a session starting at `start` holds on the coach's calendar: itself and the buffer after it. */
export function heldInterval(a: Pick<Availability, "bufferMinutes">, start: number, minutes: number): Interval {
  return { start, end: start + (minutes + a.bufferMinutes) * MINUTE };
}

export interface SlotQuery {
  /** Session length. */
  minutes: number;
  from: number;
  to: number;
  now: number;
  /** What is already taken on the coach's calendar (held, booked or blocked intervals, as stored). */
  busy: Interval[];
  /** At most this many slots (default 200). */
  limit?: number;
}

/**
 * Bookable session intervals `[start, start + minutes)` that start within [from, to): inside
 * open hours (a slot may not run past its window), on the step grid from the window's start,
 * at least the minimum notice after `now`, and whose held interval (with the buffer) overlaps
 * nothing busy. A slot's buffer may run past the end of open hours.
 */
export function availableSlots(a: Availability, q: SlotQuery): Interval[] {
  const step = (a.stepMinutes ?? 30) * MINUTE;
  const length = q.minutes * MINUTE;
  const earliest = q.now + a.minNoticeMinutes * MINUTE;
  const limit = q.limit ?? 200;
  const slots: Interval[] = [];
  // Windows never cross midnight, so every date that touches [from, to) is enough.
  for (let day = jstDate(q.from - DAY); jstWallClock(day, "00:00") < q.to; day = jstDate(jstWallClock(day, "00:00") + DAY + 3_600_000)) {
    for (const w of openWindows(a, day)) {
      for (let start = w.start; start + length <= w.end; start += step) {
        if (start < q.from || start >= q.to || start < earliest) continue;
        const held = heldInterval(a, start, q.minutes);
        if (q.busy.some((b) => overlaps(b, held))) continue;
        if (slots.some((s) => s.start === start)) continue;
        slots.push({ start, end: start + length });
      }
    }
  }
  slots.sort((x, y) => x.start - y.start);
  return slots.slice(0, limit);
}

export type SlotCheck = { ok: true; held: Interval } | { ok: false; reason: "outside_hours" | "too_soon" | "busy" };

/** Whether one start time is a bookable slot (the same rules as `availableSlots`). */
export function checkSlot(a: Availability, start: number, minutes: number, now: number, busy: Interval[]): SlotCheck {
  const slot = availableSlots(a, { minutes, from: start, to: start + 1, now: -Infinity, busy: [] });
  if (!slot.length) return { ok: false, reason: "outside_hours" };
  if (start < now + a.minNoticeMinutes * MINUTE) return { ok: false, reason: "too_soon" };
  const held = heldInterval(a, start, minutes);
  if (busy.some((b) => overlaps(b, held))) return { ok: false, reason: "busy" };
  return { ok: true, held };
}

export const WEEKDAYS = { ja: ["日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"], en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] } as const;

/** Exceptions as the form's text: one a line, "2026-12-24 off" or "2026-12-26 13:00-17:00". */
export function exceptionsText(list: AvailabilityException[]): string {
  return list.map((e) => (e.kind === "off" ? `${e.date} off` : `${e.date} ${e.start}-${e.end}`)).join("\n");
}

function parseExceptions(text: string, lang: "ja" | "en"): { list: AvailabilityException[]; errors: string[] } {
  const list: AvailabilityException[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const off = /^(\d{4}-\d{2}-\d{2})\s+(off|休み)$/.exec(line);
    const extra = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(line);
    if (off) list.push({ date: off[1]!, kind: "off" });
    else if (extra) list.push({ date: extra[1]!, kind: "extra", start: extra[2]!, end: extra[3]! });
    else errors.push(lang === "ja" ? `例外 ${i + 1}行目: 「2026-12-24 off」または「2026-12-26 13:00-17:00」の形で書いてください` : `exceptions, line ${i + 1}: write "2026-12-24 off" or "2026-12-26 13:00-17:00"`);
  });
  return { list, errors };
}

/** The availability form's fields (start_0…end_6, exceptions, buffer, notice), checked; errors in the form's words. */
export function availabilityFromForm(form: Record<string, unknown>, stepMinutes: number, lang: "ja" | "en" = "ja"): { availability: Availability; errors: string[] } {
  const weekly: WeeklyHours[] = [];
  const errors: string[] = [];
  for (let d = 0; d < 7; d++) {
    const start = String(form[`start_${d}`] ?? "").trim();
    const end = String(form[`end_${d}`] ?? "").trim();
    if (!start && !end) continue;
    if (!start || !end) errors.push(lang === "ja" ? `${WEEKDAYS.ja[d]}: 開始と終了の両方を入れてください` : `${WEEKDAYS.en[d]}: give both the start and the end`);
    else weekly.push({ weekday: d, start, end });
  }
  const ex = parseExceptions(String(form.exceptions ?? ""), lang);
  errors.push(...ex.errors);
  const availability: Availability = { weekly, exceptions: ex.list, bufferMinutes: Number(form.buffer), minNoticeMinutes: Number(form.notice), stepMinutes };
  errors.push(...validateAvailability(availability).map((p) => `${p.field}: ${p.message}`));
  return { availability, errors };
}
