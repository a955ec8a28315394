// Chooses the provider adapters: sandbox (default; no network) or live.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { sandboxAlerts, sandboxEmail, sandboxSms } from "./sandbox/messaging.ts";
import { sandboxPayments } from "./sandbox/payments.ts";
import { sandboxVoice } from "./sandbox/voice.ts";
import type { Providers } from "./types.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function providersFor(env: Env, db: Db, cfg: Config): Providers {
  if (cfg.providers === "live") {
    throw new ConfigError("PROVIDERS=live is not available in this version: set PROVIDERS=sandbox");
  }
  return {
    mode: "sandbox",
    sms: sandboxSms(env, db),
    email: sandboxEmail(db),
    voice: sandboxVoice(env, db, cfg),
    payments: sandboxPayments(env, db, cfg),
    alerts: sandboxAlerts(db),
  };
}
