// The short-lived sign-in cookie of the authorize page: "this browser proved this phone
// number". Signed (HMAC) with SESSION_SECRET, __Host- prefixed, 30 minutes.
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";

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
