// Who is using a person's own pages (a lodging member's, a coach's): someone who proved their
// phone number with an SMS code on /account/sign-in. The cookie holds a random token and D1
// only its SHA-256, so signing out, or an operator removing the session, ends it on the
// server: an old cookie opens nothing. Roles (member, coach) belong to each product.
import { and, eq, gt } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createDb, type Db } from "../db/client.ts";
import { accountSessions, users } from "../db/schema.ts";
import { newSecretToken, sha256Hex } from "../domain/ids.ts";
import { isHttps } from "../routes/language.tsx";

const COOKIE = "qrv_account";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const ACCOUNT_SESSION_MS = 14 * 24 * 3600_000;

export interface Account {
  userId: string;
  phone: string;
}

export type AccountVariables = { account: Account };

function cookieToken(c: Context): string | undefined {
  const value = isHttps(c) ? getCookie(c, COOKIE, "host") : getCookie(c, COOKIE);
  return value && TOKEN.test(value) ? value : undefined;
}

/** Signs the person in on this browser. */
export async function startAccountSession<E extends { Bindings: Env }>(c: Context<E>, userId: string, now = Date.now()): Promise<void> {
  const token = newSecretToken();
  await createDb(c.env.DB)
    .insert(accountSessions)
    .values({ id: await sha256Hex(token), userId, createdAt: now, expiresAt: now + ACCOUNT_SESSION_MS });
  const options = { path: "/", sameSite: "Lax", httpOnly: true, maxAge: ACCOUNT_SESSION_MS / 1000 } as const;
  if (isHttps(c)) setCookie(c, COOKIE, token, { ...options, prefix: "host", secure: true });
  else setCookie(c, COOKIE, token, options);
}

/** The signed-in person, or null (no cookie, an unknown or expired session, a deleted user). */
export async function readAccount<E extends { Bindings: Env }>(c: Context<E>, db: Db = createDb(c.env.DB), now = Date.now()): Promise<Account | null> {
  const token = cookieToken(c);
  if (!token) return null;
  const [row] = await db
    .select({ userId: users.id, phone: users.phone })
    .from(accountSessions)
    .innerJoin(users, eq(users.id, accountSessions.userId))
    .where(and(eq(accountSessions.id, await sha256Hex(token)), gt(accountSessions.expiresAt, now)))
    .limit(1);
  return row ?? null;
}

/** Ends this browser's session on the server and forgets the cookie. */
export async function endAccountSession<E extends { Bindings: Env }>(c: Context<E>): Promise<void> {
  const token = cookieToken(c);
  if (token) await createDb(c.env.DB).delete(accountSessions).where(eq(accountSessions.id, await sha256Hex(token)));
  if (isHttps(c)) deleteCookie(c, COOKIE, { path: "/", prefix: "host", secure: true });
  else deleteCookie(c, COOKIE, { path: "/" });
}

/** Where a signed-out visitor is sent to sign in and come back. */
export function signInPath(next: string): string {
  return `/account/sign-in?next=${encodeURIComponent(next)}`;
}

/**
 * Pages for a signed-in person: anyone else is sent to sign in and brought back (a GET), or
 * refused (anything else, so a form is never replayed after sign-in). Sets c.get("account").
 */
export function requireAccount(): MiddlewareHandler<{ Bindings: Env; Variables: AccountVariables }> {
  return async (c, next) => {
    const account = await readAccount(c);
    if (!account) {
      const url = new URL(c.req.url);
      if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect(signInPath(`${url.pathname}${url.search}`), 303);
      return c.text("Sign in first / サインインしてください", 401);
    }
    c.set("account", account);
    await next();
  };
}
