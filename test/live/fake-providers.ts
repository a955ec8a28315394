// Twilio, Bland.ai, Stripe and Slack as MSW handlers for the live adapters. Each accepts only
// a request shaped and authenticated as the provider documents it (method, path, auth header,
// form or JSON fields, Stripe's version and Idempotency-Key) and answers in the provider's
// format, including its errors; anything else fails the request and so the test. They keep
// what they were sent, and the state a test needs (Checkout Sessions, calls, refunds).
import { env } from "cloudflare:workers";
import { HttpResponse, http, type DefaultBodyType, type StrictRequest } from "msw";
import { network } from "../msw.ts";

type Req = StrictRequest<DefaultBodyType>;

const E164 = /^\+[1-9]\d{6,14}$/;
const PUBLIC_URL = "https://qrv.test";
const STRIPE_VERSION = "2026-10-28.endive";

function hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Form bodies as text (workerd warns when .text() reads a non-text content type). */
async function formText(request: Req): Promise<string> {
  return new TextDecoder().decode(await request.arrayBuffer());
}

function basic(user: string, password: string): string {
  return `Basic ${btoa(`${user}:${password}`)}`;
}

/** A request a fake provider refused: the test sees it in `refused` as well as in the answer. */
interface Refusal {
  provider: string;
  reason: string;
}

export interface SentSms {
  sid: string;
  to: string;
  body: string;
  messagingServiceSid: string | null;
  from: string | null;
  statusCallback: string;
  jobId: string | null;
}

export interface PlacedCall {
  callId: string;
  body: Record<string, unknown> & { phone_number: string; metadata: { reservation_id: string; attempt_id: string } };
}

export interface Session {
  id: string;
  object: "checkout.session";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  payment_intent: string | null;
  amount_total: number;
  currency: "jpy";
  client_reference_id: string;
  customer_email: string | null;
  metadata: Record<string, string>;
  expires_at: number;
  created: number;
  livemode: false;
  mode: "payment";
  locale: string;
  success_url: string;
  cancel_url: string;
  allowed_payment_method_types: string[];
  url: string | null;
}

export interface Refund {
  id: string;
  object: "refund";
  amount: number;
  currency: "jpy";
  payment_intent: string;
  status: "succeeded" | "pending";
  reason: string;
  metadata: Record<string, string>;
  created: number;
}

export interface StripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  form: URLSearchParams;
}

export interface SlackPost {
  text: string;
  blocks: unknown[];
}

export class FakeProviders {
  readonly refused: Refusal[] = [];
  readonly sms: SentSms[] = [];
  readonly calls: PlacedCall[] = [];
  /** What GET /v1/calls/{id} answers; a call not listed here is still going on. */
  readonly callDetails = new Map<string, Record<string, unknown>>();
  readonly sessions = new Map<string, Session>();
  readonly refunds = new Map<string, Refund>();
  readonly stripeRequests: StripeRequest[] = [];
  readonly slack: SlackPost[] = [];
  /** Stripe keeps the first answer per Idempotency-Key, with the parameters it was given. */
  readonly #idempotent = new Map<string, { params: string; body: unknown }>();

