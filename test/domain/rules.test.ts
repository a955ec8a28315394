// Pure rules: time, phone numbers, ids, money and the shop CSV format.
import { describe, expect, it } from "vitest";
import { RESERVATION_ID_PATTERN, newId, newReservationId, newSecretToken } from "../../src/domain/ids.ts";
import { formatJpy } from "../../src/domain/money.ts";
import { isMobileNumber, maskPhone, normalizePhone, textable } from "../../src/domain/phone.ts";
import { cancellationTier, policy, reminderAt } from "../../src/domain/policy.ts";
import { parseShopCsv, toShopCsv } from "../../src/domain/shops-csv.ts";
import { formatDateTime, parseIsoWithOffset, toIsoTokyo } from "../../src/domain/time.ts";

const HOUR = 3_600_000;

describe("48-hour cancellation deadline", () => {
  const start = Date.UTC(2026, 11, 10, 6, 0);
  it("is inclusive to the minute", () => {
    expect(cancellationTier(true, start, start - 48 * HOUR)).toEqual({ tier: "full_refund" });
    expect(cancellationTier(true, start, start - 48 * HOUR + 60_000)).toEqual({ tier: "too_late" });
    expect(cancellationTier(true, start, start - 48 * HOUR - 60_000)).toEqual({ tier: "full_refund" });
  });
  it("does not apply before payment", () => {
    expect(cancellationTier(false, start, start - HOUR)).toEqual({ tier: "free" });
  });
  it("names the seed's numbers", () => {
    expect(policy.paymentWindowMs).toBe(10 * 60_000);
    expect(policy.cancelDeadlineMs).toBe(48 * HOUR);
    expect(policy.maxCallRounds).toBe(2);
  });
});

describe("reminder time", () => {
  const jst = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h - 9, m);
  const start = jst(10, 15); // 12/10 15:00 JST
  it("is 18:00 Japan time the evening before", () => {
    expect(reminderAt(start, jst(1, 12))).toBe(jst(9, 18));
    expect(reminderAt(start, jst(9, 17, 59))).toBe(jst(9, 18));
  });
  it("is two hours before the start for a booking confirmed after that evening", () => {
    expect(reminderAt(start, jst(9, 18))).toBe(jst(10, 13));
    expect(reminderAt(start, jst(10, 9))).toBe(jst(10, 13));
  });
  it("is not sent when even that has passed", () => {
    expect(reminderAt(start, jst(10, 13, 30))).toBeNull();
  });
  it("handles an early-morning start (the evening before is the previous calendar day in Japan)", () => {
    expect(reminderAt(jst(10, 1), jst(1, 12))).toBe(jst(9, 18));
  });
});

describe("ISO 8601 with offset", () => {
  it("accepts explicit offsets and Z", () => {
    expect(parseIsoWithOffset("2026-12-01T15:00:00+09:00")).toBe(Date.UTC(2026, 11, 1, 6, 0));
    expect(parseIsoWithOffset("2026-12-01T15:00+09:00")).toBe(Date.UTC(2026, 11, 1, 6, 0));
    expect(parseIsoWithOffset("2026-12-01T06:00:00Z")).toBe(Date.UTC(2026, 11, 1, 6, 0));
  });
  it("rejects local times, dates alone and impossible dates", () => {
    for (const bad of ["2026-12-01T15:00:00", "2026-12-01", "tomorrow 3pm", "2026-02-30T10:00:00+09:00", "2026-13-01T10:00:00+09:00", ""]) {
      expect(parseIsoWithOffset(bad), bad).toBeNull();
    }
  });
  it("shows Japan time", () => {
    const ms = Date.UTC(2026, 11, 1, 6, 0);
    expect(toIsoTokyo(ms)).toBe("2026-12-01T15:00:00+09:00");
    expect(formatDateTime(ms, "ja")).toContain("15:00");
    expect(formatDateTime(ms, "en")).toContain("15:00 JST");
  });
});

