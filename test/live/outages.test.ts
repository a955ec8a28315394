// A provider that is down: each channel's job is tried and given back for a later attempt
// (the queue retries with backoff), and when the queue gives up on it the dead-letter queue
// marks it dead; the reservation still ends somewhere sensible and operators hear of it.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { alerts, outbox } from "../../src/db/schema.ts";
import worker from "../../src/index.ts";
import type { QueueMessage } from "../../src/queues/messages.ts";
import { createReservation, db, jobsOf, record, seedShops, uniqueMobile, waitForStatus } from "../helpers.ts";
import { network } from "../msw.ts";
import { fakeProviders, type FakeProviders } from "./fake-providers.ts";
import { postBland } from "./webhooks.ts";

let fakes: FakeProviders;
beforeEach(() => {
  fakes = fakeProviders();
});

/** The provider answers this route with `status` until the test ends (handlers in front of the fakes). */
function down(method: "get" | "post", url: string, status: number, body: unknown = { status: "error", message: "Service Unavailable" }) {
  network.use(http[method](url, () => (status === 0 ? HttpResponse.error() : HttpResponse.json(body as Record<string, unknown>, { status }))));
}

/** Waits until the real consumer has tried the job at least once and given it back. */
async function triedAndReleased(reservationId: string, kind: string) {
  return vi.waitFor(
    async () => {
      const job = (await jobsOf(reservationId)).find((j) => j.kind === kind);
      if (!job || job.attempts < 1 || job.status !== "pending") throw new Error(`${kind} not yet tried: ${job?.status}/${job?.attempts}`);
      return job;
    },
    { timeout: 10_000, interval: 25 },
  );
}

/** The queue gave up on the job: its message reaches the dead-letter queue. */
async function deadLetter(jobId: string) {
  const batch = createMessageBatch<QueueMessage>("qrv-jobs-dlq", [{ id: `dlq-${jobId}`, timestamp: new Date(), attempts: 1, body: { type: "job", id: jobId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env, ctx);
  return getQueueResult(batch, ctx);
}

async function alertCases(reservationId: string): Promise<string[]> {
  return (await db.select().from(alerts).where(eq(alerts.reservationId, reservationId))).map((a) => a.case);
}

describe("a provider that stays down", () => {
  it("Bland 503: the call is retried, then counted as failed and the next shop is called", async () => {
    down("post", "https://api.bland.ai/v1/calls", 503);
    const where = await seedShops([{ answer: "accepted", name: "かからない店" }, { answer: "accepted", name: "次の店" }]);
    const { id } = await createReservation(where, { requester: { name: "山田", phone: uniqueMobile(), language: "ja" } });
    const job = await triedAndReleased(id, "call.place");
    expect(job.lastError).toContain("503");
    network.resetHandlers(...fakes.handlers()); // Bland is back for the next shop
    expect((await deadLetter(job.id)).explicitAcks).toEqual([`dlq-${job.id}`]);
    expect(await db.query.outbox.findFirst({ where: eq(outbox.id, job.id) })).toMatchObject({ status: "dead" });
    const r = await record(id);
    expect(r.data.attempts.map((a) => [a.shopName, a.result])).toEqual([
      ["かからない店", "failed"],
      ["次の店", undefined],
    ]);
    await vi.waitFor(() => expect(fakes.calls.map((c) => c.body.metadata.reservation_id)).toContain(id), { timeout: 10_000 });
  });

  it("Stripe 500: the payment link is retried, then operators are alerted and the booking waits for them", async () => {
    down("post", "https://api.stripe.com/v1/checkout/sessions", 500, { error: { type: "api_error", message: "An unknown error occurred" } });
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where, { requester: { name: "山田", phone: uniqueMobile(), language: "ja" } });
    const call = await vi.waitFor(() => fakes.calls.find((c) => c.body.metadata.reservation_id === id) ?? Promise.reject(new Error("no call yet")), { timeout: 10_000 });
    await postBland(fakes.callEnded(call, { outcome: "accepted" }));
    await waitForStatus(id, "calling_success");
    const job = await triedAndReleased(id, "payment.create");
    await deadLetter(job.id);
    expect((await record(id)).status).toBe("calling_success");
    await vi.waitFor(async () => expect(await alertCases(id)).toEqual(["payment_system"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(fakes.slack.some((m) => m.text.includes(`予約ID: ${id} の決済リンクを作成できません`))).toBe(true), { timeout: 10_000 });
  });

  it("Twilio unreachable (network error): the SMS is retried, then it goes by email and operators are alerted", async () => {
    const phone = uniqueMobile();
    down("post", `https://api.twilio.com/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages.json`, 0);
    const send = vi.spyOn(env.EMAIL, "send");
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where, { requester: { name: "山田", phone, email: "taro@example.com", language: "ja" } });
    const job = await triedAndReleased(id, "sms.send");
    expect(job.lastError).toContain("network");
    await deadLetter(job.id);
    await vi.waitFor(async () => expect(await alertCases(id)).toEqual(["sms_undeliverable"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(send.mock.calls.map((c) => (c[0] as { subject: string }).subject)).toContain("[QRV] SMSをお届けできませんでした"), { timeout: 10_000 });
    const fallback = send.mock.calls.map((c) => c[0] as { subject: string; text: string }).find((m) => m.subject === "[QRV] SMSをお届けできませんでした")!;
    expect(fallback.text).toContain("ご予約リクエストを受け付けました");
  });

  it("Slack 503: the alert is retried; a dead alert is left unsent and raises nothing further", async () => {
    down("post", env.SLACK_WEBHOOK_URL, 503);
    const where = await seedShops([{ answer: "accepted" }]);
    const { id } = await createReservation(where, { requester: { name: "山田", phone: uniqueMobile(), language: "ja" } });
    const call = await vi.waitFor(() => fakes.calls.find((c) => c.body.metadata.reservation_id === id) ?? Promise.reject(new Error("no call yet")), { timeout: 10_000 });
    await postBland(fakes.callEnded(call, { outcome: "ambiguous" }));
    await waitForStatus(id, "pending_shop_response");
    const job = await triedAndReleased(id, "alert.send");
    await deadLetter(job.id);
    const [row] = await db.select().from(alerts).where(eq(alerts.reservationId, id));
    expect(row).toMatchObject({ case: "ambiguous_answer", sentAt: null });
    // Being dead, the alert job raises no alert about itself.
    expect((await jobsOf(id)).filter((j) => j.kind === "alert.send")).toHaveLength(1);
    expect((await record(id)).status).toBe("pending_shop_response");
  });
});
