// A coach's availability → slots (seed 001 Build: スケジュール・空き枠): weekly hours in Japan
// time, days off and extra hours, the buffer between sessions and the minimum notice.
import { describe, expect, it } from "vitest";
import { availableSlots, checkSlot, heldInterval, openWindows, validateAvailability, type Availability } from "../../src/domain/sessions/availability.ts";

const MINUTE = 60_000;
/** A moment in Japan time, December 2026 (Dec 1 2026 is a Tuesday). */
const jst = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h - 9, m);
const hhmm = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(11, 16);

const base: Availability = {
  weekly: [
    { weekday: 2, start: "10:00", end: "12:00" }, // Tuesday
    { weekday: 3, start: "19:00", end: "21:00" }, // Wednesday evening
  ],
  exceptions: [],
  bufferMinutes: 0,
  minNoticeMinutes: 0,
  stepMinutes: 30,
};

describe("slots from availability", () => {
  const cases: { name: string; a: Partial<Availability>; minutes: number; from: number; to: number; now?: number; busy?: { start: number; end: number }[]; starts: string[] }[] = [
    { name: "weekly hours, 60-minute sessions on a 30-minute grid", a: {}, minutes: 60, from: jst(1, 0), to: jst(2, 0), starts: ["10:00", "10:30", "11:00"] },
    { name: "a slot never runs past the end of its hours", a: {}, minutes: 90, from: jst(1, 0), to: jst(2, 0), starts: ["10:00", "10:30"] },
    { name: "a weekday without hours has no slots", a: {}, minutes: 60, from: jst(4, 0), to: jst(5, 0), starts: [] },
    { name: "Wednesday evening hours (Japan time, the previous day in UTC)", a: {}, minutes: 60, from: jst(2, 0), to: jst(3, 0), starts: ["19:00", "19:30", "20:00"] },
    { name: "a day off removes the weekly hours", a: { exceptions: [{ date: "2026-12-01", kind: "off" }] }, minutes: 60, from: jst(1, 0), to: jst(2, 0), starts: [] },
    { name: "extra hours add slots on a day without hours", a: { exceptions: [{ date: "2026-12-04", kind: "extra", start: "13:00", end: "14:30" }] }, minutes: 60, from: jst(4, 0), to: jst(5, 0), starts: ["13:00", "13:30"] },
    { name: "extra hours on a day off still count", a: { exceptions: [{ date: "2026-12-01", kind: "off" }, { date: "2026-12-01", kind: "extra", start: "15:00", end: "16:00" }] }, minutes: 60, from: jst(1, 0), to: jst(2, 0), starts: ["15:00"] },
    { name: "the minimum notice hides slots too soon after now", a: { minNoticeMinutes: 24 * 60 }, minutes: 60, from: jst(1, 0), to: jst(2, 0), now: jst(1, 10, 30) - 24 * 60 * MINUTE, starts: ["10:30", "11:00"] },
    { name: "a busy interval takes its slots", a: {}, minutes: 60, from: jst(1, 0), to: jst(2, 0), busy: [{ start: jst(1, 10), end: jst(1, 11) }], starts: ["11:00"] },
    { name: "a buffer keeps a gap after a booked session", a: { bufferMinutes: 30 }, minutes: 60, from: jst(1, 0), to: jst(2, 0), busy: [heldInterval({ bufferMinutes: 30 }, jst(1, 10), 60)], starts: [] },
    { name: "a buffer keeps a gap before a booked session too", a: { bufferMinutes: 15, weekly: [{ weekday: 2, start: "09:00", end: "14:00" }] }, minutes: 60, from: jst(1, 0), to: jst(2, 0), busy: [heldInterval({ bufferMinutes: 15 }, jst(1, 11), 60)], starts: ["09:00", "09:30", "12:30", "13:00"] },
    { name: "the range limits where slots start", a: {}, minutes: 60, from: jst(1, 10, 30), to: jst(1, 11), starts: ["10:30"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = { ...base, ...c.a };
      const now = c.now ?? jst(1, 0) - 30 * 24 * 60 * MINUTE;
      const slots = availableSlots(a, { minutes: c.minutes, from: c.from, to: c.to, now, busy: c.busy ?? [] });
      expect(slots.map((s) => hhmm(s.start))).toEqual(c.starts);
      for (const s of slots) expect(s.end - s.start).toBe(c.minutes * MINUTE);
    });
  }

  it("checks one start with a reason", () => {
    const now = jst(1, 9);
    expect(checkSlot({ ...base, minNoticeMinutes: 90 }, jst(1, 10), 60, now, [])).toEqual({ ok: false, reason: "too_soon" });
    expect(checkSlot(base, jst(1, 10, 15), 60, now, [])).toEqual({ ok: false, reason: "outside_hours" });
    expect(checkSlot(base, jst(1, 13), 60, now, [])).toEqual({ ok: false, reason: "outside_hours" });
    expect(checkSlot(base, jst(1, 10), 60, now, [{ start: jst(1, 10, 30), end: jst(1, 11) }])).toEqual({ ok: false, reason: "busy" });
    expect(checkSlot({ ...base, bufferMinutes: 10 }, jst(1, 10), 60, now, [])).toEqual({ ok: true, held: { start: jst(1, 10), end: jst(1, 11, 10) } });
  });

  it("lists the open windows of a date", () => {
    expect(openWindows(base, "2026-12-01")).toEqual([{ start: jst(1, 10), end: jst(1, 12) }]);
    expect(openWindows(base, "2026-12-05")).toEqual([]);
  });

  it("refuses availability that cannot work, by field", () => {
    expect(validateAvailability(base)).toEqual([]);
    const bad = validateAvailability({ weekly: [{ weekday: 7, start: "12:00", end: "10:00" }], exceptions: [{ date: "2026-13-01", kind: "off" }], bufferMinutes: -5, minNoticeMinutes: 0 });
    expect(bad.map((p) => p.field)).toEqual(["weekly[0]", "weekly[0]", "exceptions[0]", "bufferMinutes"]);
  });
});
