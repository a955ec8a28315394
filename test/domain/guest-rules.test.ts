// Pure rules behind the guest pages and reminders: which language a page speaks, the
// calendar file's format, inquiry validation, how long a guest link works, and when the
// reminder SMS goes (and that a changed or cancelled booking never gets a stale one).
import { describe, expect, it } from "vitest";
import { escapeText, foldLine, icsEvent } from "../../src/domain/calendar.ts";
import { validateInquiry } from "../../src/domain/inquiries.ts";
import { chooseLanguage, preferredFromAcceptLanguage } from "../../src/domain/language.ts";
import { guestLinkValid, policy } from "../../src/domain/policy.ts";
import { createShopReservation, decideShop, rescheduleReminder } from "../../src/domain/reservation/shop-machine.ts";
import type { DecideContext, ReservationEvent, ReservationRecord } from "../../src/domain/reservation/types.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** A moment in Japan time, December 2026. */
const jst = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h - 9, m);

describe("page language", () => {
  it("reads the preferred of Japanese and English from Accept-Language", () => {
    expect(preferredFromAcceptLanguage("en-US,en;q=0.9,ja;q=0.8")).toBe("en");
    expect(preferredFromAcceptLanguage("ja-JP,ja;q=0.9,en-US;q=0.8")).toBe("ja");
    expect(preferredFromAcceptLanguage("fr-FR, en;q=0.5, ja;q=0.7")).toBe("ja");
    expect(preferredFromAcceptLanguage("de, EN-gb")).toBe("en");
    expect(preferredFromAcceptLanguage("en;q=0, ja;q=0.1")).toBe("ja");
    expect(preferredFromAcceptLanguage("zh-CN,zh;q=0.9")).toBeUndefined();
    expect(preferredFromAcceptLanguage("*")).toBeUndefined();
    expect(preferredFromAcceptLanguage(undefined)).toBeUndefined();
  });

  it("is Japanese by default; the toggle's cookie beats the reservation's language, which beats the browser", () => {
    expect(chooseLanguage({})).toBe("ja");
    expect(chooseLanguage({ acceptLanguage: "zh-CN" })).toBe("ja");
    expect(chooseLanguage({ acceptLanguage: "en-US" })).toBe("en");
    expect(chooseLanguage({ reservation: "en", acceptLanguage: "ja" })).toBe("en");
    // "ja" is the default when booking, so it is not read as a choice over the browser's English.
    expect(chooseLanguage({ reservation: "ja", acceptLanguage: "en" })).toBe("en");
    expect(chooseLanguage({ chosen: "ja", reservation: "en", acceptLanguage: "en" })).toBe("ja");
    expect(chooseLanguage({ chosen: "en", acceptLanguage: "ja" })).toBe("en");
    expect(chooseLanguage({ chosen: "fr", acceptLanguage: "ja" })).toBe("ja");
  });
});

