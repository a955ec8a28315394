// Sandbox payments: Checkout Sessions with Stripe's fields and lifecycle (open → complete |
// expired), idempotent by key like Stripe, a checkout page on /sandbox, and Stripe-format
// events signed with the webhook secret.
import { formatJpy } from "../../domain/money.ts";
import { and, eq } from "drizzle-orm";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { sandboxCheckoutSessions, sandboxRefunds } from "../../db/schema.ts";
import { sha256Hex } from "../../domain/ids.ts";
import { STRIPE_API_VERSION } from "../payments/stripe.ts";
import { ProviderError, type PaymentsPort } from "../types.ts";
import { randomHex, recordSent, recordStatement } from "./records.ts";
import { scheduleWebhook } from "./webhooks.ts";

/** Stripe's minimum lifetime for a Checkout Session; QRV's own 10-minute window is enforced by expiring it. */
const SESSION_LIFETIME_MS = 30 * 60_000;

type SessionRow = typeof sandboxCheckoutSessions.$inferSelect;

export function checkoutSessionObject(row: SessionRow, cfg: Config) {
  return {
    id: row.id,
    object: "checkout.session",
    amount_total: row.amountTotal,
    currency: row.currency,
    client_reference_id: row.reservationId,
    created: Math.floor(row.createdAt / 1000),
    expires_at: Math.floor(row.expiresAt / 1000),
    livemode: false,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    mode: "payment",
    payment_intent: row.paymentIntent,
    payment_status: row.paymentStatus,
    status: row.status,
    success_url: row.successUrl,
    cancel_url: row.cancelUrl,
    url: row.status === "open" ? `${cfg.publicUrl}/sandbox/checkout/${row.id}` : null,
  };
}

export function stripeEventJson(type: string, object: unknown): string {
  return JSON.stringify({
    id: `evt_sandbox_${randomHex(12)}`,
    object: "event",
    api_version: STRIPE_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
}

async function sessionById(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.query.sandboxCheckoutSessions.findFirst({ where: eq(sandboxCheckoutSessions.id, id) });
}

export function sandboxPayments(env: Env, db: Db, cfg: Config): PaymentsPort {
  return {
    async createCheckout(req) {
      // Same idempotency key, same session (as Stripe's Idempotency-Key does).
      const id = `cs_test_${(await sha256Hex(req.idempotencyKey)).slice(0, 40)}`;
      const now = Date.now();
      const insert = db
        .insert(sandboxCheckoutSessions)
        .values({
          id,
          reservationId: req.reservationId,
          amountTotal: req.amountJpy,
          currency: "jpy",
          description: req.description,
          status: "open",
          paymentStatus: "unpaid",
          paymentIntent: null,
          successUrl: req.successUrl.replace("{CHECKOUT_SESSION_ID}", id),
          cancelUrl: req.cancelUrl,
          metadata: JSON.stringify({ reservation_id: req.reservationId }),
          createdAt: now,
          expiresAt: now + SESSION_LIFETIME_MS,
        })
        .onConflictDoNothing()
        .toSQL();
      // One round trip; a session that exists already is left as it is, and not recorded again.
      await db.$client.batch([
        db.$client.prepare(insert.sql).bind(...insert.params),
        recordStatement(db, { channel: "payment", reservationId: req.reservationId, subject: "checkout.sessions.create", body: `${req.description} ${formatJpy(req.amountJpy)}`, providerRef: id }, true),
      ]);
      return { sessionId: id, url: `${cfg.publicUrl}/sandbox/checkout/${id}` };
    },

    async expireCheckout(sessionId) {
      const expired = await db
        .update(sandboxCheckoutSessions)
        .set({ status: "expired" })
        .where(and(eq(sandboxCheckoutSessions.id, sessionId), eq(sandboxCheckoutSessions.status, "open")))
        .returning();
      if (expired[0]) {
        await scheduleWebhook(env, "stripe", "/webhooks/stripe", stripeEventJson("checkout.session.expired", checkoutSessionObject(expired[0], cfg)));
        return { state: "expired" };
      }
      const row = await sessionById(db, sessionId);
      if (!row) throw new ProviderError(`No such checkout.session: '${sessionId}'`, true, "resource_missing");
      if (row.status === "complete") return { state: "already_complete", paymentIntentId: row.paymentIntent!, amountJpy: row.amountTotal };
      return { state: "expired" };
    },

    async refund(req) {
      const id = `re_sandbox_${(await sha256Hex(req.idempotencyKey)).slice(0, 24)}`;
      const inserted = await db
        .insert(sandboxRefunds)
        .values({ id, paymentIntent: req.paymentIntentId, amount: req.amountJpy, status: "succeeded", idempotencyKey: req.idempotencyKey, metadata: JSON.stringify({ reservation_id: req.reservationId }), createdAt: Date.now() })
        .onConflictDoNothing()
        .returning();
      if (inserted[0]) {
        await recordSent(db, { channel: "payment", reservationId: req.reservationId, subject: "refunds.create", body: `refund ${formatJpy(req.amountJpy)} (${req.reason})`, providerRef: id });
        const refund = { id, object: "refund", amount: req.amountJpy, currency: "jpy", payment_intent: req.paymentIntentId, status: "succeeded", reason: "requested_by_customer", metadata: { reservation_id: req.reservationId }, created: Math.floor(Date.now() / 1000) };
        await scheduleWebhook(env, "stripe", "/webhooks/stripe", stripeEventJson("refund.created", refund));
      }
      return { refundId: id, status: "succeeded" };
    },
  };
}

/** The sandbox checkout page's "pay" button: complete an open session and tell QRV, as Stripe does. */
export async function completeSandboxCheckout(env: Env, db: Db, cfg: Config, sessionId: string): Promise<SessionRow | null> {
  const done = await db
    .update(sandboxCheckoutSessions)
    .set({ status: "complete", paymentStatus: "paid", paymentIntent: `pi_sandbox_${randomHex(12)}` })
    .where(and(eq(sandboxCheckoutSessions.id, sessionId), eq(sandboxCheckoutSessions.status, "open")))
    .returning();
  const row = done[0];
  if (!row) return null;
  await scheduleWebhook(env, "stripe", "/webhooks/stripe", stripeEventJson("checkout.session.completed", checkoutSessionObject(row, cfg)));
  return row;
}

export { sessionById as sandboxSession };
