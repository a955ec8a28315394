// The front page and /healthz.
import { Hono } from "hono";
import { config, liveSettings, sandboxServes } from "../config.ts";
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
        <p>
          <a href="/guides">ガイド / Guides</a> · <a href="/faq">よくある質問 / FAQ</a>
        </p>
        {sandboxServes(c.env, c.req.url) ? (
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

/** Each check gets this long; /healthz answers within it even when a binding hangs. */
const HEALTH_TIMEOUT_MS = 2_000;
/** The queue check sends a message; an uptime monitor polling often reuses a recent result. */
const QUEUE_CHECK_TTL_MS = 30_000;
let lastQueueCheck: { at: number; ok: boolean } | null = null;

async function check(name: string, run: () => Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([run(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), HEALTH_TIMEOUT_MS)))]);
    return true;
  } catch (err) {
    console.error(JSON.stringify({ msg: "health check failed", check: name, error: String(err) }));
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** For an external uptime monitor: D1 answers a query and the jobs queue accepts a message. */
home.get("/healthz", async (c) => {
  const started = Date.now();
  // Live providers with settings missing send nothing; say so here, naming what is missing.
  const cfg = config(c.env);
  const providers = cfg.providers;
  const live = providers === "live" ? liveSettings(c.env) : null;
  const queueFresh = lastQueueCheck && started - lastQueueCheck.at < QUEUE_CHECK_TTL_MS ? lastQueueCheck : null;
  const [d1, queue] = await Promise.all([
    check("d1", () => c.env.DB.prepare("SELECT 1").first()),
    queueFresh ? Promise.resolve(queueFresh.ok) : check("queue", () => c.env.JOBS.send({ type: "ping", at: started })),
  ]);
  if (!queueFresh) lastQueueCheck = { at: started, ok: queue };
  const ok = d1 && queue && (!live || live.ok);
  c.header("Cache-Control", "no-store");
  return c.json(
    { ok, d1: d1 ? "ok" : "error", queue: queue ? "ok" : "error", providers, demo: cfg.publicDemo, ...(live && !live.ok ? { missing: live.problems } : {}), ms: Date.now() - started },
    ok ? 200 : 503,
  );
});
