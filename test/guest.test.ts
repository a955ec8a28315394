// The requester's pages behind the SMS link (/r/:token), through the Worker as a browser
// would use them: what they show, the 48-hour boundary to the minute, cancelling once under
// double submits and second tabs, CSRF, the calendar file, live status and language.
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sandboxRefunds } from "../src/db/schema.ts";
import { HOUR, confirmedReservation, createReservation, db, jobsOf, paySandbox, record, seedShops, sentOf, waitForJobs, waitForStatus } from "./helpers.ts";

const MINUTE = 60_000;
const ORIGIN = "https://qrv.test";

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(url, { headers: { Accept: "text/html", ...headers }, redirect: "manual" }));
}

async function page(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await get(url, headers);
  expect(res.status, url).toBe(200);
  return res.text();
}

interface Form {
  cookie: string;
  csrf: string;
  nonce: string;
}

/** Opens the cancel page as a browser would: the CSRF cookie it is given and the form's hidden fields. */
async function openCancelForm(guestUrl: string, cookie?: string): Promise<Form> {
  const res = await get(`${guestUrl}/cancel`, cookie ? { Cookie: cookie } : {});
  expect(res.status).toBe(200);
  const html = await res.text();
  const set = res.headers.get("Set-Cookie")?.match(/(__Host-qrv_csrf=[^;]+)/)?.[1];
  return { cookie: cookie ?? set!, csrf: html.match(/name="_csrf" value="([^"]+)"/)![1]!, nonce: html.match(/name="form" value="([^"]+)"/)![1]! };
}

async function postCancel(guestUrl: string, form: Partial<Form>, headers: Record<string, string> = { Origin: ORIGIN }): Promise<Response> {
  const body = new URLSearchParams();
  if (form.csrf) body.set("_csrf", form.csrf);
  if (form.nonce) body.set("form", form.nonce);
  return exports.default.fetch(
    new Request(`${guestUrl}/cancel`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...(form.cookie ? { Cookie: form.cookie } : {}), ...headers }, body, redirect: "manual" }),
  );
}

async function refundsOf(id: string) {
  const pi = (await record(id)).data.payment!.paymentIntentId!;
  return db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, pi));
}

