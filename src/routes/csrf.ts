// CSRF protection for the requester's forms (cancel, support): a random token in a cookie
// that must come back in the form (double submit), and a cross-site Origin or
// Sec-Fetch-Site is refused outright. The guest link's own secrecy is a second layer.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { newSecretToken } from "../domain/ids.ts";
import { timingSafeEqual } from "../providers/crypto.ts";
import { isHttps } from "./language.tsx";

const NAME = "qrv_csrf";
export const CSRF_FIELD = "_csrf";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function cookieToken(c: Context): string | undefined {
  const value = isHttps(c) ? getCookie(c, NAME, "host") : getCookie(c, NAME);
  return value && TOKEN.test(value) ? value : undefined;
}

/** The token to put in a form; a new one is set as a cookie when the browser has none. */
export function csrfToken(c: Context): string {
  const existing = cookieToken(c);
  if (existing) return existing;
  const token = newSecretToken();
  const options = { path: "/", sameSite: "Lax", httpOnly: true } as const;
  if (isHttps(c)) setCookie(c, NAME, token, { ...options, prefix: "host", secure: true });
  else setCookie(c, NAME, token, options);
  return token;
}

function sameOrigin(c: Context, publicUrl: string): boolean {
  const site = c.req.header("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = c.req.header("Origin");
  // Under Referrer-Policy: no-referrer browsers send "Origin: null" for a form POST, and some
  // privacy tools drop the header: then the token alone decides.
  if (!origin || origin === "null") return true;
  return origin === new URL(c.req.url).origin || origin === new URL(publicUrl).origin;
}

/** A state-changing POST is accepted only from QRV's own page, with the token it was given. */
export function csrfValid(c: Context, submitted: unknown, publicUrl: string): boolean {
  const expected = cookieToken(c);
  if (!expected || typeof submitted !== "string") return false;
  return sameOrigin(c, publicUrl) && timingSafeEqual(submitted, expected);
}

/** A one-time value per rendered form: a repeated submission of the same form is recognised. */
export function formNonce(): string {
  return newSecretToken().slice(0, 22);
}
