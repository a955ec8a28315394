// Delivery reports for messages QRV sent (Twilio status callbacks): the status only moves
// forward, and an SMS that did not arrive is either sent again (a passing failure, a few
// times) or, when that cannot help, reported to its reservation as `sms_failed`, which alerts
// operators and sends the same content by email (seed 000 §2.2.2).
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { markEnqueued, reopenJob, type OutboxRow } from "../db/outbox.ts";
import { outbox } from "../db/schema.ts";
import { reservationStub } from "../durable/client.ts";
import { isOpsOwner } from "../db/ops-outbox.ts";
import { MESSAGE_STATUSES, SMS_RESEND_DELAY_SECONDS, SMS_SEND_ATTEMPTS, isPermanentSmsError, statusRank } from "../providers/sms/twilio.ts";
import { failureEvent } from "./consumer.ts";
import type { QueueMessage } from "./messages.ts";

export type DeliveryOutcome = "recorded" | "stale" | "resent" | "reported" | "unknown_message";

/** Records `status` for the job that sent message `sid`, and acts on a failed delivery. */
export async function recordSmsDelivery(env: Env, db: Db, r: { jobId: string; sid: string; status: string; errorCode: string | null }, now = Date.now()): Promise<DeliveryOutcome> {
  const earlier = MESSAGE_STATUSES.filter((s) => statusRank(s) < statusRank(r.status));
  // One conditional write: of two callbacks racing, only the one that moves the status on wins.
  const moved = await db
    .update(outbox)
    .set({ deliveryStatus: r.status, ...(r.errorCode ? { lastError: `Twilio error ${r.errorCode}` } : {}), updatedAt: now })
    .where(and(eq(outbox.id, r.jobId), eq(outbox.providerRef, r.sid), or(isNull(outbox.deliveryStatus), earlier.length ? inArray(outbox.deliveryStatus, earlier) : undefined)))
    .returning();
  const job = moved[0];
  if (!job) {
    const known = await db.query.outbox.findFirst({ where: and(eq(outbox.id, r.jobId), eq(outbox.providerRef, r.sid)), columns: { id: true } });
    return known ? "stale" : "unknown_message";
  }
  if (job.kind !== "sms.send" || (r.status !== "undelivered" && r.status !== "failed")) return "recorded";
  return smsNotDelivered(env, db, job, r.sid, r.status, r.errorCode, now);
}

async function smsNotDelivered(env: Env, db: Db, job: OutboxRow, sid: string, status: string, errorCode: string | null, now: number): Promise<DeliveryOutcome> {
  const error = `Twilio: message ${status}${errorCode ? ` (error ${errorCode})` : ""}`;
  if (!isPermanentSmsError(errorCode) && job.attempts < SMS_SEND_ATTEMPTS) {
    const reopened = await reopenJob(db, job.id, sid, error, now);
    if (reopened) {
      // If this send is lost, the sweeper finds the job pending and not enqueued.
      const msg: QueueMessage = { type: "job", id: job.id };
      await env.JOBS.send(msg, { delaySeconds: SMS_RESEND_DELAY_SECONDS });
      await markEnqueued(db, [job.id], now);
      console.log(JSON.stringify({ msg: "sms will be sent again", job: job.id, attempt: job.attempts + 1, error }));
      return "resent";
    }
  }
  // An operations message has no reservation to tell: the undelivered status stays on its job.
  if (isOpsOwner(job.reservationId)) return "reported";
  await reservationStub(env, job.reservationId).dispatch(failureEvent(job, error), "provider", `twilio:${sid}:${status}`);
  return "reported";
}
