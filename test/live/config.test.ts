// PROVIDERS=live refuses to send until every secret and setting it needs is there, and names
// each one that is missing or wrong in a single message.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config, liveSettings } from "../../src/config.ts";
import worker from "../../src/index.ts";
import { ConfigError, providersFor } from "../../src/providers/index.ts";
import { db } from "../helpers.ts";

describe("live configuration", () => {
  it("accepts a complete configuration", () => {
    const s = liveSettings(env);
    expect(s.ok).toBe(true);
    expect(providersFor(env, db, config(env)).mode).toBe("live");
  });

  it("names every missing or malformed secret and setting at once", () => {
    const broken = {
      ...env,
      PUBLIC_URL: "http://localhost:8787",
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "whsec_sandbox_signing_secret",
      TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
      TWILIO_MESSAGING_SERVICE_SID: "",
      TWILIO_FROM: "",
      BLAND_API_KEY: " ",
      BLAND_FROM: "0312345678",
      EMAIL_FROM: "",
      SLACK_WEBHOOK_URL: "https://example.com/hook",
    } as Env;
    const s = liveSettings(broken);
    expect(s.ok).toBe(false);
    if (s.ok) return;
    expect(s.problems).toEqual([
      "PUBLIC_URL (var): must be an https:// URL the providers can reach",
      "STRIPE_SECRET_KEY (secret): not set",
      "STRIPE_WEBHOOK_SECRET (secret): still the sandbox placeholder from .dev.vars.example",
      "TWILIO_ACCOUNT_SID (secret): an Account SID (AC followed by 32 hex digits)",
      "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM (var): not set (the SMS sender)",
      "BLAND_API_KEY (secret): not set",
      "BLAND_FROM (var): an E.164 number (for Japan, +81...)",
      "EMAIL_FROM (var): not set",
      "SLACK_WEBHOOK_URL (secret): a Slack incoming webhook URL (starts with https://hooks.slack.com/)",
    ]);
    expect(() => providersFor(broken, db, config(broken))).toThrow(ConfigError);
    expect(() => providersFor(broken, db, config(broken))).toThrow(/PROVIDERS=live .*STRIPE_SECRET_KEY \(secret\): not set.*EMAIL_FROM/);
  });

  it("/healthz reports the missing settings instead of ok", async () => {
    const res = await worker.fetch(new Request("https://qrv.test/healthz"), { ...env, SLACK_WEBHOOK_URL: "", TWILIO_AUTH_TOKEN: "" } as Env, createExecutionContext());
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, d1: "ok", queue: "ok", providers: "live", missing: ["TWILIO_AUTH_TOKEN (secret): not set", "SLACK_WEBHOOK_URL (secret): not set"] });
    const healthy = await worker.fetch(new Request("https://qrv.test/healthz"), env, createExecutionContext());
    expect(await healthy.json()).toMatchObject({ ok: true, providers: "live" });
  });
});
