// The support form (/support and /r/:token/support): an inquiry classified as question, bug or
// request is recorded for operators; bad input is explained field by field and writes nothing.
import { exports } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inquiries } from "../src/db/schema.ts";
import { createReservation, db, seedShops, uniqueAddress, waitForJobs, waitForStatus } from "./helpers.ts";

const ORIGIN = "https://qrv.test";

interface Browser {
  cookie: string;
  csrf: string;
}

async function open(path: string, headers: Record<string, string> = {}): Promise<Browser & { html: string }> {
  const res = await exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { Accept: "text/html", ...headers } }));
  expect(res.status).toBe(200);
  expect(res.headers.get("X-Robots-Tag")).toBe("noindex");
  const html = await res.text();
  return { html, cookie: res.headers.get("Set-Cookie")!.match(/(__Host-qrv_csrf=[^;]+)/)![1]!, csrf: html.match(/name="_csrf" value="([^"]+)"/)![1]! };
}

async function submit(path: string, b: Partial<Browser>, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams({ ...(b.csrf ? { _csrf: b.csrf } : {}), ...fields });
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      // A fresh sender address unless the test gives one, so the per-sender limit stays out of the way.
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)", "CF-Connecting-IP": uniqueAddress(), ...(b.cookie ? { Cookie: b.cookie } : {}), ...headers },
      body,
      redirect: "manual",
    }),
  );
}

