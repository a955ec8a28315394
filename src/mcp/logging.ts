// Log messages to the client at the level it asked for. On 2026-07-28 the level rides each
// request and the SDK filters by it. A 2025-era client sets it once with logging/setLevel, but
// it is served statelessly, so the level is kept per credential (a day, in KV) and read back
// when a later request has something to log.
import type { LoggingLevel, McpServer, ServerContext } from "@modelcontextprotocol/server";
import type { McpAuth } from "../auth/index.ts";

const SEVERITY: Record<LoggingLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7 };
const KEEP_SECONDS = 24 * 3600;

function keyOf(auth: McpAuth): string {
  return `mcp-log-level:${auth.kind === "api_key" ? `api_key:${auth.apiKeyId}` : `user:${auth.userId}`}`;
}

export type ClientLog = (ctx: ServerContext, level: LoggingLevel, data: unknown, logger: string) => Promise<void>;

/**
 * For a 2025-era request: remembers the level logging/setLevel sets, and returns a log function
 * that drops messages below the remembered level. For 2026-07-28 the SDK's own filter is used.
 */
export function clientLog(server: McpServer, env: Env, auth: McpAuth | undefined, era: "legacy" | "modern"): ClientLog {
  if (era === "modern" || !auth) return (ctx, level, data, logger) => ctx.mcpReq.log(level, data, logger);
  server.server.setRequestHandler("logging/setLevel", async (request) => {
    const level = request.params.level;
    if (level in SEVERITY) await env.OAUTH_KV.put(keyOf(auth), level, { expirationTtl: KEEP_SECONDS });
    return {};
  });
  let threshold: Promise<LoggingLevel | null> | undefined;
  return async (ctx, level, data, logger) => {
    threshold ??= env.OAUTH_KV.get(keyOf(auth)).then((v) => (v && v in SEVERITY ? (v as LoggingLevel) : null));
    const min = await threshold;
    if (min && SEVERITY[level] < SEVERITY[min]) return;
    await ctx.mcpReq.log(level, data, logger);
  };
}
