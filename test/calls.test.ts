// Calls stop when the booking has moved on: a stale call job dials nobody, a call retried past
// its attempt's timeout gives up instead, cancelling hangs up the live call, and a shop that
// said yes just before the cancellation is told the booking is off.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { outbox, sandboxCalls, sandboxRecords } from "../src/db/schema.ts";
import { policy } from "../src/domain/policy.ts";
import { reservationStub } from "../src/durable/client.ts";
import worker from "../src/index.ts";
import type { QueueMessage } from "../src/queues/messages.ts";
import { createReservation, db, record, seedShops, waitForJobs, waitForStatus } from "./helpers.ts";

async function deliver(jobId: string, attempts = 1) {
  const batch = createMessageBatch<QueueMessage>("qrv-jobs", [{ id: `m-${jobId}-${attempts}`, timestamp: new Date(), attempts, body: { type: "job", id: jobId } }]);
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retried: retries.some((s) => s.mock.calls.length > 0) };
}

const callsTo = (reservationId: string) => db.select().from(sandboxCalls).where(eq(sandboxCalls.reservationId, reservationId));
const callJobs = async (reservationId: string) => (await db.select().from(outbox).where(eq(outbox.reservationId, reservationId))).filter((j) => j.kind === "call.place");

describe("a call job checks its reservation before dialling", () => {
  it("a retry that arrives after the booking was cancelled dials nobody", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    expect(await callsTo(id)).toHaveLength(1);
    await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    // The queue delivers the call job again (as after a lost acknowledgement).
    const [job] = await callJobs(id);
    await db.update(outbox).set({ status: "pending" }).where(eq(outbox.id, job!.id));
    const result = await deliver(job!.id, 2);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await callsTo(id)).toHaveLength(1);
    expect((await record(id)).status).toBe("cancelled");
  });

  it("a retry for an attempt the flow has left behind dials nobody", async () => {
    const where = await seedShops([{ answer: "manual", name: "一軒目" }, { answer: "manual", name: "二軒目" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const [first] = await callJobs(id);
    // The first call timed out; the flow is calling the second shop.
    const r = await record(id);
    await reservationStub(env, id).dispatch({ type: "call_timeout", attemptId: r.data.attempts[0]!.id }, "system");
    await waitForJobs(id);
    expect((await callsTo(id)).map((c) => c.shopName)).toEqual(["一軒目", "二軒目"]);
    await db.update(outbox).set({ status: "pending" }).where(eq(outbox.id, first!.id));
    await deliver(first!.id, 3);
    expect((await callsTo(id)).map((c) => c.shopName)).toEqual(["一軒目", "二軒目"]);
  });

  it("a failing call is not retried past its attempt's timeout: the next shop is called instead", async () => {
    const where = await seedShops([{ answer: "manual", name: "つながらない店" }, { answer: "manual", name: "次の店" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const [job] = await callJobs(id);
    // Committed long enough ago that any backoff would outlive the attempt; the provider fails.
    await db.update(outbox).set({ status: "pending", createdAt: Date.now() - policy.callAttemptTimeoutMs + 2_000 }).where(eq(outbox.id, job!.id));
    // The attempt is still current, so the job reaches the provider, which fails (transiently).
    const spy = vi.spyOn(crypto, "randomUUID").mockImplementationOnce(() => {
      throw new Error("Bland 503");
    });
    const result = await deliver(job!.id, 4);
    spy.mockRestore();
    expect(result.retried).toBe(false);
    expect(await db.query.outbox.findFirst({ where: eq(outbox.id, job!.id) })).toMatchObject({ status: "failed", lastError: expect.stringContaining("no time left to retry") });
    await expect.poll(async () => (await record(id)).data.attempts.map((a) => [a.shopName, a.result])).toEqual([
      ["つながらない店", "failed"],
      ["次の店", undefined],
    ]);
  });
});

describe("cancelling while a shop is being called", () => {
  it("hangs up the live call", async () => {
    const where = await seedShops([{ answer: "manual", name: "鳴っている店" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    await expect.poll(async () => (await record(id)).data.attempts[0]?.providerCallId).toBeTruthy();
    await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    await waitForJobs(id);
    const jobs = await db.select().from(outbox).where(eq(outbox.reservationId, id));
    expect(jobs.find((j) => j.kind === "call.stop")).toMatchObject({ status: "done" });
    expect((await callsTo(id)).map((c) => c.status)).toEqual(["stopped"]);
    const hungUp = await db.select().from(sandboxRecords).where(and(eq(sandboxRecords.reservationId, id), eq(sandboxRecords.channel, "call")));
    expect(hungUp.map((r) => r.subject)).toContain("鳴っている店: hung up");
  });

  it("a shop that said yes before the cancellation is emailed that the booking is off", async () => {
    const where = await seedShops([{ answer: "manual", name: "受けた店", email: "yes-shop@shops.test" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const attemptId = (await record(id)).data.attempts[0]!.id;
    await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    // The shop's yes was said on the call before the hang-up; its result arrives afterwards.
    await reservationStub(env, id).dispatch({ type: "call_result", attemptId, result: "accepted", summary: "OK" }, "provider");
    await waitForJobs(id);
    const emails = (await db.select().from(sandboxRecords).where(and(eq(sandboxRecords.reservationId, id), eq(sandboxRecords.channel, "email")))).filter((e) => e.to === "yes-shop@shops.test");
    expect(emails.map((e) => e.subject)).toEqual(["[QRV] 仮予約取り消しのお知らせ"]);
    expect((await record(id)).status).toBe("cancelled");
  });
});
