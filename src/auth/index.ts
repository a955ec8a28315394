// Who is calling /mcp, decided in one place. Two ways in:
// - people sign in with OAuth 2.1 (the authorization server below; identity = a phone number
//   proven by an SMS code), and their token's props say who they are;
// - server-to-server integrators send an API key as the bearer token, checked here through
//   the provider's external-token hook so the MCP handler sees the same kind of props.
import { OAuthProvider, type OAuthProviderOptions, type TokenExchangeCallbackResult } from "@cloudflare/workers-oauth-provider";
import { eq } from "drizzle-orm";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { findApiKey } from "./api-keys.ts";

/** What a tool knows about its caller (the token's props). */
export type McpAuth =
  | { kind: "api_key"; apiKeyId: string; apiKeyName: string }
  /** A person: signed in with OAuth, or through a personal API key made for them (`apiKeyId`), which acts exactly as their sign-in. */
  | { kind: "user"; userId: string; phone: string; name?: string; email?: string; apiKeyId?: string };

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
    tokenEndpoint: "/oauth/token",
    clientRegistrationEndpoint: "/oauth/register",
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

/** The provider for this deployment's public URL (built once per isolate). */
let cached: { key: string; provider: OAuthProvider<Env> } | undefined;
export function oauthProvider(env: Env, handlers: Handlers): OAuthProvider<Env> {
  const key = config(env).publicUrl;
  if (cached?.key !== key) cached = { key, provider: new OAuthProvider(oauthOptions(env, handlers)) };
  return cached.provider;
}
