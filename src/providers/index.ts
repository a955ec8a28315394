// Chooses the provider adapters: sandbox (default; no network) or live. Live adapters are
// only built once every setting they need is present (liveSettings names what is missing).
import { liveSettings, SANDBOX_NOT_PUBLIC, sandboxServes, type Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { slackAlerts } from "./alerts/slack.ts";
import { cloudflareEmail } from "./email/cloudflare.ts";
import { stripePayments } from "./payments/stripe.ts";
import { sandboxAlerts, sandboxEmail, sandboxSms } from "./sandbox/messaging.ts";
import { sandboxPayments } from "./sandbox/payments.ts";
import { sandboxVoice } from "./sandbox/voice.ts";
import { twilioSms } from "./sms/twilio.ts";
import type { Providers } from "./types.ts";
import { blandVoice } from "./voice/bland.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[], mode: "live" | "sandbox" = "live") {
    super(
      mode === "live"
        ? `PROVIDERS=live では次の設定が必要です。設定されるまで何も送信しません / PROVIDERS=live sends nothing until these are set: ${problems.join("; ")}. ` +
            "See .dev.vars.example and docs/providers.md."
        : `公開アドレスのサンドボックスは何も送信しません / A sandbox on a public address sends nothing: ${problems.join("; ")}`,
    );
    this.problems = problems;
  }
}

export function providersFor(env: Env, db: Db, cfg: Config): Providers {
  if (cfg.providers === "live") {
    const live = liveSettings(env);
    if (!live.ok) throw new ConfigError(live.problems);
    const s = live.settings;
    return {
      mode: "live",
      sms: twilioSms(s.twilio),
      email: cloudflareEmail(s.email),
      voice: blandVoice(s.bland),
      payments: stripePayments(s.stripe),
      alerts: slackAlerts(s.slack),
    };
  }
  // The sandbox records what it "sends" where /sandbox shows it (sign-in codes, guest links):
  // with links pointing at a public address, that must be a declared demo.
  if (!sandboxServes(env, cfg.publicUrl)) throw new ConfigError([SANDBOX_NOT_PUBLIC], "sandbox");
  return {
    mode: "sandbox",
    sms: sandboxSms(env, db),
    email: sandboxEmail(db),
    voice: sandboxVoice(env, db, cfg),
    payments: sandboxPayments(env, db, cfg),
    alerts: sandboxAlerts(db),
  };
}
