// The jobs queue consumer and the dead-letter queue, driven with hand-made batches.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { alerts, outbox, sandboxRecords } from "../src/db/schema.ts";
import { newId } from "../src/domain/ids.ts";
import type { Effect } from "../src/domain/reservation/types.ts";
import worker from "../src/index.ts";
import { backoffSeconds } from "../src/queues/consumer.ts";
import type { QueueMessage } from "../src/queues/messages.ts";
import { createReservation, db, record, seedShops, waitForJobs, waitForStatus } from "./helpers.ts";

/** An outbox row as a transition would commit it (for a reservation that may not exist). */
async function job(effect: Effect, reservationId = "QRV-QUEUE2"): Promise<string> {
  const id = newId("job");
  const { kind, ...payload } = effect;
  await db.insert(outbox).values({ id, reservationId, kind, payload: JSON.stringify(payload), createdAt: Date.now(), updatedAt: Date.now() });
  return id;
}

async function run(queue: string, messages: { id: string; body: QueueMessage; attempts?: number }[]) {
  const batch = createMessageBatch<QueueMessage>(queue, messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })));
  // getQueueResult does not report retry delays, so watch them on the messages.
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryDelays: retries.flatMap((spy) => spy.mock.calls.map((call) => call[0]?.delaySeconds)) };
}

const sms = (to: string): Effect => ({ kind: "sms.send", to, body: "テスト {{guest_url}}", template: "test" });

describe("jobs consumer", () => {
  it("runs a job once, fills in the guest link, and acknowledges", async () => {
    const id = await job(sms("+819011112222"), "QRV-QUEUE3");
    const message = { type: "job", id, links: { guest_url: "https://qrv.test/r/TOKEN" } } as const;
    const result = await run("qrv-jobs", [{ id: "m1", body: message }]);
    expect(result.explicitAcks).toEqual(["m1"]);
    const row = await db.query.outbox.findFirst({ where: eq(outbox.id, id) });
    expect(row).toMatchObject({ status: "done", attempts: 1, providerRef: expect.stringMatching(/^SM[0-9a-f]{32}$/), deliveryStatus: "queued" });
    const sent = await db.select().from(sandboxRecords).where(eq(sandboxRecords.providerRef, row!.providerRef!));
    expect(sent.map((s) => s.body)).toEqual(["テスト https://qrv.test/r/TOKEN"]);

    // A second delivery of the same message sends nothing.
    const again = await run("qrv-jobs", [{ id: "m1", body: message, attempts: 2 }]);
    expect(again.explicitAcks).toEqual(["m1"]);
    expect(await db.select().from(sandboxRecords).where(eq(sandboxRecords.to, "+819011112222"))).toHaveLength(1);
  });

  it("claims a batch's jobs in one statement, and runs a job delivered twice in one batch once", async () => {
    const first = await job(sms("+819011113333"), "QRV-QUEUE4");
    const second = await job(sms("+819011114444"), "QRV-QUEUE4");
    const prepare = vi.spyOn(env.DB, "prepare");
    const result = await run("qrv-jobs", [
      { id: "b1", body: { type: "job", id: first, links: {} } },
      { id: "b2", body: { type: "job", id: second, links: {} } },
      { id: "b3", body: { type: "job", id: first, links: {} } },
    ]);
    const claims = prepare.mock.calls.filter(([sql]) => sql.includes("status = 'sending'"));
    prepare.mockRestore();
    expect(claims).toHaveLength(1);
    expect(result.explicitAcks.sort()).toEqual(["b1", "b2", "b3"]);
    for (const id of [first, second]) expect(await db.query.outbox.findFirst({ where: eq(outbox.id, id) })).toMatchObject({ status: "done", attempts: 1 });
    expect(await db.select().from(sandboxRecords).where(eq(sandboxRecords.to, "+819011113333"))).toHaveLength(1);
  });

  it("retries a transient failure later, with backoff", async () => {
    const id = await job(sms("+819011110503"));
    const result = await run("qrv-jobs", [{ id: "m2", body: { type: "job", id, links: {} }, attempts: 3 }]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "m2" }]);
    expect(result.retryDelays).toHaveLength(1);
    const delay = result.retryDelays[0]!;
    expect(delay).toBeGreaterThanOrEqual(20);
    expect(delay).toBeLessThanOrEqual(24);
    expect(await db.query.outbox.findFirst({ where: eq(outbox.id, id) })).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("503") });
  });

  it("does not retry a permanent failure: the job fails, operators are alerted, the SMS goes by email", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id: reservationId, guestUrl } = await createReservation(where, { requester: { name: "番号違い", phone: "+819011110000", email: "wrong-number@example.com", language: "ja" } });
    await waitForStatus(reservationId, "calling");
    await expect
      .poll(async () => (await db.select().from(outbox).where(eq(outbox.reservationId, reservationId))).find((j) => j.kind === "sms.send")?.status)
      .toBe("failed");
    await expect.poll(async () => (await db.select().from(alerts).where(eq(alerts.reservationId, reservationId))).map((a) => a.case)).toEqual(["sms_undeliverable"]);
    expect((await record(reservationId)).status).toBe("calling");
    await expect
      .poll(async () => (await db.select().from(sandboxRecords).where(eq(sandboxRecords.reservationId, reservationId))).filter((r) => r.subject === "[QRV] SMSをお届けできませんでした").map((r) => r.body))
      .toEqual([expect.stringContaining(`ご予約リクエストを受け付けました`)]);
    const fallback = (await db.select().from(sandboxRecords).where(eq(sandboxRecords.reservationId, reservationId))).find((r) => r.subject === "[QRV] SMSをお届けできませんでした")!;
    expect(fallback.body).toContain(guestUrl);
  });

  it("backoff grows exponentially with jitter and a ceiling", () => {
    expect(backoffSeconds(1, 0)).toBe(5);
    expect(backoffSeconds(2, 0)).toBe(10);
    expect(backoffSeconds(4, 0)).toBe(40);
    expect(backoffSeconds(4, 1)).toBe(48);
    expect(backoffSeconds(20, 0)).toBe(600);
  });

  it("sends one alert per case and reservation", async () => {
    const effect: Effect = { kind: "alert.send", case: "ambiguous_answer", key: "ambiguous_answer:QRV-ALERT2", priority: "high", text: "予約ID: QRV-ALERT2 が曖昧な回答" };
    const a = await job(effect, "QRV-ALERT2");
    const b = await job(effect, "QRV-ALERT2");
    await run("qrv-jobs", [
      { id: "a", body: { type: "job", id: a } },
      { id: "b", body: { type: "job", id: b } },
    ]);
    const posted = await db.select().from(sandboxRecords).where(eq(sandboxRecords.reservationId, "QRV-ALERT2"));
    expect(posted).toHaveLength(1);
    expect(await db.select().from(alerts).where(eq(alerts.key, "ambiguous_answer:QRV-ALERT2"))).toEqual([expect.objectContaining({ sentAt: expect.any(Number) })]);
  });
});

