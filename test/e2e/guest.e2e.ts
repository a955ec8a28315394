// The guest pages on a phone-sized Chromium, from the SMS link: follow the booking live, pay
// on the sandbox checkout, add it to the calendar, cancel with a refund, meet the 48-hour
// refusal, write to support, and switch language. Screenshots land in test-results/screenshots/.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, phone, screenshot } from "./browser.ts";
import { book, guestLink, jstIn, payCheckout, paymentLink, sent, until } from "./qrv.ts";

const url = inject("qrvUrl");
const apiKey = inject("qrvApiKey");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A haircut in Shibuya (the first sample shop declines, the second accepts), `hours` ahead. */
async function bookHaircut(hours: number, extra: Record<string, unknown> = {}): Promise<{ id: string; link: string }> {
  const { reservation_id: id } = await book(url, apiKey, { service: "カット", area: "渋谷", start: jstIn(hours), ...extra });
  return { id, link: await guestLink(url, id) };
}

/** The status pill, read as the page shows it (it updates itself: nothing here reloads). */
async function statusBecomes(page: Page, text: string, timeout = 20_000): Promise<void> {
  await page.locator("#status", { hasText: text }).waitFor({ timeout });
}

describe("following and paying from the SMS link", () => {
  it("shows the booking move on by itself, pays on the checkout and confirms", async () => {
    const { id, link } = await bookHaircut(72);
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(link);
    await screenshot(page, "guest-01-opened-from-sms");

    // The shop accepts while the page is open: the pay button and countdown appear without a reload.
    await page.locator("#pay").waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator("#status").textContent()).toContain("お支払い待ち");
    const first = await page.locator("[data-remaining]").textContent();
    expect(first).toMatch(/^\d{1,2}:\d{2}$/);
    await page.waitForTimeout(1_500);
    expect(await page.locator("[data-remaining]").textContent()).not.toBe(first);
    await screenshot(page, "guest-02-payment-pending");

    await page.locator("#pay").click();
    await page.waitForURL(/\/sandbox\/checkout\//);
    await page.getByRole("button", { name: /支払う/ }).click();
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]+\?payment=success/);
    // The return page shows the live status: it turns to confirmed when the webhook lands.
    await statusBecomes(page, "予約確定");
    await expect.poll(() => page.locator("#banner").textContent()).toContain("お支払いを確認しました");
    expect(await page.locator("#shop").textContent()).toContain("ミドリ");
    await screenshot(page, "guest-03-confirmed");

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#calendar").click()]);
    expect(download.suggestedFilename()).toBe(`${id}.ics`);
    const ics = readFileSync((await download.path())!, "utf8");
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toContain("ミドリ");
    await context.close();
  });
});

describe("cancelling", () => {
  it("a confirmed booking more than 48 hours ahead: cancelled, and the refund shows up", async () => {
    const { id, link } = await bookHaircut(72);
    await payCheckout(await paymentLink(url, id));
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(link);
    await statusBecomes(page, "予約確定");
    expect(await page.locator("#cancel").textContent()).toContain("48時間前まではキャンセルでき、全額返金します");

    await page.locator("#cancel-start").click();
    await page.locator("#cancel-effect").waitFor();
    expect(await page.locator("#cancel-effect").textContent()).toContain("6,600円を全額返金します");
    await screenshot(page, "guest-04-cancel-confirm");

    // A double tap on the button: one cancellation, one refund.
    await page.locator("#cancel-confirm-button").dblclick();
    await page.waitForURL(/\?cancel=cancelled$/);
    await statusBecomes(page, "キャンセル済み");
    expect(await page.locator("#banner").textContent()).toContain("キャンセルしました。6,600円を全額返金します。");
    await page.locator("#refund", { hasText: "返金済み" }).waitFor({ timeout: 20_000 });
    expect(await page.locator("#cancel-start").count()).toBe(0);
    await screenshot(page, "guest-05-cancelled-refunded");

    // A reload of the result page changes nothing.
    await page.reload();
    await statusBecomes(page, "キャンセル済み");
    const refunds = (await sent(url, id, "payment")).filter((p) => p.subject === "refunds.create");
    expect(refunds).toHaveLength(1);
    const sms = await until(async () => (await sent(url, id, "sms")).filter((s) => s.body.includes("全額返金")), 10_000, "the refund SMS");
    expect(sms).toHaveLength(1);
    expect((await sent(url, id, "email")).some((e) => e.subject === "[QRV] 予約キャンセルのお知らせ")).toBe(true);
    await context.close();
  });

  it("under 48 hours: no cancel button, the seed's message and the way to support", async () => {
    const { id, link } = await bookHaircut(5);
    await payCheckout(await paymentLink(url, id));
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(link);
    await statusBecomes(page, "予約確定");
    expect(await page.locator("#cancel-start").count()).toBe(0);
    expect(await page.locator("#too-late").textContent()).toBe("キャンセル期限を過ぎています。カスタマーサポートまでご連絡ください");
    expect(await page.locator('#cancel a[href^="tel:"]').count()).toBe(1);
    await page.locator("#cancel").scrollIntoViewIfNeeded();
    await screenshot(page, "guest-06-too-late");

    // The support form from here is tied to this reservation.
    await page.locator("#cancel").getByRole("link", { name: "問い合わせフォーム" }).click();
    await page.locator("#inquiry").waitFor();
    await page.getByLabel("質問").check();
    await page.getByLabel("お名前").fill("山田 太郎");
    await page.getByLabel("ご連絡先（メールアドレスまたは電話番号）").fill("090-1234-5678");
    await page.getByLabel("内容").fill("体調不良のため、明日の予約をキャンセルできますか。");
    await screenshot(page, "guest-07-support-form");
    await page.locator("#inquiry-send").click();
    await page.locator("#inquiry-sent").waitFor();
    expect(await page.locator("#inquiry-sent").textContent()).toContain("お問い合わせを受け付けました");
    await screenshot(page, "guest-08-support-sent");
    await context.close();
  });
});