describe("calendar file", () => {
  it("escapes text values", () => {
    expect(escapeText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
  });

  it("folds long lines at 75 octets without splitting a character", () => {
    const line = `SUMMARY:${"予約".repeat(40)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(" "))).toBe(true);
    expect(parts.map((p, i) => (i ? p.slice(1) : p)).join("")).toBe(line);
    expect(foldLine("SHORT:x")).toBe("SHORT:x");
  });

  it("writes one event in UTC with CRLF line ends", () => {
    const ics = icsEvent({ uid: "QRV-AB23CD@qrv.test", start: jst(10, 15), end: jst(10, 16), stamp: jst(1, 12, 30), summary: "カット · ミドリ", location: "東京都渋谷区, 1-2-3", description: "a\nb" });
    expect(ics).toBe(
      [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Qualfia//QRV//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        "UID:QRV-AB23CD@qrv.test",
        "DTSTAMP:20261201T033000Z",
        "DTSTART:20261210T060000Z",
        "DTEND:20261210T070000Z",
        "SUMMARY:カット · ミドリ",
        "LOCATION:東京都渋谷区\\, 1-2-3",
        "DESCRIPTION:a\\nb",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
      ].join("\r\n"),
    );
  });
});

describe("inquiry form", () => {
  const good = { category: "question", name: " 山田 太郎 ", contact: "taro@example.com", message: "キャンセル料は？\r\n教えてください" };

  it("accepts the three categories of seed 003 and normalizes what was typed", () => {
    for (const category of ["question", "bug", "request"]) expect(validateInquiry({ ...good, category }).ok).toBe(true);
    const r = validateInquiry({ ...good, contact: "090 1234 5678", reservation_id: " qrv-ab23cd " });
    expect(r).toEqual({ ok: true, value: { category: "question", name: "山田 太郎", contact: "+819012345678", reservationId: "QRV-AB23CD", message: "キャンセル料は？\n教えてください" } });
  });

  it("names every field that needs fixing", () => {
    expect(validateInquiry({})).toEqual({ ok: false, errors: { category: "required", name: "required", contact: "required", message: "required" } });
    expect(validateInquiry({ ...good, category: "complaint", contact: "taro@", reservation_id: "QRV-0000O1" })).toEqual({ ok: false, errors: { category: "invalid", contact: "invalid", reservation_id: "invalid" } });
    expect(validateInquiry({ ...good, contact: "12" })).toEqual({ ok: false, errors: { contact: "invalid" } });
    expect(validateInquiry({ ...good, name: "あ".repeat(101), message: "x".repeat(4001) })).toEqual({ ok: false, errors: { name: "too_long", message: "too_long" } });
    expect(validateInquiry({ ...good, message: 42 })).toEqual({ ok: false, errors: { message: "required" } });
  });
});

describe("guest link lifetime", () => {
  it("works until 30 days after the appointment", () => {
    const start = jst(10, 15);
    expect(guestLinkValid(start, start + policy.guestLinkValidAfterStartMs)).toBe(true);
    expect(guestLinkValid(start, start + policy.guestLinkValidAfterStartMs + 1)).toBe(false);
    expect(guestLinkValid(start, jst(1, 12))).toBe(true);
  });
});

// ---------------------------------------------------------------- reminders

function ctxAt(now: number): DecideContext {
  return { now, publicUrl: "https://qrv.test", roundDelayMs: 60_000, guestUrl: "{{guest_url}}", supportPhone: "03-0000-0000", supportEmail: "support@qrv.example" };
}

function step(r: ReservationRecord, e: ReservationEvent, now: number) {
  const d = decideShop(r, e, ctxAt(now));
  if (d.kind !== "apply") throw new Error(`${e.type} did not apply in ${r.status}: ${d.reason}`);
  return d;
}

/** A booking for `startAt`, paid at `paidAt`. */
function confirmedAt(startAt: number, paidAt: number): ReservationRecord {
  const shop = { id: "shp_a", name: "店A", phone: "+81360000001", address: "東京都渋谷区1-2-3", priceJpy: 5500 };
  let r = createShopReservation(
    { id: "QRV-REM222", service: "カット", area: "渋谷", startAt, partySize: 2, requester: { name: "山田 太郎", phone: "+819012345678", language: "ja" }, shops: [shop] },
    ctxAt(paidAt - 5 * MINUTE),
  ).record;
  r = step(r, { type: "call_result", attemptId: r.data.attempts[0]!.id, result: "accepted" }, paidAt - 3 * MINUTE).next;
  r = step(r, { type: "payment_link_ready", sessionId: "cs_1", url: "https://pay.test/cs_1" }, paidAt - 2 * MINUTE).next;
  return step(r, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 5500 }, paidAt).next;
}

const reminders = (r: ReservationRecord) => r.timers.filter((t) => t.type === "reminder").map((t) => t.at);

describe("reminder SMS", () => {
  it("booked well ahead: 18:00 Japan time the evening before, to the minute", () => {
    expect(reminders(confirmedAt(jst(10, 15), jst(1, 12)))).toEqual([jst(9, 18)]);
    expect(reminders(confirmedAt(jst(10, 15), jst(9, 17, 59)))).toEqual([jst(9, 18)]);
    // A start just after midnight: the evening before is the previous calendar day in Japan.
    expect(reminders(confirmedAt(jst(10, 0, 30), jst(1, 12)))).toEqual([jst(9, 18)]);
  });

  it("booked after that evening: two hours before the start; too late for that: none", () => {
    expect(reminders(confirmedAt(jst(10, 15), jst(9, 18)))).toEqual([jst(10, 13)]);
    expect(reminders(confirmedAt(jst(10, 15), jst(10, 12, 59)))).toEqual([jst(10, 13)]);
    expect(reminders(confirmedAt(jst(10, 15), jst(10, 13)))).toEqual([]);
    expect(reminders(confirmedAt(jst(10, 15), jst(10, 14)))).toEqual([]);
  });

  it("is texted with the shop, its address, the day and the guest link", () => {
    const r = confirmedAt(jst(10, 15), jst(1, 12));
    const { effects } = step(r, { type: "reminder" }, jst(9, 18));
    expect(effects).toEqual([expect.objectContaining({ kind: "sms.send", template: "reminder", to: "+819012345678" })]);
    const body = effects[0]!.kind === "sms.send" ? effects[0]!.body : "";
    expect(body).toContain("リマインダー: 明日");
    expect(body).toContain("店A（東京都渋谷区1-2-3）");
    expect(body).toContain("{{guest_url}}");
  });

  it("is rescheduled when the start time changes, and the old one is gone", () => {
    const r = confirmedAt(jst(10, 15), jst(1, 12));
    // An operator moves the booking to 12/12 11:00 on 12/2: the evening before the new date.
    const moved = { ...r, startAt: jst(12, 11) };
    expect(rescheduleReminder(moved, jst(2, 10)).filter((t) => t.type === "reminder")).toEqual([{ type: "reminder", key: "reminder", at: jst(11, 18) }]);
    // Moved on the evening before the new date: two hours before it.
    expect(rescheduleReminder(moved, jst(11, 20)).filter((t) => t.type === "reminder")).toEqual([{ type: "reminder", key: "reminder", at: jst(12, 9) }]);
    // Moved to within two hours: no reminder at all, and nothing left from the old time.
    expect(rescheduleReminder({ ...r, startAt: jst(2, 11) }, jst(2, 10)).filter((t) => t.type === "reminder")).toEqual([]);
    // The other timers stay.
    expect(rescheduleReminder(moved, jst(2, 10)).map((t) => t.type).sort()).toEqual(["complete", "reminder"]);
  });

  it("is never sent for a cancelled booking, nor once the appointment time has come", () => {
    const r = confirmedAt(jst(10, 15), jst(1, 12));
    const cancelled = step(r, { type: "cancel", by: "requester" }, jst(2, 12)).next;
    expect(cancelled.timers).toEqual([]);
    expect(decideShop(cancelled, { type: "reminder" }, ctxAt(jst(9, 18))).kind).toBe("ignore");
    expect(decideShop(r, { type: "reminder" }, ctxAt(jst(10, 15))).kind).toBe("ignore");
    // A refused (late) cancellation leaves the booking, and its reminder, as they were.
    const refused = step(r, { type: "cancel", by: "requester" }, jst(9, 12)).next;
    expect(refused.status).toBe("confirmed");
    expect(reminders(refused)).toEqual([jst(9, 18)]);
  });

  it("ends with the booking: completing it clears the reminder", () => {
    const r = confirmedAt(jst(10, 15), jst(10, 14));
    const done = step(r, { type: "complete" }, jst(10, 17)).next;
    expect(done.status).toBe("completed");
    expect(reminders(done)).toEqual([]);
    expect(policy.reminderEveningHourJst).toBe(18);
    expect(policy.reminderLateLeadMs).toBe(2 * HOUR);
  });
});
