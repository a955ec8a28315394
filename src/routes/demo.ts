// A sandbox never faces the public by accident. /sandbox shows sign-in codes next to their
// numbers and every guest link, so a sandbox configuration answers only on a loopback host,
// unless PUBLIC_DEMO=true declares a public demo, which then says so on every page.
import type { MiddlewareHandler } from "hono";
import { config, SANDBOX_NOT_PUBLIC, sandboxExposure, sandboxServes } from "../config.ts";

/**
 * In front of everything (OAuth endpoints and /mcp included): a sandbox reached on a public
 * host serves nothing and sends nothing. /healthz says why (503); /sandbox is not found; /mcp
 * refuses the host (403, as against DNS rebinding); the rest is unavailable.
 */
export function refuseExposedSandbox(request: Request, env: Env): Response | null {
  if (sandboxExposure(env) !== "local_only" || sandboxServes(env, request.url)) return null;
  const path = new URL(request.url).pathname;
  const headers = { "Cache-Control": "no-store", "Content-Type": "application/json; charset=utf-8" };
  if (path === "/healthz") {
    return new Response(JSON.stringify({ ok: false, providers: "sandbox", demo: false, problem: SANDBOX_NOT_PUBLIC }), { status: 503, headers });
  }
  if (path === "/sandbox" || path.startsWith("/sandbox/")) return new Response(JSON.stringify({ error: "not found" }), { status: 404, headers });
  // /mcp on a local server reached through another host name is what a DNS-rebinding page
  // does: refused as MCP's own Host check refuses it (403, a JSON-RPC error).
  if (path === "/mcp" || path.startsWith("/mcp/")) {
    const message = `Invalid Host: ${new URL(request.url).host} (this local sandbox answers only on localhost)`;
    return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }), { status: 403, headers });
  }
  return new Response(JSON.stringify({ error: "unavailable: this server is configured as a local sandbox" }), { status: 503, headers });
}

export const DEMO_BANNER_JA = "デモ環境です。SMS・電話・決済はすべて模擬で、入力した内容は誰でも見られます。";
export const DEMO_BANNER_EN = "Public demo: texts, calls and payments are simulated, and anything entered here is visible to anyone.";

/** A public demo says so at the top of every HTML page, whichever module drew it. */
export const demoBanner: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  await next();
  if (!config(c.env).publicDemo || !(c.res.headers.get("Content-Type") ?? "").startsWith("text/html")) return;
  const html = await c.res.text();
  const banner = `<div class="demo-banner" role="status" lang="ja">${DEMO_BANNER_JA}<br><span lang="en">${DEMO_BANNER_EN}</span></div>`;
  const res = new Response(html.replace(/<body([^>]*)>/, (m) => `${m}${banner}`), c.res);
  res.headers.delete("Content-Length");
  c.res = undefined;
  c.res = res;
};
