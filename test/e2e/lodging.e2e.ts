// A lodging member in a real browser at a phone's size: signs in with their phone, registers,
// tops up through the sandbox checkout, puts two room types in the cart, pays with points and
// sees the order with its room numbers. Screenshots: test-results/screenshots/lodging-*.png.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, phone, screenshot } from "./browser.ts";
import { enterPhoneAndCode, jstDateIn, until } from "./qrv.ts";
import { randomMobile } from "../mobile.ts";

const url = inject("qrvUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});


describe("a lodging member", () => {
  it("tops up, fills a cart with two room types, pays with points and sees the order with room numbers", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${url}/member`);
    expect(page.url()).toContain("/account/sign-in");
    const mobile = randomMobile("070");
    await enterPhoneAndCode(page, url, mobile);

    // Registration.
    await page.waitForURL(/\/member\/register$/);
    await page.getByLabel("お名前").fill("高橋 美咲");
    await page.getByLabel("身分証番号").fill("AB1234567");
    await page.getByLabel("メールアドレス").fill("misaki@example.jp");
    await page.getByLabel("生年月日").fill("1992-08-20");
    await screenshot(page, "lodging-register");
    await page.getByRole("button", { name: "登録する" }).click();
    await page.waitForURL(/\/member\?registered=1$/);
    expect(await page.content()).toContain("••••4567");
    expect(await page.content()).not.toContain("AB1234567");

    // Top up 100,000 points on the sandbox checkout.
    await page.goto(`${url}/member/points`);
    await page.getByLabel("チャージするポイント").fill("100000");
    await page.getByRole("button", { name: "カードで支払う" }).click();
    await page.waitForURL(/\/sandbox\/checkout\//);
    await page.locator("#pay").click();
    await page.waitForURL(/\/member\/points\?topup=success/);
    await until(async () => {
      await page.goto(`${url}/member/points`);
      return (await page.locator("#balance").textContent())?.includes("100,000");
    }, 15_000, "the points credited");
    await screenshot(page, "lodging-points");

    // Search two nights and put a twin and a double in the cart.
    const checkIn = jstDateIn(45);
    const checkOut = jstDateIn(47);
    await page.goto(`${url}/member/search`);
    await page.getByLabel("チェックイン").fill(checkIn);
    await page.getByLabel("チェックアウト").fill(checkOut);
    await page.getByRole("button", { name: "検索" }).click();
    await page.locator(".room-type").first().waitFor();
    await screenshot(page, "lodging-search");
    await page.locator('.room-type[data-room-type="ツイン"] .add-to-cart').click();
    await page.waitForURL(/\/member\/cart$/);
    await page.goto(`${url}/member/search?check_in=${checkIn}&check_out=${checkOut}`);
    await page.locator('.room-type[data-room-type="ダブル"] .add-to-cart').click();
    await page.waitForURL(/\/member\/cart$/);
    expect(await page.locator(".cart-line").count()).toBe(2);
    await screenshot(page, "lodging-cart");

    // Order: paid with points at once.
    await page.locator("#place-order").click();
    await page.waitForURL(/\/member\/orders\/QRL-[A-Z0-9]{8}$/);
    await expect.poll(() => page.locator("#order-status").textContent()).toContain("予約確定");
    const rooms = await page.locator(".room-number").allTextContents();
    expect(rooms).toHaveLength(2);
    expect(rooms.join(" ")).toMatch(/\d{3}号室（ツイン）/);
    expect(rooms.join(" ")).toMatch(/\d{3}号室（ダブル）/);
    await screenshot(page, "lodging-order");
    await context.close();
  });
});
