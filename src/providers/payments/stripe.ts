// Stripe's wire format for QRV: the SDK client for Workers, webhook verification with the
// SubtleCrypto provider, how Checkout and refund events map to reservation events, and the
// live adapter (Checkout Sessions, expiry, refunds).
import Stripe from "stripe";
import type { LiveSettings } from "../../config.ts";
import type { ReservationEvent } from "../../domain/reservation/types.ts";
import { isTransientStatus, redact } from "../http.ts";
import { ProviderError, type PaymentsPort } from "../types.ts";

export const STRIPE_API_VERSION = "2026-10-28.endive";

const cryptoProvider = Stripe.createSubtleCryptoProvider();

export function stripeClient(secretKey: string, options: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe(secretKey, { httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0, timeout: 15_000, ...options });
}

/** Throws when the signature does not verify or is older than Stripe's 300 s tolerance. */
export async function verifyStripeEvent(rawBody: string, header: string, secret: string): Promise<Stripe.Event> {
  return Stripe.webhooks.constructEventAsync(rawBody, header, secret, undefined, cryptoProvider);
}

/** Signs a payload the way Stripe does (used by the sandbox and by tests). */
export async function stripeSignatureHeader(payload: string, secret: string, timestampSeconds?: number): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, cryptoProvider, ...(timestampSeconds ? { timestamp: timestampSeconds } : {}) });
}

type Mapped = { reservationId: string; event: ReservationEvent } | null;

function reservationIdOf(obj: { metadata?: Stripe.Metadata | null; client_reference_id?: string | null }): string | undefined {
  return obj.metadata?.reservation_id ?? obj.client_reference_id ?? undefined;
}

function idOf(v: string | { id: string } | null | undefined): string | undefined {
  return typeof v === "string" ? v : v?.id;
}

