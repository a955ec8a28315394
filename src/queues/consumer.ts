// The "jobs" queue consumer: runs outbox jobs through the provider ports, reports results to
// the reservation's object, retries transient failures with exponential backoff and jitter,
// and delivers sandbox webhooks. The dead-letter consumer marks exhausted jobs dead.
import { and, eq } from "drizzle-orm";
import { ZodError } from "zod";
import { config, type Config } from "../config.ts";
import { createDb, type Db } from "../db/client.ts";
import { claimAlert, releaseAlert } from "../db/alerts.ts";
import { claimJobs, failJob, finishJob, finishStatement, getJob, releaseJob, type OutboxRow } from "../db/outbox.ts";
import { isOpsOwner } from "../db/ops-outbox.ts";
import { rowToRecord } from "../db/reservations.ts";
import { reservations, shops } from "../db/schema.ts";
import { openAt } from "../domain/opening-hours.ts";
import { policy } from "../domain/policy.ts";
import { effectSchema, type Effect, type EffectKind, type ReservationEvent } from "../domain/reservation/types.ts";
import { reservationStub } from "../durable/client.ts";
import { providersFor } from "../providers/index.ts";
import { signedWebhookRequest } from "../providers/sandbox/webhooks.ts";
import { ProviderError, type Providers } from "../providers/types.ts";
import { guestUrlOf, queueMessageSchema, resolveLinks, type QueueMessage } from "./messages.ts";

/** Must match the dead_letter_queue in wrangler.toml. */
export const DEAD_LETTER_QUEUE = "qrv-jobs-dlq";

export interface QueueDeps {
  /** QRV's own fetch handler, for delivering sandbox webhooks through the real routes. */
  selfFetch: (request: Request) => Promise<Response>;
}

/** 5 s, 10 s, 20 s ... capped at 10 minutes, plus up to 20 % jitter. */
export function backoffSeconds(attempts: number, random = Math.random()): number {
  const base = Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 + 0.2 * random));
}

