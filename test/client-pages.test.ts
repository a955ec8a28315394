// The client's own pages (/s/<token>) and the public inquiry form: a client fills in what was
// missing, agrees to the terms and contract, pays on the sandbox checkout, picks a time, sees
// the meeting information, and moves or cancels it; every form needs its CSRF token.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { db, paySandbox, uniqueMobile } from "./helpers.ts";
import { engagement, inquire, seedCoach, waitForEngagement } from "./session-helpers.ts";
import { engagements } from "../src/db/schema.ts";
import { eq } from "drizzle-orm";

const ORIGIN = "https://qrv.test";

async function get(url: string, cookie?: string) {
  return exports.default.fetch(new Request(url, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" }));
}

/** Opens a page with a form; returns its HTML, the CSRF cookie and the form's hidden values. */
async function open(url: string, cookie?: string) {
  const res = await get(url, cookie);
  const html = await res.text();
  const set = res.headers.get("Set-Cookie")?.match(/(__Host-qrv_csrf=[^;]+)/)?.[1];
  return { res, html, cookie: cookie ?? set ?? "", csrf: html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "", nonce: html.match(/name="form" value="([^"]+)"/)?.[1] ?? "" };
}

async function post(url: string, cookie: string, fields: Record<string, string>) {
  return exports.default.fetch(new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: ORIGIN }, body: new URLSearchParams(fields), redirect: "manual" }));
}

describe("client pages", () => {
  it("take a client from missing details through terms, payment and a time to the session info", async () => {
    const coach = await seedCoach();
    const { id, pageUrl } = await inquire(coach, { topic: "", preferredTimes: [] });

    let p = await open(pageUrl);
    expect(p.res.status).toBe(200);
    expect(p.res.headers.get("Cache-Control")).toBe("no-store");
    expect(p.html).toContain("お問い合わせ（情報をお待ちしています）");
    const info = await open(`${pageUrl}/info`, p.cookie);
    let res = await post(`${pageUrl}/info`, p.cookie, { _csrf: info.csrf, form: info.nonce, name: "山田 花子", topic: "転職", preferred: "平日夜" });
    expect(res.status).toBe(303);
    await waitForEngagement(id, "contract_sent");

    const terms = await open(`${pageUrl}/terms`, p.cookie);
    expect(terms.html).toContain("規約本文");
    expect(terms.html).toContain("契約本文");
    // Without the CSRF token nothing happens.
    res = await post(`${pageUrl}/terms`, p.cookie, { terms_version: "1", contract_version: "1", agree_terms: "1", agree_contract: "1", name: "山田 花子" });
    expect(res.status).toBe(403);
    res = await post(`${pageUrl}/terms`, p.cookie, { _csrf: terms.csrf, form: terms.nonce, terms_version: "1", contract_version: "1", agree_terms: "1", agree_contract: "1", name: "山田 花子" });
    expect(res.headers.get("Location")).toMatch(/\?done=agreed$/);
    await waitForEngagement(id, "payment_pending");
    await expect.poll(async () => (await engagement(id)).data.payment?.url).toBeTruthy();
    p = await open(pageUrl, p.cookie);
    const payUrl = p.html.match(/id="pay" href="([^"]+)"|href="([^"]+)" id="pay"/);
    expect(payUrl).not.toBeNull();
    await paySandbox((await engagement(id)).data.payment!.sessionId!);
    await waitForEngagement(id, "scheduling");

    const book = await open(`${pageUrl}/book`, p.cookie);
    const starts = [...book.html.matchAll(/name="start" value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(starts.length).toBeGreaterThan(10);
    // More than a day ahead, so the coach's policy lets the client move it alone.
    const start = starts.find((s) => s > Date.now() + 25 * 3_600_000)!;
    res = await post(`${pageUrl}/book`, p.cookie, { _csrf: book.csrf, form: book.nonce, start: String(start) });
    expect(res.headers.get("Location")).toMatch(/\?done=booked$/);
    const r = await engagement(id);
    expect(r.status).toBe("scheduled");
    expect(r.data.current?.start).toBe(start);
    p = await open(pageUrl, p.cookie);
    expect(p.html).toContain('id="meeting-url"');
    expect(p.html).toContain("https://meet.example.com/room-1");
    expect(p.html).toContain("接続テスト");

    // The same form again (a double tap) does not book a second session.
    res = await post(`${pageUrl}/book`, p.cookie, { _csrf: book.csrf, form: book.nonce, start: String(start) });
    expect(res.status).toBe(303);
    expect((await engagement(id)).data.history).toHaveLength(0);

    const move = await open(`${pageUrl}/book?move=1`, p.cookie);
    const other = [...move.html.matchAll(/name="start" value="(\d+)"/g)].map((m) => Number(m[1])).find((s) => s > start + 6 * 3_600_000)!;
    res = await post(`${pageUrl}/book`, p.cookie, { _csrf: move.csrf, form: move.nonce, start: String(other), move: "1" });
    expect(res.headers.get("Location")).toMatch(/\?done=moved$/);
    expect((await engagement(id)).data.current?.start).toBe(other);

    res = await post(`${pageUrl}/cancel`, p.cookie, { _csrf: p.csrf, form: p.nonce });
    expect(res.headers.get("Location")).toMatch(/\?done=cancelled$/);
    expect((await engagement(id)).status).toBe("scheduling");
  });

  it("unknown links get a friendly page", async () => {
    const res = await get(`https://qrv.test/s/${"A".repeat(43)}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("このリンクは無効です");
  });

  it("the public inquiry form starts an engagement and never shows the link", async () => {
    const coach = await seedCoach();
    const form = await open(`https://qrv.test/sessions/${coach.coachId}`);
    expect(form.html).toContain("コーチング60分");
    const phone = uniqueMobile();
    const res = await post(`https://qrv.test/sessions/${coach.coachId}`, form.cookie, { _csrf: form.csrf, menu: coach.menuId, name: "鈴木 一郎", phone: `0${phone.slice(3, 5)}-${phone.slice(5, 9)}-${phone.slice(9)}`, topic: "英語", preferred: "週末" });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("お問い合わせを受け付けました");
    expect(html).not.toContain("/s/");
    const [row] = await db.select().from(engagements).where(eq(engagements.clientPhone, phone));
    expect(row).toMatchObject({ coachId: coach.coachId, status: "contract_sent", clientName: "鈴木 一郎" });
    const bad = await post(`https://qrv.test/sessions/${coach.coachId}`, form.cookie, { _csrf: form.csrf, menu: coach.menuId, name: "x", phone: "03-1234-5678" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("SMSを受け取れる携帯電話番号");
  });
});
