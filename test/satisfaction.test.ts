// Support KPIs end to end (seed 000 §7): the operator's first note starts nothing twice, closing
// sends the requester one closing message with a survey link, the 1-5 score is kept once, and
// the console shows the week's KPIs against the seed's targets.
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordInquiry } from "../src/db/inquiries.ts";
import { inquiries } from "../src/db/schema.ts";
import { signIn } from "./console-client.ts";
import { db, jobsOf, sentOf, uniqueMobile, waitForJobs } from "./helpers.ts";

const ORIGIN = "https://qrv.test";

async function inquiry(contact: string, language: "ja" | "en" = "ja"): Promise<string> {
  return recordInquiry(db, { category: "question", name: "佐藤 花子", contact, message: `支払い方法は？ ${crypto.randomUUID()}`, language, source: "support_page" });
}

async function surveyPage(path: string): Promise<{ html: string; cookie: string; csrf: string; status: number }> {
  const res = await exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { Accept: "text/html" } }));
  const html = await res.text();
  return { html, status: res.status, cookie: res.headers.get("Set-Cookie")?.match(/(__Host-qrv_csrf=[^;]+)/)?.[1] ?? "", csrf: html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "" };
}

function answer(path: string, page: { cookie: string; csrf: string }, score: string): Promise<Response> {
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, Cookie: page.cookie },
      body: new URLSearchParams({ _csrf: page.csrf, score }),
      redirect: "manual",
    }),
  );
}

describe("support KPIs and the satisfaction survey", () => {
  it("records the first response once, and closing sends one message whose link takes one score", async () => {
    const phone = uniqueMobile();
    const id = await inquiry(phone);
    const op = await signIn("サポート担当");
    await op.post(`/admin/inquiries/${id}`, { status: "in_progress", note: "電話で回答しました" });
    const first = (await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) }))!;
    expect(first.firstResponseAt).not.toBeNull();
    expect(first.closedAt).toBeNull();

    // Closed twice (a double submit): one closing message, the first response unchanged.
    await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "電話で回答しました" });
    await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "電話で回答しました" });
    const closed = (await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) }))!;
    expect(closed.firstResponseAt).toBe(first.firstResponseAt);
    expect(closed.closedAt).not.toBeNull();
    await waitForJobs(`ops:${id}`);
    expect((await jobsOf(`ops:${id}`)).map((j) => [j.kind, j.status])).toEqual([["sms.send", "done"]]);
    const [sms] = await sentOf(`ops:${id}`);
    expect(sms!.to).toBe(phone);
    expect(sms!.body).toContain("満足度（1〜5）");
    const path = new URL(sms!.body.match(/https:\/\/\S+/)![0]).pathname;
    expect(path).toMatch(/^\/satisfaction\/[A-Za-z0-9_-]{43}$/);

    const page = await surveyPage(path);
    expect(page.status).toBe(200);
    expect(page.html).toContain("どのくらい満足されましたか");
    expect((await answer(path, page, "6")).status).toBe(400);
    expect((await answer(path, { ...page, csrf: "x".repeat(43) }, "4")).status).toBe(403);
    expect((await answer(path, page, "4")).status).toBe(303);
    expect((await answer(path, page, "1")).status).toBe(303);
    expect((await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) }))!.satisfaction).toBe(4);
    expect((await surveyPage(path)).html).toContain("ご回答ありがとうございました");
    expect((await surveyPage(`/satisfaction/${"a".repeat(43)}`)).status).toBe(404);

    // Reopening clears the resolution clock; closing again sends no second survey (it was answered).
    await op.post(`/admin/inquiries/${id}`, { status: "in_progress", note: "追加の質問" });
    expect((await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) }))!.closedAt).toBeNull();
    await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "追加の質問" });
    expect(await jobsOf(`ops:${id}`)).toHaveLength(1);
  });

  it("writes to an email address in the person's language", async () => {
    const id = await inquiry("jane@example.com", "en");
    const op = await signIn();
    await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "Answered by email" });
    await waitForJobs(`ops:${id}`);
    const [mail] = await sentOf(`ops:${id}`);
    expect(mail).toMatchObject({ channel: "email", to: "jane@example.com", subject: "[QRV] Your inquiry is resolved" });
    expect(mail!.body).toContain("/satisfaction/");
  });

  it("shows this week's KPIs against the seed's targets in the console", async () => {
    const op = await signIn();
    const html = await op.html("/admin/inquiries");
    const card = html.slice(html.indexOf('id="support-kpis"'));
    expect(card).toContain("今週のサポートKPI");
    expect(card).toContain("2時間以内");
    expect(card).toContain("24時間以内");
    expect(card).toContain("4.0以上");
    expect(card).toContain("営業時間（平日 9:00〜18:00、祝日を除く）");
  });
});