describe("when no booking can be made at once", () => {
  it("an unclear answer from the shop: the page says staff are checking", async () => {
    // Sample shops in Shinjuku: the first does not answer, the second answers unclearly.
    const { reservation_id: id } = await book(url, apiKey, { service: "ディナー", area: "新宿", start: jstIn(72) });
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(await guestLink(url, id));
    await statusBecomes(page, "店舗の回答を確認中");
    expect(await page.locator("#next").textContent()).toContain("担当者が店舗に確認しています");
    expect(await page.locator("#pay").count()).toBe(0);
    await screenshot(page, "guest-13-shop-unclear");
    await context.close();
  });

  it("no shop after two rounds: the page says so, and that nothing was charged", async () => {
    // Sample shops in Umeda: both nail salons decline, twice.
    const { reservation_id: id } = await book(url, apiKey, { service: "ネイル", area: "梅田", start: jstIn(72) });
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(await guestLink(url, id));
    await statusBecomes(page, "予約できませんでした");
    expect(await page.locator("#next").textContent()).toContain("料金はかかっていません");
    // Staff may still find a shop; the requester can withdraw instead of "cancelling" a booking that never was.
    expect(await page.locator("#cancel-start").textContent()).toBe("リクエストを取り下げる");
    await screenshot(page, "guest-14-no-shop");
    await context.close();
  });
});

describe("language", () => {
  it("switches to English with the toggle, keeps it, and follows the browser's language", async () => {
    const { link } = await bookHaircut(96);
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(link);
    await page.locator("#pay").waitFor({ timeout: 20_000 });
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");

    await page.locator("#lang-toggle").click();
    await page.locator('html[lang="en"]').waitFor({ state: "attached" });
    expect(await page.locator("#status").textContent()).toBe("Waiting for payment (10 minutes)");
    expect(await page.locator("#pay").textContent()).toBe("Pay 6,600円");
    await screenshot(page, "guest-09-english");

    // The choice sticks: a reload and the FAQ stay in English.
    await page.reload();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.goto(`${url}/faq`);
    expect(await page.locator("h1").textContent()).toBe("FAQ");
    await page.locator("summary", { hasText: "Is there a fee?" }).click();
    await screenshot(page, "guest-10-faq-english");
    await page.locator("#lang-toggle").click();
    await page.locator('html[lang="ja"]').waitFor({ state: "attached" });
    await page.locator("summary", { hasText: "キャンセル料はかかりますか？" }).click();
    await screenshot(page, "guest-11-faq-japanese");
    await context.close();

    // A browser set to English gets English without touching the toggle.
    const english = await phone(browser, "en-US");
    const page2 = await english.newPage();
    await page2.goto(link);
    expect(await page2.locator("html").getAttribute("lang")).toBe("en");
    await english.close();
  });

  it("an unknown link gets a friendly page", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    const res = await page.goto(`${url}/r/${"x".repeat(43)}`);
    expect(res!.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("予約が見つかりません");
    await screenshot(page, "guest-12-unknown-link");
    await context.close();
  });
});