describe("phone numbers", () => {
  it("normalizes common Japanese forms and E.164", () => {
    for (const input of ["090-1234-5678", "09012345678", "+81 90 1234 5678", "+819012345678", "０９０－１２３４－５６７８", "(090) 1234-5678"]) {
      expect(normalizePhone(input), input).toMatchObject({ ok: true, e164: "+819012345678" });
    }
    expect(normalizePhone("03-6000-0101")).toMatchObject({ ok: true, e164: "+81360000101" });
  });
  it("rejects what is not a phone number", () => {
    for (const input of ["12345", "abc", "090-1234", "+81 90 1234 5678 9999 1", "090-1234-5678; DROP TABLE"]) {
      expect(normalizePhone(input).ok, input).toBe(false);
    }
  });
  it("tells mobile numbers from landlines and free-dial numbers", () => {
    for (const m of ["+819012345678", "+818055710462", "+817012345678"]) expect(isMobileNumber(m), m).toBe(true);
    for (const n of ["+81360000101", "+818003369004", "+81120123456", "+815012345678"]) expect(isMobileNumber(n), n).toBe(false);
  });
  it("texts only mobile numbers under the allowed prefixes", () => {
    const jp = ["+8170", "+8180", "+8190"];
    expect(textable("+819012345678", jp)).toBe(true);
    expect(textable("+81312345678", jp)).toBe(false); // a landline
    expect(textable("+447911123456", jp)).toBe(false); // a UK mobile, not allowed by default
    expect(textable("+447911123456", [...jp, "+44"])).toBe(true); // ...unless the prefix is added
    expect(textable("+442071234567", [...jp, "+44"])).toBe(false); // a London landline never
  });
  it("masks for logs", () => {
    expect(maskPhone("+819012345678")).toBe("+81******5678");
  });
});

describe("ids and tokens", () => {
  it("reservation ids are QRV- and six readable characters", () => {
    const ids = new Set(Array.from({ length: 500 }, () => newReservationId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(RESERVATION_ID_PATTERN);
  });
  it("guest tokens carry 256 bits", () => {
    const t = newSecretToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecretToken()).not.toBe(t);
  });
  it("job ids sort by time", () => {
    expect(newId("job", 1000) < newId("job", 2000)).toBe(true);
  });
  it("money is written 6,600円, in English as in Japanese", () => {
    expect(formatJpy(5500)).toBe("5,500円");
    expect(formatJpy(6600)).toBe("6,600円");
    expect(formatJpy(1_000_000)).toBe("1,000,000円");
    expect(formatJpy(50)).toBe("50円");
  });
});

describe("shop CSV", () => {
  const header = "name,phone,email,services,area,priority,price_jpy,sandbox_answer";

  it("reads the documented columns, with quotes, a BOM and an optional address", () => {
    const csv = `\uFEFF${header},address\n"Salon, Aoi",03-6000-0101,aoi@shops.example,カット|カラー,渋谷,1,"5,500",declined,"東京都渋谷区1-2-3"\nMidori,090-1111-2222,,カット,渋谷,2,6600,,\n`;
    const result = parseShopCsv(csv);
    expect(result).toEqual({
      ok: true,
      rows: [
        { line: 2, name: "Salon, Aoi", phone: "+81360000101", email: "aoi@shops.example", services: ["カット", "カラー"], area: "渋谷", priority: 1, priceJpy: 5500, sandboxAnswer: "declined", address: "東京都渋谷区1-2-3", hours: null },
        { line: 3, name: "Midori", phone: "+819011112222", email: null, services: ["カット"], area: "渋谷", priority: 2, priceJpy: 6600, sandboxAnswer: "accepted", address: null, hours: null },
      ],
    });
  });

  it("reports every bad row with its line number and accepts nothing", () => {
    const csv = [header, "Good,03-6000-0101,,カット,渋谷,1,5000,accepted", "NoPhone,,,カット,渋谷,1,5000,accepted", "BadPrice,03-6000-0103,,カット,渋谷,1,free,maybe", "Dup,03-6000-0101,,カット,渋谷,2,5000,accepted", "Short,03-6000-0104"].join("\n");
    const result = parseShopCsv(csv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 4, 5, 6]);
    expect(result.errors[1]!.message).toContain("price_jpy");
    expect(result.errors[2]!.message).toContain("sandbox_answer");
    expect(result.errors[3]!.message).toContain("already on line 2");
    expect(result.errors[4]!.message).toContain("expected 8 columns");
  });

  it("rejects a wrong header", () => {
    const result = parseShopCsv("name,phone\nA,03-6000-0101");
    expect(result).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringContaining("header must be") }] });
  });

  it("writes the same format back", () => {
    const csv = `${header},address,hours\nA,03-6000-0101,,カット|カラー,渋谷,1,5000,manual,"x, y",月-金 10:00-20:00; 土 10:00-18:00\n`;
    const parsed = parseShopCsv(csv);
    if (!parsed.ok) throw new Error("parse failed");
    expect(toShopCsv(parsed.rows)).toBe(csv);
    // E.164 in, the national form out: the same number.
    const e164 = parseShopCsv(csv.replace("03-6000-0101", "+81360000101"));
    expect(e164.ok && toShopCsv(e164.rows)).toBe(csv);
  });

  it("parses the sample file shipped with the repository", async () => {
    const { default: sample } = await import("../../data/sample-shops.csv?raw");
    const result = parseShopCsv(sample);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.rows.length).toBeGreaterThanOrEqual(6);
  });
});
