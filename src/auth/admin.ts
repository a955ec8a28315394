// Who is using the operator console. /admin is never open: in production every request must
// carry a valid Cloudflare Access token (access.ts); locally, where Access is not configured,
// an operator signs in with their name and ADMIN_PASSWORD from .dev.vars. Either way the
// console keeps a signed session cookie holding the operator's name and a CSRF token that
// every form posts back.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { eq, lt } from "drizzle-orm";
import { createDb } from "../db/client.ts";
import { fullUntil, note, type Limit } from "../db/rate-limits.ts";
import { consoleLogouts } from "../db/schema.ts";
import { newSecretToken, sha256Hex } from "../domain/ids.ts";
import { timingSafeEqual } from "../providers/crypto.ts";
import { ACCESS_JWT_HEADER, AccessDenied, accessSettings, verifyAccessJwt } from "./access.ts";

export type AdminEnv = { Bindings: Env; Variables: { operator: string; csrf: string } };

export const SESSION_COOKIE = "qrv_admin";
export const CSRF_FIELD = "_csrf";
const SESSION_HOURS = 12;
/** The placeholder in .dev.vars.example: never accepted as a password. */
const EXAMPLE_PASSWORD = "change-me-locally";

interface Session {
  /** This session's id: signing out records it, and the cookie then opens nothing. */
  sid: string;
  /** Operator name (Access email, or the name given at the local sign-in). */
  op: string;
  via: "access" | "password";
  csrf: string;
  exp: number;
}

export type ConsoleMode = { kind: "access" } | { kind: "password" } | { kind: "closed"; reason: string };

/** How this deployment lets operators in. */
export function consoleMode(env: Env): ConsoleMode {
  if (accessSettings(env)) return { kind: "access" };
  const password = env.ADMIN_PASSWORD ?? "";
  if (!password || password === EXAMPLE_PASSWORD) return { kind: "closed", reason: "ADMIN_PASSWORD is not set (npm run dev writes one to .dev.vars), and Cloudflare Access is not configured (ACCESS_TEAM_DOMAIN, ACCESS_AUD)." };
  if (env.PROVIDERS === "live") return { kind: "closed", reason: "With live providers the console is only served behind Cloudflare Access: set ACCESS_TEAM_DOMAIN and ACCESS_AUD." };
  return { kind: "password" };
}

/** The key that signs session cookies, derived from a secret only the deployment knows. */
function signingKey(env: Env): string {
  return `qrv-admin-session:${env.ADMIN_PASSWORD ?? ""}:${env.ACCESS_AUD ?? ""}`;
}

async function readSession(c: Context<AdminEnv>): Promise<Session | null> {
  const raw = await getSignedCookie(c, signingKey(c.env), SESSION_COOKIE);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.sid !== "string" || typeof s.op !== "string" || typeof s.csrf !== "string" || !(s.exp > Date.now())) return null;
    const ended = await createDb(c.env.DB).query.consoleLogouts.findFirst({ where: eq(consoleLogouts.sessionId, s.sid) });
    return ended ? null : s;
  } catch {
    return null;
  }
}

export async function startSession(c: Context<AdminEnv>, op: string, via: Session["via"]): Promise<Session> {
  const session: Session = { sid: newSecretToken(), op, via, csrf: newSecretToken(), exp: Date.now() + SESSION_HOURS * 3_600_000 };
  await setSignedCookie(c, SESSION_COOKIE, JSON.stringify(session), signingKey(c.env), {
    path: "/admin",
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: SESSION_HOURS * 3600,
  });
  return session;
}

/** Signing out ends the session on the server too: a copy of the cookie opens nothing after. */
export async function endSession(c: Context<AdminEnv>): Promise<void> {
  const session = await readSession(c);
  if (session) {
    const db = createDb(c.env.DB);
    const now = Date.now();
    await db.insert(consoleLogouts).values({ sessionId: session.sid, at: now }).onConflictDoNothing();
    // A session's cookie expires after SESSION_HOURS: older sign-outs need not be remembered.
    await db.delete(consoleLogouts).where(lt(consoleLogouts.at, now - SESSION_HOURS * 3_600_000));
  }
  deleteCookie(c, SESSION_COOKIE, { path: "/admin" });
}

/**
 * The local password's lockout: after `max` wrong passwords from one address within the
 * window, or `max * 4` from anywhere, the login refuses every try (right or wrong) until the
 * oldest failure leaves the window.
 */
export const passwordLockout = { windowMs: 15 * 60_000, max: 5 } as const;

function lockoutLimits(address: string): Limit[] {
  return [
    { key: `console:password_failed:${address}`, windowMs: passwordLockout.windowMs, max: passwordLockout.max },
    { key: "console:password_failed", windowMs: passwordLockout.windowMs, max: passwordLockout.max * 4 },
  ];
}

/** When the login opens again for this address, or null when it is open. */
export async function passwordLockedUntil(env: Env, address: string, now = Date.now()): Promise<number | null> {
  const db = createDb(env.DB);
  for (const limit of lockoutLimits(address)) {
    const until = await fullUntil(db, limit, now);
    if (until !== null) return until;
  }
  return null;
}

export async function passwordFailed(env: Env, address: string, now = Date.now()): Promise<void> {
  await note(createDb(env.DB), lockoutLimits(address).map((l) => l.key), now);
}

/** Compares through SHA-256 so the time taken says nothing about the password. */
export async function passwordMatches(env: Env, given: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256Hex(`pw:${given}`), sha256Hex(`pw:${env.ADMIN_PASSWORD ?? ""}`)]);
  return timingSafeEqual(a, b);
}

/** Who may see the console: an Access identity, or a signed-in local session. */
export function requireOperator(render: { denied: (c: Context<AdminEnv>, status: 401 | 403 | 503, message: string) => Response | Promise<Response> }): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const mode = consoleMode(c.env);
    if (mode.kind === "closed") return render.denied(c, 503, mode.reason);
    let session = await readSession(c);
    if (mode.kind === "access") {
      const token = c.req.header(ACCESS_JWT_HEADER);
      if (!token) return render.denied(c, 403, "Sign in through Cloudflare Access: this request did not come through it.");
      let operator: string;
      try {
        operator = (await verifyAccessJwt(token, accessSettings(c.env)!)).operator;
      } catch (err) {
        if (!(err instanceof AccessDenied)) throw err;
        console.warn(JSON.stringify({ msg: "access token rejected", error: err.message }));
        return render.denied(c, 403, "Your Cloudflare Access sign-in could not be verified. Sign in again.");
      }
      // The session follows the Access identity; a new identity gets a new CSRF token.
      if (!session || session.via !== "access" || session.op !== operator) session = await startSession(c, operator, "access");
    } else if (!session || session.via !== "password") {
      const next = c.req.method === "GET" ? `?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}` : "";
      return c.redirect(`/admin/login${next}`, 303);
    }
    c.set("operator", session.op);
    c.set("csrf", session.csrf);
    await next();
  };
}

/** Every POST carries the session's CSRF token (the cookie alone is never enough). */
export function requireCsrf(render: { denied: (c: Context<AdminEnv>, status: 401 | 403 | 503, message: string) => Response | Promise<Response> }): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    const body = await c.req.parseBody();
    const token = typeof body[CSRF_FIELD] === "string" ? body[CSRF_FIELD] : "";
    if (!token || !timingSafeEqual(token, c.get("csrf"))) return render.denied(c, 403, "This form has expired or did not come from the console. Reload the page and try again.");
    await next();
  };
}
