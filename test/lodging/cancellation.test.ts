// Cancelling lodging orders in workerd (seed 004 §3(3)5): a partial request waits with its
// quote, staff approve it once (points back once, the room's nights free for search), then the
// rest; refunds never add up to more than what was paid.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ordersOfMember, linesOf } from "../../src/db/lodging-orders.ts";
import { nightInterval } from "../../src/domain/resource-calendar.ts";
import { calendarFor } from "../../src/durable/calendar-client.ts";
import { decideCancellation, pendingCancellations, quoteCancellation, requestCancellation } from "../../src/lodging/cancellation.ts";
import { searchAvailability } from "../../src/lodging/inventory.ts";
import { bookRooms } from "../../src/lodging/orders.ts";
import { db } from "../helpers.ts";
import { inDays, ledgerSum, newMember, seedLodging } from "./helpers.ts";

describe("lodging cancellation with staff approval", () => {
  it("partial then full: quoted, pending, approved once each, nights reopened, refunds at most what was paid", async () => {
    const { types } = await seedLodging([{ name: "取消ツイン", defaultPoints: 10_000, rooms: 2 }]);
    const m = await newMember({ points: 100_000 });
    const checkIn = inDays(20);
    const checkOut = inDays(22);
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn, checkOut, quantity: 2 }], { language: "ja" });
    if (!booked.ok) throw new Error("not booked");
    const [first, second] = booked.record.data.lines;
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 60_000 });

    const quote = await quoteCancellation(env, db, m.id, booked.orderId, [first!.roomNumber]);
    expect(quote).toMatchObject({ ok: true, quote: { refund: 20_000, paid: 20_000, percent: 100, full: false } });
    const asked = await requestCancellation(env, db, m.id, booked.orderId, { rooms: [first!.roomNumber] });
    expect(asked).toMatchObject({ ok: true, cancellation: { status: "pending", refund: 20_000 } });
    // Nothing moves before approval; the queue shows it.
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 60_000 });
    expect((await pendingCancellations(env.DB)).map((p) => p.orderId)).toContain(booked.orderId);

    const op = { type: "approve_cancellation" as const, operator: "desk@qrv.test" };
    const [a, b] = [await decideCancellation(env, booked.orderId, op), await decideCancellation(env, booked.orderId, op)];
    expect([a.applied, b.applied]).toEqual([true, false]);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 80_000, sum: 80_000 });
    expect((await pendingCancellations(env.DB)).map((p) => p.orderId)).not.toContain(booked.orderId);
    // The cancelled room's nights are free again; the other room's stay stands.
    expect(await calendarFor(env, `room:${first!.roomId}`).entries(nightInterval(checkIn).start, nightInterval(checkOut).start)).toEqual([]);
    expect(await calendarFor(env, `room:${second!.roomId}`).entries(nightInterval(checkIn).start, nightInterval(checkOut).start)).toEqual([expect.objectContaining({ key: booked.orderId, state: "booked" })]);
    expect((await searchAvailability(env, db, checkIn, checkOut)).find((x) => x.type.id === types[0]!.id)?.available).toBe(1);
    expect((await linesOf(db, booked.orderId)).map((l) => l.status)).toEqual(["cancelled", "active"]);

    // The same room again is refused; the rest is cancelled in full.
    expect(await requestCancellation(env, db, m.id, booked.orderId, { rooms: [first!.roomNumber] })).toMatchObject({ ok: false, message: { en: `Already cancelled: ${first!.roomNumber}` } });
    expect(await requestCancellation(env, db, m.id, booked.orderId)).toMatchObject({ ok: true, cancellation: { full: true, roomNumbers: [second!.roomNumber] } });
    expect((await decideCancellation(env, booked.orderId, op)).applied).toBe(true);
    const [row] = await ordersOfMember(db, m.id, { orderId: booked.orderId });
    expect(row).toMatchObject({ status: "cancelled", refundedPoints: 40_000, pendingCancellation: null });
    const refunds = await env.DB.prepare("SELECT sum(amount) AS s, count(*) AS n FROM point_ledger WHERE order_id = ? AND kind = 'refund'").bind(booked.orderId).first<{ s: number; n: number }>();
    expect(refunds).toEqual({ s: 40_000, n: 2 });
    expect(refunds!.s).toBeLessThanOrEqual(booked.record.data.total);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 100_000, sum: 100_000 });
    expect((await searchAvailability(env, db, checkIn, checkOut)).find((x) => x.type.id === types[0]!.id)?.available).toBe(2);
  });

  it("staff refuse: the order stands and nothing is refunded; another member cannot cancel it", async () => {
    const { types } = await seedLodging([{ name: "取消シングル", defaultPoints: 8_000, rooms: 1 }]);
    const m = await newMember({ points: 20_000 });
    const other = await newMember({ points: 0 });
    const booked = await bookRooms(env, db, m, [{ roomType: types[0]!.name, checkIn: inDays(2), checkOut: inDays(3), quantity: 1 }], { language: "en" });
    if (!booked.ok) throw new Error("not booked");
    expect(await requestCancellation(env, db, other.id, booked.orderId)).toMatchObject({ ok: false, message: { en: `No order ${booked.orderId} was found for this member.` } });
    expect(await requestCancellation(env, db, m.id, booked.orderId)).toMatchObject({ ok: true, cancellation: { percent: 0, refund: 0 } });
    expect((await decideCancellation(env, booked.orderId, { type: "refuse_cancellation", reason: "直前のため", operator: "desk@qrv.test" })).applied).toBe(true);
    const [row] = await ordersOfMember(db, m.id, { orderId: booked.orderId });
    expect(row).toMatchObject({ status: "confirmed", pendingCancellation: null, refundedPoints: 0 });
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 12_000 });
  });
});
