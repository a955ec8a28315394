// Who is calling /mcp, decided in one place. Two ways in:
// - people sign in with OAuth 2.1 (the authorization server below; identity = a phone number
//   proven by an SMS code), and their token's props say who they are;
// - server-to-server integrators send an API key as the bearer token, checked here through
//   the provider's external-token hook so the MCP handler sees the same kind of props.
import { getOAuthApi, OAuthProvider, type OAuthProviderOptions, type TokenExchangeCallbackResult } from "@cloudflare/workers-oauth-provider";
import { eq } from "drizzle-orm";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { sha256Hex } from "../domain/ids.ts";
import { nameProblem } from "../domain/text.ts";
import { findApiKey } from "./api-keys.ts";

/** What a tool knows about its caller (the token's props). */
export type McpAuth =
  | { kind: "api_key"; apiKeyId: string; apiKeyName: string }
  /** A person: signed in with OAuth, or through a personal API key made for them (`apiKeyId`), which acts exactly as their sign-in. */
  | { kind: "user"; userId: string; phone: string; name?: string; email?: string; apiKeyId?: string };

/** The credential behind a request, as the audit log and MCP sessions name it. */
export function credentialOf(auth: McpAuth): string {
  return auth.kind === "api_key" ? `api_key:${auth.apiKeyId}` : `user:${auth.userId}`;
}

export const SCOPE_RESERVATIONS = "reservations";

export function mcpResource(env: Env): string {
  return `${config(env).publicUrl}/mcp`;
}

type Handlers = Pick<OAuthProviderOptions<Env>, "apiHandler" | "defaultHandler">;

export function oauthOptions(env: Env, handlers: Handlers): OAuthProviderOptions<Env> {
  const resource = mcpResource(env);
  return {
    ...handlers,
    apiRoute: "/mcp",
    authorizeEndpoint: "/authorize",
    tokenEndpoint: TOKEN_ENDPOINT,
    clientRegistrationEndpoint: REGISTRATION_ENDPOINT,
    clientIdMetadataDocumentEnabled: true,
    scopesSupported: [SCOPE_RESERVATIONS, "offline_access"],
    requiredScopes: [SCOPE_RESERVATIONS],
    resourceMetadata: { resource, resource_name: "QRV reservations", bearer_methods_supported: ["header"] },
    accessTokenTTL: 3600,
    refreshTokenTTL: 30 * 24 * 3600,
    async resolveExternalToken({ token, env: e }) {
      const db = createDb(e.DB);
      const key = await findApiKey(db, token);
      if (!key) return null;
      if (key.userId) {
        // A personal key: the caller is that person, as if they had signed in.
        const user = await db.query.users.findFirst({ where: eq(users.id, key.userId) });
        if (!user) return null;
        const person: McpAuth = { kind: "user", userId: user.id, phone: user.phone, ...(user.name ? { name: user.name } : {}), ...(user.email ? { email: user.email } : {}), apiKeyId: key.id };
        return { props: person, audience: mcpResource(e) };
      }
      const props: McpAuth = { kind: "api_key", apiKeyId: key.id, apiKeyName: key.name };
      return { props, audience: mcpResource(e) };
    },
    // On refresh, the token picks up the name and email the person has given since.
    async tokenExchangeCallback({ grantType, props, env: e }): Promise<TokenExchangeCallbackResult | void> {
      const auth = props as McpAuth;
      if (grantType !== "refresh_token" || auth.kind !== "user") return;
      const user = await createDb(e.DB).query.users.findFirst({ where: eq(users.id, auth.userId) });
      if (!user) return;
      return { newProps: { ...auth, ...(user.name ? { name: user.name } : {}), ...(user.email ? { email: user.email } : {}) } satisfies McpAuth };
    },
  };
}

const REGISTRATION_ENDPOINT = "/oauth/register";
const TOKEN_ENDPOINT = "/oauth/token";

/**
 * A refresh token works once. The provider keeps the previous refresh token of a grant valid
 * until the new one is used (so a client that lost a response can retry); QRV does not: a
 * rotated refresh token presented again means it leaked or is being replayed, so the whole
 * grant is revoked (its access tokens with it) and the person signs in again.
 */
export async function refuseRotatedRefreshToken(request: Request, env: Env, handlers: Handlers): Promise<Response | null> {
  if (request.method !== "POST" || new URL(request.url).pathname !== TOKEN_ENDPOINT) return null;
  let form: FormData;
  try {
    form = await request.clone().formData();
  } catch {
    return null; // the provider answers a malformed request itself
  }
  const token = form.get("refresh_token");
  if (form.get("grant_type") !== "refresh_token" || typeof token !== "string") return null;
  const [userId, grantId, secret] = token.split(":");
  if (!userId || !grantId || !secret) return null;
  // The provider's grant record (Grant.previousRefreshTokenId holds the SHA-256 of the rotated token).
  const grant = await env.OAUTH_KV.get<{ previousRefreshTokenId?: string }>(`grant:${userId}:${grantId}`, "json");
  if (!grant?.previousRefreshTokenId || grant.previousRefreshTokenId !== (await sha256Hex(token))) return null;
  await getOAuthApi(oauthOptions(env, handlers), env).revokeGrant(grantId, userId);
  console.warn(JSON.stringify({ msg: "rotated refresh token used again: grant revoked", grant: grantId }));
  return Response.json(
    { error: "invalid_grant", error_description: "This refresh token was already exchanged; the grant is revoked. Sign in again." },
    { status: 400, headers: { "Cache-Control": "no-store" } },
  );
}

/**
 * A client registering a name that hides what it shows (a right-to-left override, zero-width
 * characters) is refused before the provider stores it: the consent page is where a spoofed
 * app name would mislead a person. (Names from Client ID Metadata Documents, which QRV does
 * not register, are shown with such characters made visible.)
 */
export async function refuseMisleadingRegistration(request: Request): Promise<Response | null> {
  if (request.method !== "POST" || new URL(request.url).pathname !== REGISTRATION_ENDPOINT) return null;
  let metadata: unknown;
  try {
    metadata = await request.clone().json();
  } catch {
    return null; // the provider answers malformed bodies itself
  }
  const name = (metadata as { client_name?: unknown } | null)?.client_name;
  const problem = typeof name === "string" ? nameProblem(name) : null;
  if (!problem) return null;
  return Response.json({ error: "invalid_client_metadata", error_description: `client_name: ${problem}` }, { status: 400, headers: { "Cache-Control": "no-store" } });
}

/** The provider for this deployment's public URL (built once per isolate). */
let cached: { key: string; provider: OAuthProvider<Env> } | undefined;
export function oauthProvider(env: Env, handlers: Handlers): OAuthProvider<Env> {
  const key = config(env).publicUrl;
  if (cached?.key !== key) cached = { key, provider: new OAuthProvider(oauthOptions(env, handlers)) };
  return cached.provider;
}
