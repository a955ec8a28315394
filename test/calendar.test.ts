// The calendar object (invariant 4): one object per bookable resource is the only writer of its
// time, so no night and no slot is ever taken twice, whatever the concurrency.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { calendarFor, confirmAll, holdAll, HoldLapsed, releaseAll } from "../src/durable/calendar-client.ts";
import { invalidIntervals, nightInterval, nightsBetween, subtract } from "../src/domain/resource-calendar.ts";

let n = 0;
const resource = (kind = "room") => `${kind}:test-${Date.now()}-${n++}`;
const HOUR = 3_600_000;
const night = (date: string) => nightInterval(date);
const soon = () => Date.now() + 10 * 60_000;

describe("resource calendar rules", () => {
  it("names the nights of a stay, across a month and a leap day", () => {
    expect(nightsBetween("2028-02-28", "2028-03-02")).toEqual(["2028-02-28", "2028-02-29", "2028-03-01"]);
    expect(nightsBetween("2026-12-31", "2027-01-01")).toEqual(["2026-12-31"]);
    expect(nightsBetween("2026-12-01", "2026-12-01")).toEqual([]);
    expect(() => nightInterval("2027-02-29")).toThrow(RangeError);
  });

  it("cuts an interval into what is left", () => {
    const i = { start: 0, end: 10 };
    expect(subtract(i, { start: 3, end: 5 })).toEqual([{ start: 0, end: 3 }, { start: 5, end: 10 }]);
    expect(subtract(i, { start: 0, end: 10 })).toEqual([]);
    expect(subtract(i, { start: 10, end: 12 })).toEqual([i]);
    expect(subtract(i, { start: -5, end: 4 })).toEqual([{ start: 4, end: 10 }]);
  });

  it("refuses malformed intervals", () => {
    expect(invalidIntervals([])).toMatch(/at least one/);
    expect(invalidIntervals([{ start: 5, end: 5 }])).toMatch(/end after/);
    expect(invalidIntervals([{ start: 0.5, end: 5 }])).toMatch(/whole/);
    expect(invalidIntervals([{ start: 0, end: 5 }, { start: 4, end: 8 }])).toMatch(/overlap/);
    expect(invalidIntervals([{ start: 0, end: 5 }, { start: 5, end: 8 }])).toBeNull();
  });
});

