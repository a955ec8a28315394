// Lodging orders end to end in workerd: rooms picked and held all or none, paid at once from
// points or waiting for a top-up, a covering top-up paying once, the payment window expiring,
// and search's projection catching up with the calendars.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ordersOfMember } from "../../src/db/lodging-orders.ts";
import type { LodgingRecord } from "../../src/domain/reservation/types.ts";
import { nightInterval } from "../../src/domain/resource-calendar.ts";
import { calendarFor } from "../../src/durable/calendar-client.ts";
import { reservationStub } from "../../src/durable/client.ts";
import { reconcileAvailability, searchAvailability } from "../../src/lodging/inventory.ts";
import { bookRooms } from "../../src/lodging/orders.ts";
import { startTopUp } from "../../src/lodging/points.ts";
import { stripeSignatureHeader } from "../../src/providers/payments/stripe.ts";
import { checkoutSessionObject, sandboxSession, stripeEventJson } from "../../src/providers/sandbox/payments.ts";
import { config } from "../../src/config.ts";
import { db } from "../helpers.ts";
import { inDays, ledgerSum, newMember, seedLodging } from "./helpers.ts";

async function roomEntries(roomId: string, checkIn: string, checkOut: string) {
  return calendarFor(env, `room:${roomId}`).entries(nightInterval(checkIn).start, nightInterval(checkOut).start);
}

async function memberRow(id: string) {
  return (await db.query.members.findFirst({ where: (m, { eq }) => eq(m.id, id) }))!;
}

async function paidWebhook(topUpId: string, amount: number, eventId?: string) {
  const session = await sandboxSession(db, (await db.query.pointTopups.findFirst({ where: (t, { eq }) => eq(t.id, topUpId) }))!.sessionId!);
  const object = { ...checkoutSessionObject(session!, config(env)), status: "complete", payment_status: "paid", payment_intent: `pi_test_${topUpId}`, amount_total: amount };
  const body = eventId ? JSON.stringify({ ...JSON.parse(stripeEventJson("checkout.session.completed", object)), id: eventId }) : stripeEventJson("checkout.session.completed", object);
  const res = await exports.default.fetch(new Request("https://qrv.test/webhooks/stripe", { method: "POST", body, headers: { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(body, env.STRIPE_WEBHOOK_SECRET) } }));
  expect(res.status).toBe(200);
  return body;
}

