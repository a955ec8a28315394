// Sessions governance in a real browser: an operator records a refund outside the coach's
// policy in the console; the coach gets an SMS with a link, signs in on a phone and approves
// (the rule explained in Japanese); the refund goes out once. An operator proposes a change to
// a message template, and the coach approves it on the phone. Then an operator works the
// week's sample audit.
// Screenshots: test-results/screenshots/.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { desktop, launch, phone, screenshot } from "./browser.ts";
import { agreeOnClientPage, callOnce, payCheckout, sent, until, type SandboxRecord } from "./qrv.ts";
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

const mobile = () => randomMobile("080");
const SATO_PHONE = "09011110001";

async function smsTo(phone: string, pattern: RegExp): Promise<SandboxRecord> {
  return until(async () => {
    const { records } = (await (await fetch(`${url}/sandbox/outbox?channel=sms`)).json()) as { records: SandboxRecord[] };
    return records.filter((r) => r.to === `+81${phone.slice(1)}` && pattern.test(r.body)).at(-1);
  }, 20_000, `an SMS to ${phone}`);
}

describe("sessions governance", () => {
  it("the coach approves an out-of-policy refund on a phone; an operator works the weekly audit", { timeout: 180_000 }, async () => {
    const req = await call<{ engagement_id: string; page_url: string }>("request_session", { coach_id: "coach_sato", menu_id: "menu_sato_single", name: "山田 花子", phone: mobile(), topic: "転職の相談", preferred_times: ["平日の夜"] });
    await agreeOnClientPage(req.page_url, "山田 花子");
    const link = await until(async () => (await call<{ payment_url?: string }>("get_session", { engagement_id: req.engagement_id })).payment_url, 20_000, "the payment link");
    await payCheckout(link);
    await until(async () => (await call<{ status: string }>("get_session", { engagement_id: req.engagement_id })).status === "scheduling", 20_000, "the payment");

    // The operator records a full refund: over the coach's limit, so the coach is asked.
    const console_ = await desktop(browser);
    const op = await console_.newPage();
    await op.goto(`${url}/admin/login`);
    await op.fill("#name", "運営 花子");
    await op.fill("#password", password);
    await op.getByRole("button", { name: "ログイン" }).click();
    await op.goto(`${url}/admin/engagements/${req.engagement_id}`);
    await op.locator('#open-exception [name="kind"]').selectOption("refund");
    await op.fill('#open-exception [name="amount"]', "11000");
    await op.fill('#open-exception [name="note"]', "体調不良のため全額返金のご希望");
    await op.locator("#open-exception").getByRole("button").click();
    expect(await op.locator(".flash").textContent()).toContain("コーチに判断を依頼しました");
    await screenshot(op, "governance-console-exception");

    // The operator proposes a change to the next-booking template; nothing sends it until the coach approves.
    await op.goto(`${url}/admin/coaches/coach_sato/templates`);
    const card = op.locator("#template-next_booking");
    await card.locator("summary", { hasText: "変更を提案する" }).click();
    const ja = card.locator('[name="text_ja"]');
    await ja.fill(`${await ja.inputValue()}\nご不明な点はお気軽にご返信ください。`);
    await card.locator('[name="reason"]').fill("問い合わせ先の一文を足す");
    await card.getByRole("button", { name: "コーチに承認を依頼" }).click();
    expect(await op.locator(".flash").textContent()).toContain("をコーチに提案しました");

    // The coach's SMS links to the case; the coach signs in on a phone and approves.
    const sms = await smsTo(SATO_PHONE, /ご判断をお願いします/);
    const caseUrl = sms.body.match(/https?:\/\/\S+\/coach\/exceptions\/exc_\S+/)![0];
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(caseUrl.replace(/^https?:\/\/[^/]+/, url));
    await page.getByLabel("携帯電話番号").fill(SATO_PHONE);
    await page.getByRole("button", { name: "コードを送る" }).click();
    await page.getByLabel("確認コード").waitFor();
    const code = await smsTo(SATO_PHONE, /確認コード/);
    await page.getByLabel("確認コード").fill(code.body.match(/(\d{6})/)![1]!);
    await page.getByRole("button", { name: "確認する" }).click();
    await page.locator("#decide").waitFor();
    // The rule, in Japanese on the Japanese page.
    expect(await page.locator("#rule-words").textContent()).toContain("両方を超える返金");
    await page.getByLabel(/判断メモ/).fill("今回は全額返金で結構です");
    await screenshot(page, "governance-coach-case");
    await page.locator("#approve").click();
    await page.waitForURL(/done=1/);
    expect(await page.locator("#case-status").textContent()).toContain("対応済み");
    await screenshot(page, "governance-coach-approved");

    // The coach approves the template change on the phone: the proposal beside the text in use.
    await page.goto(`${url}/coach/templates`);
    const proposal = page.locator('[data-proposal^="next_booking:"]');
    await proposal.waitFor();
    expect(await proposal.textContent()).toContain("ご不明な点はお気軽にご返信ください。");
    await screenshot(page, "governance-coach-template");
    await proposal.getByRole("button", { name: "この版を承認する" }).click();
    await page.waitForURL(/done=approved/);
    expect(await page.locator("#saved").textContent()).toContain("承認しました");
    expect(await page.locator('[data-template="next_booking"] .tag.ok').textContent()).toMatch(/^v[2-9]/);
    await screenshot(page, "governance-coach-template-approved");

    // The weekly report on the phone, with its PDF (the same document the Monday email attaches).
    await page.goto(`${url}/coach/report`);
    await page.locator("#report-pdf").waitFor();
    await screenshot(page, "governance-coach-weekly-report");
    const pdf = await page.request.get(`${url}${await page.locator("#report-pdf").getAttribute("href")}`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    await context.close();
    const refunds = await until(async () => {
      const found = (await sent(url, req.engagement_id, "payment")).filter((r) => r.subject === "refunds.create");
      return found.length ? found : undefined;
    }, 20_000, "the refund");
    expect(refunds.map((r) => r.body)).toEqual(["refund 11,000円 (requested_by_customer)"]);

    // The operator works the week's sample audit.
    await op.goto(`${url}/admin/session-audit`);
    const first = op.locator(".audit-item").first();
    await first.waitFor();
    await screenshot(op, "governance-weekly-audit");
    await first.locator("textarea").fill("返金の案内文に返金予定日を入れる");
    await first.getByRole("button", { name: "是正してSOPに追加" }).click();
    expect(await op.locator(".flash").textContent()).toContain("是正をSOPに追加しました");
    await screenshot(op, "governance-weekly-audit-fixed");

    // The coach's response targets and the audit log's retention, on the coach's settings page.
    await op.goto(`${url}/admin/coaches/coach_sato#governance`);
    await op.fill("#sla_complaint", "90");
    await op.locator("#sla-form").getByRole("button").click();
    expect(await op.locator(".flash").textContent()).toContain("対応目標と保存期間を保存しました");
    expect(await op.locator("#retention-note").textContent()).toContain("監査ログの保存期間: 730日（2年）");
    await op.locator("#governance").scrollIntoViewIfNeeded();
    await screenshot(op, "governance-console-sla-retention");
    await console_.close();
  });
});
