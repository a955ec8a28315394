// Members at the front desk over HTTP (session, CSRF): details edited with the registration's
// checks (the ID number re-hashed when re-entered, the sign-in row kept in step, an audit row
// naming the fields), and deletion that leaves no trace of the member's name, phone or email in
// their user row or in any row of their orders (the order, its timeline, its jobs, the
// sandbox's record of what was sent), while the ledger and the orders stay.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { idNumberHash } from "../../src/db/members.ts";
import { decideCancellation, requestCancellation } from "../../src/lodging/cancellation.ts";
import { bookRooms } from "../../src/lodging/orders.ts";
import { displayPhone } from "../../src/domain/phone.ts";
import { flashOf, signIn } from "../console-client.ts";
import { db, uniqueMobile } from "../helpers.ts";
import { inDays, ledgerSum, newMember, seedLodging } from "./helpers.ts";

async function jobsSettled(ids: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE reservation_id IN (SELECT value FROM json_each(?)) AND status IN ('pending', 'sending')").bind(JSON.stringify(ids)).first<{ n: number }>();
    if (!open?.n || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("editing a member at the front desk", () => {
  it("checks like a registration, re-hashes a re-entered ID number, keeps the sign-in row in step, and audits the fields", async () => {
    const m = await newMember({ name: "編集 前子", idNumber: "OLDDOC123" });
    const op = await signIn("会員編集担当");
    const phone = uniqueMobile();
    const form = { name: "編集 後子", phone: displayPhone(phone), email: "after@example.jp", birth_date: "1985-03-03", id_number: "" };

    // Bad input: nothing changes, and the message says why.
    const bad = flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, { ...form, email: "not-an-email", birth_date: "2999-01-01" }));
    expect(bad).toMatchObject({ kind: "error" });
    expect(bad!.text).toContain("メールアドレスを確認してください");
    expect(bad!.text).toContain("生年月日を確認してください");
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, { ...form, id_number: "12" }))).toMatchObject({ kind: "error", text: expect.stringContaining("身分証番号") });
    expect(await env.DB.prepare("SELECT name FROM members WHERE id = ?").bind(m.id).first()).toEqual({ name: "編集 前子" });

    // An empty ID number keeps the document on record.
    const ok = flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, form));
    expect(ok).toMatchObject({ kind: "ok", text: "会員情報を更新しました（お名前・電話・メール・生年月日）" });
    const row = await env.DB.prepare("SELECT user_id AS userId, name, phone, email, birth_date AS b, id_number_hash AS h, id_number_last4 AS l4 FROM members WHERE id = ?").bind(m.id).first<{ userId: string; name: string; phone: string; email: string; b: string; h: string; l4: string }>();
    expect(row).toMatchObject({ name: "編集 後子", phone, email: "after@example.jp", b: "1985-03-03", h: await idNumberHash(env, "OLDDOC123"), l4: "C123" });
    expect(await env.DB.prepare("SELECT name, phone, email FROM users WHERE id = ?").bind(row!.userId).first()).toEqual({ name: "編集 後子", phone, email: "after@example.jp" });

    // Re-entering the number re-hashes it; only the hash and the last four are kept.
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, { ...form, id_number: "new-doc 9876" }))).toMatchObject({ kind: "ok", text: "会員情報を更新しました（本人確認書類）" });
    expect(await env.DB.prepare("SELECT id_number_hash AS h, id_number_last4 AS l4 FROM members WHERE id = ?").bind(m.id).first()).toEqual({ h: await idNumberHash(env, "NEWDOC9876"), l4: "9876" });
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, form))).toMatchObject({ kind: "ok", text: "変更はありませんでした。" });

    // Another person's number is refused.
    const other = await newMember({ name: "別人" });
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, { ...form, phone: other.phone }))).toMatchObject({ kind: "error", text: "この電話番号は別の方が使っています。" });

    const { results: audit } = await env.DB.prepare("SELECT operator, action, detail FROM lodging_audit WHERE subject_type = 'member' AND subject_id = ? ORDER BY id").bind(m.id).all<{ operator: string; action: string; detail: string }>();
    expect(audit.map((a) => [a.operator, a.action, JSON.parse(a.detail)])).toEqual([
      ["会員編集担当", "member_edited", { fields: ["name", "phone", "email", "birthDate"] }],
      ["会員編集担当", "member_edited", { fields: ["idNumber"] }],
    ]);
    const page = await op.html(`/admin/lodging/members/${m.id}`);
    expect(page).toContain('id="member-history"');
    expect(page).not.toContain("NEWDOC9876");
  });
});