describe("lodging orders", () => {
  it("pays at once from points and books a room of each type for every night", async () => {
    const { types } = await seedLodging([
      { name: "ツイン", defaultPoints: 12_000, rooms: 2 },
      { name: "スイート", defaultPoints: 30_000, rooms: 1 },
    ]);
    const m = await newMember({ points: 100_000, birthDate: "1990-01-01" });
    const checkIn = inDays(20);
    const checkOut = inDays(22);
    const r = await bookRooms(env, db, m, [
      { roomType: types[0]!.name, checkIn, checkOut, quantity: 1 },
      { roomType: types[1]!.name, checkIn, checkOut, quantity: 1 },
    ], { language: "ja" });
    expect(r.ok).toBe(true);
    if (!r.ok) throw new Error("not booked");
    const record = r.record;
    expect(record.status).toBe("confirmed");
    expect(record.data.total).toBe(2 * 12_000 + 2 * 30_000);
    expect(record.data.lines.map((l) => l.roomTypeName).sort()).toEqual([types[0]!.name, types[1]!.name].sort());
    for (const line of record.data.lines) {
      const entries = await roomEntries(line.roomId, checkIn, checkOut);
      expect(entries).toEqual([expect.objectContaining({ key: record.id, state: "booked" })]);
    }
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 100_000 - 84_000, sum: 100_000 - 84_000 });
    const [row] = await ordersOfMember(db, m.id, { checkIn });
    expect(row).toMatchObject({ id: record.id, status: "confirmed", totalPoints: 84_000 });
    // Search sees the booked nights.
    const avail = await searchAvailability(env, db, checkIn, checkOut);
    expect(avail.find((a) => a.type.id === types[0]!.id)?.available).toBe(1);
    expect(avail.find((a) => a.type.id === types[1]!.id)?.available).toBe(0);
  });

  it("the same idempotency key is the same order, charged once", async () => {
    const { types } = await seedLodging([{ name: "シングル", defaultPoints: 8_000, rooms: 3 }]);
    const m = await newMember({ points: 50_000 });
    const line = { roomType: types[0]!.name, checkIn: inDays(30), checkOut: inDays(31), quantity: 1 };
    const [a, b] = await Promise.all([bookRooms(env, db, m, [line], { language: "ja", idempotencyKey: "k1" }), bookRooms(env, db, m, [line], { language: "ja", idempotencyKey: "k1" })]);
    expect(a.ok && b.ok).toBe(true);
    expect(a.ok && b.ok && a.orderId === b.orderId).toBe(true);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 42_000, sum: 42_000 });
  });

  it("all or nothing: two orders race for the last rooms of two types; one gets both, the other none", async () => {
    const { types } = await seedLodging([
      { name: "ダブル", defaultPoints: 10_000, rooms: 1 },
      { name: "和室", defaultPoints: 10_000, rooms: 1 },
    ]);
    const [m1, m2] = await Promise.all([newMember({ points: 50_000 }), newMember({ points: 50_000 })]);
    const checkIn = inDays(40);
    const checkOut = inDays(42);
    const cart = [
      { roomType: types[0]!.name, checkIn, checkOut, quantity: 1 },
      { roomType: types[1]!.name, checkIn, checkOut, quantity: 1 },
    ];
    // The second order lists the types the other way round, so each may take one room first.
    const results = await Promise.all([bookRooms(env, db, m1, cart, { language: "ja" }), bookRooms(env, db, m2, [...cart].reverse(), { language: "ja" })]);
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    const lost = results.find((r) => !r.ok)!;
    expect(lost).toMatchObject({ ok: false, reason: "no_availability" });
    const winner = won[0]!.ok ? won[0]!.record.id : "";
    for (const t of types) {
      const entries = await roomEntries(t.rooms[0]!.id, checkIn, checkOut);
      expect(entries.map((e) => e.key)).toEqual([winner]);
    }
    const loser = results.indexOf(lost) === 0 ? m1 : m2;
    expect(await ledgerSum(loser.id)).toMatchObject({ balance: 50_000 });
  });

  it("short of points: waits with the rooms held, and a covering top-up pays it exactly once", async () => {
    const { types } = await seedLodging([{ name: "ツイン", defaultPoints: 15_000, rooms: 1 }]);
    const m = await newMember({ points: 5_000 });
    const checkIn = inDays(50);
    const checkOut = inDays(52);
    const r = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn, checkOut, quantity: 1 }], { language: "ja" });
    if (!r.ok) throw new Error("not placed");
    expect(r.record.status).toBe("awaiting_payment");
    expect(r.record.data.payment.shortfall).toBe(25_000);
    expect(r.record.data.payment.topUpUrl).toContain("/member/points");
    expect(r.record.data.payment.deadlineAt! - r.record.createdAt).toBe(30 * 60_000);
    expect(await roomEntries(types[0]!.rooms[0]!.id, checkIn, checkOut)).toEqual([expect.objectContaining({ key: r.record.id, state: "held" })]);

    // A top-up too small changes nothing but the balance.
    const small = await startTopUp(env, db, await memberRow(m.id), 10_000, "ja");
    await paidWebhook(small.topUpId, 10_000);
    expect(((await reservationStub(env, r.orderId).snapshot()) as LodgingRecord).status).toBe("awaiting_payment");

    const big = await startTopUp(env, db, await memberRow(m.id), 20_000, "ja");
    const body = await paidWebhook(big.topUpId, 20_000);
    // The same event again, and another event for the same payment: credited once, paid once.
    await exports.default.fetch(new Request("https://qrv.test/webhooks/stripe", { method: "POST", body, headers: { "Content-Type": "application/json", "Stripe-Signature": await stripeSignatureHeader(body, env.STRIPE_WEBHOOK_SECRET) } }));
    await paidWebhook(big.topUpId, 20_000, `evt_again_${big.topUpId}`);
    await reservationStub(env, r.orderId).dispatch({ type: "points_added" }, "system");

    const after = (await reservationStub(env, r.orderId).snapshot()) as LodgingRecord;
    expect(after.status).toBe("confirmed");
    expect(await roomEntries(types[0]!.rooms[0]!.id, checkIn, checkOut)).toEqual([expect.objectContaining({ key: r.record.id, state: "booked" })]);
    const totals = await ledgerSum(m.id);
    expect(totals).toMatchObject({ balance: 5_000 + 30_000 - 30_000, sum: 5_000 });
    const kinds = (await env.DB.prepare("SELECT kind, amount FROM point_ledger WHERE member_id = ? ORDER BY id").bind(m.id).all<{ kind: string; amount: number }>()).results;
    expect(kinds).toEqual([
      { kind: "adjustment", amount: 5_000 },
      { kind: "topup", amount: 10_000 },
      { kind: "topup", amount: 20_000 },
      { kind: "order_payment", amount: -30_000 },
    ]);
  });

  it("when the payment window passes the order expires and its rooms are free again", async () => {
    const { types } = await seedLodging([{ name: "シングル", defaultPoints: 9_000, rooms: 1 }]);
    const m = await newMember({ points: 0 });
    const checkIn = inDays(60);
    const checkOut = inDays(61);
    const r = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn, checkOut, quantity: 1 }], { language: "ja" });
    if (!r.ok) throw new Error("not placed");
    expect(r.record.status).toBe("awaiting_payment");
    expect(await runDurableObjectAlarm(reservationStub(env, r.orderId))).toBe(true);
    const after = (await reservationStub(env, r.orderId).snapshot()) as LodgingRecord;
    expect(after.status).toBe("expired");
    expect(await roomEntries(types[0]!.rooms[0]!.id, checkIn, checkOut)).toEqual([]);
    expect((await searchAvailability(env, db, checkIn, checkOut)).find((a) => a.type.id === types[0]!.id)?.available).toBe(1);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 0, sum: 0 });
    const texts = (await env.DB.prepare("SELECT json_extract(payload, '$.template') AS template FROM outbox WHERE reservation_id = ? AND kind = 'sms.send' ORDER BY created_at").bind(r.orderId).all<{ template: string }>()).results.map((x) => x.template);
    expect(texts).toEqual(["lodging_awaiting_payment", "lodging_expired"]);
  });

  it("no room free for every night: a clear no-availability answer and nothing held", async () => {
    const { types } = await seedLodging([{ name: "スイート", defaultPoints: 40_000, rooms: 1 }]);
    const room = types[0]!.rooms[0]!;
    await calendarFor(env, `room:${room.id}`).block("maintenance-test", [nightInterval(inDays(71))], "エアコン修理");
    const m = await newMember({ points: 200_000 });
    const r = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(70), checkOut: inDays(73), quantity: 1 }], { language: "ja" });
    expect(r).toMatchObject({ ok: false, reason: "no_availability", roomTypeName: types[0]!.name, available: 0, wanted: 1 });
    expect((await roomEntries(room.id, inDays(70), inDays(73))).map((e) => e.key)).toEqual(["maintenance-test"]);
  });

  it("search's projection catches up with the calendars after a change it missed", async () => {
    const { types } = await seedLodging([{ name: "ツイン", defaultPoints: 11_000, rooms: 2 }]);
    const checkIn = inDays(80);
    const checkOut = inDays(82);
    expect((await searchAvailability(env, db, checkIn, checkOut)).find((a) => a.type.id === types[0]!.id)?.available).toBe(2);
    // A room's calendar changes and the D1 write that should follow never happens.
    await calendarFor(env, `room:${types[0]!.rooms[0]!.id}`).book("outside-change", [nightInterval(checkIn)]);
    expect((await searchAvailability(env, db, checkIn, checkOut)).find((a) => a.type.id === types[0]!.id)?.available).toBe(2);
    await reconcileAvailability(env, db, checkIn, checkOut);
    expect((await searchAvailability(env, db, checkIn, checkOut)).find((a) => a.type.id === types[0]!.id)?.available).toBe(1);
  });
});