describe("the guest page", () => {
  it("shows a pending payment with the pay button, the countdown and the policy, under a strict CSP", async () => {
    const where = await seedShops([{ answer: "accepted", name: "ミドリ", priceJpy: 6600 }]);
    const { id, guestUrl } = await createReservation(where);
    const pending = await waitForStatus(id, "payment_pending");
    const res = await get(guestUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("X-Robots-Tag")).toBe("noindex");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).toContain("お支払い待ち");
    expect(html).toContain(`href="${pending.data.payment!.url}"`);
    expect(html).toContain("6,600円を支払う");
    expect(html).toContain(`data-deadline="${pending.data.payment!.deadlineAt}"`);
    expect(html).toContain("お支払い前のため、無料でキャンセルできます。");
    expect(html).toContain(`data-live="/r/${guestUrl.split("/r/")[1]}/status.json"`);
    // Scripts only from /assets, no inline script or style (the CSP would block them anyway).
    expect(html.match(/<script[^>]*>/g)).toEqual([expect.stringMatching(/^<script src="\/assets\/guest\.js" defer/)]);
    expect(html).not.toMatch(/ style="/);
    // The shop's address is shown once the booking is confirmed, not before.
    expect(html).toContain("ミドリ");
    expect(html).not.toContain("東京都テスト区1-1");
  });

  it("serves its script and stylesheet from /assets", async () => {
    const js = await exports.default.fetch("https://qrv.test/assets/guest.js");
    expect(js.headers.get("Content-Type")).toContain("text/javascript");
    expect(await js.text()).toContain("data-live");
    const css = await exports.default.fetch("https://qrv.test/assets/guest.css");
    expect(css.headers.get("Content-Type")).toContain("text/css");
  });

  it("shows the address, the reminder and the calendar link once confirmed", async () => {
    const { guestUrl } = await confirmedReservation(Date.now() + 72 * HOUR);
    const html = await page(guestUrl);
    expect(html).toContain("予約確定");
    expect(html).toContain("東京都テスト区1-1");
    expect(html).toContain("リマインダーのSMSをお送りします");
    expect(html).toContain(`/calendar.ics`);
    expect(html).not.toContain('id="pay"');
  });

  it("reports the live status as JSON for the page's poll", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    const pending = await waitForStatus(id, "payment_pending");
    const res = await exports.default.fetch(`${guestUrl}/status.json`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "payment_pending", version: pending.version });
    await paySandbox(pending.data.payment!.sessionId!);
    const confirmed = await waitForStatus(id, "confirmed");
    expect(await (await exports.default.fetch(`${guestUrl}/status.json`)).json()).toEqual({ status: "confirmed", version: confirmed.version });
  });

  it("the payment return pages show the live status instead of assuming the outcome", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    const pending = await waitForStatus(id, "payment_pending");
    // Back from checkout before the payment webhook: still checking, and polling fast.
    const checking = await page(`${guestUrl}?payment=success`);
    expect(checking).toContain("お支払いを確認しています");
    expect(checking).toContain('data-interval="3"');
    expect(checking).not.toContain("ご予約が確定しました");
    const abandoned = await page(`${guestUrl}?payment=cancel`);
    expect(abandoned).toContain("お支払いは完了していません");
    expect(abandoned).toContain('id="pay"');
    await paySandbox(pending.data.payment!.sessionId!);
    await waitForStatus(id, "confirmed");
    expect(await page(`${guestUrl}?payment=success`)).toContain("お支払いを確認しました。ご予約が確定しました。");
    // Confirmed with nothing pending: the page stops polling (and has no refresh without JavaScript).
    const settled = await page(guestUrl);
    expect(settled).toContain('data-interval="0"');
    expect(settled).not.toContain('http-equiv="refresh"');
    // A stale "cancel" return after paying says nothing false.
    expect(await page(`${guestUrl}?payment=cancel`)).not.toContain("お支払いは完了していません");
  });

  it("unknown, malformed and expired links get a friendly page, not an error", async () => {
    for (const url of [`${ORIGIN}/r/${"x".repeat(43)}`, `${ORIGIN}/r/short`, `${ORIGIN}/r/${"a".repeat(43)}/cancel`]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      const html = await res.text();
      expect(html).toContain("予約が見つかりません");
      expect(html).toContain("tel:0300000000");
      expect(html).not.toMatch(/Error|at .*\.ts/);
    }
    const json = await exports.default.fetch(`${ORIGIN}/r/${"x".repeat(43)}/status.json`);
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: "not found" });

    const where = await seedShops([{ answer: "declined" }]);
    const { id, guestUrl } = await createReservation(where, { startAt: Date.now() - 31 * 24 * HOUR });
    // No shop takes it, and its start is long past: it closes at once (parked cases close at their start).
    await waitForStatus(id, "cancelled");
    await waitForJobs(id);
    const expired = await get(guestUrl);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("このリンクは有効期限が切れています");
  });

  it("a reservation id alone opens nothing", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where);
    expect((await get(`${ORIGIN}/r/${id}`)).status).toBe(404);
    await waitForStatus(id, "payment_pending");
    await waitForJobs(id);
  });
});

