// The FAQ learns from questions, requests are told once when shipped, bugs link to incidents
// (seed 003), all from the console.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordInquiry } from "../src/db/inquiries.ts";
import { shipFeature } from "../src/db/knowledge.ts";
import { featureRequests, incidents, inquiries } from "../src/db/schema.ts";
import { flashOf, signIn } from "./console-client.ts";
import { db, jobsOf, sentOf, uniqueMobile, waitForJobs } from "./helpers.ts";

const ORIGIN = "https://qrv.test";

async function inquiry(category: "question" | "bug" | "request", contact: string, message: string, language: "ja" | "en" = "ja"): Promise<string> {
  return recordInquiry(db, { category, name: language === "en" ? "Jane" : "佐藤", contact, message, language, source: "support_page" });
}

async function faqPage(lang: "ja" | "en"): Promise<string> {
  const res = await exports.default.fetch(new Request(`${ORIGIN}/faq`, { headers: { Accept: "text/html", "Accept-Language": lang } }));
  return res.text();
}

describe("the FAQ learns from questions", () => {
  it("an operator promotes a question and its answer, edited in Japanese and English, and /faq shows it with the entries it had", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const id = await inquiry("question", "hanako@example.com", `領収書は出ますか ${tag}`);
    const op = await signIn("FAQ担当");
    const card = (await op.html("/admin/inquiries?status=all&category=question")).split(`id="inquiry-${id}"`)[1]!;
    expect(card).toContain(`action="/admin/inquiries/${id}/faq"`);

    const bad = await op.post(`/admin/inquiries/${id}/faq`, { section: "payment", question_ja: "", answer_ja: "x", question_en: "q", answer_en: "a" });
    expect(flashOf(bad)?.text).toContain("質問（日本語）を入力してください");

    const res = await op.post(`/admin/inquiries/${id}/faq`, {
      section: "payment",
      question_ja: `領収書は発行できますか？（${tag}）`,
      answer_ja: "お支払い後、Stripeから領収書のメールが届きます。",
      question_en: `Can I get a receipt? (${tag})`,
      answer_en: "Stripe emails you a receipt after payment.",
    });
    expect(res.headers.get("Location")).toBe("/admin/faq");
    const ja = await faqPage("ja");
    expect(ja).toContain(`領収書は発行できますか？（${tag}）`);
    expect(ja).toContain("お支払い後、Stripeから領収書のメールが届きます。");
    // In the payment section, after its built-in entries, which are all still there.
    const payment = ja.slice(ja.indexOf("<h2>お支払いについて</h2>"), ja.indexOf("<h2>キャンセルについて</h2>"));
    expect(payment).toContain("支払い方法は？");
    expect(payment).toContain(`領収書は発行できますか？（${tag}）`);
    expect(ja).toContain("キャンセル料はかかりますか？");
    const en = await faqPage("en");
    expect(en).toContain(`Can I get a receipt? (${tag})`);
    expect(en).not.toContain("領収書は発行できますか");

    const admin = await op.html("/admin/faq");
    const entryId = admin.match(new RegExp(`id="faq-(faq_[a-z0-9]+)"[\\s\\S]*?${tag}`))![1]!;
    await op.post(`/admin/faq/${entryId}/delete`, {});
    expect(await faqPage("ja")).not.toContain(tag);
  });
});

describe("requests: planned, then shipped, told once", () => {
  it("tells everyone who asked for a feature exactly once, by SMS or email in their language", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const phone = uniqueMobile();
    const a = await inquiry("request", phone, `LINEで通知してほしい ${tag}`);
    const b = await inquiry("request", "jane@example.com", `Please notify me on LINE ${tag}`, "en");
    const question = await inquiry("question", uniqueMobile(), `not a request ${tag}`);
    const op = await signIn("要望担当");

    await op.post(`/admin/inquiries/${a}/feature`, { feature: "", title: `LINE通知 ${tag}` });
    const feature = (await db.select().from(featureRequests).where(eq(featureRequests.title, `LINE通知 ${tag}`)))[0]!;
    expect(feature.status).toBe("planned");
    await op.post(`/admin/inquiries/${b}/feature`, { feature: feature.id, title: "" });
    expect(flashOf(await op.post(`/admin/inquiries/${question}/feature`, { feature: feature.id, title: "" }))?.kind).toBe("error");
    expect(await op.html("/admin/features")).toContain("要望した人 2人・お知らせ済み 0人");

    // Two saves at once (a double click, two tabs) and a later one: each asker gets one message.
    const ship = () => op.post(`/admin/features/${feature.id}/ship`, { note_ja: "LINEでの通知に対応しました。", note_en: "You can now get notices on LINE." });
    const [r1, r2] = await Promise.all([ship(), ship()]);
    expect([flashOf(r1)?.kind, flashOf(r2)?.kind].sort()).toEqual(["error", "ok"]);
    expect((await shipFeature(env, db, feature.id, { ja: "x", en: "x" }, "誰か")).shipped).toBe(false);

    for (const id of [a, b]) await waitForJobs(`ops:${id}`);
    const [sms] = await sentOf(`ops:${a}`);
    const [mail] = await sentOf(`ops:${b}`);
    expect(await jobsOf(`ops:${a}`)).toHaveLength(1);
    expect(await jobsOf(`ops:${b}`)).toHaveLength(1);
    expect(sms).toMatchObject({ channel: "sms", to: phone });
    expect(sms!.body).toContain("LINEでの通知に対応しました。");
    expect(mail).toMatchObject({ channel: "email", to: "jane@example.com", subject: "[QRV] What you asked for is now available" });
    expect(mail!.body).toContain("You can now get notices on LINE.");
    expect(await op.html("/admin/features")).toContain("要望した人 2人・お知らせ済み 2人");
    expect((await db.query.inquiries.findFirst({ where: eq(inquiries.id, a) }))!.shippedNotifiedAt).not.toBeNull();
  });
});

describe("bugs link to incidents", () => {
  it("links a bug report to the incident it became and shows it on the inquiry", async () => {
    const now = Date.now();
    const incidentId = `inc_test_${crypto.randomUUID().slice(0, 8)}`;
    await db.insert(incidents).values({ id: incidentId, title: "決済ページが開かない", level: "high", detectedAt: now, impact: "決済", createdBy: "t", updatedBy: "t", createdAt: now, updatedAt: now });
    const bug = await inquiry("bug", "bug@example.com", `支払いボタンが反応しない ${incidentId}`);
    const op = await signIn();
    expect(flashOf(await op.post(`/admin/inquiries/${bug}/incident`, { incident: "inc_missing" }))?.kind).toBe("error");
    await op.post(`/admin/inquiries/${bug}/incident`, { incident: incidentId });
    expect((await db.query.inquiries.findFirst({ where: eq(inquiries.id, bug) }))!.incidentId).toBe(incidentId);
    const card = (await op.html("/admin/inquiries?status=all&category=bug")).split(`id="inquiry-${bug}"`)[1]!.split('class="card"')[0]!;
    expect(card).toContain(`href="/admin/incidents/${incidentId}"`);
    expect(card).toContain("決済ページが開かない");
  });
});