function unique(): string {
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function byMessage(message: string) {
  return db.select().from(inquiries).where(eq(inquiries.message, message)).orderBy(desc(inquiries.createdAt));
}

describe("/support", () => {
  it("shows the contact details and hours next to the form", async () => {
    const { html } = await open("/support");
    expect(html).toContain("tel:0300000000");
    expect(html).toContain("support@qrv.example");
    expect(html).toContain("平日 9:00〜18:00");
    for (const c of ["question", "bug", "request"]) expect(html).toContain(`value="${c}"`);
  });

  it("records an inquiry for operators: category, contact, language, where it came from and the browser", async () => {
    const b = await open("/support");
    const message = `SMSが届きません ${unique()}`;
    const res = await submit("/support", b, { category: "bug", name: "山田 太郎", contact: "０９０-１２３４-５６７８", reservation_id: "qrv-ab23cd", message });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/support?sent=1");
    const [row] = await byMessage(message);
    expect(row).toMatchObject({
      category: "bug",
      name: "山田 太郎",
      contact: "+819012345678",
      reservationId: "QRV-AB23CD",
      reservationVerified: false,
      language: "ja",
      status: "new",
      source: "support_page",
      userAgent: expect.stringContaining("iPhone"),
    });
    expect(row!.id).toMatch(/^inq_/);
    const thanks = await exports.default.fetch(`${ORIGIN}${res.headers.get("Location")}`);
    expect(await thanks.text()).toContain("お問い合わせを受け付けました");
  });

  it("records the language of the page it was written on", async () => {
    const b = await open("/support", { "Accept-Language": "en" });
    expect(b.html).toContain('<html lang="en">');
    const message = `Please add Osaka ${unique()}`;
    const res = await submit("/support", b, { category: "request", name: "Jane Doe", contact: "jane@example.com", message }, { "Accept-Language": "en" });
    expect(res.status).toBe(303);
    expect((await byMessage(message))[0]).toMatchObject({ category: "request", contact: "jane@example.com", language: "en", reservationId: null });
  });

  it("explains each bad field, keeps what was typed, and records nothing", async () => {
    const b = await open("/support");
    const message = `x${unique()}`;
    const res = await submit("/support", b, { category: "complaint", name: "", contact: "not a contact", reservation_id: "12345", message });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("入力内容をご確認ください。");
    expect(html).toContain("種類を選んでください。");
    expect(html).toContain("お名前を入力してください。");
    expect(html).toContain("メールアドレスか電話番号");
    expect(html).toContain("予約IDは「QRV-」と6文字の英数字です");
    expect(html).toContain('value="not a contact"');
    expect(html).toContain(message);
    expect(await byMessage(message)).toHaveLength(0);

    const empty = await submit("/support", b, { category: "question", name: "山田", contact: "taro@example.com", message: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("内容を入力してください。");
    const long = await submit("/support", b, { category: "question", name: "山田", contact: "taro@example.com", message: "あ".repeat(4001) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("4000文字以内");
  });

  it("refuses a form without its CSRF token (and keeps what was typed)", async () => {
    const b = await open("/support");
    const message = `csrf ${unique()}`;
    const res = await submit("/support", { cookie: b.cookie }, { category: "question", name: "山田", contact: "taro@example.com", message });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("安全のため、この操作は受け付けられませんでした。");
    expect(html).toContain(message);
    expect(await byMessage(message)).toHaveLength(0);
    const cross = await submit("/support", b, { category: "question", name: "山田", contact: "taro@example.com", message }, { Origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    expect(await byMessage(message)).toHaveLength(0);
  });

  it("takes five from one sender in an hour, then asks them to wait or call, keeping what was typed", async () => {
    const b = await open("/support");
    const sender = { "CF-Connecting-IP": uniqueAddress() };
    const tag = unique();
    for (let i = 0; i < 5; i++) {
      const res = await submit("/support", b, { category: "question", name: "山田", contact: "taro@example.com", message: `質問 ${i} ${tag}` }, sender);
      expect(res.status).toBe(303);
    }
    const sixth = await submit("/support", b, { category: "question", name: "山田", contact: "taro@example.com", message: `質問 5 ${tag}` }, sender);
    expect(sixth.status).toBe(429);
    const html = await sixth.text();
    expect(html).toContain("いったん受付を止めています");
    expect(html).toContain(`質問 5 ${tag}`);
    expect(html).toContain("tel:0300000000");
    expect(await byMessage(`質問 5 ${tag}`)).toHaveLength(0);
    // Someone else is not held up, and the stored key is not the address.
    const other = await submit("/support", b, { category: "question", name: "佐藤", contact: "sato@example.com", message: `別の人 ${tag}` });
    expect(other.status).toBe(303);
    const [row] = await byMessage(`質問 0 ${tag}`);
    expect(row!.clientKey).toMatch(/^[0-9a-f]{32}$/);
    expect(row!.clientKey).not.toContain(sender["CF-Connecting-IP"]);
  });

  it("quietly drops what a robot fills into the hidden field", async () => {
    const b = await open("/support");
    const message = `spam ${unique()}`;
    const res = await submit("/support", b, { category: "question", name: "bot", contact: "bot@example.com", message, website: "https://spam.example" });
    expect(res.status).toBe(303);
    expect(await byMessage(message)).toHaveLength(0);
  });
});

describe("/r/:token/support", () => {
  it("ties the inquiry to the reservation the guest link proves", async () => {
    const where = await seedShops([{ answer: "accepted" }]);
    const { id, guestUrl } = await createReservation(where);
    // Let the booking settle first: a test must not end with its calls and jobs still running.
    await waitForStatus(id, "payment_pending");
    await waitForJobs(id);
    const path = `${guestUrl.replace(ORIGIN, "")}/support`;
    const b = await open(path);
    expect(b.html).toContain(`予約 ${id} についてのお問い合わせとして送信します。`);
    expect(b.html).not.toContain('name="reservation_id"');
    const message = `日時を変えたい ${unique()}`;
    // A reservation id typed into the form does not override what the link proves.
    const res = await submit(path, b, { category: "question", name: "山田 太郎", contact: "taro@example.com", reservation_id: "QRV-ZZZZZZ", message });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${path}?sent=1`);
    expect((await byMessage(message))[0]).toMatchObject({ reservationId: id, reservationVerified: true, source: "guest_page" });
    const thanks = await exports.default.fetch(`${ORIGIN}${res.headers.get("Location")}`);
    const html = await thanks.text();
    expect(html).toContain("お問い合わせを受け付けました");
    expect(html).toContain(`href="${guestUrl.replace(ORIGIN, "")}"`);
  });

  it("an unknown link cannot record an inquiry", async () => {
    const res = await submit(`/r/${"z".repeat(43)}/support`, {}, { category: "question", name: "x", contact: "x@example.com", message: "x" });
    expect(res.status).toBe(404);
  });
});
