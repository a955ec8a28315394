// The Reservation Durable Object: the one writer of a reservation.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { sandboxCalls, sandboxCheckoutSessions } from "../src/db/schema.ts";
import { reservationStub } from "../src/durable/client.ts";
import { createReservation, db, eventsOf, fireAlarm, jobsOf, record, seedShops, waitForJobs, waitForStatus } from "./helpers.ts";

describe("Reservation object", () => {
  it("commits the record, its audit event and its outbox rows together", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    const [created] = await eventsOf(id);
    expect(created).toMatchObject({ type: "create", version: 1, toStatus: "calling", ignored: false });
    const firstJobs = (await jobsOf(id)).filter((j) => j.createdAt === created!.createdAt);
    expect(firstJobs.map((j) => j.kind).sort()).toEqual(["call.place", "email.send", "sms.send"]);
  });

  it("records an event that does not apply, without changing the reservation", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "calling");
    const result = await reservationStub(env, id).dispatch({ type: "payment_deadline" }, "system");
    expect(result).toMatchObject({ applied: false, status: "calling", version: r.version, reason: expect.stringContaining("does not apply") });
    expect((await record(id)).version).toBe(r.version);
    const last = (await eventsOf(id)).at(-1)!;
    expect(last).toMatchObject({ type: "payment_deadline", ignored: true, version: r.version });
  });

  it("applies a delivery with the same key once", async () => {
    const where = await seedShops([{ answer: "manual" }, { answer: "manual" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "calling");
    const attemptId = r.data.attempts[0]!.id;
    const stub = reservationStub(env, id);
    const first = await stub.dispatch({ type: "call_result", attemptId, result: "declined" }, "provider", "bland:call-1");
    const second = await stub.dispatch({ type: "call_result", attemptId, result: "declined" }, "provider", "bland:call-1");
    expect(first.applied).toBe(true);
    expect(second).toMatchObject({ applied: false, duplicate: true });
    expect((await record(id)).data.attempts.map((a) => a.result)).toEqual(["declined", undefined]);
  });

  it("answers 'not found' for an id it does not hold", async () => {
    const result = await reservationStub(env, "QRV-NOPE22").dispatch({ type: "cancel", by: "requester" }, "requester");
    expect(result).toMatchObject({ applied: false, status: null });
  });

  it("resumes from D1 after eviction and keeps its guest link", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id, guestUrl } = await createReservation(where);
    await waitForStatus(id, "calling");
    // The call is placed (a call job whose attempt has ended would dial nobody).
    await expect.poll(async () => (await record(id)).data.attempts[0]?.providerCallId).toBeDefined();
    const before = await record(id);
    const stub = reservationStub(env, id);
    await evictDurableObject(stub);
    expect(Object.values(await stub.links())).toEqual([guestUrl]);
    const attemptId = before.data.attempts[0]!.id;
    const result = await stub.dispatch({ type: "call_result", attemptId, result: "accepted" }, "provider");
    expect(result).toMatchObject({ applied: true, status: "calling_success", version: before.version + 1 });
    // Evicted again while the payment link is being made: the flow goes on, and no job was sent twice.
    await evictDurableObject(stub);
    await waitForStatus(id, "payment_pending");
    await waitForJobs(id);
    const jobs = await jobsOf(id);
    expect(jobs.filter((j) => j.kind === "call.place")).toHaveLength(1);
    expect(jobs.filter((j) => j.kind === "payment.create")).toHaveLength(1);
    expect(await db.select().from(sandboxCalls).where(eq(sandboxCalls.reservationId, id))).toHaveLength(1);
    expect(await db.select().from(sandboxCheckoutSessions).where(eq(sandboxCheckoutSessions.reservationId, id))).toHaveLength(1);
  });

  it("a stale copy never writes: the commit is guarded by the version", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    // Let the placed call be reported first, so its event is not counted below.
    await expect.poll(async () => (await record(id)).data.attempts[0]?.providerCallId).toBeDefined();
    const r = await record(id);
    // Someone wrote behind the object's back (cannot happen by design; proves the guard).
    await env.DB.prepare("UPDATE reservations SET version = version + 5 WHERE id = ?").bind(id).run();
    const eventsBefore = (await eventsOf(id)).length;
    const jobsBefore = (await jobsOf(id)).length;
    const result = await reservationStub(env, id).dispatch({ type: "call_result", attemptId: r.data.attempts[0]!.id, result: "declined" }, "provider");
    // The object reloaded the current row and applied the event on top of it, once.
    expect(result).toMatchObject({ applied: true, version: r.version + 6 });
    expect((await eventsOf(id)).length).toBe(eventsBefore + 1);
    expect((await jobsOf(id)).length).toBe(jobsBefore); // the round ended: a timer, no jobs
    expect((await record(id)).timers.map((t) => t.type)).toEqual(["next_round"]);
  });

  it("timers run by alarm, and a fired timer leaves even when its event is ignored", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "calling");
    expect(r.timers.map((t) => t.type)).toEqual(["call_timeout"]);
    // The call timeout fires: the provider has no result, so it counts as no answer.
    expect(await fireAlarm(id)).toBe(true);
    const after = await record(id);
    expect(after.data.attempts[0]!.result).toBe("no_answer");
    expect(after.status).toBe("calling");
    expect(after.timers.map((t) => t.type)).toEqual(["next_round"]);
  });
});
