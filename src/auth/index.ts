// The one place that decides who is calling /mcp. Today: an API key as a Bearer token.
// OAuth sign-in for people will add a second way in here.
import { createDb } from "../db/client.ts";
import { findApiKey } from "./api-keys.ts";

/** Travels with an MCP session into the agent as its props. */
export type McpAuth = { kind: "api_key"; apiKeyId: string; apiKeyName: string };

export type AuthResult = { ok: true; auth: McpAuth } | { ok: false; response: Response };

function unauthorized(publicUrl: string, error: "invalid_request" | "invalid_token", description: string): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status: 401,
    headers: {
      "Content-Type": "application/json",
      "WWW-Authenticate": `Bearer realm="${publicUrl}/mcp", error="${error}", error_description="${description}"`,
    },
  });
}

export async function authenticateMcp(request: Request, env: Env, publicUrl: string): Promise<AuthResult> {
  const header = request.headers.get("Authorization") ?? "";
  const match = header.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) return { ok: false, response: unauthorized(publicUrl, "invalid_request", "Send Authorization: Bearer <api key>. Create a key with npm run apikey:create.") };
  const key = await findApiKey(createDb(env.DB), match[1]!);
  if (!key) return { ok: false, response: unauthorized(publicUrl, "invalid_token", "The API key is unknown or revoked.") };
  return { ok: true, auth: { kind: "api_key", apiKeyId: key.id, apiKeyName: key.name } };
}