describe("dead-letter queue", () => {
  it("marks an exhausted job dead and moves the reservation on (a call that cannot be placed)", async () => {
    const where = await seedShops([{ answer: "manual", name: "かからない店" }, { answer: "manual", name: "次の店" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const r = await record(id);
    const callJob = (await db.select().from(outbox).where(eq(outbox.reservationId, id))).find((j) => j.kind === "call.place")!;
    // Pretend every delivery of the call job failed until the queue gave up on it.
    await db.update(outbox).set({ status: "pending", lastError: "Bland 503" }).where(eq(outbox.id, callJob.id));
    const result = await run("qrv-jobs-dlq", [{ id: "d1", body: { type: "job", id: callJob.id } }]);
    expect(result.explicitAcks).toEqual(["d1"]);
    expect(await db.query.outbox.findFirst({ where: eq(outbox.id, callJob.id) })).toMatchObject({ status: "dead", lastError: "retries exhausted: Bland 503" });
    const after = await record(id);
    expect(after.data.attempts.map((a) => [a.shopName, a.result])).toEqual([
      ["かからない店", "failed"],
      ["次の店", undefined],
    ]);
    expect(after.version).toBeGreaterThan(r.version);
  });

  it("alerts operators when any other job dies", async () => {
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const emailJob = (await db.select().from(outbox).where(eq(outbox.reservationId, id))).find((j) => j.kind === "email.send")!;
    await db.update(outbox).set({ status: "pending", lastError: "EmailSendingError: E_RATE_LIMIT" }).where(eq(outbox.id, emailJob.id));
    await run("qrv-jobs-dlq", [{ id: "d2", body: { type: "job", id: emailJob.id } }]);
    await expect.poll(async () => (await db.select().from(alerts).where(eq(alerts.reservationId, id))).map((a) => a.case)).toEqual(["job_dead"]);
    // The alert carries the real error once, not "retries exhausted: retries exhausted".
    const text = JSON.parse((await db.select().from(outbox).where(eq(outbox.reservationId, id))).find((j) => j.kind === "alert.send")!.payload).text as string;
    expect(text).toContain("retries exhausted: EmailSendingError: E_RATE_LIMIT");
    expect(text).not.toContain("retries exhausted: retries exhausted");
  });
});
