// The live adapters one by one: what a provider's failure means for the job. Network errors,
// timeouts, 429 and 5xx are transient (the queue retries with backoff, honouring Retry-After);
// any other 4xx is permanent (not retried, surfaced to the reservation).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { HttpResponse, delay, http } from "msw";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { liveSettings, type LiveSettings } from "../../src/config.ts";
import { outbox } from "../../src/db/schema.ts";
import { newId } from "../../src/domain/ids.ts";
import worker from "../../src/index.ts";
import { slackAlerts, slackMessage } from "../../src/providers/alerts/slack.ts";
import { cloudflareEmail } from "../../src/providers/email/cloudflare.ts";
import { providerFetch, redact } from "../../src/providers/http.ts";
import { checkoutExpiresAt, stripePayments } from "../../src/providers/payments/stripe.ts";
import { twilioSms } from "../../src/providers/sms/twilio.ts";
import { ProviderError, type CallRequest } from "../../src/providers/types.ts";
import { blandVoice } from "../../src/providers/voice/bland.ts";
import type { QueueMessage } from "../../src/queues/messages.ts";
import { db } from "../helpers.ts";
import { network } from "../msw.ts";
import { fakeProviders, type FakeProviders } from "./fake-providers.ts";

const settings = (() => {
  const s = liveSettings(env);
  if (!s.ok) throw new Error(s.problems.join("; "));
  return s.settings;
})();

let fakes: FakeProviders;
beforeEach(() => {
  fakes = fakeProviders();
});

/** The ProviderError a call ends with (or a failure if it succeeded). */
async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

const TWILIO_URL = `https://api.twilio.com/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages.json`;
const sms = { to: "+819012345678", body: "テスト", jobId: "job_1", reservationId: "QRV-AAAAAA", statusCallback: "https://qrv.test/webhooks/twilio/sms?job=job_1" };

describe("Twilio", () => {
  it("sends form-encoded with Basic auth, from the Messaging Service or the configured sender", async () => {
    const viaService = await twilioSms(settings.twilio).send(sms);
    const viaSender = await twilioSms({ accountSid: settings.twilio.accountSid, authToken: settings.twilio.authToken, from: "QRV" }).send(sms);
    expect(fakes.sms.map((s) => [s.sid, s.messagingServiceSid, s.from])).toEqual([
      [viaService.providerRef, env.TWILIO_MESSAGING_SERVICE_SID, null],
      [viaSender.providerRef, null, "QRV"],
    ]);
    expect(fakes.sms[0]).toMatchObject({ to: sms.to, body: "テスト", statusCallback: sms.statusCallback, jobId: "job_1" });
  });

  it("wrong credentials are refused by the fake, and permanent", async () => {
    const err = await failure(twilioSms({ ...settings.twilio, authToken: "wrong" }).send(sms));
    expect(err).toMatchObject({ permanent: true, code: "20003" });
  });

  it("classifies failures: 400 permanent (number masked), 429 and 5xx and network errors transient", async () => {
    const answer = (status: number, body: object, headers: Record<string, string> = {}) => network.use(http.post(TWILIO_URL, () => HttpResponse.json(body, { status, headers }), { once: true }));
    answer(400, { code: 21211, message: "Invalid 'To' Phone Number: +819012345678", status: 400 });
    const invalid = await failure(twilioSms(settings.twilio).send(sms));
    expect(invalid).toMatchObject({ permanent: true, code: "21211" });
    expect(invalid.message).not.toContain("+819012345678");
    expect(invalid.message).toContain("+81***78");

    answer(429, { code: 20429, message: "Too Many Requests", status: 429 }, { "Retry-After": "30" });
    expect(await failure(twilioSms(settings.twilio).send(sms))).toMatchObject({ permanent: false, code: "20429", retryAfterSeconds: 30 });
    answer(503, { code: 20503, message: "Service Unavailable", status: 503 });
    expect(await failure(twilioSms(settings.twilio).send(sms))).toMatchObject({ permanent: false });
    network.use(http.post(TWILIO_URL, () => HttpResponse.error(), { once: true }));
    expect(await failure(twilioSms(settings.twilio).send(sms))).toMatchObject({ permanent: false, code: "network" });
  });

  it("a message refused on the spot fails the job: permanently for a permanent error code", async () => {
    const refused = (code: number) => network.use(http.post(TWILIO_URL, () => HttpResponse.json({ sid: "SM0123", status: "failed", error_code: code }, { status: 201 }), { once: true }));
    refused(21610);
    expect(await failure(twilioSms(settings.twilio).send(sms))).toMatchObject({ permanent: true, code: "21610" });
    refused(30008);
    expect(await failure(twilioSms(settings.twilio).send(sms))).toMatchObject({ permanent: false, code: "30008" });
  });
});

