// MCP sessions belong to the credential that opened them. McpAgent fixes a session's props
// (who is calling) when its object starts, so without this check any valid bearer token sent
// with someone else's Mcp-Session-Id acted as that someone. Every request is checked here,
// in front of QrvMcp.serve: the session must have been opened by the same API key or the same
// signed-in person. A revoked key never gets this far (the token check refuses it first).
// Arguments no tool should see are refused here too (arguments.ts).
import { eq, lt } from "drizzle-orm";
import { credentialOf, type McpAuth } from "../auth/index.ts";
import { createDb } from "../db/client.ts";
import { mcpSessions, users } from "../db/schema.ts";
import { refuseBadArguments } from "./arguments.ts";

/** A session older than this is forgotten: its client gets "Session not found" and starts a new one. */
const SESSION_KEEP_MS = 30 * 24 * 60 * 60_000;

interface FetchHandler {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
}

function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), { status, headers: { "Content-Type": "application/json", ...headers } });
}

export async function serveOwnSessions(handler: FetchHandler, request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const auth = (ctx as ExecutionContext & { props?: McpAuth }).props;
  if (!auth?.kind) return jsonRpcError(401, -32001, "Unauthorized", { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  const db = createDb(env.DB);
  // A token issued to a user id that no longer exists (ids made from phone numbers, replaced
  // by random ones) signs in again.
  if (auth.kind === "user" && !(await db.query.users.findFirst({ where: eq(users.id, auth.userId), columns: { id: true } }))) {
    return jsonRpcError(401, -32001, "Unauthorized: sign in again", { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="sign in again"' });
  }
  const owner = credentialOf(auth);
  const sessionId = request.headers.get("mcp-session-id");
  if (sessionId) {
    const session = await db.query.mcpSessions.findFirst({ where: eq(mcpSessions.id, sessionId) });
    // Another caller's session looks exactly like one that does not exist.
    if (session?.owner !== owner) return jsonRpcError(404, -32001, "Session not found");
  }
  const bad = await refuseBadArguments(request);
  if (bad) return bad;
  const response = await handler.fetch(request, env, ctx);
  const opened = response.headers.get("mcp-session-id");
  if (!sessionId && opened) {
    const now = Date.now();
    await db.insert(mcpSessions).values({ id: opened, owner, createdAt: now }).onConflictDoNothing();
    // Now and then, forget sessions old enough that no client still holds them.
    if (Math.random() < 0.01) await db.delete(mcpSessions).where(lt(mcpSessions.createdAt, now - SESSION_KEEP_MS));
  }
  return response;
}
