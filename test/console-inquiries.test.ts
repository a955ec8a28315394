// Inquiries in the operator console: what a requester sent from the support form appears with
// their words unedited, and an operator moves it along with a note; who did it is recorded.
import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inquiries } from "../src/db/schema.ts";
import { flashOf, signIn } from "./console-client.ts";
import { db } from "./helpers.ts";

const ORIGIN = "https://qrv.test";

/** Sends the public support form as a browser would (its CSRF cookie and token first). */
async function sendInquiry(fields: Record<string, string>): Promise<string> {
  const page = await exports.default.fetch(new Request(`${ORIGIN}/support`, { headers: { Accept: "text/html" } }));
  const cookie = page.headers.get("Set-Cookie")!.match(/(__Host-qrv_csrf=[^;]+)/)![1]!;
  const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}/support`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, Cookie: cookie, "User-Agent": "Mozilla/5.0 (Linux; Android 15; Pixel 9)" },
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
      redirect: "manual",
    }),
  );
  expect(res.status).toBe(303);
  const [row] = await db.select().from(inquiries).where(eq(inquiries.message, fields.message!));
  return row!.id;
}

function unique(): string {
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

describe("inquiries in the console", () => {
  it("lists a new inquiry with its words unedited, its contact and its device, and flags it on the queue", async () => {
    const message = `支払いボタンを押しても\n何も起きません <b>${unique()}</b>`;
    const id = await sendInquiry({ category: "bug", name: "佐藤 花子", contact: "hanako@example.com", reservation_id: "QRV-AB23CD", message });
    const op = await signIn("問い合わせ担当");
    const html = await op.html("/admin/inquiries");
    const card = html.slice(html.indexOf(`id="inquiry-${id}"`));
    expect(card).toContain("佐藤 花子");
    expect(card).toContain("mailto:hanako@example.com");
    expect(card).toContain("Android 15");
    // The message as written: line break kept, markup escaped, never rendered.
    expect(card).toContain(message.replace("<b>", "&lt;b&gt;").replace("</b>", "&lt;/b&gt;"));
    expect(card).toContain("本人の入力（未確認）");
    expect(card).toContain("開発に原文のまま共有する");
    expect(await op.html("/admin")).toMatch(/未対応のお問い合わせが \d+件あります/);
  });

  it("an operator moves it along with a note; who did it is kept, and the filters follow", async () => {
    const message = `予約の変更はできますか ${unique()}`;
    const id = await sendInquiry({ category: "question", name: "Jane Doe", contact: "090-1111-2222", message });
    const op = await signIn("山本");
    const res = await op.post(`/admin/inquiries/${id}`, { status: "in_progress", note: "電話で回答。FAQに追記する", back: "/admin/inquiries?status=new&category=all" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/inquiries?status=new&category=all");
    expect(flashOf(res)?.text).toContain("対応中");
    expect(await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) })).toMatchObject({ status: "in_progress", handledBy: "山本", operatorNote: "電話で回答。FAQに追記する" });

    expect(await op.html("/admin/inquiries?status=new&category=all")).not.toContain(`inquiry-${id}`);
    const progress = await op.html("/admin/inquiries?status=in_progress&category=question");
    expect(progress).toContain(`inquiry-${id}`);
    expect(progress).toContain("最終更新: 山本");
    expect(await op.html("/admin/inquiries?status=in_progress&category=bug")).not.toContain(`inquiry-${id}`);
    // Unknown filter values fall back to the defaults rather than failing.
    expect((await op.get("/admin/inquiries?status=%3Cx%3E&category=nope")).status).toBe(200);
  });

  it("refuses an unknown status, an unknown inquiry, a note too long and a form without its CSRF token, changing nothing", async () => {
    const message = `ポイント払いに対応してほしい ${unique()}`;
    const id = await sendInquiry({ category: "request", name: "田中", contact: "tanaka@example.com", message });
    const op = await signIn();
    expect(flashOf(await op.post(`/admin/inquiries/${id}`, { status: "done", note: "" }))?.kind).toBe("error");
    expect(flashOf(await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "x".repeat(4001) }))?.kind).toBe("error");
    expect(flashOf(await op.post("/admin/inquiries/inq_missing", { status: "closed", note: "" }))?.text).toContain("見つかりません");
    expect((await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "" }, { csrf: null })).status).toBe(403);
    // A redirect target other than the list is not followed.
    const res = await op.post(`/admin/inquiries/${id}`, { status: "closed", note: "実現したら連絡", back: "https://evil.example/" });
    expect(res.headers.get("Location")).toBe("/admin/inquiries");
    expect(await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) })).toMatchObject({ status: "closed", operatorNote: "実現したら連絡" });
  });

  it("is behind the console's sign-in", async () => {
    const res = await exports.default.fetch(new Request(`${ORIGIN}/admin/inquiries`, { headers: { Accept: "text/html" }, redirect: "manual" }));
    expect([302, 303]).toContain(res.status);
    expect(res.headers.get("Location")).toContain("/admin/login");
  });
});
