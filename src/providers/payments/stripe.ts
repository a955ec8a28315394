// Stripe's wire format for QRV: the SDK client for Workers, webhook verification with the
// SubtleCrypto provider, and how Checkout and refund events map to reservation events.
import Stripe from "stripe";
import type { ReservationEvent } from "../../domain/reservation/types.ts";

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
