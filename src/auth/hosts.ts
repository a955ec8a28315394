// One Worker, many host names: 127.0.0.1 and localhost locally, a workers.dev URL and a custom
// domain when deployed. OAuth is bound to one address (PUBLIC_URL: tokens carry it as their
// audience, the metadata names it), but an API key is not bound to any host, so a request
// with one may arrive through any of them. This decides, before the OAuth provider sees a
// request, what a non-canonical host gets.
import { config } from "../config.ts";
import { API_KEY_PREFIX } from "../domain/api-key.ts";

function bearer(request: Request): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization") ?? "");
  return m ? m[1]! : null;
}

/**
 * The request as the OAuth provider should see it, or the answer for it:
 * - on PUBLIC_URL's own origin: unchanged;
 * - /mcp with an API key: addressed to PUBLIC_URL, so the key is accepted on any host name;
 * - OAuth discovery and /mcp without an API key: a clear pointer to the canonical address,
 *   since sign-in works only there (tokens are bound to PUBLIC_URL/mcp).
 * Everything else (pages, webhooks, assets) is served on any host.
 */
export function routeByHost(request: Request, env: Env): Request | Response {
  const url = new URL(request.url);
  const canonical = new URL(config(env).publicUrl);
  if (url.origin === canonical.origin) return request;
  const resource = `${canonical.origin}/mcp`;
  const isMcp = url.pathname === "/mcp" || url.pathname.startsWith("/mcp/");
  if (isMcp && bearer(request)?.startsWith(API_KEY_PREFIX)) {
    return new Request(`${canonical.origin}${url.pathname}${url.search}`, request);
  }
  const metadata = `${canonical.origin}/.well-known/oauth-protected-resource/mcp`;
  const pointer = {
    error: "wrong_host",
    error_description: `QRV's MCP endpoint is ${resource} (PUBLIC_URL); OAuth sign-in works only there. Connect to ${resource}, or send an API key, which works on any of this server's addresses.`,
    resource,
    resource_metadata: metadata,
  };
  const headers = { "Content-Type": "application/json", "Cache-Control": "no-store", Link: `<${resource}>; rel="canonical"` };
  if (url.pathname.startsWith("/.well-known/oauth-")) return new Response(JSON.stringify(pointer), { status: 421, headers });
  if (isMcp) {
    return new Response(JSON.stringify(pointer), {
      status: 401,
      headers: { ...headers, "WWW-Authenticate": `Bearer realm="OAuth", error="invalid_token", error_description="${pointer.error_description.replaceAll('"', "'")}", resource_metadata="${metadata}"` },
    });
  }
  return request;
}
