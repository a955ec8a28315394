// 1-on-1 sessions in a real browser: a client on a phone agrees to the terms and contract, pays
// on the sandbox checkout and picks a time; and a coach, set up by an operator in the console,
// signs in on a phone and files the completion report once the session has started.
// Screenshots: test-results/screenshots/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { desktop, launch, phone, screenshot } from "./browser.ts";
import { agreeOnClientPage, callOnce, payCheckout, until, type SandboxRecord } from "./qrv.ts";
import { randomMobile } from "../mobile.ts";

const url = inject("qrvUrl");
const apiKey = inject("qrvApiKey");
const password = inject("qrvAdminPassword");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const call = <T>(name: string, args: Record<string, unknown>) => callOnce<T>(url, apiKey, name, args);

type View = { status: string; payment_url?: string; session?: { start: string; meeting_url: string } };

async function reloadUntil(page: Page, selector: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.locator(selector).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector} on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 400));
    await page.reload();
  }
}

const mobile = () => randomMobile("080");

describe("a client on a phone", () => {
  it("agrees to the terms and contract, pays and picks a time, then sees the meeting information", async () => {
    const req = await call<{ engagement_id: string; page_url: string }>("request_session", {
      coach_id: "coach_sato",
      menu_id: "menu_sato_single",
      name: "山田 花子",
      phone: mobile(),
      topic: "転職の相談",
      preferred_times: ["平日の夜"],
    });
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(req.page_url);
    await screenshot(page, "session-client-terms-sent");
    await page.getByRole("link", { name: "規約と契約書を確認する" }).click();
    await page.locator("#doc-terms").waitFor();
    await page.getByLabel("利用規約に同意します").check();
    await page.getByLabel("契約書の内容で申し込みます").check();
    await screenshot(page, "session-client-terms");
    await page.getByRole("button", { name: "同意して申し込む" }).click();
    await page.waitForURL(/\?done=agreed/);
    await reloadUntil(page, "#pay");
    await screenshot(page, "session-client-pay");
    await page.locator("#pay").click();
    await page.getByRole("button", { name: /支払う/ }).click();
    await page.waitForURL(/\/s\/[A-Za-z0-9_-]+\?payment=success/);
    await reloadUntil(page, "#pick-time");
    await page.locator("#pick-time").click();
    await page.locator("#book-form").waitFor();
    await screenshot(page, "session-client-pick-time");
    const first = page.locator('input[name="start"]').first();
    const start = Number(await first.getAttribute("value"));
    await first.check();
    await page.getByRole("button", { name: "この日時で予約する" }).click();
    await page.waitForURL(/\?done=booked/);
    await expect.poll(() => page.locator("#status").textContent()).toContain("セッション予約済み");
    expect(await page.locator("#meeting-url").textContent()).toBe("https://meet.example.com/sato-room");
    await screenshot(page, "session-client-booked");
    const view = await call<View>("get_session", { engagement_id: req.engagement_id });
    expect(view.status).toBe("scheduled");
    expect(Date.parse(view.session!.start)).toBe(start);
    await context.close();
  });
});

