// The short-lived sign-in cookie of the authorize page: "this browser proved this phone
// number". Signed (HMAC) with SESSION_SECRET, __Host- prefixed, 30 minutes.
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { hmacHex } from "../providers/crypto.ts";

const NAME = "qrv-signin";
const MAX_AGE_SECONDS = 30 * 60;

export interface SignInSession {
  phone: string;
  exp: number;
}

function secret(env: Env): string {
  const value = env.SESSION_SECRET;
  if (!value || value.length < 32) throw new Error("SESSION_SECRET is missing or shorter than 32 characters: set it with wrangler secret put SESSION_SECRET (or in .dev.vars)");
  return value;
}

export async function readSignIn(c: Context<{ Bindings: Env }>): Promise<SignInSession | null> {
  const value = await getSignedCookie(c, secret(c.env), NAME, "host");
  if (!value) return null;
  try {
    const session = JSON.parse(value) as SignInSession;
    return typeof session.phone === "string" && session.exp > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export async function writeSignIn(c: Context<{ Bindings: Env }>, phone: string): Promise<void> {
  const session: SignInSession = { phone, exp: Date.now() + MAX_AGE_SECONDS * 1000 };
  await setSignedCookie(c, NAME, JSON.stringify(session), secret(c.env), { prefix: "host", httpOnly: true, sameSite: "Lax", maxAge: MAX_AGE_SECONDS });
}

export function clearSignIn(c: Context<{ Bindings: Env }>): void {
  deleteCookie(c, NAME, { prefix: "host" });
}

// "This browser has proved these numbers before": a signed, year-long list of keyed hashes
// (never the numbers themselves), so strangers flooding a number with code requests from
// elsewhere cannot lock its owner out (src/auth/sign-in.ts, perPhoneTotal).
const KNOWN = "qrv-known";
const KNOWN_MAX_AGE_SECONDS = 365 * 24 * 3600;
const KNOWN_MAX_NUMBERS = 5;

async function numberTag(env: Env, phone: string): Promise<string> {
  return (await hmacHex("SHA-256", secret(env), `known-number:${phone}`)).slice(0, 32);
}

async function knownTags(c: Context<{ Bindings: Env }>): Promise<string[]> {
  const value = await getSignedCookie(c, secret(c.env), KNOWN, "host");
  return value ? value.split(".").filter((t) => /^[0-9a-f]{32}$/.test(t)) : [];
}

export async function provedHere(c: Context<{ Bindings: Env }>, phone: string): Promise<boolean> {
  return (await knownTags(c)).includes(await numberTag(c.env, phone));
}

export async function rememberProved(c: Context<{ Bindings: Env }>, phone: string): Promise<void> {
  const tag = await numberTag(c.env, phone);
  const tags = [tag, ...(await knownTags(c)).filter((t) => t !== tag)].slice(0, KNOWN_MAX_NUMBERS);
  await setSignedCookie(c, KNOWN, tags.join("."), secret(c.env), { prefix: "host", httpOnly: true, sameSite: "Lax", maxAge: KNOWN_MAX_AGE_SECONDS });
}
