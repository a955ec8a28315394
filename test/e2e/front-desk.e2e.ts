// A front-desk day in a real browser at laptop size: a member (on a phone) books tonight and a
// later stay, and asks to cancel one room of the later one; at the desk an operator checks the
// guest in against their ID document, checks them out, marks the room cleaned and approves the
// partial cancellation — while a second window's room board follows every change by itself,
// never reloaded: the room cards and the lists below them (arrivals, who is in, pending
// cancellations), including an arrival booked while the board is open. A phone-width board
// too. Screenshots: test-results/screenshots/front-desk-*.png.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { desktop, launch, phone, screenshot } from "./browser.ts";
import { enterPhoneAndCode, jstDateIn, until } from "./qrv.ts";
import { randomMobile } from "../mobile.ts";

const url = inject("qrvUrl");
const password = inject("qrvAdminPassword");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});


async function order(page: Page, type: string, checkIn: string, checkOut: string, quantity: number): Promise<{ id: string; rooms: string[] }> {
  await page.goto(`${url}/member/search?check_in=${checkIn}&check_out=${checkOut}`);
  const card = page.locator(`.room-type[data-room-type="${type}"]`);
  const qty = card.locator('select[name="quantity"], input[name="quantity"]');
  if ((await qty.count()) > 0) {
    if ((await qty.evaluate((el) => el.tagName)) === "SELECT") await qty.selectOption(String(quantity));
    else await qty.fill(String(quantity));
  }
  await card.locator(".add-to-cart").click();
  await page.waitForURL(/\/member\/cart$/);
  await page.locator("#place-order").click();
  await page.waitForURL(/\/member\/orders\/QRL-[A-Z0-9]{8}$/);
  await expect.poll(() => page.locator("#order-status").textContent()).toContain("予約確定");
  const rooms = (await page.locator(".room-number strong").allTextContents()).map((t) => t.match(/^(\S+?)号室/)?.[1] ?? t);
  return { id: page.url().split("/").pop()!, rooms };
}

