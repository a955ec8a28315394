// Twilio's wire format for QRV: the X-Twilio-Signature scheme (HMAC-SHA1 over the full URL
// followed by the POST parameters sorted by name, base64), the message status callback, which
// delivery errors are worth another try, and the live adapter (Programmable Messaging).
import type { LiveSettings } from "../../config.ts";
import { hmacBase64, timingSafeEqual } from "../crypto.ts";
import { basicAuth, httpError, jsonBody, providerFetch } from "../http.ts";
import { ProviderError, type SmsPort } from "../types.ts";

export const TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature";

export async function twilioSignature(authToken: string, url: string, params: URLSearchParams): Promise<string> {
  let data = url;
  for (const name of [...new Set(params.keys())].sort()) {
    for (const value of [...new Set(params.getAll(name))].sort()) data += name + value;
  }
  return hmacBase64("SHA-1", authToken, data);
}

/** Twilio may sign with or without the default port; both are accepted. */
export async function verifyTwilioSignature(authToken: string, url: string, params: URLSearchParams, header: string | null | undefined): Promise<boolean> {
  if (!header || !authToken) return false;
  const u = new URL(url);
  const defaultPort = u.protocol === "https:" ? "443" : "80";
  const candidates = [url, `${u.protocol}//${u.hostname}:${u.port || defaultPort}${u.pathname}${u.search}`];
  for (const candidate of candidates) {
    if (timingSafeEqual(await twilioSignature(authToken, candidate, params), header)) return true;
  }
  return false;
}

export const MESSAGE_STATUSES = ["accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered", "failed", "read", "canceled"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** How far a status is along; callbacks arrive out of order and never move a message back. */
export function statusRank(status: string): number {
  const order: Record<string, number> = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, read: 5, undelivered: 4, failed: 4, canceled: 4 };
  return order[status] ?? -1;
}

/**
 * Error codes after which texting the same number again cannot help: invalid, landline,
 * unsubscribed or unknown numbers, blocked or filtered messages, and account or routing
 * settings that a person has to change. Others (30003 handset unreachable, 30001 queue
 * overflow, 30008 unknown, ...) are worth another try, up to SMS_SEND_ATTEMPTS sends.
 */
export const PERMANENT_SMS_ERRORS: ReadonlySet<string> = new Set([
  "21211", // invalid 'To' number
  "21408", // region not enabled (geo permissions)
  "21606", // 'From' cannot send SMS
  "21610", // recipient replied STOP
  "21612", // 'To'/'From' combination not routable
  "21614", // not a mobile number (Japanese landlines)
  "21635", // 'To' is a landline
  "30002", // account suspended
  "30004", // message blocked
  "30005", // unknown destination handset
  "30006", // landline or unreachable carrier
  "30007", // filtered by the carrier
  "30010", // price exceeds MaxPrice
]);

/** How many times one SMS is sent before the requester counts as unreachable by SMS. */
export const SMS_SEND_ATTEMPTS = 3;

/** Seconds before an SMS whose delivery failed for a passing reason is sent again. */
export const SMS_RESEND_DELAY_SECONDS = 60;

export function isPermanentSmsError(code: string | null | undefined): boolean {
  return code != null && PERMANENT_SMS_ERRORS.has(code);
}

export const TWILIO_API = "https://api.twilio.com";

interface TwilioMessage {
  sid?: string;
  status?: string;
  error_code?: number | string | null;
  error_message?: string | null;
  code?: number;
  message?: string;
}

/** Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json. */
export function twilioSms(s: LiveSettings["twilio"]): SmsPort {
  const url = `${TWILIO_API}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Messages.json`;
  return {
    async send(msg) {
      const form = new URLSearchParams({ To: msg.to, Body: msg.body, StatusCallback: msg.statusCallback });
      // A Messaging Service picks the sender from its pool; otherwise From is the sender itself.
      if (s.messagingServiceSid) form.set("MessagingServiceSid", s.messagingServiceSid);
      else form.set("From", s.from ?? "");
      const res = await providerFetch("Twilio", url, {
        method: "POST",
        headers: { Authorization: basicAuth(s.accountSid, s.authToken), "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: form.toString(),
      });
      const body = ((await jsonBody(res)) ?? {}) as TwilioMessage;
      if (!res.ok) throw httpError("Twilio", res, body.message ?? "", body.code !== undefined ? String(body.code) : undefined);
      if (!body.sid) throw new ProviderError("Twilio: the answer carries no message sid", false);
      // Refused on the spot: there will be no status callback for it.
      if (body.status === "failed" || body.status === "undelivered") {
        const code = body.error_code != null ? String(body.error_code) : undefined;
        throw new ProviderError(`Twilio: message ${body.sid} ${body.status}${code ? ` (${code})` : ""}`, isPermanentSmsError(code), code);
      }
      return { providerRef: body.sid };
    },
  };
}
