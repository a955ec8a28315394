// The front desk in workerd (seed 004 §3(1)3): an arrival shows Reserved, check-in needs the
// member's ID document, check-out (early frees the nights left), housekeeping, and a room taken
// out of service, refused over a booked night with the orders named. Every change is audited.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nightInterval } from "../../src/domain/resource-calendar.ts";
import { calendarFor } from "../../src/durable/calendar-client.ts";
import { checkIn, checkOut, roomBoard, simpleMove, takeOutOfService } from "../../src/lodging/front-desk.ts";
import { decideCancellation, requestCancellation } from "../../src/lodging/cancellation.ts";
import { searchAvailability } from "../../src/lodging/inventory.ts";
import { bookRooms } from "../../src/lodging/orders.ts";
import { db } from "../helpers.ts";
import { inDays, newMember, seedLodging } from "./helpers.ts";

async function audit(roomId: string) {
  const { results } = await env.DB.prepare("SELECT action, from_status AS fromStatus, to_status AS toStatus, actor FROM room_status_events WHERE room_id = ? ORDER BY id").bind(roomId).all();
  return results;
}

describe("front desk", () => {
  it("a guest's day: arrival Reserved, check-in with the ID document, early check-out frees the nights, cleaned", async () => {
    const { types } = await seedLodging([{ name: "フロント", defaultPoints: 9_000, rooms: 1 }]);
    const m = await newMember({ points: 50_000, idNumber: "XY1234567" });
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(0), checkOut: inDays(3), quantity: 1 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");
    const room = types[0]!.rooms[0]!;

    const board = await roomBoard(env.DB);
    expect(board.rooms.find((r) => r.id === room.id)).toMatchObject({ status: "reserved", guest: m.name, orderId: booked.orderId });
    expect(board.arrivals).toContainEqual(expect.objectContaining({ orderId: booked.orderId, room: room.number, checkedIn: false }));

    expect(await checkIn(env, booked.orderId, { idNumber: "XY7654321", operator: "desk" })).toMatchObject({ ok: false, message: { en: "The ID document number does not match the member's record." } });
    expect(await checkIn(env, booked.orderId, { idNumber: "xy-1234567", operator: "desk" })).toMatchObject({ ok: true });
    expect((await roomBoard(env.DB)).rooms.find((r) => r.id === room.id)).toMatchObject({ status: "occupied", guest: m.name });
    expect((await checkIn(env, booked.orderId, { idNumber: "XY1234567", operator: "desk" })).ok).toBe(false);
    // Maintenance over an occupied room is refused by the table.
    expect(await takeOutOfService(env, db, room.id, { action: "set_maintenance", reason: "空調", from: inDays(5), until: inDays(6), operator: "desk" })).toMatchObject({ ok: false, message: { en: "A guest is in the room; check them out first." } });

    const before = (await searchAvailability(env, db, inDays(1), inDays(3))).find((a) => a.type.id === types[0]!.id)?.available;
    expect(before).toBe(0);
    expect(await checkOut(env, db, booked.orderId, 1, "desk")).toMatchObject({ ok: true });
    // Leaving on the first day frees the nights from today on.
    expect(await calendarFor(env, `room:${room.id}`).entries(nightInterval(inDays(0)).start, nightInterval(inDays(3)).start)).toEqual([]);
    expect((await searchAvailability(env, db, inDays(1), inDays(3))).find((a) => a.type.id === types[0]!.id)?.available).toBe(1);
    expect((await roomBoard(env.DB)).rooms.find((r) => r.id === room.id)).toMatchObject({ status: "cleaning", guest: null });
    expect((await checkOut(env, db, booked.orderId, 1, "desk")).ok).toBe(false);
    expect(await simpleMove(env, db, room.id, "cleaned", "housekeeping")).toMatchObject({ ok: true });

    expect(await audit(room.id)).toEqual([
      { action: "arrival_due", fromStatus: "available", toStatus: "reserved", actor: "system" },
      { action: "check_in", fromStatus: "reserved", toStatus: "occupied", actor: "desk" },
      { action: "check_out", fromStatus: "occupied", toStatus: "cleaning", actor: "desk" },
      { action: "cleaned", fromStatus: "cleaning", toStatus: "available", actor: "housekeeping" },
    ]);
  });

  it("maintenance over a booked night is refused naming the order; over free nights it takes them out of sale until reopened", async () => {
    const { types } = await seedLodging([{ name: "保守", defaultPoints: 7_000, rooms: 1 }]);
    const room = types[0]!.rooms[0]!;
    const m = await newMember({ points: 50_000 });
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(10), checkOut: inDays(12), quantity: 1 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");

    const refused = await takeOutOfService(env, db, room.id, { action: "set_maintenance", reason: "配管工事", from: inDays(9), until: inDays(11), operator: "desk" });
    expect(refused).toMatchObject({ ok: false });
    expect(refused.message.en).toContain(booked.orderId);
    expect((await roomBoard(env.DB)).rooms.find((r) => r.id === room.id)?.status).toBe("available");
    expect(await audit(room.id)).toEqual([]);

    expect(await takeOutOfService(env, db, room.id, { action: "set_maintenance", reason: "", from: inDays(20), until: inDays(22), operator: "desk" })).toMatchObject({ ok: false });
    expect(await takeOutOfService(env, db, room.id, { action: "set_maintenance", reason: "配管工事", from: inDays(20), until: inDays(22), operator: "desk" })).toMatchObject({ ok: true });
    expect((await roomBoard(env.DB)).rooms.find((r) => r.id === room.id)).toMatchObject({ status: "maintenance", reason: "配管工事", until: inDays(22) });
    expect((await searchAvailability(env, db, inDays(20), inDays(22))).find((a) => a.type.id === types[0]!.id)?.available).toBe(0);
    expect(await simpleMove(env, db, room.id, "reopen", "desk")).toMatchObject({ ok: true });
    expect((await searchAvailability(env, db, inDays(20), inDays(22))).find((a) => a.type.id === types[0]!.id)?.available).toBe(1);
    expect(await audit(room.id)).toEqual([
      { action: "set_maintenance", fromStatus: "available", toStatus: "maintenance", actor: "desk" },
      { action: "reopen", fromStatus: "maintenance", toStatus: "available", actor: "desk" },
    ]);
  });

  it("an arrival cancelled today leaves Reserved for Available by itself", async () => {
    const { types } = await seedLodging([{ name: "当日取消", defaultPoints: 4_000, rooms: 1 }]);
    const room = types[0]!.rooms[0]!;
    const m = await newMember({ points: 10_000 });
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(0), checkOut: inDays(1), quantity: 1 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");
    expect((await roomBoard(env.DB)).rooms.find((r) => r.id === room.id)?.status).toBe("reserved");
    expect((await requestCancellation(env, db, m.id, booked.orderId)).ok).toBe(true);
    expect((await decideCancellation(env, booked.orderId, { type: "approve_cancellation", operator: "desk" })).applied).toBe(true);
    expect((await roomBoard(env.DB)).rooms.find((r) => r.id === room.id)).toMatchObject({ status: "available", guest: null });
    expect((await audit(room.id)).map((a) => a.action)).toEqual(["arrival_due", "arrival_cancelled"]);
  });
});
