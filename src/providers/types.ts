// Provider ports: one per channel. Each has a live adapter (Twilio, Bland.ai, Stripe,
// Cloudflare Email Service, Slack) and a sandbox adapter that behaves like the provider,
// including the signed webhooks it sends back.
import type { CallResult, Lang } from "../domain/reservation/types.ts";

/** A provider call that failed. `permanent` failures are not retried (4xx other than 429). */
export class ProviderError extends Error {
  readonly permanent: boolean;
  readonly code: string | undefined;
  /** The provider asked to wait this long before trying again (Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, permanent: boolean, code?: string, retryAfterSeconds?: number) {
    super(message);
    this.name = "ProviderError";
    this.permanent = permanent;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface SmsPort {
  send(msg: { to: string; body: string; jobId: string; reservationId: string; statusCallback: string }): Promise<{ providerRef: string }>;
}

export interface EmailPort {
  send(msg: { to: string; subject: string; text: string; html: string; jobId: string; reservationId: string; attachments?: { filename: string; type: string; content: Uint8Array }[] }): Promise<{ providerRef: string }>;
}

export interface CallRequest {
  jobId: string;
  reservationId: string;
  attemptId: string;
  shop: { id: string; name: string; phone: string };
  request: { service: string; startAt: number; partySize: number; requesterName: string; notes?: string };
  webhookUrl: string;
}

/** What is known about a call when asked: null while it is still going on. */
export interface CallOutcome {
  callId: string;
  reservationId?: string;
  attemptId?: string;
  result: CallResult;
  summary?: string;
  proposedChange?: string;
}

export interface VoicePort {
  placeCall(req: CallRequest): Promise<{ providerCallId: string }>;
  getCall(providerCallId: string): Promise<CallOutcome | null>;
}

export interface CheckoutRequest {
  reservationId: string;
  /** When the job was committed (ms): the same on every retry, so retried requests are identical. */
  requestedAt?: number;
  amountJpy: number;
  description: string;
  customerEmail?: string;
  language: Lang;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
}

export type ExpireResult = { state: "expired" } | { state: "already_complete"; paymentIntentId: string; amountJpy: number };

export interface PaymentsPort {
  createCheckout(req: CheckoutRequest): Promise<{ sessionId: string; url: string }>;
  /** Closes an open session; says so when the customer already paid. */
  expireCheckout(sessionId: string): Promise<ExpireResult>;
  refund(req: { reservationId: string; paymentIntentId: string; amountJpy: number; reason: string; idempotencyKey: string }): Promise<{ refundId: string; status: "succeeded" | "pending" | "failed" }>;
}

export interface AlertsPort {
  /** `reservationId` is absent for system alerts (queue backlog, error rate, dead-letter queue). */
  post(alert: { text: string; reservationId?: string; case: string; priority: string }): Promise<void>;
}

export interface Providers {
  mode: "sandbox" | "live";
  sms: SmsPort;
  email: EmailPort;
  voice: VoicePort;
  payments: PaymentsPort;
  alerts: AlertsPort;
}
