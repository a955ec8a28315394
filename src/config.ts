// Configuration read from Wrangler vars and secrets, in one place.

export type ProviderMode = "sandbox" | "live";

export interface Config {
  providers: ProviderMode;
  /** Base URL for links in messages and provider callbacks, without a trailing slash. */
  publicUrl: string;
  roundDelayMs: number;
  sandboxCallDelaySeconds: number;
  supportPhone: string;
  supportEmail: string;
}

function seconds(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function config(env: Env): Config {
  return {
    providers: env.PROVIDERS === "live" ? "live" : "sandbox",
    publicUrl: (env.PUBLIC_URL || "http://localhost:8787").replace(/\/+$/, ""),
    roundDelayMs: seconds(env.CALL_ROUND_DELAY_SECONDS, 60) * 1000,
    sandboxCallDelaySeconds: seconds(env.SANDBOX_CALL_DELAY_SECONDS, 2),
    supportPhone: env.SUPPORT_PHONE || "03-0000-0000",
    supportEmail: env.SUPPORT_EMAIL || "support@qrv.example",
  };
}
