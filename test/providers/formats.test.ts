// Provider wire formats: signature schemes checked against the providers' documented
// examples, and how their payloads map to QRV's call results and reservation events.
import { describe, expect, it } from "vitest";
import { reservationEventFromStripe, stripeSignatureHeader, verifyStripeEvent } from "../../src/providers/payments/stripe.ts";
import { twilioSignature, verifyTwilioSignature } from "../../src/providers/sms/twilio.ts";
import { blandSignature, outcomeFromBland, verifyBlandSignature } from "../../src/providers/voice/bland.ts";

describe("X-Twilio-Signature", () => {
  const params = new URLSearchParams({ CallSid: "CA1234567890ABCDE", Caller: "+14158675310", Digits: "1234", From: "+14158675310", To: "+18005551212" });

  it("matches Twilio's documented example", async () => {
    expect(await twilioSignature("12345", "https://example.com/myapp.php?foo=1&bar=2", params)).toBe("L/OH5YylLD5NRKLltdqwSvS0BnU=");
  });

  it("matches the example from Twilio's older security page", async () => {
    expect(await twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe("GvWf1cFY/Q7PnoempGyD5oXAezc=");
  });

  it("verifies with or without the default port, and rejects tampering", async () => {
    expect(await verifyTwilioSignature("12345", "https://example.com/myapp.php?foo=1&bar=2", params, "L/OH5YylLD5NRKLltdqwSvS0BnU=")).toBe(true);
    expect(await verifyTwilioSignature("12345", "https://example.com/myapp.php?foo=1&bar=2", params, "nbjTKFXyL7SOTAXZi6MWqyIuq40=")).toBe(true);
    const tampered = new URLSearchParams(params);
    tampered.set("Digits", "9999");
    expect(await verifyTwilioSignature("12345", "https://example.com/myapp.php?foo=1&bar=2", tampered, "L/OH5YylLD5NRKLltdqwSvS0BnU=")).toBe(false);
    expect(await verifyTwilioSignature("wrong", "https://example.com/myapp.php?foo=1&bar=2", params, "L/OH5YylLD5NRKLltdqwSvS0BnU=")).toBe(false);
    expect(await verifyTwilioSignature("12345", "https://example.com/myapp.php?foo=1&bar=2", params, null)).toBe(false);
  });
});

describe("Bland webhooks", () => {
  it("are HMAC-SHA256 of the body, hex", async () => {
    const body = JSON.stringify({ call_id: "c1", completed: true });
    const sig = await blandSignature("secret", body);
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyBlandSignature("secret", body, sig)).toBe(true);
    expect(await verifyBlandSignature("secret", body.replace("c1", "c2"), sig)).toBe(false);
    expect(await verifyBlandSignature("other", body, sig)).toBe(false);
    expect(await verifyBlandSignature("secret", body, undefined)).toBe(false);
  });

  const base = { call_id: "c1", completed: true, status: "completed", queue_status: "complete", metadata: { reservation_id: "QRV-AAAAAA", attempt_id: "QRV-AAAAAA:1" } };
  it("maps who answered and what was extracted to a call result", () => {
    expect(outcomeFromBland({ ...base, answered_by: "human", analysis: { outcome: "accepted" } })).toMatchObject({ result: "accepted", reservationId: "QRV-AAAAAA", attemptId: "QRV-AAAAAA:1" });
    expect(outcomeFromBland({ ...base, answered_by: "human", analysis: { outcome: "declined" } })?.result).toBe("declined");
    expect(outcomeFromBland({ ...base, answered_by: "human", analysis: { outcome: "change_requested", proposed_change: "15:30" } })).toMatchObject({ result: "change_requested", proposedChange: "15:30" });
    expect(outcomeFromBland({ ...base, answered_by: "human", analysis: { outcome: "something else" } })?.result).toBe("ambiguous");
    expect(outcomeFromBland({ ...base, answered_by: "voicemail" })?.result).toBe("no_answer");
    expect(outcomeFromBland({ ...base, answered_by: "no-answer" })?.result).toBe("no_answer");
    expect(outcomeFromBland({ ...base, error_message: "carrier error" })?.result).toBe("failed");
    expect(outcomeFromBland({ ...base, completed: false, queue_status: "call_error" })?.result).toBe("failed");
  });
  it("has no result while the call is going on, or for the later transcript-only delivery", () => {
    expect(outcomeFromBland({ call_id: "c1", completed: false, queue_status: "started" })).toBeNull();
    expect(outcomeFromBland({ call_id: "c1", corrected_transcript: { segments: [] } })).toBeNull();
  });
});

describe("Stripe webhooks", () => {
  const secret = "whsec_test_secret";
  const payload = '{"id":"evt_test_1","object":"event","type":"checkout.session.completed","data":{"object":{"id":"cs_test_1","object":"checkout.session"}}}';

  it("sign as Stripe does: t=<seconds>,v1=HMAC-SHA256(secret, t.payload)", async () => {
    expect(await stripeSignatureHeader(payload, secret, 1700000000)).toBe("t=1700000000,v1=4a2a3f39402d4bd02442ede6e477b3cbea42955b23b6d2cdab72e5a256f346f1");
  });

  it("verify, and reject tampered, foreign and stale events", async () => {
    const header = await stripeSignatureHeader(payload, secret);
    await expect(verifyStripeEvent(payload, header, secret)).resolves.toMatchObject({ id: "evt_test_1" });
    await expect(verifyStripeEvent(payload.replace("cs_test_1", "cs_test_2"), header, secret)).rejects.toThrow();
    await expect(verifyStripeEvent(payload, header, "whsec_other")).rejects.toThrow();
    const stale = await stripeSignatureHeader(payload, secret, Math.floor(Date.now() / 1000) - 301);
    await expect(verifyStripeEvent(payload, stale, secret)).rejects.toThrow();
  });

  it("map Checkout and refund events to reservation events", () => {
    const session = { id: "cs_1", object: "checkout.session", payment_status: "paid", payment_intent: "pi_1", amount_total: 5500, metadata: { reservation_id: "QRV-AAAAAA" } };
    const event = (type: string, object: unknown) => ({ id: "evt_1", object: "event", type, data: { object } }) as never;
    expect(reservationEventFromStripe(event("checkout.session.completed", session))).toEqual({ reservationId: "QRV-AAAAAA", event: { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 5500 } });
    expect(reservationEventFromStripe(event("checkout.session.completed", { ...session, payment_status: "unpaid" }))).toBeNull();
    expect(reservationEventFromStripe(event("checkout.session.async_payment_succeeded", session))?.event.type).toBe("payment_completed");
    expect(reservationEventFromStripe(event("checkout.session.expired", session))).toEqual({ reservationId: "QRV-AAAAAA", event: { type: "payment_expired", sessionId: "cs_1" } });
    expect(reservationEventFromStripe(event("refund.updated", { id: "re_1", status: "failed", metadata: { reservation_id: "QRV-AAAAAA" } }))).toEqual({ reservationId: "QRV-AAAAAA", event: { type: "refund_updated", refundId: "re_1", status: "failed" } });
    expect(reservationEventFromStripe(event("customer.created", {}))).toBeNull();
  });
});
