// Opening hours: how they are written, read and checked against a start time in Japan time.
import { describe, expect, it } from "vitest";
import { describeHours, formatHours, isOpenAt, openAt, parseHours } from "../../src/domain/opening-hours.ts";
import { parseShopCsv } from "../../src/domain/shops-csv.ts";

/** A start time given in Japan time. */
const jst = (iso: string) => Date.parse(`${iso}+09:00`);

describe("opening hours", () => {
  const weekdays = parseHours("月-金 10:00-20:00; 土 10:00-18:00");

  it("reads days and ranges, in Japanese or English, and says what is wrong", () => {
    expect(weekdays.ok).toBe(true);
    expect(parseHours("Mon-Fri 10:00-20:00; Sat 10:00-18:00")).toEqual(weekdays);
    expect(parseHours("")).toEqual({ ok: true, hours: null });
    expect(parseHours("毎日 10:00-20:00")).toMatchObject({ ok: false, reason: expect.stringContaining("is not a day") });
    expect(parseHours("月-金 10時から")).toMatchObject({ ok: false, reason: expect.stringContaining("time range") });
    expect(parseHours("月 10:00-10:00")).toMatchObject({ ok: false });
  });

  it("a start inside a range is open; before opening, at closing and on a closed day it is not", () => {
    const h = weekdays.ok ? weekdays.hours : null;
    expect(isOpenAt(h, jst("2026-12-02T15:00:00"))).toBe(true); // Wednesday
    expect(isOpenAt(h, jst("2026-12-02T10:00:00"))).toBe(true);
    expect(isOpenAt(h, jst("2026-12-02T09:59:00"))).toBe(false);
    expect(isOpenAt(h, jst("2026-12-02T20:00:00"))).toBe(false);
    expect(isOpenAt(h, jst("2026-12-02T03:00:00"))).toBe(false); // a 03:00 haircut
    expect(isOpenAt(h, jst("2026-12-05T17:00:00"))).toBe(true); // Saturday
    expect(isOpenAt(h, jst("2026-12-06T12:00:00"))).toBe(false); // Sunday
  });

  it("a range past midnight covers the early hours of the next day, Saturday into Sunday too", () => {
    const bar = parseHours("金,土 18:00-02:00");
    const h = bar.ok ? bar.hours : null;
    expect(isOpenAt(h, jst("2026-12-05T01:30:00"))).toBe(true); // Saturday 01:30, Friday's night
    expect(isOpenAt(h, jst("2026-12-06T01:30:00"))).toBe(true); // Sunday 01:30, Saturday's night
    expect(isOpenAt(h, jst("2026-12-06T02:00:00"))).toBe(false);
    expect(isOpenAt(h, jst("2026-12-04T12:00:00"))).toBe(false);
  });

  it("no hours means always called; the hours read back in words", () => {
    expect(openAt(null, jst("2026-12-02T03:00:00"))).toBe(true);
    expect(formatHours(weekdays.ok ? weekdays.hours : null, "ja")).toBe("月 10:00-20:00、火 10:00-20:00、水 10:00-20:00、木 10:00-20:00、金 10:00-20:00、土 10:00-18:00");
    expect(describeHours("日 11:30-14:00,17:00-22:00", "en")).toBe("Sun 11:30-14:00,17:00-22:00");
  });

  it("the shop CSV takes an hours column after the address, and reports a bad one by line", () => {
    const header = "name,phone,email,services,area,priority,price_jpy,sandbox_answer,address,hours";
    const good = parseShopCsv(`${header}\nアオイ,03-1111-2222,,カット,渋谷,1,4400,,東京都渋谷区1-1,月-金 10:00-20:00\n`);
    expect(good).toMatchObject({ ok: true, rows: [{ hours: "月-金 10:00-20:00" }] });
    const bad = parseShopCsv(`${header}\nアオイ,03-1111-2222,,カット,渋谷,1,4400,,東京都渋谷区1-1,平日 10-20\n`);
    expect(bad).toMatchObject({ ok: false, errors: [{ line: 2, message: expect.stringContaining("hours:") }] });
  });
});
