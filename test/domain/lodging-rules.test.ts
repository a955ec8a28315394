// Lodging rules (seed 004): rates with a default per room type, totals in points, and the
// birthday discount (±N days, across the new year, 29 February, rounded in the guest's favour).
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/lodging/dates.ts";
import { nightsBetween as stayDates } from "../../src/domain/resource-calendar.ts";
import { maskIdNumber, normalizeIdNumber, validateMember } from "../../src/domain/lodging/members.ts";
import { checkTopUp, shortfall } from "../../src/domain/lodging/points.ts";
import { lodgingPolicy } from "../../src/domain/lodging/policy.ts";
import { parseRateCsv, toRateCsv } from "../../src/domain/lodging/rates-csv.ts";
import { birthdayDiscount, inBirthdayWindow, quoteLine, quoteOrder } from "../../src/domain/lodging/pricing.ts";

describe("stay dates", () => {
  it.each([
    ["2026-12-30", "2027-01-02", ["2026-12-30", "2026-12-31", "2027-01-01"]],
    ["2028-02-28", "2028-03-01", ["2028-02-28", "2028-02-29"]],
    ["2027-02-28", "2027-03-01", ["2027-02-28"]],
    ["2026-12-01", "2026-12-01", []],
    ["2026-12-02", "2026-12-01", []],
  ])("%s → %s", (a, b, nights) => {
    expect(stayDates(a, b)).toEqual(nights);
  });
  it("adds days across months", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});

describe("birthday window (±N days)", () => {
  it.each([
    // night, birthday, N, in window
    ["2026-07-10", "1990-07-10", 3, true],
    ["2026-07-13", "1990-07-10", 3, true],
    ["2026-07-14", "1990-07-10", 3, false],
    ["2026-07-07", "1990-07-10", 3, true],
    ["2026-07-06", "1990-07-10", 3, false],
    // across the new year, both ways
    ["2027-01-03", "1985-12-31", 3, true],
    ["2027-01-04", "1985-12-31", 3, false],
    ["2026-12-29", "1992-01-01", 3, true],
    ["2026-12-28", "1992-01-01", 3, false],
    // born on 29 February: 28 February in other years, the day itself in leap years
    ["2027-02-28", "2000-02-29", 0, true],
    ["2027-03-01", "2000-02-29", 0, false],
    ["2027-03-03", "2000-02-29", 3, true],
    ["2027-03-04", "2000-02-29", 3, false],
    ["2028-02-29", "2000-02-29", 0, true],
    ["2028-02-28", "2000-02-29", 0, false],
    ["2028-03-03", "2000-02-29", 3, true],
    ["2028-03-04", "2000-02-29", 3, false],
    // a wider window set by the operator
    ["2026-07-17", "1990-07-10", 7, true],
    ["2026-07-18", "1990-07-10", 7, false],
  ])("night %s, born %s, ±%i → %s", (night, born, n, expected) => {
    expect(inBirthdayWindow(night, born, n)).toBe(expected);
  });
  it("defaults to the seed's ±3 days and 5 %", () => {
    expect(lodgingPolicy.birthdayWindowDays).toBe(3);
    expect(lodgingPolicy.birthdayDiscountPercent).toBe(5);
    expect(inBirthdayWindow("2026-07-13", "1990-07-10")).toBe(true);
  });
  it("no birthday, no discount", () => {
    expect(inBirthdayWindow("2026-07-10", null)).toBe(false);
  });
});

describe("discount rounding is in the guest's favour", () => {
  it.each([
    [10_000, 500],
    [9_999, 500], // 499.95 → 500 off: the guest pays 9,499, not 9,500
    [10_001, 501],
    [19, 1],
    [1, 1],
    [0, 0],
  ])("%i points → %i off", (points, off) => {
    expect(birthdayDiscount(points)).toBe(off);
    expect(points - off).toBe(Math.floor(points * 0.95));
  });
});

describe("quotes", () => {
  const card = { defaultPoints: 12_000, byDate: { "2026-12-31": 20_000, "2027-01-01": 18_000 } };
  it("uses the day's rate, else the room type's default", () => {
    const q = quoteLine({ nights: stayDates("2026-12-30", "2027-01-02"), card, quantity: 1 });
    expect(q.nightly.map((n) => n.points)).toEqual([12_000, 20_000, 18_000]);
    expect(q).toMatchObject({ subtotal: 50_000, discount: 0, total: 50_000 });
  });
  it("multiplies by rooms and takes 5 % off only the birthday nights, as its own line", () => {
    // Birthday 4 January: 1 January is in the window (±3), 31 December is not.
    const q = quoteLine({ nights: stayDates("2026-12-30", "2027-01-02"), card, quantity: 2, birthDate: "1990-01-04" });
    expect(q.nightly.map((n) => n.birthday)).toEqual([false, false, true]);
    expect(q.subtotal).toBe(100_000);
    expect(q.discount).toBe(1_800); // 5 % of 2 × 18,000
    expect(q.total).toBe(98_200);
  });
  it("rounds an odd rate in the guest's favour", () => {
    const q = quoteLine({ nights: ["2026-07-10"], card: { defaultPoints: 9_999, byDate: {} }, quantity: 1, birthDate: "1990-07-10" });
    expect(q).toMatchObject({ subtotal: 9_999, discount: 500, total: 9_499 });
  });
  it("adds lines of an order", () => {
    const o = quoteOrder([
      { nights: ["2026-07-10", "2026-07-11"], card: { defaultPoints: 8_000, byDate: {} }, quantity: 1, birthDate: "1990-07-10" },
      { nights: ["2026-07-10", "2026-07-11"], card: { defaultPoints: 15_000, byDate: {} }, quantity: 1, birthDate: "1990-07-10" },
    ]);
    expect(o.subtotal).toBe(46_000);
    expect(o.discount).toBe(800 + 1_500);
    expect(o.total).toBe(46_000 - 2_300);
  });
  it("refuses a fraction of a point or a room", () => {
    expect(() => quoteLine({ nights: ["2026-07-10"], card: { defaultPoints: 100.5, byDate: {} }, quantity: 1 })).toThrow(RangeError);
    expect(() => quoteLine({ nights: ["2026-07-10"], card: { defaultPoints: 100, byDate: {} }, quantity: 0 })).toThrow(RangeError);
  });
});

describe("points and members", () => {
  it("top-ups are whole points within limits", () => {
    expect(checkTopUp(10_000)).toEqual({ ok: true, points: 10_000 });
    expect(checkTopUp(999).ok).toBe(false);
    expect(checkTopUp(1500.5).ok).toBe(false);
    expect(checkTopUp("10000").ok).toBe(false);
  });
  it("the shortfall is what the balance does not cover", () => {
    expect(shortfall(5_000, 12_000)).toBe(7_000);
    expect(shortfall(12_000, 12_000)).toBe(0);
  });
  it("document numbers are normalised and shown masked", () => {
    expect(normalizeIdNumber("ab-１２３ ４５６７")).toBe("AB1234567");
    expect(maskIdNumber("4567")).toBe("••••4567");
  });
  it("member details are checked with a message per field", () => {
    const good = { name: " 山田  花子 ", idNumber: "AB1234567", phone: "+819012345678", email: "hanako@example.jp", birthDate: "1990-02-28" };
    expect(validateMember(good, "2026-11-29")).toMatchObject({ ok: true, value: { name: "山田 花子" } });
    const bad = validateMember({ ...good, idNumber: "12", birthDate: "2030-01-01", email: "x" }, "2026-11-29");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field).sort()).toEqual(["birthDate", "email", "idNumber"]);
    expect(validateMember({ ...good, name: "山田\u202e子花" }, "2026-11-29").ok).toBe(false);
    expect(validateMember({ ...good, name: "山田\u200b花子" }, "2026-11-29").ok).toBe(false);
  });
});

