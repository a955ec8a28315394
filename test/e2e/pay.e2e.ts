// From the SMS link to a confirmed booking, on a phone-sized browser.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, phone, screenshot } from "./browser.ts";
import { book, jstIn, paymentLink } from "./qrv.ts";

const url = inject("qrvUrl");
const apiKey = inject("qrvApiKey");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("paying from the SMS link", () => {
  it("opens the payment link from the SMS, pays on the sandbox checkout and sees the booking confirmed", async () => {
    // Sample shops: in Shibuya the first haircut shop declines and the second accepts.
    const { reservation_id: id } = await book(url, apiKey, { service: "カット", area: "渋谷", start: jstIn(72) });
    const payUrl = await paymentLink(url, id);

    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(payUrl);
    await screenshot(page, "checkout-phone");
    await page.getByRole("button", { name: /支払う/ }).click();
    await page.waitForURL(/\/r\/[A-Za-z0-9_-]+\?payment=success/);
    await expect.poll(async () => {
      await page.reload();
      return page.locator("h1 .status").textContent();
    }, { timeout: 20_000 }).toContain("予約確定");
    await screenshot(page, "guest-confirmed-phone");
    await context.close();
  });
});