describe("a front-desk day", () => {
  it("check-in, check-out, cleaned and a partial cancellation approved, with the board updating by itself", async () => {
    // The member: sign in, register, top up, book tonight (one twin) and a stay in a month (two twins).
    const mobileContext = await phone(browser);
    const member = await mobileContext.newPage();
    await member.goto(`${url}/member`);
    const mobile = randomMobile("080");
    await enterPhoneAndCode(member, url, mobile);
    await member.waitForURL(/\/member\/register$/);
    await member.getByLabel("お名前").fill("中村 陽子");
    await member.getByLabel("身分証番号").fill("FD7654321");
    await member.getByLabel("メールアドレス").fill("yoko@example.jp");
    await member.getByLabel("生年月日").fill("1988-02-02");
    await member.getByRole("button", { name: "登録する" }).click();
    await member.waitForURL(/\/member\?registered=1$/);
    await member.goto(`${url}/member/points`);
    await member.getByLabel("チャージするポイント").fill("200000");
    await member.getByRole("button", { name: "カードで支払う" }).click();
    await member.waitForURL(/\/sandbox\/checkout\//);
    await member.locator("#pay").click();
    await member.waitForURL(/\/member\/points\?topup=success/);
    await until(async () => {
      await member.goto(`${url}/member/points`);
      return (await member.locator("#balance").textContent())?.includes("200,000");
    }, 15_000, "the points credited");
    const tonight = await order(member, "ツイン", jstDateIn(0), jstDateIn(1), 1);
    const later = await order(member, "ツイン", jstDateIn(30), jstDateIn(31), 2);
    expect(tonight.rooms).toHaveLength(1);
    expect(later.rooms).toHaveLength(2);

    // The member asks to cancel the later twin: the quote first, then the request.
    await member.goto(`${url}/member/orders/${later.id}/cancel?room=${encodeURIComponent(later.rooms[0]!)}`);
    expect(await member.locator("#quote-refund").textContent()).toMatch(/ポイント/);
    await screenshot(member, "front-desk-member-quote");
    await member.getByRole("button", { name: "この内容でキャンセルを依頼する" }).click();
    await member.waitForURL(new RegExp(`/member/orders/${later.id}\\?`));
    expect(await member.content()).toContain("フロントの承認をお待ちください");
    await screenshot(member, "front-desk-member-pending");

    // The desk: one window for actions, one for the board that is never reloaded.
    const laptop = await desktop(browser);
    const desk = await laptop.newPage();
    await desk.goto(`${url}/admin/login`);
    await desk.fill("#name", "フロント 佐々木");
    await desk.fill("#password", password);
    await desk.click("#login button[type=submit]");
    await desk.waitForURL(`${url}/admin`);
    const board = await laptop.newPage();
    await board.goto(`${url}/admin/lodging`);
    const roomId = await board.locator(".room", { hasText: tonight.rooms[0]! }).first().getAttribute("data-room");
    const card = board.locator(`[data-room="${roomId}"]`);
    expect(await card.getAttribute("data-status")).toBe("reserved");
    const boardArrival = board.locator(`#list-arrivals tr[data-arrival^="${tonight.id}:"]`);
    expect(await boardArrival.getByRole("button", { name: "チェックイン" }).isVisible()).toBe(true);
    expect(await board.locator(`#list-pending tr[data-pending="${later.id}"]`).textContent()).toContain("一部");
    await screenshot(board, "front-desk-board-morning");

    // A guest books tonight while the board is open: the arrival appears on it by itself.
    const walkIn = await order(member, "ダブル", jstDateIn(0), jstDateIn(1), 1);
    const walkInRow = board.locator(`#list-arrivals tr[data-arrival^="${walkIn.id}:"]`);
    await expect.poll(() => walkInRow.count(), { timeout: 10_000 }).toBe(1);
    expect(await walkInRow.textContent()).toContain("中村 陽子");
    expect(await walkInRow.textContent()).toContain(walkIn.rooms[0]!);
    await screenshot(board, "front-desk-board-walk-in");

    await desk.goto(`${url}/admin/lodging`);
    const arrival = desk.locator(`tr[data-arrival^="${tonight.id}:"]`);
    await arrival.locator('input[name="id_number"]').fill("FD0000000");
    await arrival.getByRole("button", { name: "チェックイン" }).click();
    await expect.poll(() => desk.locator(".flash.error").textContent()).toContain("一致しません");
    await desk.locator(`tr[data-arrival^="${tonight.id}:"] input[name="id_number"]`).fill("FD7654321");
    await desk.locator(`tr[data-arrival^="${tonight.id}:"]`).getByRole("button", { name: "チェックイン" }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("チェックインしました");
    await expect.poll(() => card.getAttribute("data-status"), { timeout: 10_000 }).toBe("occupied");
    expect(await card.textContent()).toContain("中村 陽子");
    // The lists follow: the arrival shows checked in, and the guest is in house, with a check-out button.
    await expect.poll(() => boardArrival.locator(".tag.ok").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await boardArrival.getByRole("button", { name: "チェックイン" }).count()).toBe(0);
    const inHouse = board.locator(`#list-inHouse tr[data-occupied="${roomId}"]`);
    await expect.poll(() => inHouse.count(), { timeout: 10_000 }).toBe(1);
    expect(await inHouse.textContent()).toContain("中村 陽子");
    expect(await inHouse.getByRole("button", { name: "チェックアウト" }).isVisible()).toBe(true);
    await screenshot(board, "front-desk-board-occupied");

    await desk.locator(`tr[data-occupied="${roomId}"]`).getByRole("button", { name: "チェックアウト" }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("チェックアウトしました");
    await expect.poll(() => card.getAttribute("data-status"), { timeout: 10_000 }).toBe("cleaning");
    await expect.poll(() => inHouse.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => board.locator(`#list-service tr[data-service="${roomId}"]`).getByRole("button", { name: "清掃完了" }).isVisible(), { timeout: 10_000 }).toBe(true);
    await screenshot(desk, "front-desk-desk");

    await desk.locator(`tr[data-service="${roomId}"]`).getByRole("button", { name: "清掃完了" }).click();
    await expect.poll(() => card.getAttribute("data-status"), { timeout: 10_000 }).toBe("available");

    // The partial cancellation, approved once.
    await desk.goto(`${url}/admin/lodging/cancellations`);
    const item = desk.locator(`[data-cancellation="${later.id}"]`);
    expect(await item.textContent()).toContain("チェックインの7日以上前");
    await screenshot(desk, "front-desk-cancellations");
    await item.getByRole("button", { name: /承認する/ }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("承認し、返金しました");
    expect(await desk.locator(`[data-cancellation="${later.id}"]`).count()).toBe(0);
    await expect.poll(() => board.locator(`#list-pending tr[data-pending="${later.id}"]`).count(), { timeout: 10_000 }).toBe(0);
    expect(await board.locator("#list-pending [data-empty]").isVisible()).toBe(true);
    await screenshot(board, "front-desk-board-evening");

    // The same board at a phone's width, still updating by itself: the walk-in's arrival is checked in from the desk.
    const small = await phone(browser);
    const phoneBoard = await small.newPage();
    await phoneBoard.context().addCookies(await laptop.cookies());
    await phoneBoard.goto(`${url}/admin/lodging`);
    await desk.goto(`${url}/admin/lodging`);
    await desk.locator(`tr[data-arrival^="${walkIn.id}:"] input[name="id_number"]`).fill("FD7654321");
    await desk.locator(`tr[data-arrival^="${walkIn.id}:"]`).getByRole("button", { name: "チェックイン" }).click();
    await expect.poll(() => desk.locator(".flash").textContent()).toContain("チェックインしました");
    await expect.poll(() => phoneBoard.locator(`#list-inHouse tr`).filter({ hasText: walkIn.rooms[0]! }).count(), { timeout: 10_000 }).toBe(1);
    await screenshot(phoneBoard, "front-desk-board-phone");
    // The lists as the phone's screen shows them (the full-page shot is too tall to read).
    await phoneBoard.locator("#list-arrivals").evaluate((el) => el.scrollIntoView());
    await phoneBoard.screenshot({ path: "test-results/screenshots/front-desk-board-phone-lists.png" });
    await small.close();

    // The rest of the order stands.
    await member.goto(`${url}/member/orders/${later.id}`);
    expect(await member.content()).toContain("返金済みポイント");
    expect(await member.locator("#order-status").textContent()).toContain("予約確定");
    await screenshot(member, "front-desk-member-after");
    await laptop.close();
    await mobileContext.close();
  });
});
