// Business hours and the support KPIs (seed 000 §7): the clock runs weekdays 9:00-18:00 Japan
// time and stops on weekends and national holidays.
import { describe, expect, it } from "vitest";
import { businessMsBetween, holidayName, isBusinessDay, nthBusinessDayOfMonth } from "../../src/domain/business-hours.ts";
import { jstWeekStart } from "../../src/domain/metrics.ts";
import { SUPPORT_TARGETS, kpiTable, supportKpis } from "../../src/domain/support-kpis.ts";

const at = (iso: string) => Date.parse(`${iso}+09:00`);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("business hours", () => {
  it("knows the weekend and the holiday (Labour Thanksgiving Day, Monday 23 November 2026)", () => {
    expect(holidayName("2026-11-23")).toBe("勤労感謝の日");
    const day = (iso: string) => Math.floor((at(`${iso}T12:00`) + 9 * HOUR) / 86_400_000);
    expect(["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"].map((d) => isBusinessDay(day(d)))).toEqual([true, false, false, false, true]);
  });

  it("counts only 9:00-18:00 on business days: Friday evening to Tuesday morning over a weekend and a holiday is two hours", () => {
    expect(businessMsBetween(at("2026-11-20T17:00"), at("2026-11-24T10:00"))).toBe(2 * HOUR);
    expect(businessMsBetween(at("2026-11-20T17:30"), at("2026-11-24T09:20"))).toBe(50 * MIN);
  });

  it("starts the clock at opening for an inquiry sent at night, and not at all before it", () => {
    expect(businessMsBetween(at("2026-11-25T07:00"), at("2026-11-25T09:30"))).toBe(30 * MIN);
    expect(businessMsBetween(at("2026-11-25T19:00"), at("2026-11-26T09:10"))).toBe(10 * MIN);
    expect(businessMsBetween(at("2026-11-25T19:00"), at("2026-11-25T23:00"))).toBe(0);
    expect(businessMsBetween(at("2026-11-26T10:00"), at("2026-11-25T10:00"))).toBe(0);
    expect(businessMsBetween(at("2026-11-24T09:00"), at("2026-11-25T18:00"))).toBe(18 * HOUR);
  });

  it("finds the n-th business day of a month past New Year's Day and a weekend", () => {
    expect(nthBusinessDayOfMonth(2027, 1, 1)).toBe("2027-01-04");
    expect(nthBusinessDayOfMonth(2027, 1, 5)).toBe("2027-01-08");
    expect(nthBusinessDayOfMonth(2026, 12, 1)).toBe("2026-12-01");
  });

  it("closes for the year end, 29 December to 3 January, on weekdays too", () => {
    const day = (iso: string) => Math.floor((at(`${iso}T12:00`) + 9 * HOUR) / 86_400_000);
    const days = ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"];
    expect(days.map((d) => isBusinessDay(day(d)))).toEqual([true, false, false, false, false, false, false, true]);
    expect(holidayName("2026-12-29")).toBe("年末年始休業");
    expect(holidayName("2027-01-01")).toBe("元日");
    expect(holidayName("2026-12-28")).toBeNull();
    // Monday 28 December 17:00 to Monday 4 January 10:00: one hour each side of the closure.
    expect(businessMsBetween(at("2026-12-28T17:00"), at("2027-01-04T10:00"))).toBe(2 * HOUR);
    // The fifth business day of January 2026 comes after the closure (5 January is the first).
    expect(nthBusinessDayOfMonth(2026, 1, 1)).toBe("2026-01-05");
  });

  it("starts weeks on Monday 00:00 Japan time", () => {
    expect(jstWeekStart(at("2026-11-29T23:59"))).toBe(at("2026-11-23T00:00"));
    expect(jstWeekStart(at("2026-11-30T00:00"))).toBe(at("2026-11-30T00:00"));
  });
});

describe("support KPIs", () => {
  const now = at("2026-11-27T17:00");
  it("measures first response and resolution in business hours and averages satisfaction", () => {
    const k = supportKpis(
      [
        // Friday evening, answered Tuesday 9:20 (50 business minutes), closed Tuesday 15:00 (6 h 30 min).
        { createdAt: at("2026-11-20T17:30"), firstResponseAt: at("2026-11-24T09:20"), closedAt: at("2026-11-24T15:00"), satisfaction: 5 },
        // Answered after 3 business hours, closed two business days later (20 h): first response missed.
        { createdAt: at("2026-11-24T10:00"), firstResponseAt: at("2026-11-24T13:00"), closedAt: at("2026-11-26T12:00"), satisfaction: 3 },
        // Still unanswered after more than 2 business hours: counts as missed, not as answered.
        { createdAt: at("2026-11-27T09:00"), firstResponseAt: null, closedAt: null, satisfaction: null },
        // Sent 20 minutes ago: not answered yet but still within target, so not measured.
        { createdAt: at("2026-11-27T16:40"), firstResponseAt: null, closedAt: null, satisfaction: null },
      ],
      now,
    );
    expect(k.received).toBe(4);
    expect(k.responded).toBe(2);
    expect(k.avgFirstResponseMs).toBe((50 * MIN + 3 * HOUR) / 2);
    expect(k.firstResponseOnTargetPct).toBe(33.3);
    expect(k.resolved).toBe(2);
    expect(k.avgResolutionMs).toBe((6.5 * HOUR + 20 * HOUR) / 2);
    expect(k.resolutionOnTargetPct).toBe(100);
    expect(k.avgSatisfaction).toBe(4);
    const table = kpiTable(k);
    expect(table.rows.find((r) => r[0] === "顧客満足度（5段階）")).toEqual(["顧客満足度（5段階）", "4.00（2件）", "4.0以上", "達成"]);
    expect(table.rows.find((r) => r[0] === "初回応答の目標内の割合")![3]).toBe("未達");
    expect(SUPPORT_TARGETS.firstResponseMs).toBe(2 * HOUR);
  });

  it("stops the clocks over the year end: an inquiry sent on the last business day is answered in time on the first", () => {
    const k = supportKpis(
      [
        // Monday 28 December 17:00, answered Monday 4 January 10:00 (2 business hours), closed Tuesday 5 January 10:00 (11 h).
        { createdAt: at("2026-12-28T17:00"), firstResponseAt: at("2027-01-04T10:00"), closedAt: at("2027-01-05T10:00"), satisfaction: 4 },
        // Sent on 30 December and still open on 4 January at 10:30: only 1 h 30 min has run, within target.
        { createdAt: at("2026-12-30T11:00"), firstResponseAt: null, closedAt: null, satisfaction: null },
      ],
      at("2027-01-04T10:30"),
    );
    expect(k.avgFirstResponseMs).toBe(2 * HOUR);
    expect(k.firstResponseOnTargetPct).toBe(100);
    expect(k.avgResolutionMs).toBe(11 * HOUR);
    expect(k.resolutionOnTargetPct).toBe(100);
  });

  it("has nothing to judge in a week without inquiries", () => {
    const k = supportKpis([], now);
    expect(k).toMatchObject({ received: 0, avgFirstResponseMs: null, firstResponseOnTargetPct: null, avgSatisfaction: null });
    expect(kpiTable(k).rows.every((r) => r[3] === "" || r[3] === "—")).toBe(true);
  });
});
