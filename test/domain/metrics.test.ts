// The dashboard numbers (seed 000 §4.2) and the chart axes, from plain facts.
import { describe, expect, it } from "vitest";
import { dailyRates, jstDate, jstMidnight, lastDays, lastMonths, monthsStart, toCsv, type ReservationFacts } from "../../src/domain/metrics.ts";
import { niceMax, ticks } from "../../src/routes/admin/charts.tsx";

const NOON = Date.parse("2026-12-01T12:00:00+09:00");

function fact(status: string, extra: Partial<ReservationFacts> = {}, at = NOON): ReservationFacts {
  return { createdAt: at, status, shopAccepted: false, linkSent: false, paid: false, ...extra };
}

describe("days and months in Japan time", () => {
  it("a day starts at midnight in Tokyo", () => {
    expect(jstDate(Date.parse("2026-11-30T23:59:00+09:00"))).toBe("2026-11-30");
    expect(jstDate(Date.parse("2026-12-01T00:00:00+09:00"))).toBe("2026-12-01");
    expect(jstMidnight(NOON)).toBe(Date.parse("2026-12-01T00:00:00+09:00"));
    expect(lastDays(NOON, 3)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
  });

  it("twelve months back across a year end", () => {
    expect(lastMonths(Date.parse("2026-01-01T00:30:00+09:00"), 3)).toEqual(["2025-11", "2025-12", "2026-01"]);
    expect(monthsStart(Date.parse("2026-01-15T00:00:00+09:00"), 12)).toBe(Date.parse("2025-02-01T00:00:00+09:00"));
  });
});

describe("success rates (seed 000 §4.1.2)", () => {
  it("booking: shops that said yes among requests whose calling has an outcome", () => {
    const facts = [
      fact("confirmed", { shopAccepted: true, linkSent: true, paid: true }),
      fact("payment_timeout", { shopAccepted: true, linkSent: true }),
      fact("payment_pending", { shopAccepted: true, linkSent: true }),
      fact("no_shop_available"),
      fact("calling"), // still being called: not counted yet
      fact("pending_shop_response"),
    ];
    const [day] = dailyRates(facts, ["2026-12-01"]);
    expect(day).toMatchObject({ requests: 6, decided: 4, booked: 3, bookingRate: 75, linksSent: 3, linksClosed: 2, paid: 1, paymentRate: 50 });
  });

  it("a day without requests has no rate rather than 0 %", () => {
    expect(dailyRates([], ["2026-12-01"])[0]).toMatchObject({ requests: 0, bookingRate: null, paymentRate: null });
  });
});

describe("CSV and chart axes", () => {
  it("quotes what needs quoting", () => {
    expect(toCsv([["a", "b,c", 'say "hi"', null, 3]])).toBe('a,"b,c","say ""hi""",,3\n');
  });

  it("axes end on a round number and tick in whole steps", () => {
    expect(niceMax(0)).toBe(5);
    expect(ticks(niceMax(1))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(niceMax(13))).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(niceMax(61_000))).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(ticks(100)).toEqual([0, 20, 40, 60, 80, 100]);
  });
});