const call: CallRequest = {
  jobId: "job_call",
  reservationId: "QRV-BBBBBB",
  attemptId: "QRV-BBBBBB:1",
  shop: { id: "shp_1", name: "テスト店", phone: "+81312345678" },
  request: { service: "カット", startAt: Date.parse("2026-12-01T06:00:00Z"), partySize: 2, requesterName: "山田 太郎" },
  webhookUrl: "https://qrv.test/webhooks/bland",
};

describe("Bland.ai", () => {
  it("places a call with the API key and reads it back while it runs and when it ended", async () => {
    const { providerCallId } = await blandVoice(settings.bland).placeCall(call);
    expect(fakes.calls.map((c) => c.callId)).toEqual([providerCallId]);
    expect(await blandVoice(settings.bland).getCall(providerCallId)).toBeNull();
    fakes.callDetails.set(providerCallId, fakes.callEnded(fakes.calls[0]!, { outcome: "change_requested", proposedChange: "15:30からなら可能" }));
    expect(await blandVoice(settings.bland).getCall(providerCallId)).toMatchObject({ callId: providerCallId, result: "change_requested", proposedChange: "15:30からなら可能", reservationId: "QRV-BBBBBB", attemptId: "QRV-BBBBBB:1" });
  });

  it("hangs up a call with POST /v1/calls/{id}/stop; a call Bland no longer knows needs nothing", async () => {
    const { providerCallId } = await blandVoice(settings.bland).placeCall(call);
    await blandVoice(settings.bland).stopCall(providerCallId);
    expect(fakes.stopped).toEqual([providerCallId]);
    await expect(blandVoice(settings.bland).stopCall("call-that-ended-long-ago")).resolves.toBeUndefined();
  });

  it("classifies failures", async () => {
    expect(await failure(blandVoice({ ...settings.bland, apiKey: "wrong" }).placeCall(call))).toMatchObject({ permanent: true, code: "401" });
    const answer = (status: number, body: object) => network.use(http.post("https://api.bland.ai/v1/calls", () => HttpResponse.json(body, { status }), { once: true }));
    answer(400, { status: "error", message: "Invalid phone number" });
    expect(await failure(blandVoice(settings.bland).placeCall(call))).toMatchObject({ permanent: true, code: "400" });
    answer(200, { status: "error", message: "Insufficient balance" });
    expect(await failure(blandVoice(settings.bland).placeCall(call))).toMatchObject({ permanent: true });
    answer(429, { status: "error", message: "Rate limited" });
    expect(await failure(blandVoice(settings.bland).placeCall(call))).toMatchObject({ permanent: false, code: "429" });
    answer(502, { status: "error", message: "Bad gateway" });
    expect(await failure(blandVoice(settings.bland).placeCall(call))).toMatchObject({ permanent: false, code: "502" });
    network.use(http.post("https://api.bland.ai/v1/calls", () => HttpResponse.error(), { once: true }));
    expect(await failure(blandVoice(settings.bland).placeCall(call))).toMatchObject({ permanent: false, code: "network" });
  });
});

const checkout = {
  reservationId: "QRV-CCCCCC",
  amountJpy: 5500,
  description: "テスト店 カット",
  language: "ja" as const,
  successUrl: "https://qrv.test/r/token?payment=success",
  cancelUrl: "https://qrv.test/r/token?payment=cancel",
  idempotencyKey: "job_checkout",
};

