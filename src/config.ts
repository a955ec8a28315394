// Configuration read from Wrangler vars and secrets, in one place. Whether a sandbox may face
// the public is decided in sandbox-exposure.ts (pure, so scripts import it too).
import { lodgingPolicy } from "./domain/lodging/policy.ts";
import { DEFAULT_CANCELLATION_POLICY, parseCancellationPolicy, type CancellationPolicy } from "./domain/lodging/refund.ts";
import { isLoopbackHost, sandboxExposure } from "./sandbox-exposure.ts";

export { isLoopbackHost, SANDBOX_NOT_PUBLIC, sandboxExposure, sandboxServes, type SandboxExposure } from "./sandbox-exposure.ts";

export type ProviderMode = "sandbox" | "live";

export interface Config {
  providers: ProviderMode;
  /** Base URL for links in messages and provider callbacks, without a trailing slash. */
  publicUrl: string;
  roundDelayMs: number;
  sandboxCallDelaySeconds: number;
  supportPhone: string;
  supportEmail: string;
  /** E.164 prefixes of the numbers QRV texts (sign-in codes and bookings); mobile numbers only. */
  smsPrefixes: string[];
  /** A sandbox deliberately open to the public (PUBLIC_DEMO=true), shown as such everywhere. */
  publicDemo: boolean;
  /** Booking request limits apply; only a local sandbox may turn them off (browser tests, the bench). */
  bookingRateLimits: boolean;
  /** Lodging: ±days around a member's birthday that get the birthday discount. */
  lodgingBirthdayWindowDays: number;
  /** Lodging: how long an order short of points keeps its rooms. */
  lodgingPaymentWindowMs: number;
  /** Refunds on cancellation by days before check-in (LODGING_CANCELLATION_POLICY, e.g. "7:100,3:50,0:0,noshow:0"). */
  lodgingCancellationPolicy: CancellationPolicy;
}

