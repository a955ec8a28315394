// Cancellation refunds (seed 004 §3(3)5): each tier's boundary to the minute, the operator's
// table, and partial then full cancellations adding up to at most what was paid.
import { describe, expect, it } from "vitest";
import { DEFAULT_CANCELLATION_POLICY, parseCancellationPolicy, quoteRefund, type CancellationPolicy } from "../../src/domain/lodging/refund.ts";
import type { LodgingRoomLine } from "../../src/domain/reservation/types.ts";

const MIN = 60_000;
const DAY = 1_440 * MIN;
// Check-in 2026-12-24 at 15:00 JST = 06:00 UTC.
const CHECK_IN_AT = Date.UTC(2026, 11, 24, 6, 0);

const line = (lineNo: number, roomNumber: string, total: number): LodgingRoomLine => ({ lineNo, roomId: `rom_${roomNumber}`, roomNumber, roomTypeId: "rty_t", roomTypeName: "ツイン", checkIn: "2026-12-24", checkOut: "2026-12-26", nightly: [], subtotal: total, discount: 0, total });
const LINES = [line(1, "201", 25_301), line(2, "202", 24_000), line(3, "301", 30_000)];
const PAID = 79_301;

function policy(text: string): CancellationPolicy {
  const p = parseCancellationPolicy(text);
  if ("error" in p) throw new Error(p.error);
  return p;
}

function percentAt(now: number, p: CancellationPolicy = DEFAULT_CANCELLATION_POLICY): number {
  const q = quoteRefund(LINES, [], now, p, ["202"]);
  if (!q.ok) throw new Error(q.message.en);
  return q.lines[0]!.percent;
}

describe("refund tiers, to the minute", () => {
  // Distinct percents in every tier so each boundary shows.
  const p = policy("7:100,3:50,0:20,noshow:5");
  it.each([
    ["8 days before", CHECK_IN_AT - 8 * DAY, 100],
    ["exactly 7 days before", CHECK_IN_AT - 7 * DAY, 100],
    ["7 days before less a minute", CHECK_IN_AT - 7 * DAY + MIN, 50],
    ["exactly 3 days before", CHECK_IN_AT - 3 * DAY, 50],
    ["3 days before less a minute", CHECK_IN_AT - 3 * DAY + MIN, 20],
    ["a minute before check-in", CHECK_IN_AT - MIN, 20],
    ["at check-in time (no-show)", CHECK_IN_AT, 5],
    ["the next day (no-show)", CHECK_IN_AT + DAY, 5],
  ])("%s → %i %%", (_label, now, want) => {
    expect(percentAt(now, p)).toBe(want);
  });

  it("the default table: ≥7 days 100 %, 3–6 days 50 %, 0–2 days 0 %, no-show 0 %", () => {
    expect(percentAt(CHECK_IN_AT - 7 * DAY)).toBe(100);
    expect(percentAt(CHECK_IN_AT - 7 * DAY + MIN)).toBe(50);
    expect(percentAt(CHECK_IN_AT - 3 * DAY)).toBe(50);
    expect(percentAt(CHECK_IN_AT - 3 * DAY + MIN)).toBe(0);
    expect(percentAt(CHECK_IN_AT)).toBe(0);
  });

  it("names the row that applied", () => {
    const q = quoteRefund(LINES, [], CHECK_IN_AT - 4 * DAY, DEFAULT_CANCELLATION_POLICY);
    expect(q.ok && q.row).toEqual({ kind: "days", daysBefore: 4, row: { minDaysBefore: 3, percent: 50 } });
  });
});

describe("the operator's policy table", () => {
  it("reads rows in any order and refuses tables that make no sense", () => {
    expect(policy("0:0, 7:100 ,3:50")).toEqual({ rows: [{ minDaysBefore: 7, percent: 100 }, { minDaysBefore: 3, percent: 50 }, { minDaysBefore: 0, percent: 0 }], noShowPercent: 0, checkInHourJst: 15 });
    expect(parseCancellationPolicy("7:100,3:50")).toEqual({ error: "the table needs a row for 0 days before check-in" });
    expect(parseCancellationPolicy("7:50,0:100")).toEqual({ error: "a refund cannot grow closer to check-in" });
    expect(parseCancellationPolicy("7:150,0:0")).toEqual({ error: "150 % is more than 100 %" });
    expect(parseCancellationPolicy("seven:100")).toHaveProperty("error");
    expect(parseCancellationPolicy(undefined)).toEqual(DEFAULT_CANCELLATION_POLICY);
  });
});

describe("partial and full cancellation", () => {
  const at = CHECK_IN_AT - 5 * DAY; // 50 %

  it("a partial then a full cancellation refund at most what was paid, each room once", () => {
    const partial = quoteRefund(LINES, [], at, DEFAULT_CANCELLATION_POLICY, ["201"]);
    if (!partial.ok) throw new Error(partial.message.en);
    expect(partial.full).toBe(false);
    expect(partial.refund).toBe(12_650); // floor(25,301 × 50 %)
    const rest = quoteRefund(LINES, partial.lines.map((l) => l.lineNo), CHECK_IN_AT - 8 * DAY, DEFAULT_CANCELLATION_POLICY);
    if (!rest.ok) throw new Error(rest.message.en);
    expect(rest.full).toBe(true);
    expect(rest.lines.map((l) => l.roomNumber)).toEqual(["202", "301"]);
    expect(partial.refund + rest.refund).toBeLessThanOrEqual(PAID);
    expect(partial.refund + rest.refund).toBe(12_650 + 54_000);
  });

  it("all refunds at 100 % add up to exactly what was paid", () => {
    const q = quoteRefund(LINES, [], CHECK_IN_AT - 30 * DAY, DEFAULT_CANCELLATION_POLICY);
    expect(q.ok && q.refund).toBe(PAID);
  });

  it("cancelling the same room twice is refused, and a fully cancelled order quotes nothing", () => {
    const again = quoteRefund(LINES, [1], at, DEFAULT_CANCELLATION_POLICY, ["201"]);
    expect(again).toEqual({ ok: false, message: { ja: "すでにキャンセル済みの部屋です: 201", en: "Already cancelled: 201" } });
    expect(quoteRefund(LINES, [1, 2, 3], at, DEFAULT_CANCELLATION_POLICY).ok).toBe(false);
    expect(quoteRefund(LINES, [], at, DEFAULT_CANCELLATION_POLICY, ["999"])).toMatchObject({ ok: false, message: { en: "Not a room of this order: 999" } });
  });
});