/** The backoff, or longer when the provider said how long to wait (Retry-After), up to an hour. */
export function retryDelaySeconds(err: unknown, attempts: number, random = Math.random()): number {
  const asked = err instanceof ProviderError ? (err.retryAfterSeconds ?? 0) : 0;
  return Math.max(backoffSeconds(attempts, random), Math.min(asked, 3600));
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function isPermanent(err: unknown): boolean {
  return (err instanceof ProviderError && err.permanent) || err instanceof ZodError;
}

interface JobResult {
  providerRef?: string;
  deliveryStatus?: string;
  event?: ReservationEvent;
}

interface JobContext {
  env: Env;
  db: Db;
  cfg: Config;
  providers: Providers;
  row: OutboxRow;
  links: Record<string, string>;
}

async function runJob(job: Effect, c: JobContext): Promise<JobResult> {
  const { row, providers, cfg } = c;
  switch (job.kind) {
    case "sms.send": {
      const sent = await providers.sms.send({ to: job.to, body: job.body, jobId: row.id, reservationId: row.reservationId, statusCallback: `${cfg.publicUrl}/webhooks/twilio/sms?job=${row.id}` });
      return { providerRef: sent.providerRef, deliveryStatus: "queued" };
    }
    case "email.send": {
      const attachments = job.attachments?.map((a) => ({ filename: a.filename, type: a.type, content: Uint8Array.from(atob(a.base64), (ch) => ch.charCodeAt(0)) }));
      const sent = await providers.email.send({ to: job.to, subject: job.subject, text: job.text, html: job.html, jobId: row.id, reservationId: row.reservationId, ...(attachments ? { attachments } : {}) });
      return { providerRef: sent.providerRef, deliveryStatus: "sent" };
    }
    case "call.place": {
      // A retry that arrives after the flow moved on (another shop, a cancellation, an
      // operator's decision) dials nobody: the attempt must still be the call in progress.
      // Both read in one round trip.
      const [row0, shop] = await c.db.batch([
        c.db.query.reservations.findFirst({ where: and(eq(reservations.id, row.reservationId), eq(reservations.kind, "shop")) }),
        c.db.query.shops.findFirst({ where: eq(shops.id, job.shop.id), columns: { doNotCall: true, paused: true, openingHours: true } }),
      ]);
      const record = row0 ? rowToRecord(row0) : null;
      const last = record?.data.attempts.at(-1);
      if (!record || record.status !== "calling" || last?.id !== job.attemptId || last.result !== undefined) {
        console.warn(JSON.stringify({ msg: "stale call not placed", job: row.id, reservation: row.reservationId, status: record?.status ?? null }));
        return {};
      }
      // A shop closed at the (possibly changed) start time is skipped, not phoned.
      if (!shop || shop.doNotCall || shop.paused || !openAt(shop.openingHours, job.request.startAt)) {
        const why = !shop ? "shop removed" : shop.doNotCall ? "do-not-call" : shop.paused ? "paused" : "closed at that time";
        return { event: { type: "call_result", attemptId: job.attemptId, result: "failed", summary: `skipped: ${why}` } };
      }
      const placed = await providers.voice.placeCall({ jobId: row.id, reservationId: row.reservationId, attemptId: job.attemptId, shop: job.shop, request: job.request, webhookUrl: `${cfg.publicUrl}/webhooks/bland` });
      return { providerRef: placed.providerCallId, event: { type: "call_placed", attemptId: job.attemptId, providerCallId: placed.providerCallId } };
    }
    case "call.stop": {
      await providers.voice.stopCall(job.providerCallId);
      return {};
    }
    case "payment.create": {
      const guestUrl = guestUrlOf(c.links) ?? `${cfg.publicUrl}/`;
      const session = await providers.payments.createCheckout({
        reservationId: row.reservationId,
        amountJpy: job.amountJpy,
        description: job.description,
        ...(job.customerEmail ? { customerEmail: job.customerEmail } : {}),
        language: job.language,
        successUrl: `${guestUrl}?payment=success`,
        cancelUrl: `${guestUrl}?payment=cancel`,
        idempotencyKey: row.id,
        requestedAt: row.createdAt,
      });
      return { providerRef: session.sessionId, event: { type: "payment_link_ready", sessionId: session.sessionId, url: session.url } };
    }
    case "payment.expire": {
      const result = await providers.payments.expireCheckout(job.sessionId);
      return result.state === "already_complete"
        ? { event: { type: "payment_completed", sessionId: job.sessionId, paymentIntentId: result.paymentIntentId, amountJpy: result.amountJpy } }
        : {};
    }
    case "payment.refund": {
      const refund = await providers.payments.refund({ reservationId: row.reservationId, paymentIntentId: job.paymentIntentId, amountJpy: job.amountJpy, reason: job.reason, idempotencyKey: row.id });
      return { providerRef: refund.refundId, event: { type: "refund_updated", refundId: refund.refundId, status: refund.status } };
    }
    case "alert.send": {
      // One alert per key while its case is open: a repeated case for the same reservation is
      // not sent again. The row is claimed before posting so two deliveries cannot both post.
      if (!(await claimAlert(c.db, { ...job, reservationId: row.reservationId }, Date.now()))) return {};
      try {
        await providers.alerts.post({ text: job.text, reservationId: row.reservationId, case: job.case, priority: job.priority });
      } catch (err) {
        await releaseAlert(c.db, job.key);
        throw err;
      }
      return {};
    }
  }
}

async function tell(env: Env, reservationId: string, event: ReservationEvent): Promise<void> {
  // Operations messages (src/db/ops-outbox.ts) have no reservation to tell; their failures are logged and listed.
  if (isOpsOwner(reservationId)) return;
  await reservationStub(env, reservationId).dispatch(event, "provider");
}

/** `row`: the job as this delivery claimed it (claimJobs), or null when it could not. */
async function handleJob(msg: Message<unknown>, m: Extract<QueueMessage, { type: "job" }>, env: Env, db: Db, cfg: Config, row: OutboxRow | null, finishes: Finishes): Promise<void> {
  if (!row) {
    // Finished (or in another delivery's hands); a finished job's result may still need to reach its object.
    const done = await getJob(db, m.id);
    if (!done) console.warn(JSON.stringify({ msg: "job not found", job: m.id }));
    if (done?.status === "done" && done.resultEvent) await tell(env, done.reservationId, JSON.parse(done.resultEvent) as ReservationEvent);
    if (done?.status === "failed") await tell(env, done.reservationId, failureEvent(done, done.lastError ?? "failed"));
    msg.ack();
    return;
  }
  let kind: EffectKind = row.kind as EffectKind;
  let result: JobResult;
  try {
    const links = m.links ?? (isOpsOwner(row.reservationId) ? {} : await reservationStub(env, row.reservationId).links());
    const job = effectSchema.parse({ kind: row.kind, ...(JSON.parse(resolveLinks(row.payload, links)) as object) });
    kind = job.kind;
    result = await runJob(job, { env, db, cfg, providers: providersFor(env, db, cfg), row, links });
  } catch (err) {
    const error = describe(err);
    console.error(JSON.stringify({ msg: "job failed", job: row.id, kind, attempt: msg.attempts, permanent: isPermanent(err), error }));
    if (isPermanent(err)) {
      await failJob(db, row.id, "failed", error, Date.now());
      await tell(env, row.reservationId, failureEvent(row, error));
      msg.ack();
    } else {
      const delaySeconds = retryDelaySeconds(err, msg.attempts);
      if (kind === "call.place" && Date.now() + delaySeconds * 1000 >= callDeadline(row)) {
        // A call retried after its attempt's timeout would ring a shop the flow has left behind.
        await failJob(db, row.id, "failed", `${error} (no time left to retry within the call's ${policy.callAttemptTimeoutMs / 60_000} minutes)`, Date.now());
        await tell(env, row.reservationId, failureEvent(row, error));
        msg.ack();
        return;
      }
      await releaseJob(db, row.id, error, Date.now());
      msg.retry({ delaySeconds });
    }
    return;
  }
  if (await finish(env, row, result)) msg.ack();
  else finishes.push({ msg, id: row.id, result });
}

/** Jobs done without a result to report, finished together once their batch has run (one D1 round trip). */
type Finishes = { msg: Message<unknown>; id: string; result: JobResult }[];

async function finishTogether(env: Env, finishes: Finishes): Promise<void> {
  if (!finishes.length) return;
  try {
    const now = Date.now();
    await env.DB.batch(finishes.map((f) => finishStatement(env.DB, f.id, f.result, now)));
  } catch (err) {
    console.error(JSON.stringify({ msg: "finishing jobs failed", count: finishes.length, error: describe(err) }));
    for (const f of finishes) f.msg.retry({ delaySeconds: backoffSeconds(f.msg.attempts) });
    return;
  }
  for (const f of finishes) f.msg.ack();
}

/** When a call job's attempt times out: the attempt started when its job was committed. */
export function callDeadline(row: Pick<OutboxRow, "createdAt">): number {
  return row.createdAt + policy.callAttemptTimeoutMs;
}

/**
 * Records a job as done, or returns false for a job without a result event, which the batch
 * finishes with its others (finishTogether). A job with a result event is finished in the same
 * D1 batch as the transition that applies the event; if the report fails, the finish is recorded alone before
 * the message is retried, so the redelivered message re-sends the result instead of running the
 * job (placing the call, creating the payment link) a second time.
 */
async function finish(env: Env, row: OutboxRow, result: JobResult): Promise<boolean> {
  // Operations messages have no reservation to apply a result to: finished with the batch's others.
  if (!result.event || isOpsOwner(row.reservationId)) return false;
  try {
    const told = await reservationStub(env, row.reservationId).dispatch(result.event, "provider", undefined, { jobId: row.id, result });
    // No reservation to apply it to: the job is still done.
    if (told.status === null) await finishJob(env.DB, row.id, result, Date.now());
  } catch (err) {
    await finishJob(env.DB, row.id, result, Date.now());
    throw err;
  }
  return true;
}

/** What a reservation is told when one of its jobs cannot be done. */
export function failureEvent(row: OutboxRow, error: string): ReservationEvent {
  if (row.kind === "sms.send") {
    const payload = JSON.parse(row.payload) as { body?: string };
    return { type: "sms_failed", jobId: row.id, body: payload.body ?? "", error };
  }
  return { type: "job_failed", jobId: row.id, jobKind: row.kind as EffectKind, error, ...attemptOf(row) };
}

function attemptOf(row: OutboxRow): { attemptId?: string } {
  if (row.kind !== "call.place") return {};
  const payload = JSON.parse(row.payload) as { attemptId?: string };
  return payload.attemptId ? { attemptId: payload.attemptId } : {};
}

async function handleWebhook(msg: Message<unknown>, m: Extract<QueueMessage, { type: "webhook" }>, env: Env, cfg: Config, deps: QueueDeps): Promise<void> {
  const res = await deps.selfFetch(await signedWebhookRequest(env, cfg, m));
  if (res.ok) {
    msg.ack();
  } else {
    // A provider retries a webhook that QRV did not accept.
    console.error(JSON.stringify({ msg: "sandbox webhook rejected", provider: m.provider, path: m.path.split("?")[0], status: res.status }));
    if (res.status >= 500) msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
    else msg.ack();
  }
}

export async function handleJobs(batch: MessageBatch<unknown>, env: Env, deps: QueueDeps): Promise<void> {
  const db = createDb(env.DB);
  const cfg = config(env);
  const messages = batch.messages.map((msg) => ({ msg, parsed: queueMessageSchema.safeParse(msg.body) }));
  // The batch's jobs are claimed together; if that fails, every message is retried.
  const jobIds = [...new Set(messages.flatMap(({ parsed }) => (parsed.success && parsed.data.type === "job" ? [parsed.data.id] : [])))];
  let claimed: Map<string, OutboxRow> | null;
  try {
    claimed = await claimJobs(env.DB, jobIds, Date.now());
  } catch (err) {
    console.error(JSON.stringify({ msg: "claiming jobs failed", count: jobIds.length, error: describe(err) }));
    claimed = null;
  }
  const finishes: Finishes = [];
  await Promise.all(
    messages.map(async ({ msg, parsed }) => {
      if (!parsed.success) {
        console.error(JSON.stringify({ msg: "unreadable queue message", id: msg.id }));
        msg.ack();
        return;
      }
      try {
        if (parsed.data.type === "job") {
          if (!claimed) throw new Error("jobs not claimed");
          // A second message for the same job in this batch finds it taken, as a redelivery would.
          const row = claimed.get(parsed.data.id) ?? null;
          claimed.delete(parsed.data.id);
          await handleJob(msg, parsed.data, env, db, cfg, row, finishes);
        } else if (parsed.data.type === "webhook") await handleWebhook(msg, parsed.data, env, cfg, deps);
        else msg.ack();
      } catch (err) {
        console.error(JSON.stringify({ msg: "queue message failed", id: msg.id, error: describe(err) }));
        msg.retry({ delaySeconds: backoffSeconds(msg.attempts) });
      }
    }),
  );
  await finishTogether(env, finishes);
}

/** Messages that used up their retries: the job is dead, its object is told, operators are alerted. */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const msg of batch.messages) {
    const parsed = queueMessageSchema.safeParse(msg.body);
    if (parsed.success && parsed.data.type === "job") {
      // The stored error stays the real one (the last attempt's), prefixed, not replaced.
      const before = await getJob(db, parsed.data.id);
      const error = `retries exhausted: ${before?.lastError ?? "unknown error"}`;
      const row = await failJob(db, parsed.data.id, "dead", error, Date.now());
      if (row) await tell(env, row.reservationId, failureEvent(row, error));
    } else {
      console.error(JSON.stringify({ msg: "dead letter", id: msg.id, type: parsed.success ? parsed.data.type : "unreadable" }));
    }
    msg.ack();
  }
}