describe("Calendar object", () => {
  it("holds all nights of a stay or none of them", async () => {
    const cal = calendarFor(env, resource());
    expect(await cal.book("order-a", [night("2026-12-02")])).toEqual({ ok: true });
    const stay = nightsBetween("2026-12-01", "2026-12-04").map(night);
    const refused = await cal.hold("order-b", stay, soon());
    expect(refused).toEqual({ ok: false, conflicts: [{ key: "order-a", ...night("2026-12-02"), state: "booked" }] });
    // Nothing of the refused stay was taken: the first night is still free for someone else.
    expect(await cal.hold("order-c", [night("2026-12-01")], soon())).toEqual({ ok: true });
    expect((await cal.entries(night("2026-11-30").start, night("2026-12-05").end)).map((e) => e.key)).toEqual(["order-c", "order-a"]);
  });

  it("is idempotent per key: holding again refreshes, confirming twice books once", async () => {
    const cal = calendarFor(env, resource());
    const stay = nightsBetween("2027-01-10", "2027-01-12").map(night);
    expect(await cal.hold("order-a", stay, soon())).toEqual({ ok: true });
    const later = soon() + 60_000;
    expect(await cal.hold("order-a", stay, later)).toEqual({ ok: true });
    const held = await cal.entries(stay[0]!.start, stay[1]!.end);
    expect(held).toHaveLength(2);
    expect(held.every((e) => e.state === "held" && e.expiresAt === later)).toBe(true);
    expect(await cal.confirm("order-a")).toEqual({ ok: true, count: 2 });
    expect(await cal.confirm("order-a")).toEqual({ ok: true, count: 0 });
    expect((await cal.entries(stay[0]!.start, stay[1]!.end)).map((e) => e.state)).toEqual(["booked", "booked"]);
    expect(await cal.confirm("never-held")).toEqual({ ok: false, reason: "not_held" });
  });

  it("lets a lapsed hold go at once, and the alarm sweeps it", async () => {
    const name = resource();
    const cal = calendarFor(env, name);
    const slot = { start: Date.UTC(2027, 0, 5, 1), end: Date.UTC(2027, 0, 5, 2) };
    const expiry = Date.now() + 300;
    expect(await cal.hold("engagement-a", [slot], expiry)).toEqual({ ok: true });
    expect(await cal.hold("engagement-b", [slot], soon())).toMatchObject({ ok: false });
    await new Promise((r) => setTimeout(r, 400));
    // Lapsed but not yet swept: it no longer blocks anyone, and cannot be confirmed.
    expect(await cal.confirm("engagement-a")).toEqual({ ok: false, reason: "not_held" });
    expect(await cal.hold("engagement-b", [slot], soon())).toEqual({ ok: true });
    expect(await runDurableObjectAlarm(cal)).toBe(true);
    expect((await cal.entries(slot.start, slot.end)).map((e) => e.key)).toEqual(["engagement-b"]);
  });

  it("expires holds by alarm and keeps the alarm at the next expiry", async () => {
    const cal = calendarFor(env, resource());
    const a = { start: 0, end: HOUR };
    const b = { start: HOUR, end: 2 * HOUR };
    await cal.hold("first", [a], Date.now() + 200);
    await cal.hold("second", [b], Date.now() + 60_000);
    await new Promise((r) => setTimeout(r, 250));
    expect(await runDurableObjectAlarm(cal)).toBe(true);
    expect((await cal.entries(0, 2 * HOUR)).map((e) => e.key)).toEqual(["second"]);
    // The alarm is armed again for the second hold.
    expect(await runDurableObjectAlarm(cal)).toBe(true);
    expect((await cal.entries(0, 2 * HOUR)).map((e) => e.key)).toEqual(["second"]);
  });

  it("releases part of a stay (an early departure) and leaves the rest booked", async () => {
    const cal = calendarFor(env, resource());
    const whole = { start: night("2027-02-01").start, end: night("2027-02-04").end }; // four nights as one interval
    await cal.book("order-a", [whole]);
    expect(await cal.release("order-a", [night("2027-02-03"), night("2027-02-04")])).toEqual({ released: 2 * 86_400_000 });
    expect(await cal.release("order-a", [night("2027-02-04")])).toEqual({ released: 0 });
    const left = await cal.entries(whole.start, whole.end);
    expect(left).toMatchObject([{ key: "order-a", start: night("2027-02-01").start, end: night("2027-02-02").end, state: "booked" }]);
    expect(await cal.book("order-b", [night("2027-02-03")])).toEqual({ ok: true });
    expect(await cal.release("order-a")).toEqual({ released: 2 * 86_400_000 });
    expect(await cal.release("order-a")).toEqual({ released: 0 });
  });

  it("refuses a block over a booking and names the order in the way", async () => {
    const cal = calendarFor(env, resource());
    await cal.book("order-x", [night("2027-03-02")]);
    const refused = await cal.block("maintenance-1", nightsBetween("2027-03-01", "2027-03-04").map(night), "boiler");
    expect(refused).toEqual({ ok: false, conflicts: [{ key: "order-x", ...night("2027-03-02"), state: "booked" }] });
    expect(await cal.block("maintenance-1", [night("2027-03-05")], "boiler")).toEqual({ ok: true });
    expect(await cal.block("closed-day", [night("2027-03-05")], "holiday")).toEqual({ ok: true });
    expect(await cal.hold("order-y", [night("2027-03-05")], soon())).toMatchObject({ ok: false, conflicts: [{ state: "blocked" }, { state: "blocked" }] });
    const [entry] = await cal.entries(night("2027-03-05").start, night("2027-03-05").end);
    expect(entry).toMatchObject({ key: "maintenance-1", note: "boiler", state: "blocked" });
  });

  it("refuses bad input with a clear error and writes nothing", async () => {
    const cal = calendarFor(env, resource());
    expect(await cal.hold("", [night("2027-04-01")], soon())).toEqual({ ok: false, conflicts: [], error: expect.stringMatching(/key/) });
    expect(await cal.book("k", [{ start: 10, end: 5 }])).toEqual({ ok: false, conflicts: [], error: expect.stringMatching(/end after it starts/) });
    expect(await cal.hold("k", [night("2027-04-01")], Date.now() - 1)).toMatchObject({ ok: false, error: expect.stringMatching(/expiry in the future/) });
    // A stay whose second interval is malformed takes nothing, not even the good first night.
    expect(await cal.hold("k", [night("2027-04-01"), { start: 1.5, end: 2 }], soon())).toMatchObject({ ok: false, error: expect.stringMatching(/whole/) });
    expect(await cal.block("k", [night("2027-04-02")], "x".repeat(501))).toMatchObject({ ok: false, error: expect.stringMatching(/note/) });
    expect(await cal.confirm("")).toMatchObject({ ok: false, reason: "invalid" });
    expect(await cal.release("k", [])).toMatchObject({ released: 0, error: expect.stringMatching(/at least one/) });
    expect(await cal.entries(5, 5)).toEqual([]);
    expect(await cal.entries(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it("books one slot exactly once when fifty ask for it at the same moment", async () => {
    const cal = calendarFor(env, resource("coach"));
    const slot = { start: Date.UTC(2027, 4, 1, 1), end: Date.UTC(2027, 4, 1, 2) };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => cal.book(`engagement-${i}`, [slot])));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const entries = await cal.entries(slot.start, slot.end);
    expect(entries).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.conflicts[0]!.key === entries[0]!.key)).toBe(true);
  });
});

