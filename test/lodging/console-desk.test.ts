// The console's front desk over HTTP (session, CSRF): the board and its JSON, check-in and
// check-out from the forms, and a partial cancellation approved from the queue — twice
// submitted, refunded once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { requestCancellation } from "../../src/lodging/cancellation.ts";
import { bookRooms } from "../../src/lodging/orders.ts";
import { flashOf, signIn } from "../console-client.ts";
import { db, uniqueMobile } from "../helpers.ts";
import { inDays, ledgerSum, newMember, seedLodging } from "./helpers.ts";

describe("console front desk", () => {
  it("board, check-in, check-out and a cancellation approved once from the queue", async () => {
    const { types } = await seedLodging([{ name: "卓", defaultPoints: 6_000, rooms: 2 }]);
    const m = await newMember({ points: 60_000, idNumber: "DESK0001" });
    const today = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(0), checkOut: inDays(1), quantity: 1 }], { language: "ja" });
    const later = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(15), checkOut: inDays(16), quantity: 2 }], { language: "ja" });
    if (!today.ok || !later.ok) throw new Error("not booked");
    const room = today.record.data.lines[0]!;
    const op = await signIn("フロント担当");

    const page = await op.html("/admin/lodging");
    expect(page).toContain(`data-room="${room.roomId}"`);
    expect(page).toContain(`<script src="/admin/assets/board.js" defer=""></script>`);
    expect(page).not.toMatch(/<script>(?!<\/script>)/);
    type Lists = { arrivals: { key: string; waiting: boolean }[]; inHouse: { key: string; guest: string }[]; departures: { key: string }[]; pending: { key: string; rooms: string; refund: string }[]; service: { key: string; canClean: boolean }[] };
    const boardJson = async () => (await (await op.get("/admin/lodging/board.json")).json()) as { rooms: { id: string; status: string }[]; lists: Lists };
    const json = await boardJson();
    expect(json.rooms.find((r) => r.id === room.roomId)?.status).toBe("reserved");
    expect(json.lists.arrivals).toContainEqual(expect.objectContaining({ key: `${today.orderId}:${room.lineNo}`, waiting: true }));
    expect(json.lists.inHouse.find((r) => r.key === room.roomId)).toBeUndefined();
    // The lists are drawn from templates the page carries, filled by text only.
    expect(page).toContain('<template data-row="arrivals">');
    expect(page).toContain('<tbody data-list="pending">');
    expect((await op.get("/admin/assets/board.js")).headers.get("Content-Type")).toContain("javascript");

    const wrong = await op.post("/admin/lodging/check-in", { order_id: today.orderId, line_no: "all", id_number: "NOPE" });
    expect(flashOf(wrong)).toMatchObject({ kind: "error" });
    expect(flashOf(await op.post("/admin/lodging/check-in", { order_id: today.orderId, line_no: "all", id_number: "desk0001" }))).toMatchObject({ kind: "ok" });
    const audit = await env.DB.prepare("SELECT actor FROM room_status_events WHERE room_id = ? AND action = 'check_in'").bind(room.roomId).first<{ actor: string }>();
    expect(audit?.actor).toBe("フロント担当");
    const inHouse = await boardJson();
    expect(inHouse.lists.inHouse).toContainEqual(expect.objectContaining({ key: room.roomId, guest: m.name }));
    expect(inHouse.lists.arrivals).toContainEqual(expect.objectContaining({ key: `${today.orderId}:${room.lineNo}`, waiting: false }));
    expect(flashOf(await op.post("/admin/lodging/check-out", { order_id: today.orderId, room_id: room.roomId }))).toMatchObject({ kind: "ok" });
    expect((await boardJson()).lists.service).toContainEqual(expect.objectContaining({ key: room.roomId, canClean: true }));
    expect(flashOf(await op.post(`/admin/lodging/rooms/${room.roomId}/status`, { action: "cleaned" }))).toMatchObject({ kind: "ok" });

    const asked = await requestCancellation(env, db, m.id, later.orderId, { rooms: [later.record.data.lines[1]!.roomNumber] });
    if (!asked.ok) throw new Error(asked.message.en);
    expect((await boardJson()).lists.pending).toContainEqual(expect.objectContaining({ key: later.orderId, rooms: later.record.data.lines[1]!.roomNumber, refund: "6,000 / 6,000 ポイント（100%）" }));
    const queue = await op.html("/admin/lodging/cancellations");
    expect(queue).toContain(later.orderId);
    expect(queue).toContain("チェックインの7日以上前");
    const nonce = crypto.randomUUID();
    const before = (await ledgerSum(m.id)).balance;
    const first = await op.post(`/admin/lodging/orders/${later.orderId}/cancellation`, { _nonce: nonce, decision: "approve" });
    const second = await op.post(`/admin/lodging/orders/${later.orderId}/cancellation`, { _nonce: crypto.randomUUID(), decision: "approve" });
    expect(flashOf(first)).toMatchObject({ kind: "ok" });
    expect(flashOf(second)).toMatchObject({ kind: "error" });
    expect((await ledgerSum(m.id)).balance).toBe(before + 6_000);
    expect(await op.html("/admin/lodging/cancellations")).not.toContain(`data-cancellation="${later.orderId}"`);
    expect((await boardJson()).lists.pending.find((p) => p.key === later.orderId)).toBeUndefined();
  });

  it("members: search, adjust points with a reason, deletion refused with an open order and anonymising otherwise; orders search and detail", async () => {
    const { types } = await seedLodging([{ name: "台帳", defaultPoints: 5_000, rooms: 1 }]);
    const withOrder = await newMember({ points: 20_000, name: "検索 太郎" });
    const without = await newMember({ points: 3_000, name: "退会 次郎" });
    const booked = await bookRooms(env, db, withOrder, [{ roomType: types[0]!.name, checkIn: inDays(5), checkOut: inDays(6), quantity: 1 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");
    const op = await signIn("会員担当");

    expect(await op.html("/admin/lodging/members?q=" + encodeURIComponent("検索 太郎"))).toContain(`data-member="${withOrder.id}"`);
    const nonce = crypto.randomUUID();
    expect(flashOf(await op.post(`/admin/lodging/members/${withOrder.id}/adjust`, { _nonce: nonce, amount: "-1000", reason: "お詫びの調整ミス訂正" }))).toMatchObject({ kind: "ok" });
    expect(flashOf(await op.post(`/admin/lodging/members/${withOrder.id}/adjust`, { _nonce: nonce, amount: "-1000", reason: "お詫びの調整ミス訂正" }))).toMatchObject({ kind: "error" });
    expect(flashOf(await op.post(`/admin/lodging/members/${withOrder.id}/adjust`, { _nonce: crypto.randomUUID(), amount: "-999999", reason: "x" }))).toMatchObject({ kind: "error", text: "残高がマイナスになる調整はできません。" });
    expect(flashOf(await op.post(`/admin/lodging/members/${withOrder.id}/adjust`, { _nonce: crypto.randomUUID(), amount: "500", reason: "" }))).toMatchObject({ kind: "error" });
    expect(await ledgerSum(withOrder.id)).toMatchObject({ balance: 20_000 - 5_000 - 1_000, sum: 14_000 });
    const adj = await env.DB.prepare("SELECT operator, reason FROM point_ledger WHERE member_id = ? AND kind = 'adjustment' AND amount = -1000").bind(withOrder.id).first();
    expect(adj).toEqual({ operator: "会員担当", reason: "お詫びの調整ミス訂正" });

    const refused = flashOf(await op.post(`/admin/lodging/members/${withOrder.id}/delete`, { confirm: "yes" }));
    expect(refused).toMatchObject({ kind: "error" });
    expect(refused!.text).toContain(booked.orderId);
    expect(flashOf(await op.post(`/admin/lodging/members/${without.id}/delete`, { confirm: "yes" }))).toMatchObject({ kind: "ok" });
    const gone = await env.DB.prepare("SELECT name, phone, email, id_number_last4 AS last4, points_balance AS balance FROM members WHERE id = ?").bind(without.id).first();
    expect(gone).toEqual({ name: "退会済み会員", phone: "", email: "", last4: "", balance: 3_000 });
    expect(await ledgerSum(without.id)).toMatchObject({ entries: 1, sum: 3_000 });

    expect(await op.html("/admin/lodging/orders?q=" + encodeURIComponent("検索 太郎"))).toContain(`data-order="${booked.orderId}"`);
    expect(await op.html(`/admin/lodging/orders?check_in=${inDays(5)}`)).toContain(`data-order="${booked.orderId}"`);
    const detail = await op.html(`/admin/lodging/orders/${booked.orderId}`);
    expect(detail).toContain(types[0]!.rooms[0]!.number);
    expect(detail).toContain("order_payment");
    expect(detail).toContain("lodging_confirmed");

    const dash = await op.html("/admin/lodging/dashboard");
    expect(dash).toContain("<svg");
    expect(dash).toContain("稼働率");
    const csv = await (await op.get("/admin/lodging/dashboard?csv=occupancy")).text();
    const row = csv.split("\n").find((l) => l.startsWith(inDays(5)));
    expect(csv.replace(/^\uFEFF/, "").startsWith("date,rooms,occupied,occupancy_pct")).toBe(true);
    expect(Number(row!.split(",")[2])).toBeGreaterThanOrEqual(1);
    const revenue = await (await op.get("/admin/lodging/dashboard?csv=revenue")).text();
    expect(revenue).toContain("date,points_paid,points_refunded,net");
  });

  it("rooms: search by type, status and capacity, create and edit with checks, CSV export", async () => {
    const { types } = await seedLodging([{ name: "客室管理", defaultPoints: 5_000, rooms: 1, maxGuests: 2 }]);
    const op = await signIn("客室担当");
    const number = `R${Date.now().toString(36).slice(-6).toUpperCase()}`;
    expect(flashOf(await op.post("/admin/lodging/rooms", { number, room_type_id: types[0]!.id, floor_area_m2: "25.5", max_guests: "4", floor: "5", amenities: "エアコン|Wi-Fi" }))).toMatchObject({ kind: "ok" });
    expect(flashOf(await op.post("/admin/lodging/rooms", { number, room_type_id: types[0]!.id, floor_area_m2: "25", max_guests: "4", floor: "5", amenities: "" }))).toMatchObject({ kind: "error", text: `部屋番号 ${number} はすでにあります` });
    expect(flashOf(await op.post("/admin/lodging/rooms", { number: "X1", room_type_id: types[0]!.id, floor_area_m2: "25", max_guests: "99", floor: "5", amenities: "" }))).toMatchObject({ kind: "error" });
    const found = await op.html(`/admin/lodging/rooms?type=${types[0]!.id}&status=available&guests=3`);
    expect(found).toContain(`data-room-row="${number}"`);
    expect(found).not.toContain(`data-room-row="${types[0]!.rooms[0]!.number}"`);
    const id = (await env.DB.prepare("SELECT id FROM rooms WHERE number = ?").bind(number).first<{ id: string }>())!.id;
    expect(flashOf(await op.post(`/admin/lodging/rooms/${id}`, { number, room_type_id: types[0]!.id, floor_area_m2: "30", max_guests: "2", floor: "6", amenities: "テレビ" }))).toMatchObject({ kind: "ok" });
    expect(await env.DB.prepare("SELECT floor_area_m2 AS a, max_guests AS g, amenities FROM rooms WHERE id = ?").bind(id).first()).toEqual({ a: 30, g: 2, amenities: '["テレビ"]' });
    const photo = new FormData();
    photo.append("image", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], "room.png", { type: "image/png" }));
    expect(flashOf(await op.post(`/admin/lodging/rooms/${id}/images`, photo))).toMatchObject({ kind: "ok" });
    const notImage = new FormData();
    notImage.append("image", new File(["<svg/>"], "x.svg", { type: "image/svg+xml" }));
    expect(flashOf(await op.post(`/admin/lodging/rooms/${id}/images`, notImage))).toMatchObject({ kind: "error" });
    const key = (JSON.parse((await env.DB.prepare("SELECT images FROM rooms WHERE id = ?").bind(id).first<{ images: string }>())!.images) as string[])[0]!;
    expect(key).toMatch(new RegExp(`^rooms/${id}/img_.+\\.png$`));
    const served = await op.get(`/admin/lodging/images/${key}`);
    expect(served.headers.get("Content-Type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    expect(await op.html(`/admin/lodging/rooms/${id}`)).toContain(`src="/admin/lodging/images/${key}"`);
    const csv = await (await op.get(`/admin/lodging/rooms?type=${types[0]!.id}&csv=1`)).text();
    expect(csv).toContain("number,room_type,floor_area_m2,max_guests,floor,amenities,status");
    expect(csv).toContain(`${number},${types[0]!.name},30,2,6,テレビ,available`);
  });

  it("registers a member at the front desk; the same phone again is refused; bad input says why", async () => {
    const op = await signIn("登録担当");
    const phone = uniqueMobile();
    const form = { name: "窓口 花子", phone, id_number: "DESK-998877", email: "madoguchi@example.jp", birth_date: "1979-09-09" };
    const res = await op.post("/admin/lodging/members", form);
    expect(flashOf(res)).toMatchObject({ kind: "ok" });
    const id = res.headers.get("Location")!.split("/").pop()!;
    expect(await env.DB.prepare("SELECT name, registered_via AS via, id_number_last4 AS last4 FROM members WHERE id = ?").bind(id).first()).toEqual({ name: "窓口 花子", via: "front_desk", last4: "8877" });
    expect(flashOf(await op.post("/admin/lodging/members", form))).toMatchObject({ kind: "error", text: "この電話番号の方はすでに会員です" });
    expect(flashOf(await op.post("/admin/lodging/members", { ...form, phone: uniqueMobile(), id_number: "1" }))).toMatchObject({ kind: "error" });
    expect(await op.html(`/admin/lodging/members/${id}`)).not.toContain("998877");
  });

  it("rates calendar: a weekday pattern over a range, one day, refusals, and the month as CSV", async () => {
    const { types } = await seedLodging([{ name: "料金", defaultPoints: 9_000, rooms: 1 }]);
    const op = await signIn("料金担当");
    // 2027-01-01 is a Friday: Fridays and Saturdays of the first two weeks.
    const pattern = new FormData();
    for (const [k, v] of [["type", types[0]!.id], ["from", "2027-01-01"], ["to", "2027-01-14"], ["weekday", "5"], ["weekday", "6"], ["points", "15000"]] as const) pattern.append(k, v);
    const res = await op.post("/admin/lodging/rates", pattern);
    expect(flashOf(res)).toMatchObject({ kind: "ok" });
    const { results } = await env.DB.prepare("SELECT date, points FROM room_rates WHERE room_type_id = ? ORDER BY date").bind(types[0]!.id).all();
    expect(results).toEqual([{ date: "2027-01-01", points: 15_000 }, { date: "2027-01-02", points: 15_000 }, { date: "2027-01-08", points: 15_000 }, { date: "2027-01-09", points: 15_000 }]);
    expect(flashOf(await op.post("/admin/lodging/rates", { type: types[0]!.id, from: "2027-01-05", to: "2027-01-05", points: "11000" }))).toMatchObject({ kind: "ok" });
    expect(flashOf(await op.post("/admin/lodging/rates", { type: types[0]!.id, from: "2027-01-05", to: "2027-01-01", points: "11000" }))).toMatchObject({ kind: "error" });
    expect(flashOf(await op.post("/admin/lodging/rates", { type: types[0]!.id, from: "2027-01-05", to: "2027-01-05", points: "-1" }))).toMatchObject({ kind: "error" });
    const page = await op.html(`/admin/lodging/rates?type=${types[0]!.id}&month=2027-01`);
    expect(page).toContain('data-date="2027-01-31"');
    const csv = await (await op.get(`/admin/lodging/rates?type=${types[0]!.id}&month=2027-01&csv=1`)).text();
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\n");
    expect(lines[0]).toBe("room_type,date,points");
    expect(lines).toHaveLength(32);
    expect(lines).toContain(`${types[0]!.name},2027-01-02,15000`);
    expect(lines).toContain(`${types[0]!.name},2027-01-05,11000`);
    expect(lines).toContain(`${types[0]!.name},2027-01-06,9000`);
  });
});