describe("a member's new contact reaches their open orders", () => {
  it("an order still to be lived takes the corrected phone and email through its own object, its event carrying nothing personal", async () => {
    const { types } = await seedLodging([{ name: "連絡先", defaultPoints: 5_000, rooms: 1 }]);
    const m = await newMember({ points: 20_000, name: "連絡 先子" });
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(9), checkOut: inDays(10), quantity: 1 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");
    const op = await signIn("会員編集担当");
    const phone = uniqueMobile();
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/edit`, { name: "連絡 先子", phone, email: "new-contact@example.jp", birth_date: "1990-05-20", id_number: "" }))).toMatchObject({ kind: "ok" });
    expect(await env.DB.prepare("SELECT requester_name AS name, phone, email FROM reservations WHERE id = ?").bind(booked.orderId).first()).toEqual({ name: "連絡 先子", phone, email: "new-contact@example.jp" });
    expect(await env.DB.prepare("SELECT type, data FROM reservation_events WHERE reservation_id = ? ORDER BY id DESC LIMIT 1").bind(booked.orderId).first()).toEqual({ type: "member_contact_changed", data: JSON.stringify({ type: "member_contact_changed", operator: "会員編集担当" }) });
  });
});

describe("deleting a member", () => {
  it("removes their name, phone and email from the user row and every row of their orders; the ledger and orders stay", async () => {
    const { types } = await seedLodging([{ name: "削除", defaultPoints: 6_000, rooms: 2 }]);
    const name = `消去 ${Date.now().toString(36)}`;
    const m = await newMember({ points: 40_000, name });
    const email = (await env.DB.prepare("SELECT email FROM members WHERE id = ?").bind(m.id).first<{ email: string }>())!.email;
    // One order cancelled whole (approved), so none is open: confirmation and cancellation texts and emails went out.
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(20), checkOut: inDays(22), quantity: 2 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");
    const asked = await requestCancellation(env, db, m.id, booked.orderId, {});
    if (!asked.ok) throw new Error(asked.message.en);
    expect((await decideCancellation(env, booked.orderId, { type: "approve_cancellation", operator: "承認担当" })).applied).toBe(true);
    await jobsSettled([booked.orderId]);
    const before = await ledgerSum(m.id);
    const userId = (await env.DB.prepare("SELECT user_id AS u FROM members WHERE id = ?").bind(m.id).first<{ u: string }>())!.u;

    // The copies are really there before: the order's row, its texts and emails, the sandbox's records.
    const traces = async () => {
      const needles = [name, m.phone, email, displayPhone(m.phone)];
      const rows = { reservations: 0, reservation_events: 0, outbox: 0, sandbox_records: 0 };
      for (const [table, cols] of [["reservations", ["requester_name", "phone", "email", "data"]], ["reservation_events", ["note", "data"]], ["outbox", ["payload", "last_error"]], ["sandbox_records", ["\"to\"", "subject", "body", "data"]]] as const) {
        const idCol = table === "reservations" ? "id" : "reservation_id";
        const hit = cols.map((c) => needles.map(() => `instr(coalesce(${c}, ''), ?) > 0`).join(" OR ")).join(" OR ");
        const params = cols.flatMap(() => needles);
        rows[table] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${idCol} = ? AND (${hit})`).bind(booked.orderId, ...params).first<{ n: number }>())!.n;
      }
      const user = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE id = ? AND (instr(coalesce(name, ''), ?) > 0 OR instr(phone, ?) > 0 OR instr(coalesce(email, ''), ?) > 0)").bind(userId, name, m.phone, email).first<{ n: number }>();
      const member = await env.DB.prepare("SELECT count(*) AS n FROM members WHERE id = ? AND (name = ? OR phone = ? OR email = ?)").bind(m.id, name, m.phone, email).first<{ n: number }>();
      return { ...rows, users: user!.n, members: member!.n };
    };
    const found = await traces();
    expect(found.reservations).toBe(1);
    expect(found.outbox).toBeGreaterThanOrEqual(2);
    expect(found.sandbox_records).toBeGreaterThanOrEqual(2);
    expect(found.users + found.members).toBe(2);

    const op = await signIn("削除担当");
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/delete`, { confirm: "yes" }))).toMatchObject({ kind: "ok", text: expect.stringContaining("注文1件は匿名で残ります") });
    expect(await traces()).toEqual({ reservations: 0, reservation_events: 0, outbox: 0, sandbox_records: 0, users: 0, members: 0 });

    // The ledger and the order stay, anonymised; the order's own object forgot the contact too.
    expect(await ledgerSum(m.id)).toEqual(before);
    expect(await env.DB.prepare("SELECT o.status, o.total_points AS total, o.refunded_points AS refunded, m.name FROM lodging_orders o JOIN members m ON m.id = o.member_id WHERE o.id = ?").bind(booked.orderId).first()).toEqual({ status: "cancelled", total: 24_000, refunded: 24_000, name: "退会済み会員" });
    expect(await env.DB.prepare("SELECT type, actor FROM reservation_events WHERE reservation_id = ? ORDER BY id DESC LIMIT 1").bind(booked.orderId).first()).toEqual({ type: "forget_requester", actor: "operator" });
    expect(await env.DB.prepare("SELECT operator, detail FROM lodging_audit WHERE action = 'member_deleted' AND subject_id = ?").bind(m.id).first()).toEqual({ operator: "削除担当", detail: JSON.stringify({ orders: [booked.orderId] }) });
    // The number is free to sign in and register afresh.
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE phone = ?").bind(m.phone).first()).toEqual({ n: 0 });
    expect(flashOf(await op.post(`/admin/lodging/members/${m.id}/delete`, { confirm: "yes" }))).toMatchObject({ kind: "error" });
  });
});