describe("Stripe", () => {
  it("a retried request is the same request: the Idempotency-Key returns the first session", async () => {
    const requestedAt = Date.now();
    const first = await stripePayments(settings.stripe).createCheckout({ ...checkout, requestedAt });
    const again = await stripePayments(settings.stripe).createCheckout({ ...checkout, requestedAt });
    expect(again).toEqual(first);
    expect(fakes.sessions.size).toBe(1);
    expect(fakes.stripeRequests.map((r) => r.idempotencyKey)).toEqual(["job_checkout", "job_checkout"]);
    expect(fakes.refused).toEqual([]);
  });

  it("expires_at comes from the job, not the clock, until it would fall under Stripe's 30 minutes", () => {
    const t = Date.parse("2026-11-21T10:00:00Z");
    expect(checkoutExpiresAt(t, t)).toBe(t / 1000 + 35 * 60);
    expect(checkoutExpiresAt(t, t + 4 * 60_000)).toBe(t / 1000 + 35 * 60);
    expect(checkoutExpiresAt(t, t + 10 * 60_000)).toBe(t / 1000 + 10 * 60 + 31 * 60);
  });

  it("expiring a session that already ended says which way it ended", async () => {
    const payments = stripePayments(settings.stripe);
    const paid = await payments.createCheckout(checkout);
    fakes.pay(paid.sessionId);
    expect(await payments.expireCheckout(paid.sessionId)).toEqual({ state: "already_complete", paymentIntentId: fakes.sessions.get(paid.sessionId)!.payment_intent, amountJpy: 5500 });
    const open = await payments.createCheckout({ ...checkout, idempotencyKey: "job_checkout_2" });
    expect(await payments.expireCheckout(open.sessionId)).toEqual({ state: "expired" });
    expect(await payments.expireCheckout(open.sessionId)).toEqual({ state: "expired" });
  });

  it("classifies failures: 4xx permanent; no answer, 409, 429 and 5xx transient", async () => {
    const payments = stripePayments(settings.stripe);
    const answer = (status: number, error: object) => network.use(http.post("https://api.stripe.com/v1/checkout/sessions", () => HttpResponse.json({ error }, { status }), { once: true }));
    answer(400, { type: "invalid_request_error", code: "parameter_invalid_integer", message: "Invalid integer: abc", param: "line_items[0][price_data][unit_amount]" });
    expect(await failure(payments.createCheckout(checkout))).toMatchObject({ permanent: true, code: "parameter_invalid_integer" });
    expect(await failure(stripePayments({ ...settings.stripe, secretKey: "sk_test_wrong" }).createCheckout(checkout))).toMatchObject({ permanent: true });
    answer(409, { type: "idempotency_error", message: "There is currently another in-progress request using this Idempotent Key" });
    expect(await failure(payments.createCheckout(checkout))).toMatchObject({ permanent: false });
    answer(429, { type: "invalid_request_error", code: "rate_limit", message: "Too many requests" });
    expect(await failure(payments.createCheckout(checkout))).toMatchObject({ permanent: false, code: "rate_limit" });
    answer(400, { type: "invalid_request_error", code: "rate_limit", message: "Too many requests" });
    expect(await failure(payments.createCheckout(checkout))).toMatchObject({ permanent: false, code: "rate_limit" });
    answer(500, { type: "api_error", message: "Something went wrong" });
    expect(await failure(payments.createCheckout(checkout))).toMatchObject({ permanent: false });
    network.use(http.post("https://api.stripe.com/v1/refunds", () => HttpResponse.error(), { once: true }));
    expect(await failure(payments.refund({ reservationId: "QRV-CCCCCC", paymentIntentId: "pi_1", amountJpy: 5500, reason: "requested_by_customer", idempotencyKey: "job_refund" }))).toMatchObject({ permanent: false });
  });
});

describe("Cloudflare Email Service", () => {
  function binding(send: (m: unknown) => Promise<EmailSendResult>): LiveSettings["email"] {
    return { ...settings.email, binding: { send } as unknown as SendEmail };
  }
  const email = { to: "taro@example.com", subject: "[QRV] ご予約が確定しました", text: "本文", html: "<p>本文</p>", jobId: "job_mail", reservationId: "QRV-DDDDDD" };

  it("sends the structured message: From on the onboarded domain, both bodies, replies to support", async () => {
    const send = vi.fn(async (_m: unknown) => ({ messageId: "<abc@qrv.test>" }));
    expect(await cloudflareEmail(binding(send)).send(email)).toEqual({ providerRef: "<abc@qrv.test>" });
    expect(send.mock.calls[0]![0]).toEqual({ from: { name: env.EMAIL_FROM_NAME, email: env.EMAIL_FROM }, to: "taro@example.com", replyTo: env.SUPPORT_EMAIL, subject: email.subject, text: "本文", html: "<p>本文</p>" });
  });

  it("the binding itself (simulated here) accepts the message", async () => {
    const sent = await cloudflareEmail(settings.email).send(email);
    expect(sent.providerRef).toMatch(/^<.+@qrv\.test>$/);
  });

  it("classifies the binding's error codes", async () => {
    const failing = (code?: string) => binding(async () => Promise.reject(Object.assign(new Error(`failed for taro@example.com`), code ? { code } : {})));
    expect(await failure(cloudflareEmail(failing("E_RECIPIENT_SUPPRESSED")).send(email))).toMatchObject({ permanent: true, code: "E_RECIPIENT_SUPPRESSED" });
    expect(await failure(cloudflareEmail(failing("E_SENDER_NOT_VERIFIED")).send(email))).toMatchObject({ permanent: true });
    expect(await failure(cloudflareEmail(failing("E_RATE_LIMIT_EXCEEDED")).send(email))).toMatchObject({ permanent: false });
    const unknown = await failure(cloudflareEmail(failing()).send(email));
    expect(unknown).toMatchObject({ permanent: false });
    expect(unknown.message).toContain("t***@example.com");
  });
});

