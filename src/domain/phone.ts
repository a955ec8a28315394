// Phone numbers: any common Japanese form (090-1234-5678, 03 1234 5678, +81 90...) or E.164,
// normalized with libphonenumber-js. Logs only ever see the masked form.
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { parsePhoneNumberFromString as parseMobile } from "libphonenumber-js/mobile";

export type PhoneResult = { ok: true; e164: string; mobile: boolean | undefined } | { ok: false; reason: string };

export function normalizePhone(input: string): PhoneResult {
  const trimmed = input.normalize("NFKC").trim();
  if (!/^[+\d\s().\-]+$/.test(trimmed)) {
    return { ok: false, reason: "use digits, spaces, hyphens and an optional leading +" };
  }
  if (trimmed.replace(/\D/g, "").length < 6 || trimmed.length > 25) {
    return { ok: false, reason: "not a valid Japanese or E.164 phone number" };
  }
  const parsed = parsePhoneNumberFromString(trimmed, "JP");
  if (!parsed || !parsed.isValid()) {
    return { ok: false, reason: "not a valid Japanese or E.164 phone number" };
  }
  const type = parsed.getType();
  return { ok: true, e164: parsed.number, mobile: type === undefined ? undefined : type === "MOBILE" };
}

/** +819012345678 → +81******5678 */
export function maskPhone(e164: string): string {
  if (e164.length <= 7) return "***";
  return `${e164.slice(0, 3)}${"*".repeat(e164.length - 7)}${e164.slice(-4)}`;
}

/** taro@example.com → t***@example.com */
export function maskEmail(email: string): string {
  const at = email.indexOf("@");
  if (at <= 0) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** For people in Japan: +81 90-1234-5678 shown as 090-1234-5678. */
export function displayPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === "JP" ? parsed.formatNational() : parsed.formatInternational();
}

/** A number that receives SMS: valid under libphonenumber's mobile-only metadata (not 0800/0120 or landlines). */
export function isMobileNumber(e164: string): boolean {
  return parseMobile(e164)?.isValid() ?? false;
}

/**
 * Whether QRV may text this number: a mobile number (SMS arrives) under one of the allowed
 * prefixes (Japanese mobiles by default), so a typo'd landline or a premium-rate number abroad
 * never gets a payment link or a sign-in code.
 */
export function textable(e164: string, prefixes: readonly string[]): boolean {
  return isMobileNumber(e164) && prefixes.some((p) => e164.startsWith(p));
}
