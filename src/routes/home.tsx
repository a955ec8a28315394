// The front page and /healthz.
import { Hono } from "hono";
import { config, liveSettings } from "../config.ts";
import { Page } from "./layout.tsx";

export const home = new Hono<{ Bindings: Env }>();

home.get("/", (c) => {
  const cfg = config(c.env);
  return c.html(
    <Page title="QRV · Qualfia Reservation" lang="ja">
      <div class="card">
        <h1>QRV</h1>
        <p>AIアシスタントからの予約依頼を受けて、提携店に電話で予約を取り、決済までを代行します。</p>
        <p class="muted">A reservation concierge for AI assistants: QRV phones partner shops, takes payment and keeps everyone informed.</p>
        <p>
          MCP endpoint: <code>{cfg.publicUrl}/mcp</code>
        </p>
        {cfg.providers === "sandbox" ? (
          <p>
            <a class="button secondary" href="/sandbox">
              Sandbox
            </a>
          </p>
        ) : null}
      </div>
    </Page>,
  );
});

home.get("/healthz", async (c) => {
  const started = Date.now();
  // Live providers with settings missing send nothing; say so here, naming what is missing.
  const providers = config(c.env).providers;
  const live = providers === "live" ? liveSettings(c.env) : null;
  if (live && !live.ok) return c.json({ ok: false, providers, missing: live.problems }, 503);
  try {
    await c.env.DB.prepare("SELECT 1").first();
    return c.json({ ok: true, d1: "ok", providers, ms: Date.now() - started });
  } catch (err) {
    console.error(JSON.stringify({ msg: "health check failed", error: String(err) }));
    return c.json({ ok: false, d1: "error" }, 503);
  }
});