describe("the 48-hour deadline on the page, to the minute", () => {
  it("48 hours and one minute ahead: the policy, the deadline and the cancel button", async () => {
    const startAt = Date.now() + 48 * HOUR + MINUTE;
    const { guestUrl } = await confirmedReservation(startAt, {}, 7700);
    const html = await page(guestUrl);
    expect(html).toContain("予約日時の48時間前まではキャンセルでき、全額返金します。");
    expect(html).toContain("キャンセル期限:");
    expect(html).toContain('id="cancel-start"');
    expect(html).not.toContain("キャンセル期限を過ぎています");
    const confirm = await page(`${guestUrl}/cancel`);
    expect(confirm).toContain("お支払いいただいた7,700円を全額返金します。");
    expect(confirm).toContain("キャンセルを確定する");
  });

  it("47 hours and 59 minutes ahead: no button, the seed's message and the support contact", async () => {
    const { id, guestUrl } = await confirmedReservation(Date.now() + 48 * HOUR - MINUTE);
    const html = await page(guestUrl);
    expect(html).not.toContain('id="cancel-start"');
    expect(html).toContain("キャンセル期限を過ぎています。カスタマーサポートまでご連絡ください");
    expect(html).toContain('href="tel:0300000000"');
    expect(html).toContain('href="mailto:support@qrv.example"');
    expect(html).toContain(`${guestUrl.replace(ORIGIN, "")}/support`);
    // The confirmation page is not offered either.
    const res = await get(`${guestUrl}/cancel`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(guestUrl.replace(ORIGIN, ""));
    expect((await record(id)).status).toBe("confirmed");
  });

  it("a form opened just before the deadline and sent after it is refused, with no refund", async () => {
    // The confirmation page was rendered while cancelling was still allowed...
    const { id, guestUrl } = await confirmedReservation(Date.now() + 48 * HOUR + 5_000);
    const form = await openCancelForm(guestUrl);
    await new Promise((r) => setTimeout(r, 5_500));
    // ...and is sent once the deadline has passed: the reservation's object decides, not the page.
    const res = await postCancel(guestUrl, form);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(/\?cancel=refused$/);
    const after = await page(`${ORIGIN}${res.headers.get("Location")}`);
    expect(after).toContain("キャンセル期限を過ぎています");
    expect((await record(id)).status).toBe("confirmed");
    await waitForJobs(id);
    expect(await refundsOf(id)).toHaveLength(0);
  });
});

describe("cancelling from the page", () => {
  it("more than 48 hours ahead: cancelled, refunded in full, the shop told by email and the requester by SMS", async () => {
    const { id, guestUrl } = await confirmedReservation(Date.now() + 72 * HOUR, {}, 7700);
    const form = await openCancelForm(guestUrl);
    const res = await postCancel(guestUrl, form);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${guestUrl.replace(ORIGIN, "")}?cancel=cancelled`);
    expect((await record(id)).status).toBe("cancelled");
    await waitForJobs(id);
    const refunds = await refundsOf(id);
    expect(refunds.map((r) => r.amount)).toEqual([7700]);
    const sent = await sentOf(id);
    expect(sent.filter((s) => s.channel === "sms").at(-1)!.body).toContain("7,700円を全額返金します");
    expect(sent.some((s) => s.channel === "email" && s.subject === "[QRV] 予約キャンセルのお知らせ")).toBe(true);
    await expect.poll(async () => (await record(id)).data.payment!.refund!.status).toBe("succeeded");
    const after = await page(`${ORIGIN}${res.headers.get("Location")}`);
    expect(after).toContain("キャンセルしました。7,700円を全額返金します。");
    expect(after).toContain("返金 7,700円: 返金済み");
    expect(after).not.toContain('id="cancel-start"');
  });

  it("a double click (the same form twice at once) cancels and refunds once", async () => {
    const { id, guestUrl } = await confirmedReservation(Date.now() + 72 * HOUR);
    const form = await openCancelForm(guestUrl);
    const [a, b] = await Promise.all([postCancel(guestUrl, form), postCancel(guestUrl, form)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    // Both land on the cancelled page; the second was recognised as the same request.
    expect([a.headers.get("Location"), b.headers.get("Location")]).toEqual([expect.stringMatching(/\?cancel=cancelled$/), expect.stringMatching(/\?cancel=cancelled$/)]);
    await waitForJobs(id);
    expect(await refundsOf(id)).toHaveLength(1);
    expect((await jobsOf(id)).filter((j) => j.kind === "payment.refund")).toHaveLength(1);
  });

  it("a second tab and a resubmitted form after a reload do not cancel or refund again", async () => {
    const { id, guestUrl } = await confirmedReservation(Date.now() + 72 * HOUR);
    const tab1 = await openCancelForm(guestUrl);
    const tab2 = await openCancelForm(guestUrl, tab1.cookie);
    expect(tab2.nonce).not.toBe(tab1.nonce);
    expect((await postCancel(guestUrl, tab1)).headers.get("Location")).toMatch(/\?cancel=cancelled$/);
    const second = await postCancel(guestUrl, tab2);
    expect(second.headers.get("Location")).toMatch(/\?cancel=already$/);
    expect(await page(`${ORIGIN}${second.headers.get("Location")}`)).toContain("この予約はすでにキャンセルされています。");
    // The browser's "resend the form?" after a reload is the first form again.
    expect((await postCancel(guestUrl, tab1)).headers.get("Location")).toMatch(/\?cancel=cancelled$/);
    // Reloading the result page is a GET: it changes nothing.
    await page(`${guestUrl}?cancel=cancelled`);
    await waitForJobs(id);
    expect(await refundsOf(id)).toHaveLength(1);
    const sms = (await sentOf(id)).filter((s) => s.channel === "sms" && s.body.includes("キャンセルしました"));
    expect(sms).toHaveLength(1);
    // A cancelled booking offers no cancel page any more.
    expect((await get(`${guestUrl}/cancel`)).status).toBe(303);
  });

  it("before payment: free, and the payment link is closed", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    await waitForStatus(id, "payment_pending");
    const form = await openCancelForm(guestUrl);
    expect(await page(`${guestUrl}/cancel`, { Cookie: form.cookie })).toContain("お支払い前のため、料金はかかりません。");
    const res = await postCancel(guestUrl, form);
    expect(res.headers.get("Location")).toMatch(/\?cancel=cancelled$/);
    expect(await page(`${ORIGIN}${res.headers.get("Location")}`)).toContain("キャンセルしました。料金はかかりません。");
    const r = await record(id);
    expect(r.status).toBe("cancelled");
    expect(r.data.cancellation).toMatchObject({ by: "requester", refund: false });
  });
});

describe("CSRF", () => {
  it("refuses a cancel without the token, with another browser's token, or from another site", async () => {
    const { id, guestUrl } = await confirmedReservation(Date.now() + 72 * HOUR);
    const form = await openCancelForm(guestUrl);
    const other = await openCancelForm(guestUrl, "__Host-qrv_csrf=" + "B".repeat(43));
    const attempts: [string, Response][] = [
      ["no token", await postCancel(guestUrl, { cookie: form.cookie, nonce: form.nonce })],
      ["no cookie", await postCancel(guestUrl, { csrf: form.csrf, nonce: form.nonce })],
      ["another browser's token", await postCancel(guestUrl, { cookie: form.cookie, csrf: other.csrf, nonce: form.nonce })],
      ["cross-site origin", await postCancel(guestUrl, form, { Origin: "https://evil.example" })],
      ["cross-site fetch", await postCancel(guestUrl, form, { "Sec-Fetch-Site": "cross-site" })],
    ];
    for (const [why, res] of attempts) {
      expect(res.status, why).toBe(403);
      expect(await res.text(), why).toContain("ページの有効期限が切れました");
    }
    expect((await record(id)).status).toBe("confirmed");
    expect((await jobsOf(id)).filter((j) => j.kind === "payment.refund")).toHaveLength(0);
    // A GET never cancels.
    await page(`${guestUrl}/cancel`, { Cookie: form.cookie });
    expect((await record(id)).status).toBe("confirmed");
    expect((await postCancel(guestUrl, { cookie: form.cookie, nonce: form.nonce }, { Origin: "null" })).status).toBe(403);
    // The genuine form still works, also as Chromium sends it under Referrer-Policy: no-referrer.
    expect((await postCancel(guestUrl, form, { Origin: "null", "Sec-Fetch-Site": "same-origin" })).headers.get("Location")).toMatch(/\?cancel=cancelled$/);
  });

  it("gives the token in an HttpOnly, SameSite, __Host- cookie", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    await waitForStatus(id, "payment_pending");
    const res = await get(`${guestUrl}/cancel`);
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^__Host-qrv_csrf=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
  });
});

describe("add to calendar", () => {
  it("a confirmed booking downloads as an iCalendar event in UTC, with the shop and its address", async () => {
    const startAt = Math.ceil((Date.now() + 72 * HOUR) / MINUTE) * MINUTE;
    const { id, guestUrl } = await confirmedReservation(startAt);
    const res = await exports.default.fetch(`${guestUrl}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="${id}.ics"`);
    const ics = await res.text();
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    const unfolded = ics.replace(/\r\n /g, "");
    const utc = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").slice(0, 15) + "Z";
    expect(unfolded).toContain(`UID:${id}@qrv.test\r\n`);
    expect(unfolded).toContain(`DTSTART:${utc(startAt)}\r\n`);
    expect(unfolded).toContain(`DTEND:${utc(startAt + HOUR)}\r\n`);
    expect(unfolded).toContain("SUMMARY:カット · 確定する店\r\n");
    expect(unfolded).toContain("LOCATION:確定する店\\, 東京都テスト区1-1\r\n");
    expect(unfolded).toContain(`DESCRIPTION:予約ID: ${id}\\n人数: 2名\\n金額: 6\\,600円\\nキャンセル期限: `);
    expect(unfolded).toContain("STATUS:CONFIRMED");
    // Every physical line fits in 75 octets.
    for (const line of ics.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    // The guest link (with its token) is not written into a file that calendars sync and share.
    expect(ics).not.toContain(guestUrl.split("/r/")[1]!);
  });

  it("is not offered before confirmation", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    await waitForStatus(id, "payment_pending");
    expect(await page(guestUrl)).not.toContain("calendar.ics");
    const res = await get(`${guestUrl}/calendar.ics`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("予約の確定後");
  });
});

describe("language", () => {
  it("is Japanese by default and English by Accept-Language", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    await waitForStatus(id, "payment_pending");
    const ja = await page(guestUrl);
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain(">English</a>");
    const en = await page(guestUrl, { "Accept-Language": "en-US,en;q=0.9,ja;q=0.5" });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("Waiting for payment");
    expect(en).toContain("Nothing has been paid, so you can cancel free of charge.");
    expect(en).toContain(">日本語</a>");
    expect(await page(guestUrl, { "Accept-Language": "ja,en;q=0.8" })).toContain('<html lang="ja">');
  });

  it("follows the language the reservation was made in", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where, { requester: { name: "Jane Doe", phone: "+819012345678", language: "en" } });
    await waitForStatus(id, "payment_pending");
    expect(await page(guestUrl, { "Accept-Language": "ja" })).toContain('<html lang="en">');
  });

  it("the toggle's choice sticks in a cookie and wins over everything else", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where, { requester: { name: "Jane Doe", phone: "+819012345678", language: "en" } });
    await waitForStatus(id, "payment_pending");
    const toggled = await get(`${guestUrl}?lang=ja&payment=cancel`);
    expect(toggled.status).toBe(303);
    expect(toggled.headers.get("Location")).toBe(`${guestUrl.replace(ORIGIN, "")}?payment=cancel`);
    const cookie = toggled.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^qrv_lang=ja; Max-Age=31536000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const jar = cookie.split(";")[0]!;
    expect(await page(guestUrl, { Cookie: jar, "Accept-Language": "en" })).toContain('<html lang="ja">');
    expect(await page(`${ORIGIN}/faq`, { Cookie: jar, "Accept-Language": "en" })).toContain('<html lang="ja">');
    expect(await page(`${ORIGIN}/faq`, { Cookie: "qrv_lang=en" })).toContain('<html lang="en">');
    // Anything but ja or en is ignored.
    expect((await get(`${guestUrl}?lang=fr`)).status).toBe(200);
  });
});

describe("FAQ", () => {
  it("explains booking, SMS, payment and the cancellation policy, in both languages", async () => {
    const ja = await page(`${ORIGIN}/faq`);
    for (const text of ["予約の流れ", "SMSについて", "お支払いについて", "キャンセルについて", "10分以内", "48時間前", "03-0000-0000", "support@qrv.example"]) expect(ja).toContain(text);
    const en = await page(`${ORIGIN}/faq`, { "Accept-Language": "en" });
    for (const text of ["How booking works", "SMS", "Payment", "Cancellation", "48 hours", "Contact support"]) expect(en).toContain(text);
  });
});