describe("rate CSV", () => {
  const types = ["シングル", "ツイン"];
  it("reads one rate per room type and night", () => {
    const r = parseRateCsv("room_type,date,points\nシングル,2026-12-31,\"12,000\"\nツイン,2026-12-31,18000\n", types);
    expect(r).toEqual({ ok: true, rows: [{ line: 2, roomType: "シングル", date: "2026-12-31", points: 12_000 }, { line: 3, roomType: "ツイン", date: "2026-12-31", points: 18_000 }] });
    if (r.ok) expect(parseRateCsv(toRateCsv(r.rows), types)).toEqual(r);
  });
  it("refuses the whole file and names every bad line", () => {
    const r = parseRateCsv("room_type,date,points\nスイート,2026-12-31,1\nシングル,2026-02-30,1\nシングル,2026-12-01,-5\nシングル,2026-12-02,1\nシングル,2026-12-02,2\n", types);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 6]);
  });
  it("writes a room type that looks like a formula as text, and reads it back", () => {
    const out = toRateCsv([{ roomType: "=HYPERLINK(1)", date: "2026-12-31", points: 100 }]);
    expect(out).toBe("room_type,date,points\n'=HYPERLINK(1),2026-12-31,100\n");
    expect(parseRateCsv(out, ["=HYPERLINK(1)"])).toMatchObject({ ok: true, rows: [{ roomType: "=HYPERLINK(1)" }] });
  });
  it("checks the header", () => {
    expect(parseRateCsv("type,day,price\n", types).ok).toBe(false);
  });
});
