// Twilio's wire format for QRV: the X-Twilio-Signature scheme (HMAC-SHA1 over the full URL
// followed by the POST parameters sorted by name, base64) and the message status callback.
import { hmacBase64, timingSafeEqual } from "../crypto.ts";

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
