// Checks on the caller of /mcp before the MCP server sees the request. The OAuth provider has
// already checked the bearer token (a revoked key or an expired token never gets here); this
// refuses what the token alone cannot tell: a token for a person whose account is gone, and
// arguments no tool should see (arguments.ts). There is no session to bind: every request is
// served for the credential it carries (server.ts).
import { eq } from "drizzle-orm";
import type { McpAuth } from "../auth/index.ts";
import { createDb } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { refuseBadArguments } from "./arguments.ts";

function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** A response refusing the request, or null to serve it. `body`: the request's JSON body when the caller has parsed it already. */
export async function refuseCaller(request: Request, env: Env, ctx: ExecutionContext, body?: unknown): Promise<Response | null> {
  const auth = (ctx as ExecutionContext & { props?: McpAuth }).props;
  if (!auth?.kind) return jsonRpcError(401, -32001, "Unauthorized", { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  // A token issued to a user id that no longer exists (ids made from phone numbers, replaced
  // by random ones) signs in again.
  if (auth.kind === "user" && !(await createDb(env.DB).query.users.findFirst({ where: eq(users.id, auth.userId), columns: { id: true } }))) {
    return jsonRpcError(401, -32001, "Unauthorized: sign in again", { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="sign in again"' });
  }
  return refuseBadArguments(request, body);
}
