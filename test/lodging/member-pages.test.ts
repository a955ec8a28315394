// The member's pages (/member): sign in with the phone, register, top up through the sandbox
// checkout, put two room types in the cart, order with points, and see the order's rooms.
// The ID document number never comes back on a page.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { memberByUser } from "../../src/db/members.ts";
import { users } from "../../src/db/schema.ts";
import { eq } from "drizzle-orm";
import { field, signedInBrowser } from "../browser-client.ts";
import { db, paySandbox, uniqueMobile } from "../helpers.ts";
import { inDays, seedLodging } from "./helpers.ts";

describe("member pages", () => {
  it("register, top up, cart with two room types, pay with points, see the order with its room numbers", async () => {
    const { types } = await seedLodging([
      { name: "ツイン", defaultPoints: 12_000, rooms: 2 },
      { name: "ダブル", defaultPoints: 10_000, rooms: 1 },
    ]);
    const phone = uniqueMobile();
    const browser = await signedInBrowser(phone, "/member");
    const home = await browser.request("/member");
    expect(home.status).toBe(303);
    expect(home.headers.get("Location")).toBe("/member/register");

    const form = await (await browser.request("/member/register")).text();
    expect(form).toContain("身分証番号");
    const bad = await browser.request("/member/register", { form: { _csrf: field(form, "_csrf"), name: "佐藤 一郎", idNumber: "12", email: "ichiro@example.jp", birthDate: "1985-03-03" } });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("身分証番号は英数字6〜20文字");
    const done = await browser.request("/member/register", { form: { _csrf: field(form, "_csrf"), name: "佐藤 一郎", idNumber: "XZ-9876543", email: "ichiro@example.jp", birthDate: "1985-03-03" } });
    expect(done.status).toBe(303);
    const page = await (await browser.request("/member?registered=1")).text();
    expect(page).toContain("佐藤 一郎");
    expect(page).toContain("••••6543");
    expect(page).not.toContain("9876543");

    // Top up 50,000 points through the sandbox checkout; the webhook credits them.
    const pts = await (await browser.request("/member/points")).text();
    const topUp = await browser.request("/member/points/top-up", { form: { _csrf: field(pts, "_csrf"), amount: "50000" } });
    expect(topUp.status).toBe(303);
    const sessionId = topUp.headers.get("Location")!.split("/").pop()!;
    expect((await paySandbox(sessionId)).status).toBe(303);
    const user = (await db.query.users.findFirst({ where: eq(users.phone, phone) }))!;
    await vi.waitFor(async () => expect((await memberByUser(db, user.id))!.pointsBalance).toBe(50_000), { timeout: 10_000, interval: 50 });

    // Search shows live availability; two room types go into the cart.
    const checkIn = inDays(100);
    const checkOut = inDays(102);
    const search = await (await browser.request(`/member/search?check_in=${checkIn}&check_out=${checkOut}`)).text();
    expect(search).toContain(types[0]!.name);
    expect(search).toContain("空室 2室");
    for (const t of types) {
      const add = await browser.request("/member/cart/add", { form: { _csrf: field(search, "_csrf"), roomType: t.id, checkIn, checkOut, quantity: "1" } });
      expect(add.status).toBe(303);
    }
    const cart = await (await browser.request("/member/cart")).text();
    expect(cart).toContain("44,000ポイント");
    const ordered = await browser.request("/member/cart/order", { form: { _csrf: field(cart, "_csrf"), nonce: field(cart, "nonce") } });
    expect(ordered.status).toBe(303);
    const orderUrl = ordered.headers.get("Location")!;
    expect(orderUrl).toMatch(/^\/member\/orders\/QRL-[A-Z0-9]{8}$/);
    // The same form again is the same order, not a second one.
    const again = await browser.request("/member/cart/order", { form: { _csrf: field(cart, "_csrf"), nonce: field(cart, "nonce") } });
    expect(again.headers.get("Location")).toMatch(/^\/member\/cart/);

    const order = await (await browser.request(orderUrl)).text();
    expect(order).toContain("予約確定");
    expect(order).toContain(`${types[0]!.rooms[0]!.number.slice(0, -1)}`);
    expect(order).toMatch(/号室（ツイン/);
    expect(order).toMatch(/号室（ダブル/);
    expect((await memberByUser(db, user.id))!.pointsBalance).toBe(6_000);

    const found = await (await browser.request(`/member/orders?q=${checkIn}`)).text();
    expect(found).toContain(orderUrl.split("/").pop()!);
    const member = (await memberByUser(db, user.id))!;
    expect((await env.DB.prepare("SELECT count(*) AS n FROM lodging_orders WHERE member_id = ?").bind(member.id).first<{ n: number }>())!.n).toBe(1);

    // Cancel one room: the quote first, then the request waits for the front desk.
    const orderId = orderUrl.split("/").pop()!;
    const twin = (await env.DB.prepare("SELECT room_number AS n FROM lodging_order_lines WHERE order_id = ? AND room_type_id = ?").bind(orderId, types[0]!.id).first<{ n: string }>())!.n;
    const quote = await (await browser.request(`/member/orders/${orderId}/cancel?room=${encodeURIComponent(twin)}`)).text();
    expect(quote).toContain("24,000ポイント / 24,000ポイント");
    expect(quote).toContain("チェックインの7日以上前");
    const asked = await browser.request(`/member/orders/${orderId}/cancel`, { form: { _csrf: field(quote, "_csrf"), nonce: field(quote, "nonce"), room: twin } });
    expect(asked.status).toBe(303);
    const pending = await (await browser.request(asked.headers.get("Location")!)).text();
    expect(pending).toContain("フロントの承認をお待ちください");
    expect(pending).not.toContain('id="cancel-form"');
    expect((await memberByUser(db, user.id))!.pointsBalance).toBe(6_000);
  });
});