function seconds(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** The operator's refund table; a table that does not parse falls back to the default, said once in the log. */
function cancellationPolicy(text: string | undefined): CancellationPolicy {
  const parsed = parseCancellationPolicy(text);
  if (!("error" in parsed)) return parsed;
  console.error(JSON.stringify({ event: "lodging_cancellation_policy_invalid", error: parsed.error }));
  return DEFAULT_CANCELLATION_POLICY;
}

/** The vars config() reads: a change to any of them (tests set some) builds it again. */
const CONFIG_VARS = [
  "PROVIDERS",
  "PUBLIC_URL",
  "PUBLIC_DEMO",
  "CALL_ROUND_DELAY_SECONDS",
  "SANDBOX_CALL_DELAY_SECONDS",
  "SUPPORT_PHONE",
  "SUPPORT_EMAIL",
  "OTP_ALLOWED_PREFIXES",
  "BOOKING_RATE_LIMITS",
  "LODGING_BIRTHDAY_WINDOW_DAYS",
  "LODGING_PAYMENT_WINDOW_MINUTES",
  "LODGING_CANCELLATION_POLICY",
] as const;

// config() is read many times per request; it is built once per env object and set of values.
const built = new WeakMap<object, { key: string; config: Readonly<Config> }>();

export function config(env: Env): Readonly<Config> {
  const vars = env as unknown as Record<string, unknown>;
  const key = CONFIG_VARS.map((name) => String(vars[name] ?? "")).join("\u0000");
  const hit = built.get(env);
  if (hit?.key === key) return hit.config;
  const fresh = Object.freeze(buildConfig(env));
  built.set(env, { key, config: fresh });
  return fresh;
}

function buildConfig(env: Env): Config {
  return {
    providers: env.PROVIDERS === "live" ? "live" : "sandbox",
    publicUrl: (env.PUBLIC_URL || "http://localhost:8787").replace(/\/+$/, ""),
    roundDelayMs: seconds(env.CALL_ROUND_DELAY_SECONDS, 60) * 1000,
    sandboxCallDelaySeconds: seconds(env.SANDBOX_CALL_DELAY_SECONDS, 2),
    supportPhone: env.SUPPORT_PHONE || "03-0000-0000",
    supportEmail: env.SUPPORT_EMAIL || "support@qrv.example",
    smsPrefixes: (env.OTP_ALLOWED_PREFIXES || "+8170,+8180,+8190")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    publicDemo: sandboxExposure(env) === "demo",
    bookingRateLimits: !(env.BOOKING_RATE_LIMITS === "off" && sandboxExposure(env) === "local_only"),
    lodgingBirthdayWindowDays: Math.floor(seconds(env.LODGING_BIRTHDAY_WINDOW_DAYS, lodgingPolicy.birthdayWindowDays)),
    lodgingPaymentWindowMs: seconds(env.LODGING_PAYMENT_WINDOW_MINUTES, lodgingPolicy.paymentWindowMs / 60_000) * 60_000,
    lodgingCancellationPolicy: cancellationPolicy(env.LODGING_CANCELLATION_POLICY),
  };
}

// ---------------------------------------------------------------- live providers

/** What the live adapters need, checked once (liveSettings) before anything is sent. */
export interface LiveSettings {
  publicUrl: string;
  stripe: { secretKey: string; webhookSecret: string };
  /** One of `messagingServiceSid` (preferred) or `from` is set. */
  twilio: { accountSid: string; authToken: string; messagingServiceSid?: string; from?: string };
  bland: { apiKey: string; webhookSecret: string; from?: string; voice?: string };
  email: { binding: SendEmail; from: string; fromName: string; replyTo: string };
  slack: { webhookUrl: string };
}

export type LiveSettingsResult = { ok: true; settings: LiveSettings } | { ok: false; problems: string[] };

type Check = (value: string) => string | null;

const nonEmpty: Check = (v) => (v ? null : "not set");
const prefixed =
  (what: string, ...prefixes: string[]): Check =>
  (v) =>
    !v ? "not set" : prefixes.some((p) => v.startsWith(p)) ? null : `${what} (starts with ${prefixes.join(" or ")})`;
/** The values in .dev.vars.example sign the sandbox's own webhooks; they are never real credentials. */
const notSandbox =
  (check: Check): Check =>
  (v) =>
    check(v) ?? (/sandbox/i.test(v) ? "still the sandbox placeholder from .dev.vars.example" : null);

function httpsUrl(v: string): string | null {
  if (!v) return "not set";
  try {
    const u = new URL(v);
    if (u.protocol !== "https:") return "must be an https:// URL the providers can reach";
    if (isLoopbackHost(u.hostname)) return "must be public (providers post webhooks to it), not localhost";
    return null;
  } catch {
    return "not a URL";
  }
}

/**
 * Validates everything PROVIDERS=live needs and names every problem at once, so an operator
 * fixes the configuration in one pass. Nothing is sent until this passes.
 */
export function liveSettings(env: Env): LiveSettingsResult {
  const problems: string[] = [];
  const read = (name: keyof Env, kind: "secret" | "var", check: Check): string => {
    const raw = env[name];
    const value = typeof raw === "string" ? raw.trim() : "";
    const problem = check(value);
    if (problem) problems.push(`${String(name)} (${kind}): ${problem}`);
    return value;
  };
  const optional = (name: keyof Env): string | undefined => {
    const raw = env[name];
    return typeof raw === "string" && raw.trim() ? raw.trim() : undefined;
  };

  const publicUrl = read("PUBLIC_URL", "var", httpsUrl).replace(/\/+$/, "");
  const stripe = {
    secretKey: read("STRIPE_SECRET_KEY", "secret", notSandbox(prefixed("a Stripe secret or restricted key", "sk_", "rk_"))),
    webhookSecret: read("STRIPE_WEBHOOK_SECRET", "secret", notSandbox(prefixed("the endpoint's signing secret", "whsec_"))),
  };
  const accountSid = read("TWILIO_ACCOUNT_SID", "secret", (v) => (!v ? "not set" : /^AC[0-9a-f]{32}$/i.test(v) && !/^AC0{32}$/.test(v) ? null : "an Account SID (AC followed by 32 hex digits)"));
  const authToken = read("TWILIO_AUTH_TOKEN", "secret", notSandbox(nonEmpty));
  const messagingServiceSid = optional("TWILIO_MESSAGING_SERVICE_SID");
  const from = optional("TWILIO_FROM");
  if (messagingServiceSid && !/^MG[0-9a-f]{32}$/i.test(messagingServiceSid)) problems.push("TWILIO_MESSAGING_SERVICE_SID (var): a Messaging Service SID (MG followed by 32 hex digits)");
  if (!messagingServiceSid && !from) problems.push("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM (var): not set (the SMS sender)");
  if (from && !/^\+[1-9]\d{6,14}$/.test(from) && !/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(from)) {
    problems.push("TWILIO_FROM (var): an E.164 number or an alphanumeric sender ID (up to 11 letters, digits and spaces)");
  }
  const bland = {
    apiKey: read("BLAND_API_KEY", "secret", notSandbox(nonEmpty)),
    webhookSecret: read("BLAND_WEBHOOK_SECRET", "secret", notSandbox(nonEmpty)),
    from: optional("BLAND_FROM"),
    voice: optional("BLAND_VOICE"),
  };
  if (bland.from && !/^\+[1-9]\d{6,14}$/.test(bland.from)) problems.push("BLAND_FROM (var): an E.164 number (for Japan, +81...)");
  const emailFrom = read("EMAIL_FROM", "var", (v) => (!v ? "not set" : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : "an email address on a domain onboarded to Email Sending"));
  // Named environments do not inherit [[send_email]]: it has to be declared in each.
  const binding = env.EMAIL as SendEmail | undefined;
  if (!binding) problems.push("EMAIL (send_email binding in wrangler.toml): missing");
  const slack = { webhookUrl: read("SLACK_WEBHOOK_URL", "secret", notSandbox(prefixed("a Slack incoming webhook URL", "https://hooks.slack.com/"))) };

  if (problems.length || !binding) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      publicUrl,
      stripe,
      twilio: { accountSid, authToken, ...(messagingServiceSid ? { messagingServiceSid } : {}), ...(from ? { from } : {}) },
      bland: { apiKey: bland.apiKey, webhookSecret: bland.webhookSecret, ...(bland.from ? { from: bland.from } : {}), ...(bland.voice ? { voice: bland.voice } : {}) },
      email: { binding, from: emailFrom, fromName: optional("EMAIL_FROM_NAME") ?? "QRV", replyTo: config(env).supportEmail },
      slack,
    },
  };
}
