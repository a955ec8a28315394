// The operator console in a browser: sign in with the local password, settle an unclear
// answer from the queue and watch the reservation go to payment, upload a shop CSV with a bad
// row (nothing imported), open both dashboards, and close an inquiry sent from /support. Screenshots: test-results/screenshots/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { desktop, launch, phone, screenshot } from "./browser.ts";
import { book, jstIn, texts, until } from "./qrv.ts";

const url = inject("qrvUrl");
const apiKey = inject("qrvApiKey");
const password = inject("qrvAdminPassword");
let browser: Browser;
let page: Page;
/** The reservation settled from the queue, paid before the dashboards are opened. */
let settled = "";

beforeAll(async () => {
  browser = await launch();
  const context = await desktop(browser);
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
});

async function reloadUntil(selector: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.locator(selector).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector} on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 300));
    await page.reload();
  }
}

describe("operator console", () => {
  it("is closed until an operator signs in with the local password", async () => {
    await page.goto(`${url}/admin`);
    expect(page.url()).toContain("/admin/login");
    await page.fill("#name", "山田（運営）");
    await page.fill("#password", "wrong-password");
    await page.click("#login button[type=submit]");
    await expect.poll(() => page.locator(".flash.error").textContent()).toContain("パスワードが違います");
    await screenshot(page, "admin-login-error");
    await page.fill("#password", password);
    await page.click("#login button[type=submit]");
    await page.waitForURL(`${url}/admin`);
    // Names are stored NFKC-normalized (full-width brackets become ASCII).
    expect(await page.locator("header nav .who").textContent()).toBe("山田(運営)");
  });

  it("settles an unclear answer from the queue: the reservation goes to payment_pending", async () => {
    // Sample shops: dinner in Shinjuku, the first shop does not answer, the second answers unclearly.
    const { reservation_id: id } = await book(url, apiKey, { service: "ディナー", area: "新宿", start: jstIn(72) });
    settled = id;
    await page.goto(`${url}/admin`);
    const item = `[data-reservation="${id}"][data-case="ambiguous_answer"]`;
    await reloadUntil(item);
    expect(await page.locator(item).textContent()).toContain("イタリアン ナツ");
    await screenshot(page, "admin-queue");

    await page.locator(`${item} button[name=answer][value=accepted]`).click();
    await page.waitForURL(`${url}/admin`);
    expect(await page.locator(".flash").textContent()).toContain(id);
    expect(await page.locator(item).count()).toBe(0);

    await page.goto(`${url}/admin/reservations/${id}`);
    await reloadUntil('h1 .status.payment_pending');
    const timeline = await page.locator("table.data").first().textContent();
    expect(timeline).toContain("shop_answer");
    expect(timeline).toContain("山田(運営)");
    await screenshot(page, "admin-reservation-payment-pending");
  });

  it("refuses a shop CSV with one bad row and imports nothing from it", async () => {
    await page.goto(`${url}/admin/shops`);
    const before = await page.locator("table.data tbody tr").count();
    const csv = [
      "name,phone,email,services,area,priority,price_jpy,sandbox_answer,address",
      "新しい店 ヒカリ,03-6000-0901,hikari@shops.example,カット,池袋,1,5000,accepted,東京都豊島区1-1",
      "壊れた店 カゲ,not-a-phone,kage@shops.example,カット,池袋,2,abc,maybe,",
    ].join("\n");
    await page.setInputFiles("input[type=file]", { name: "shops-with-a-bad-row.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await page.click("form[action='/admin/shops/import'] button[type=submit]");
    await page.waitForSelector("#csv-errors");
    const errors = await page.locator("#csv-errors").textContent();
    expect(errors).toContain("3行目");
    expect(errors).not.toContain("2行目");
    expect(await page.locator("table.data tbody tr").count()).toBe(before);
    expect(await page.locator("table.data").textContent()).not.toContain("ヒカリ");
    await screenshot(page, "admin-shops-csv-errors");
  });

  it("shows the operations and management dashboards", async () => {
    // The requester pays the link the operator's decision sent, so the month has revenue.
    const sms = await until(async () => (await texts(url, settled)).find((t) => t.body.includes("/sandbox/checkout/")), 20_000, "the payment SMS");
    const session = sms.body.match(/\/sandbox\/checkout\/([\w-]+)/)![1];
    await fetch(`${url}/sandbox/checkout/${session}/pay`, { method: "POST", body: new URLSearchParams({ card: "4242424242424242" }), redirect: "manual" });
    await page.goto(`${url}/admin/reservations/${settled}`);
    await reloadUntil("h1 .status.confirmed");
    await page.goto(`${url}/admin/dashboard`);
    expect(await page.locator("svg.chart").count()).toBeGreaterThanOrEqual(2);
    expect(Number((await page.locator("#kpi-today").textContent())!.replace(/\D/g, ""))).toBeGreaterThanOrEqual(1);
    await screenshot(page, "admin-dashboard-operations");
    await page.goto(`${url}/admin/management`);
    // The page shows the nightly batch; computing now brings in today's payment.
    await page.click("#compute-now");
    expect(await page.locator("#last-computed").textContent()).toContain("最終集計");
    expect(await page.locator("svg.chart").count()).toBe(4);
    expect(await page.locator("svg.chart").last().textContent()).toContain("イタリアン ナツ");
    await screenshot(page, "admin-dashboard-management");
    const csv = await page.request.get(`${url}/admin/management/monthly-reservations.csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain("month,requests,bookings");
  });

  it("works on a phone: a reservation no shop could take, with the shops to assign", async () => {
    // Sample shops: both nail salons in Umeda decline, twice.
    const { reservation_id: id } = await book(url, apiKey, { service: "ネイル", area: "梅田", start: jstIn(96) });
    const context = await phone(browser);
    const small = await context.newPage();
    await small.goto(`${url}/admin/login`);
    await small.fill("#name", "夜間オンコール");
    await small.fill("#password", password);
    await small.click("#login button[type=submit]");
    await small.waitForURL(`${url}/admin`);
    const item = `[data-reservation="${id}"][data-case="no_shop_available"]`;
    const deadline = Date.now() + 20_000;
    while ((await small.locator(item).count()) === 0) {
      if (Date.now() > deadline) throw new Error("no_shop_available never reached the queue");
      await new Promise((r) => setTimeout(r, 300));
      await small.reload();
    }
    expect(await small.locator(`${item} select[name=shop_id] option`).allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("ネイルサロン ユキ")]));
    await screenshot(small, "admin-queue-phone");
    await context.close();
  });

  it("records an incident and shows the alerts page", async () => {
    await page.goto(`${url}/admin/incidents/new`);
    await page.fill("#title", "SMS送信の遅延");
    await page.selectOption("#level", "high");
    await page.fill("#impact", "SMS送信 約20件が30分遅延");
    await page.fill("#cause", "SMSプロバイダの障害");
    await page.click("form.card button[type=submit]");
    await page.waitForURL(/\/admin\/incidents\/inc_/);
    expect(await page.locator(".flash").textContent()).toContain("SMS送信の遅延");
    await screenshot(page, "admin-incident");
    await page.goto(`${url}/admin/alerts`);
    expect(await page.locator("h1").textContent()).toBe("アラート");
    await screenshot(page, "admin-alerts");
  });

  it("answers an inquiry sent from the support page: unedited, moved to closed with a note", async () => {
    const words = `ポイントで支払えるようにしてほしいです ${Date.now()}`;
    const context = await phone(browser);
    const guest = await context.newPage();
    await guest.goto(`${url}/support`);
    await guest.getByLabel("要望").check();
    await guest.getByLabel("お名前").fill("鈴木 一郎");
    await guest.getByLabel("ご連絡先（メールアドレスまたは電話番号）").fill("ichiro@example.com");
    await guest.getByLabel("内容").fill(words);
    await guest.locator("#inquiry-send").click();
    await guest.locator("#inquiry-sent").waitFor();
    await context.close();

    await page.goto(`${url}/admin`);
    await page.locator("#new-inquiries a").click();
    const card = page.locator(".card", { hasText: words });
    expect(await card.locator("pre.message").textContent()).toBe(words);
    await card.locator("textarea").fill("実現したらメールで連絡する");
    await card.locator("select[name=status]").selectOption("closed");
    await screenshot(page, "admin-inquiries");
    await card.getByRole("button", { name: "保存", exact: true }).click();
    await page.waitForURL(/\/admin\/inquiries/);
    expect(await page.locator(".flash").textContent()).toContain("完了");
    await page.goto(`${url}/admin/inquiries?status=closed&category=request`);
    expect(await page.locator(".card", { hasText: words }).locator(".muted", { hasText: "最終更新" }).textContent()).toContain("山田(運営)");
  });

  it("makes the weekly report now and keeps it with its PDF; the support KPIs sit on the inquiries page", async () => {
    await page.goto(`${url}/admin/inquiries`);
    expect(await page.locator("#support-kpis").textContent()).toContain("今週のサポートKPI");
    await screenshot(page, "admin-support-kpis");
    await page.goto(`${url}/admin/reports`);
    await page.getByRole("button", { name: "週次レポートを今すぐ作成" }).click();
    await page.waitForURL(/\/admin\/reports\/rep_/);
    expect(await page.locator("h1").textContent()).toContain("週次運用レポート");
    await screenshot(page, "admin-report-weekly");
    const pdf = await page.request.get(`${page.url()}.pdf`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    await page.goto(`${url}/admin/reports`);
    expect(await page.locator("#maintenance").textContent()).toContain("npx wrangler d1 time-travel restore qrv --timestamp=");
    await screenshot(page, "admin-reports");
  });
});