describe("Slack", () => {
  const alert = { text: "予約ID: QRV-EEEEEE が曖昧な回答\n店舗: テスト店\n対応: 1時間以内に該当店舗へ電話し確定回答を得る\nhttps://qrv.test/admin/reservations/QRV-EEEEEE", reservationId: "QRV-EEEEEE", case: "ambiguous_answer", priority: "high" };

  it("posts the text (the notification fallback) and blocks with the case, what to do and the admin link", async () => {
    await slackAlerts(settings.slack).post(alert);
    expect(fakes.slack).toEqual([slackMessage(alert)]);
    const message = JSON.stringify(fakes.slack[0]);
    for (const part of ["QRV-EEEEEE", "ambiguous_answer", "対応: 1時間以内", "<https://qrv.test/admin/reservations/QRV-EEEEEE|管理画面で開く / Open in admin>"]) expect(message).toContain(part);
  });

  it("classifies failures by status, keeping Slack's plain-text code", async () => {
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => network.use(http.post(env.SLACK_WEBHOOK_URL, () => new HttpResponse(body, { status, headers }), { once: true }));
    answer(404, "no_service");
    expect(await failure(slackAlerts(settings.slack).post(alert))).toMatchObject({ permanent: true, code: "no_service" });
    answer(410, "channel_is_archived");
    expect(await failure(slackAlerts(settings.slack).post(alert))).toMatchObject({ permanent: true, code: "channel_is_archived" });
    answer(429, "rate_limited", { "Retry-After": "2" });
    expect(await failure(slackAlerts(settings.slack).post(alert))).toMatchObject({ permanent: false, retryAfterSeconds: 2 });
    answer(500, "");
    expect(await failure(slackAlerts(settings.slack).post(alert))).toMatchObject({ permanent: false });
  });
});

describe("the queue consumer with live adapters", () => {
  async function smsJob(to: string): Promise<string> {
    const id = newId("job");
    await db.insert(outbox).values({ id, reservationId: "QRV-QUEUEL", kind: "sms.send", payload: JSON.stringify({ to, body: "テスト", template: "test" }), createdAt: Date.now(), updatedAt: Date.now() });
    return id;
  }

  async function deliver(id: string, e: Env = env) {
    const batch = createMessageBatch<QueueMessage>("qrv-jobs", [{ id: "m1", timestamp: new Date(), attempts: 1, body: { type: "job", id, links: {} } }]);
    const retry = vi.spyOn(batch.messages[0]!, "retry");
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, e, ctx);
    const result = await getQueueResult(batch, ctx);
    return { ...result, delays: retry.mock.calls.map((c) => c[0]?.delaySeconds) };
  }

  it("a provider that never answers times out as a transient failure", async () => {
    let asked = false;
    network.use(
      http.post("https://hanging.provider.test/api", async () => {
        asked = true;
        await delay("infinite");
        return HttpResponse.json({});
      }),
    );
    const started = Date.now();
    const err = await providerFetch("Hanging", "https://hanging.provider.test/api", { method: "POST", body: "{}" }, 100).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(asked).toBe(true);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ permanent: false, code: "network", message: expect.stringContaining("Hanging: timed out") });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("waits as long as the provider asks (Retry-After) before retrying", async () => {
    network.use(http.post(TWILIO_URL, () => HttpResponse.json({ code: 20429, message: "Too Many Requests", status: 429 }, { status: 429, headers: { "Retry-After": "120" } }), { once: true }));
    const id = await smsJob("+819011112222");
    const result = await deliver(id);
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(result.delays[0]).toBeGreaterThanOrEqual(120);
    expect(await db.query.outbox.findFirst({ where: eq(outbox.id, id) })).toMatchObject({ status: "pending", lastError: expect.stringContaining("429") });
  });

  it("refuses to send anything while a setting is missing, and says which", async () => {
    const id = await smsJob("+819011113333");
    const result = await deliver(id, { ...env, TWILIO_AUTH_TOKEN: "", TWILIO_MESSAGING_SERVICE_SID: "", EMAIL_FROM: "" });
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(fakes.sms).toEqual([]);
    const row = await db.query.outbox.findFirst({ where: eq(outbox.id, id) });
    expect(row).toMatchObject({ status: "pending" });
    for (const name of ["TWILIO_AUTH_TOKEN", "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM", "EMAIL_FROM"]) expect(row!.lastError).toContain(name);
  });
});

describe("redaction", () => {
  it("keeps phone numbers and email addresses out of stored errors and logs", () => {
    expect(redact("Invalid 'To' Phone Number: +8190123 / 090-1234-5678 / taro@example.com (21211)")).toBe("Invalid 'To' Phone Number: +81***23 / 090***78 / t***@example.com (21211)");
  });
});