/** The reservation event a Stripe event means, or null for events QRV does not act on. */
export function reservationEventFromStripe(event: Stripe.Event): Mapped {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const s = event.data.object;
      const reservationId = reservationIdOf(s);
      const paymentIntentId = idOf(s.payment_intent);
      if (!reservationId || !paymentIntentId || s.payment_status !== "paid") return null;
      return { reservationId, event: { type: "payment_completed", sessionId: s.id, paymentIntentId, amountJpy: s.amount_total ?? 0 } };
    }
    case "checkout.session.async_payment_failed":
      // The session completed without money (a delayed method failed): nothing is paid, so the
      // reservation waits for its payment deadline as if nobody had paid.
      return null;
    case "checkout.session.expired": {
      const s = event.data.object;
      const reservationId = reservationIdOf(s);
      return reservationId ? { reservationId, event: { type: "payment_expired", sessionId: s.id } } : null;
    }
    case "refund.created":
    case "refund.updated":
    case "refund.failed": {
      const r = event.data.object;
      const reservationId = r.metadata?.reservation_id;
      const status = r.status === "succeeded" ? "succeeded" : r.status === "failed" || r.status === "canceled" ? "failed" : "pending";
      return reservationId ? { reservationId, event: { type: "refund_updated", refundId: r.id, status } } : null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------- live adapter

/**
 * Stripe's `expires_at` must be 30 minutes to 24 hours after the session is created; QRV's own
 * 10-minute window is enforced by expiring the session through the API, so the session asks
 * for the shortest life Stripe allows, plus a margin for clock differences and retries.
 */
export const CHECKOUT_MIN_LIFETIME_S = 30 * 60;
export const CHECKOUT_EXPIRY_MARGIN_S = 5 * 60;

/**
 * `expires_at` for a session requested at `requestedAt`. It is derived from the job, not from
 * the clock, so a retried request is identical and Stripe's Idempotency-Key returns the first
 * session; only a retry so late that the value would fall under Stripe's minimum is moved on.
 */
export function checkoutExpiresAt(requestedAt: number, now: number): number {
  const planned = Math.floor(requestedAt / 1000) + CHECKOUT_MIN_LIFETIME_S + CHECKOUT_EXPIRY_MARGIN_S;
  return Math.max(planned, Math.floor(now / 1000) + CHECKOUT_MIN_LIFETIME_S + 60);
}

/** A Stripe SDK error as a ProviderError: no answer, 409 (a concurrent request with the same key), 429 and 5xx are transient. */
export function stripeFailure(err: unknown, what: string): ProviderError {
  if (!(err instanceof Stripe.errors.StripeError)) {
    return new ProviderError(`Stripe ${what}: ${err instanceof Error ? redact(err.message).slice(0, 200) : String(err)}`, false, "network");
  }
  const status = err.statusCode;
  // Stripe may also signal rate limiting as a 400 with code rate_limit (StripeRateLimitError).
  const transient = status === undefined || err.type === "StripeConnectionError" || err.type === "StripeRateLimitError" || status === 409 || isTransientStatus(status);
  const code = err.code ?? err.rawType ?? (status !== undefined ? String(status) : "network");
  const retryAfter = Number(err.headers?.["retry-after"]);
  return new ProviderError(
    `Stripe ${what} ${status ?? "no answer"} (${code}): ${redact(err.message).slice(0, 300)}`,
    !transient,
    code,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

const REFUND_REASONS: ReadonlySet<string> = new Set(["duplicate", "fraudulent", "requested_by_customer"]);

/** Stripe Checkout (JPY, card only) through the SDK on fetch; sessions and refunds carry the job's Idempotency-Key. */
export function stripePayments(s: LiveSettings["stripe"]): PaymentsPort {
  // Retries belong to the queue (with the same key), not to the SDK.
  const stripe = stripeClient(s.secretKey);
  return {
    async createCheckout(req) {
      const now = Date.now();
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: "payment",
            // A 10-minute window rules out konbini and bank transfer: card only.
            allowed_payment_method_types: ["card"],
            currency: "jpy",
            line_items: [{ quantity: 1, price_data: { currency: "jpy", unit_amount: req.amountJpy, product_data: { name: req.description } } }],
            success_url: req.successUrl,
            cancel_url: req.cancelUrl,
            client_reference_id: req.reservationId,
            metadata: { reservation_id: req.reservationId },
            payment_intent_data: { metadata: { reservation_id: req.reservationId } },
            ...(req.customerEmail ? { customer_email: req.customerEmail } : {}),
            locale: req.language,
            expires_at: checkoutExpiresAt(req.requestedAt ?? now, now),
          },
          { idempotencyKey: req.idempotencyKey },
        );
        if (!session.url) throw new ProviderError(`Stripe checkout.sessions.create: session ${session.id} has no URL (status ${session.status})`, true, "no_url");
        return { sessionId: session.id, url: session.url };
      } catch (err) {
        throw err instanceof ProviderError ? err : stripeFailure(err, "checkout.sessions.create");
      }
    },

    async expireCheckout(sessionId) {
      try {
        await stripe.checkout.sessions.expire(sessionId);
        return { state: "expired" };
      } catch (err) {
        // Only open sessions can be expired; for any other 400, ask Stripe what the session is.
        if (!(err instanceof Stripe.errors.StripeInvalidRequestError) || err.statusCode !== 400) throw stripeFailure(err, "checkout.sessions.expire");
      }
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.retrieve(sessionId);
      } catch (err) {
        throw stripeFailure(err, "checkout.sessions.retrieve");
      }
      const paymentIntentId = idOf(session.payment_intent);
      if (session.status === "complete" && session.payment_status === "paid" && paymentIntentId) {
        return { state: "already_complete", paymentIntentId, amountJpy: session.amount_total ?? 0 };
      }
      if (session.status === "expired" || session.status === "complete") return { state: "expired" };
      throw new ProviderError(`Stripe: session ${sessionId} could not be expired and is ${session.status ?? "unknown"}`, false, "still_open");
    },

    async refund(req) {
      try {
        const refund = await stripe.refunds.create(
          {
            payment_intent: req.paymentIntentId,
            amount: req.amountJpy,
            reason: REFUND_REASONS.has(req.reason) ? (req.reason as Stripe.RefundCreateParams.Reason) : "requested_by_customer",
            metadata: { reservation_id: req.reservationId },
          },
          { idempotencyKey: req.idempotencyKey },
        );
        const status = refund.status === "succeeded" ? "succeeded" : refund.status === "failed" || refund.status === "canceled" ? "failed" : "pending";
        return { refundId: refund.id, status };
      } catch (err) {
        throw stripeFailure(err, "refunds.create");
      }
    },
  };
}