  #refuse(provider: string, reason: string, status: number, body: unknown) {
    this.refused.push({ provider, reason });
    return typeof body === "string" ? new HttpResponse(body, { status }) : HttpResponse.json(body as Record<string, unknown>, { status });
  }

  handlers() {
    return [
      http.post("https://api.twilio.com/2010-04-01/Accounts/:accountSid/Messages.json", ({ request, params }) => this.#twilio(request, String(params.accountSid))),
      http.post("https://api.bland.ai/v1/calls", ({ request }) => this.#blandCall(request)),
      http.get("https://api.bland.ai/v1/calls/:callId", ({ request, params }) => this.#blandDetails(request, String(params.callId))),
      http.post("https://api.bland.ai/v1/calls/:callId/stop", ({ request, params }) => this.#blandStop(request, String(params.callId))),
      http.post("https://api.stripe.com/v1/checkout/sessions", ({ request }) => this.#stripe(request, (form) => this.#createSession(form))),
      http.post("https://api.stripe.com/v1/checkout/sessions/:id/expire", ({ request, params }) => this.#stripe(request, () => this.#expire(String(params.id)))),
      http.get("https://api.stripe.com/v1/checkout/sessions/:id", ({ request, params }) => this.#stripe(request, () => this.#retrieve(String(params.id)))),
      http.post("https://api.stripe.com/v1/refunds", ({ request }) => this.#stripe(request, (form) => this.#refund(form))),
      http.post(env.SLACK_WEBHOOK_URL, ({ request }) => this.#slackPost(request)),
    ];
  }

  // ------------------------------------------------------------ Twilio Programmable Messaging

  async #twilio(request: Req, accountSid: string) {
    const fail = (reason: string, status: number, code: number) => this.#refuse("twilio", reason, status, { code, message: reason, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    if (accountSid !== env.TWILIO_ACCOUNT_SID) return fail("account not found", 404, 20404);
    if (request.headers.get("Authorization") !== basic(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN)) return fail("Authenticate", 401, 20003);
    if (!request.headers.get("Content-Type")?.startsWith("application/x-www-form-urlencoded")) return fail("body must be form-encoded", 400, 21620);
    const form = new URLSearchParams(await formText(request));
    const to = form.get("To") ?? "";
    const body = form.get("Body") ?? "";
    const service = form.get("MessagingServiceSid");
    const from = form.get("From");
    const callback = form.get("StatusCallback") ?? "";
    if (!E164.test(to)) return fail(`Invalid 'To' Phone Number: ${to}`, 400, 21211);
    if (!body || body.length > 1600) return fail("Message body is required and at most 1600 characters", 400, 21602);
    if (!service === !from) return fail("Exactly one of From and MessagingServiceSid", 400, 21603);
    if (service && service !== env.TWILIO_MESSAGING_SERVICE_SID) return fail("Messaging Service not found", 400, 21701);
    if (!callback.startsWith(`${PUBLIC_URL}/webhooks/twilio/sms?job=`)) return fail("StatusCallback must point at QRV", 400, 21609);
    const sid = `SM${hex(16)}`;
    this.sms.push({ sid, to, body, messagingServiceSid: service, from, statusCallback: callback, jobId: new URL(callback).searchParams.get("job") });
    const now = new Date().toUTCString();
    return HttpResponse.json(
      {
        sid,
        account_sid: accountSid,
        messaging_service_sid: service,
        to,
        from: from ?? null,
        body,
        status: service ? "accepted" : "queued",
        num_segments: "0",
        num_media: "0",
        direction: "outbound-api",
        api_version: "2010-04-01",
        price: null,
        price_unit: "USD",
        error_code: null,
        error_message: null,
        date_created: now,
        date_sent: null,
        date_updated: now,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
      { status: 201 },
    );
  }

  // ------------------------------------------------------------ Bland.ai

  async #blandCall(request: Req) {
    const fail = (reason: string, status = 400) => this.#refuse("bland", reason, status, { status: "error", message: reason });
    if (request.headers.get("Authorization") !== env.BLAND_API_KEY) return fail("Invalid API key", 401);
    if (!request.headers.get("Content-Type")?.startsWith("application/json")) return fail("body must be JSON");
    const body = (await request.json()) as PlacedCall["body"];
    if (!E164.test(body.phone_number ?? "")) return fail("phone_number must be E.164");
    if (typeof body.task !== "string" || !body.task.includes("Qualfia")) return fail("task must introduce Qualfia's assistant");
    if (typeof body.first_sentence !== "string" || !body.first_sentence.includes("自動音声")) return fail("first_sentence must say it is an automated assistant");
    if (body.language !== "ja") return fail("language must be ja");
    if (typeof body.max_duration !== "number" || body.max_duration <= 0 || body.max_duration > 10) return fail("max_duration is in minutes");
    if (body.wait_for_greeting !== true) return fail("wait_for_greeting must be true");
    if (body.webhook !== `${PUBLIC_URL}/webhooks/bland`) return fail("webhook must point at QRV");
    if (typeof body.metadata?.reservation_id !== "string" || typeof body.metadata?.attempt_id !== "string") return fail("metadata needs reservation_id and attempt_id");
    const schema = body.analysis_schema as Record<string, unknown> | undefined;
    if (!schema || typeof schema.outcome !== "string" || typeof schema.proposed_change !== "string") return fail("analysis_schema must extract outcome and proposed_change");
    if (env.BLAND_FROM && body.from !== env.BLAND_FROM) return fail("from must be the configured caller number");
    const callId = crypto.randomUUID();
    this.calls.push({ callId, body });
    return HttpResponse.json({ status: "success", message: "Call successfully queued.", call_id: callId, batch_id: null });
  }

  /** Calls QRV hung up (POST /v1/calls/{id}/stop). */
  readonly stopped: string[] = [];

  #blandStop(request: Req, callId: string) {
    if (request.headers.get("Authorization") !== env.BLAND_API_KEY) return this.#refuse("bland", "Invalid API key", 401, { status: "error", message: "Invalid API key" });
    if (!this.calls.some((c) => c.callId === callId)) return this.#refuse("bland", "call not found", 404, { status: "error", message: "Call not found" });
    this.stopped.push(callId);
    return HttpResponse.json({ status: "success", message: "Call ended successfully." });
  }

  #blandDetails(request: Req, callId: string) {
    if (request.headers.get("Authorization") !== env.BLAND_API_KEY) return this.#refuse("bland", "Invalid API key", 401, { status: "error", message: "Invalid API key" });
    const call = this.calls.find((c) => c.callId === callId);
    if (!call) return this.#refuse("bland", "call not found", 404, { status: "error", message: "Call not found" });
    return HttpResponse.json(this.callDetails.get(callId) ?? { call_id: callId, completed: false, queue_status: "started", answered_by: null, metadata: call.body.metadata });
  }

  /** The post-call payload Bland sends (and GET /v1/calls/{id} returns) for a call that ended. */
  callEnded(call: PlacedCall, outcome: { answeredBy?: string; outcome?: string; proposedChange?: string; error?: string }) {
    const human = (outcome.answeredBy ?? "human") === "human";
    return {
      call_id: call.callId,
      c_id: call.callId,
      batch_id: null,
      to: call.body.phone_number,
      from: call.body.from ?? "+14155550100",
      inbound: false,
      completed: true,
      status: "completed",
      queue_status: outcome.error ? "call_error" : "complete",
      answered_by: outcome.answeredBy ?? "human",
      call_length: human ? 1.4 : 0,
      corrected_duration: human ? "96" : "31",
      call_ended_by: "ASSISTANT",
      error_message: outcome.error ?? null,
      summary: human ? "店舗と予約について話した。" : null,
      concatenated_transcript: human ? `assistant: ${String(call.body.first_sentence)}\nuser: はい。` : "",
      metadata: call.body.metadata,
      analysis: human && outcome.outcome ? { outcome: outcome.outcome, proposed_change: outcome.proposedChange ?? "" } : null,
      started_at: new Date().toISOString(),
      end_at: new Date().toISOString(),
      created_at: new Date().toISOString(),
    };
  }

  // ------------------------------------------------------------ Stripe

  async #stripe(request: Req, handle: (form: URLSearchParams) => Response | { status: number; body: unknown }) {
    const fail = (status: number, type: string, message: string, code?: string) => this.#refuse("stripe", message, status, { error: { type, message, ...(code ? { code } : {}) } });
    if (request.headers.get("Authorization") !== `Bearer ${env.STRIPE_SECRET_KEY}`) return fail(401, "invalid_request_error", "Invalid API Key provided");
    if (request.headers.get("Stripe-Version") !== STRIPE_VERSION) return fail(400, "invalid_request_error", `Stripe-Version must be ${STRIPE_VERSION}`);
    const url = new URL(request.url);
    const idempotencyKey = request.headers.get("Idempotency-Key");
    const text = request.method === "POST" ? await formText(request) : "";
    if (request.method === "POST" && text && !request.headers.get("Content-Type")?.startsWith("application/x-www-form-urlencoded")) return fail(400, "invalid_request_error", "body must be form-encoded");
    const form = new URLSearchParams(text);
    this.stripeRequests.push({ method: request.method, path: url.pathname, idempotencyKey, form });
    const cacheKey = idempotencyKey && !idempotencyKey.startsWith("stripe-node-retry-") ? `${url.pathname} ${idempotencyKey}` : null;
    if (cacheKey) {
      const seen = this.#idempotent.get(cacheKey);
      if (seen && seen.params !== text) return fail(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
      if (seen) return HttpResponse.json(seen.body as Record<string, unknown>, { headers: { "Idempotent-Replayed": "true" } });
    }
    const result = handle(form);
    if (result instanceof Response) return result;
    if (cacheKey && result.status < 500) this.#idempotent.set(cacheKey, { params: text, body: result.body });
    return HttpResponse.json(result.body as Record<string, unknown>, { status: result.status });
  }

  #createSession(form: URLSearchParams) {
    const bad = (message: string, param?: string) => this.#refuse("stripe", message, 400, { error: { type: "invalid_request_error", message, ...(param ? { param } : {}) } });
    const req = (name: string) => form.get(name) ?? "";
    const now = Math.floor(Date.now() / 1000);
    if ([...form.keys()].some((k) => k.startsWith("payment_method_types"))) return bad("payment_method_types is not supported on this API version; use allowed_payment_method_types", "payment_method_types");
    if (req("mode") !== "payment") return bad("mode must be payment", "mode");
    if (form.getAll("allowed_payment_method_types[0]").join() !== "card" || form.has("allowed_payment_method_types[1]")) return bad("card only", "allowed_payment_method_types");
    if (req("currency") !== "jpy" || req("line_items[0][price_data][currency]") !== "jpy") return bad("JPY only", "currency");
    const amount = Number(req("line_items[0][price_data][unit_amount]"));
    if (!Number.isInteger(amount) || amount < 50) return bad("unit_amount must be whole yen (zero-decimal), at least ¥50", "line_items[0][price_data][unit_amount]");
    if (req("line_items[0][quantity]") !== "1" || !req("line_items[0][price_data][product_data][name]")) return bad("one named line item", "line_items");
    const reservationId = req("metadata[reservation_id]");
    if (!/^QRV-/.test(reservationId) || req("client_reference_id") !== reservationId) return bad("metadata[reservation_id] and client_reference_id", "metadata");
    const guest = `${PUBLIC_URL}/r/`;
    if (!req("success_url").startsWith(guest) || !req("cancel_url").startsWith(guest)) return bad("success and cancel URLs on the guest page", "success_url");
    const expiresAt = Number(req("expires_at"));
    if (!(expiresAt >= now + 30 * 60 && expiresAt <= now + 24 * 3600)) return bad("expires_at must be 30 minutes to 24 hours from now", "expires_at");
    if (!["ja", "en"].includes(req("locale"))) return bad("locale", "locale");
    const id = `cs_test_${hex(24)}`;
    const session: Session = {
      id,
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      amount_total: amount,
      currency: "jpy",
      client_reference_id: reservationId,
      customer_email: form.get("customer_email"),
      metadata: { reservation_id: reservationId },
      expires_at: expiresAt,
      created: now,
      livemode: false,
      mode: "payment",
      locale: req("locale"),
      success_url: req("success_url"),
      cancel_url: req("cancel_url"),
      allowed_payment_method_types: ["card"],
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    this.sessions.set(id, session);
    return { status: 200, body: session };
  }

  #expire(id: string) {
    const session = this.sessions.get(id);
    if (!session) return { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such checkout.session: '${id}'` } } };
    if (session.status !== "open") {
      return { status: 400, body: { error: { type: "invalid_request_error", message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${session.status}\`.` } } };
    }
    session.status = "expired";
    session.url = null;
    return { status: 200, body: session };
  }

  #retrieve(id: string) {
    const session = this.sessions.get(id);
    return session ? { status: 200, body: session } : { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing", message: `No such checkout.session: '${id}'` } } };
  }

  #refund(form: URLSearchParams) {
    const paymentIntent = form.get("payment_intent") ?? "";
    const amount = Number(form.get("amount"));
    const reason = form.get("reason") ?? "";
    const reservationId = form.get("metadata[reservation_id]") ?? "";
    if (!paymentIntent.startsWith("pi_")) return { status: 400, body: { error: { type: "invalid_request_error", message: "payment_intent", param: "payment_intent" } } };
    if (!Number.isInteger(amount) || amount <= 0) return { status: 400, body: { error: { type: "invalid_request_error", message: "amount is whole yen", param: "amount" } } };
    if (!["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) return { status: 400, body: { error: { type: "invalid_request_error", message: "reason", param: "reason" } } };
    if (!/^QRV-/.test(reservationId)) return { status: 400, body: { error: { type: "invalid_request_error", message: "metadata[reservation_id]", param: "metadata" } } };
    const refund: Refund = { id: `re_${hex(12)}`, object: "refund", amount, currency: "jpy", payment_intent: paymentIntent, status: "succeeded", reason, metadata: { reservation_id: reservationId }, created: Math.floor(Date.now() / 1000) };
    this.refunds.set(refund.id, refund);
    return { status: 200, body: refund };
  }

  /** The requester pays on Stripe's page: the session completes (the webhook is the test's to send). */
  pay(sessionId: string): Session {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    session.status = "complete";
    session.payment_status = "paid";
    session.payment_intent = `pi_${hex(12)}`;
    session.url = null;
    return session;
  }

  // ------------------------------------------------------------ Slack

  async #slackPost(request: Req) {
    if (!request.headers.get("Content-Type")?.startsWith("application/json")) return this.#refuse("slack", "invalid_payload", 400, "invalid_payload");
    const body = (await request.json()) as Partial<SlackPost>;
    if (typeof body.text !== "string" || !body.text) return this.#refuse("slack", "no_text", 400, "no_text");
    if (body.blocks !== undefined && !Array.isArray(body.blocks)) return this.#refuse("slack", "invalid_blocks", 400, "invalid_blocks");
    this.slack.push({ text: body.text, blocks: body.blocks ?? [] });
    return new HttpResponse("ok", { status: 200, headers: { "Content-Type": "text/html" } });
  }
}

/** Installs fresh fakes for one test (setup.ts resets MSW handlers after each test). */
export function fakeProviders(): FakeProviders {
  const fakes = new FakeProviders();
  network.use(...fakes.handlers());
  return fakes;
}
