// The lodging MCP tools with a personal API key (acts as the member's own sign-in): search,
// book two rooms for two nights, see them confirmed with room numbers and the points taken;
// a person who is not a member, and an integrator's key, are told where to go.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { upsertUser } from "../../src/auth/sign-in.ts";
import { apiKeys } from "../../src/db/schema.ts";
import { newApiKey } from "../../src/domain/api-key.ts";
import { createApiKey, db, mcpClient, uniqueMobile } from "../helpers.ts";
import { decideCancellation } from "../../src/lodging/cancellation.ts";
import { inDays, ledgerSum, newMember, seedLodging } from "./helpers.ts";

async function personalKey(userId: string): Promise<string> {
  const { key, row } = await newApiKey("personal");
  await db.insert(apiKeys).values({ ...row, userId });
  return key;
}

type Structured = Record<string, unknown> & { isError?: boolean };

describe("lodging MCP tools", () => {
  it("a member searches, books two rooms for two nights, and sees them confirmed with room numbers and points taken", async () => {
    const { types } = await seedLodging([
      { name: "ツイン", defaultPoints: 12_000, rooms: 2, maxGuests: 2 },
      { name: "スイート", defaultPoints: 30_000, rooms: 1, maxGuests: 4 },
    ]);
    const m = await newMember({ points: 100_000, birthDate: "1990-01-01" });
    const client = await mcpClient(await personalKey(m.userId));
    const checkIn = inDays(90);
    const checkOut = inDays(92);

    const found = (await client.callTool({ name: "search_rooms", arguments: { check_in: checkIn, check_out: checkOut, room_type: types[0]!.name } })) as Structured;
    expect(found.isError).toBeFalsy();
    expect(found.structuredContent).toMatchObject({ room_types: [{ room_type: types[0]!.name, available: 2, total_points: 24_000, discount_points: 0, nightly: [{ date: checkIn, points: 12_000 }, { points: 12_000 }] }] });
    const big = (await client.callTool({ name: "search_rooms", arguments: { check_in: checkIn, check_out: checkOut, guests: 3 } })) as unknown as { structuredContent: { room_types: { room_type: string }[] } };
    expect(big.structuredContent.room_types.map((t) => t.room_type)).not.toContain(types[0]!.name);

    const booked = (await client.callTool({ name: "book_rooms", arguments: { check_in: checkIn, check_out: checkOut, rooms: [{ room_type: types[0]!.name, quantity: 1 }, { room_type: types[1]!.name, quantity: 1 }], idempotency_key: "trip-1" } })) as Structured;
    expect(booked.isError).toBeFalsy();
    const order = booked.structuredContent as { order_id: string; status: string; rooms: { room_number: string; room_type: string }[]; points_charged: number };
    expect(order).toMatchObject({ status: "confirmed", points_charged: 84_000 });
    expect(order.rooms.map((r) => r.room_type).sort()).toEqual([types[0]!.name, types[1]!.name].sort());
    expect(order.rooms.every((r) => r.room_number.length > 0)).toBe(true);

    // The audit log names who asked: the person, through their personal key.
    const created = await db.query.reservationEvents.findFirst({ where: (e, { and, eq }) => and(eq(e.reservationId, order.order_id), eq(e.type, "create")) });
    expect(JSON.parse(created!.data)).toMatchObject({ via: `user:${m.userId}` });
    expect(JSON.parse(created!.data).apiKeyId).toMatch(/^key_/);

    const again = (await client.callTool({ name: "book_rooms", arguments: { check_in: checkIn, check_out: checkOut, rooms: [{ room_type: types[0]!.name, quantity: 1 }, { room_type: types[1]!.name, quantity: 1 }], idempotency_key: "trip-1" } })) as Structured;
    expect((again.structuredContent as { order_id: string }).order_id).toBe(order.order_id);

    const points = (await client.callTool({ name: "get_points", arguments: {} })) as Structured;
    expect(points.structuredContent).toMatchObject({ balance: 16_000, ledger: [{ kind: "order_payment", points: -84_000, order_id: order.order_id }, { kind: "adjustment", points: 100_000 }] });
    expect(await ledgerSum(m.id)).toMatchObject({ sum: 16_000, balance: 16_000 });

    const got = (await client.callTool({ name: "get_lodging_order", arguments: { order_id: order.order_id } })) as Structured;
    expect(got.structuredContent).toMatchObject({ order_id: order.order_id, status: "confirmed", payment_status: "paid", total_points: 84_000, discount_points: 0, check_in: checkIn, check_out: checkOut });
    const listed = (await client.callTool({ name: "list_my_orders", arguments: { check_in: checkIn } })) as unknown as { structuredContent: { orders: { order_id: string }[] } };
    expect(listed.structuredContent.orders.map((o) => o.order_id)).toEqual([order.order_id]);

    const top = (await client.callTool({ name: "top_up_points", arguments: { amount: 20_000 } })) as Structured;
    expect((top.structuredContent as { payment_url: string }).payment_url).toMatch(/^https:\/\/qrv\.test\/sandbox\/checkout\/cs_test_/);
    const tooSmall = (await client.callTool({ name: "top_up_points", arguments: { amount: 10 } })) as Structured;
    expect(tooSmall.isError).toBe(true);

    // The last suite is gone: a clear no-availability error, nothing charged.
    const full = (await client.callTool({ name: "book_rooms", arguments: { check_in: checkIn, check_out: checkOut, rooms: [{ room_type: types[1]!.name, quantity: 1 }] } })) as { isError?: boolean; content: { text: string }[] };
    expect(full.isError).toBe(true);
    expect(full.content[0]!.text).toMatch(/^no availability/);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 16_000 });
    await client.close();
  });

  it("a person who is not a member is sent to the member page; an integrator's key is told lodging acts for a person", async () => {
    const user = await upsertUser(db, uniqueMobile());
    const person = await mcpClient(await personalKey(user.id));
    const r = (await person.callTool({ name: "get_points", arguments: {} })) as { isError?: boolean; content: { text: string }[] };
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toContain(`${env.PUBLIC_URL}/member`);
    await person.close();
    const integrator = await mcpClient((await createApiKey()).key);
    const i = (await integrator.callTool({ name: "search_rooms", arguments: { check_in: inDays(10), check_out: inDays(11) } })) as { isError?: boolean; content: { text: string }[] };
    expect(i.isError).toBe(true);
    expect(i.content[0]!.text).toContain("--for-user");
    await integrator.close();
  });

  it("a partial cancellation over MCP shows a quote, waits for approval, and the points come back once", async () => {
    const { types } = await seedLodging([{ name: "MCP取消", defaultPoints: 10_000, rooms: 2 }]);
    const m = await newMember({ points: 50_000 });
    const client = await mcpClient(await personalKey(m.userId));
    const booked = (await client.callTool({ name: "book_rooms", arguments: { check_in: inDays(30), check_out: inDays(31), rooms: [{ room_type: types[0]!.name, quantity: 2 }] } })) as Structured;
    const order = booked.structuredContent as { order_id: string; rooms: { room_number: string }[] };
    const room = order.rooms[0]!.room_number;
    const quote = (await client.callTool({ name: "cancel_lodging_order", arguments: { order_id: order.order_id, rooms: [room] } })) as Structured;
    expect(quote.structuredContent).toMatchObject({ status: "quote", refund_points: 10_000, refund_percent: 100, whole_order: false, rooms: [{ room_number: room, paid_points: 10_000, refund_points: 10_000 }] });
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 30_000 });
    const asked = (await client.callTool({ name: "cancel_lodging_order", arguments: { order_id: order.order_id, rooms: [room], confirm: true } })) as Structured;
    expect(asked.structuredContent).toMatchObject({ status: "pending_approval", refund_points: 10_000 });
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 30_000 });
    await decideCancellation(env, order.order_id, { type: "approve_cancellation", operator: "desk@qrv.test" });
    await decideCancellation(env, order.order_id, { type: "approve_cancellation", operator: "desk@qrv.test" });
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 40_000, sum: 40_000 });
    const again = (await client.callTool({ name: "cancel_lodging_order", arguments: { order_id: order.order_id, rooms: [room], confirm: true } })) as { isError?: boolean; content: { text: string }[] };
    expect(again.isError).toBe(true);
    expect(again.content[0]!.text).toContain("Already cancelled");
  });
});