describe("a coach", () => {
  it("is set up by an operator, signs in on a phone and files the completion report", { timeout: 240_000 }, async () => {
    // The operator sets the coach up in the console: profile, a menu, terms and contract, and
    // extra hours starting in about two minutes (so the session can start during the test).
    const console_ = await desktop(browser);
    const op = await console_.newPage();
    await op.goto(`${url}/admin/login`);
    await op.fill("#name", "運営 花子");
    await op.fill("#password", password);
    await op.getByRole("button", { name: "ログイン" }).click();
    await op.goto(`${url}/admin/coaches`);
    const coachPhone = mobile();
    await op.fill('#coach-form [name="name"]', "E2E コーチ");
    await op.fill('#coach-form [name="phone"]', coachPhone);
    await op.fill('#coach-form [name="meeting_url"]', "https://meet.example.com/e2e-room");
    await op.locator("#coach-form").getByRole("button", { name: "保存" }).click();
    await op.waitForURL(/\/admin\/coaches\/coach_/);
    const coachId = op.url().split("/").pop()!;
    await op.fill('#menu-form [name="name"]', "クイック相談 15分");
    await op.fill('#menu-form [name="price_jpy"]', "1100");
    await op.fill('#menu-form [name="minutes"]', "15");
    await op.locator("#menu-form").getByRole("button", { name: "追加" }).click();
    for (const kind of ["terms", "contract"]) {
      await op.fill(`form[action$="/documents/${kind}"] textarea[name="body"]`, kind === "terms" ? "キャンセルは24時間前まで。" : "料金は前払いです。");
      await op.locator(`form[action$="/documents/${kind}"]`).getByRole("button").click();
      await op.waitForURL(/\/admin\/coaches\/coach_/);
    }
    const start = Math.ceil((Date.now() + 100_000) / 60_000) * 60_000;
    const local = new Date(start + 9 * 3_600_000).toISOString();
    await op.fill("#exceptions", `${local.slice(0, 10)} ${local.slice(11, 16)}-23:59`);
    await op.fill("#notice", "0");
    await op.fill("#buffer", "0");
    await op.locator("#availability-form").getByRole("button", { name: "保存する" }).click();
    await op.waitForURL(/\/admin\/coaches\/coach_/);
    expect(await op.locator(".flash").textContent()).toContain("空き枠を保存しました");
    await screenshot(op, "session-console-coach-settings");
    await console_.close();

    // A client books the first slot (inquiry over MCP, terms on the page, sandbox checkout).
    const coaches = await call<{ coaches: { coach_id: string; menus: { menu_id: string }[] }[] }>("list_coaches", {});
    const menuId = coaches.coaches.find((c) => c.coach_id === coachId)!.menus[0]!.menu_id;
    const req = await call<{ engagement_id: string; page_url: string }>("request_session", { coach_id: coachId, menu_id: menuId, name: "佐々木 一郎", phone: mobile(), topic: "キャリア", preferred_times: ["今日"] });
    await agreeOnClientPage(req.page_url, "佐々木 一郎");
    const link = await until(async () => (await call<View>("get_session", { engagement_id: req.engagement_id })).payment_url, 20_000, "the payment link");
    await payCheckout(link);
    await until(async () => (await call<View>("get_session", { engagement_id: req.engagement_id })).status === "scheduling", 20_000, "the payment");
    const iso = `${local.slice(0, 19)}+09:00`;
    const booked = await call<View>("book_session_slot", { engagement_id: req.engagement_id, start: iso });
    expect(booked.status).toBe("scheduled");

    // The coach signs in on a phone and sees the session coming.
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${url}/coach`);
    await page.getByLabel("携帯電話番号").fill(coachPhone);
    await page.getByRole("button", { name: "コードを送る" }).click();
    await page.getByLabel("確認コード").waitFor();
    const sms = await until(async () => {
      const { records } = (await (await fetch(`${url}/sandbox/outbox?channel=sms`)).json()) as { records: SandboxRecord[] };
      return records.find((r) => r.to === `+81${coachPhone.slice(1)}` && /確認コード/.test(r.body));
    }, 10_000, "the sign-in SMS");
    await page.getByLabel("確認コード").fill(sms.body.match(/(\d{6})/)![1]!);
    await page.getByRole("button", { name: "確認する" }).click();
    await page.waitForURL(/\/coach$/);
    expect(await page.locator("#today").textContent()).toContain("佐々木 一郎");
    await screenshot(page, "session-coach-today");

    // Once the session has started (its alarm fires at the start), the report form appears.
    await until(async () => (await call<View>("get_session", { engagement_id: req.engagement_id })).status === "in_session", Math.max(0, start - Date.now()) + 60_000, "the session to start");
    await page.reload();
    await page.locator("#to-report form").waitFor();
    await page.getByLabel("実施").check();
    await page.getByLabel(/振り返りメモ/).fill("強みを3つ言語化。次回までに職務経歴書を更新。");
    await screenshot(page, "session-coach-report");
    await page.getByRole("button", { name: "完了報告を送る" }).click();
    await page.waitForURL(/done=report/);
    expect(await page.locator("#flash").textContent()).toContain("完了報告を受け付けました");
    await screenshot(page, "session-coach-reported");
    await until(async () => (await call<View>("get_session", { engagement_id: req.engagement_id })).status === "followed_up", 20_000, "the follow-up");
    await context.close();
  });
});