describe("holding several resources", () => {
  it("takes every room or none, and gives back what it took when one is refused", async () => {
    const rooms = [resource(), resource(), resource()];
    const stay = nightsBetween("2027-05-01", "2027-05-03").map(night);
    await calendarFor(env, rooms[2]!).book("someone-else", [stay[1]!]);
    const result = await holdAll(env, "order-1", rooms.map((r) => ({ resource: r, intervals: stay })), soon());
    expect(result).toMatchObject({ ok: false, resource: rooms[2], conflicts: [{ key: "someone-else" }] });
    for (const r of rooms.slice(0, 2)) expect(await calendarFor(env, r).entries(stay[0]!.start, stay[1]!.end)).toEqual([]);

    expect(await holdAll(env, "order-2", rooms.slice(0, 2).map((r) => ({ resource: r, intervals: stay })), soon())).toEqual({ ok: true });
    await confirmAll(env, "order-2", rooms.slice(0, 2));
    const booked = await calendarFor(env, rooms[0]!).entries(stay[0]!.start, stay[1]!.end);
    expect(booked.map((e) => e.state)).toEqual(["booked", "booked"]);
    await releaseAll(env, "order-2", rooms.slice(0, 2));
    expect(await calendarFor(env, rooms[1]!).entries(stay[0]!.start, stay[1]!.end)).toEqual([]);
  });

  it("says which holds had lapsed when confirming", async () => {
    const rooms = [resource(), resource()];
    await calendarFor(env, rooms[0]!).hold("order-3", [night("2027-06-01")], soon());
    await expect(confirmAll(env, "order-3", rooms)).rejects.toThrow(HoldLapsed);
  });

  it("never books a room-night twice when many multi-room orders race", async () => {
    const rooms = [resource(), resource(), resource()];
    const stay = nightsBetween("2027-07-01", "2027-07-03").map(night);
    // Twenty orders each want two of the three rooms, in different orders: at most one can win a pair.
    const pairs = [[0, 1], [1, 2], [2, 0], [1, 0]] as const;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        holdAll(env, `race-${i}`, pairs[i % pairs.length]!.map((k) => ({ resource: rooms[k]!, intervals: stay })), soon()),
      ),
    );
    const winners = results.filter((r) => r.ok).length;
    expect(winners).toBeLessThanOrEqual(1);
    for (const r of rooms) {
      const taken = await calendarFor(env, r).entries(stay[0]!.start, stay[1]!.end);
      for (const night of stay) expect(taken.filter((e) => e.start < night.end && night.start < e.end).length).toBeLessThanOrEqual(1);
    }
  });
});
