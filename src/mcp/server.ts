// The QRV MCP server at /mcp: a fresh SDK v2 server per HTTP request, served by
// createMcpHandler (MCP 2026-07-28, and 2025-era clients through the stateless fallback).
// Nothing lives between requests: every request acts for the credential it carries (the OAuth
// provider in front has checked it and set the caller's props), and whatever must survive
// between calls is a reservation id passed back as a tool argument or resource URI.
import { localhostAllowedOrigins, McpServer, preloadSchemas, type AuthInfo, type McpRequestContext } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import type { McpAuth } from "../auth/index.ts";
import { config } from "../config.ts";
import { FLOW_IN_TWO_SENTENCES } from "../guides/flow.ts";
import { registerLodgingTools } from "./tools/lodging.ts";
import { registerBookingCard } from "./apps/booking-card.ts";
import { refuseCaller } from "./callers.ts";
import { QRV_ICONS } from "./icons.ts";
import { listenRequestOf, onStreamEnd, ownedIds, watchReservations } from "./live.ts";
import { clientLog } from "./logging.ts";
import { askedOf, exchangeAnswersOf, offerExchange, serveAnswers } from "./exchange.ts";
import { conformanceFixturesServe, registerConformanceFixtures } from "./conformance-fixtures.ts";
import { registerLodgingPrompts, registerReservationPrompts, registerSessionPrompts } from "./prompts.ts";
import { registerReservationResources, reservationUri } from "./resources.ts";
import { memoiseJsonSchema } from "./schema-cache.ts";
import { registerLegacySubscriptions, serveLegacySession, sessionIdGiver } from "./subscriptions.ts";
import { registerReservationTools, type ToolDeps } from "./tools/reservations.ts";
import { registerSessionTools } from "./tools/sessions.ts";

// Build the SDK's protocol schemas while the isolate starts, not in its first request (the SDK's
// advice for runtimes that bill CPU per request).
preloadSchemas();

export const MCP_INSTRUCTIONS = `QRV books appointments at partner shops in Japan (hair salons, restaurants and more) by phoning them for the user.
1. Call list_services to get exact service and area names.
2. Call request_reservation; QRV then phones shops one after another. A person signed in with their phone number books for that number (name and phone can be left out once known); with an API key, give the requester's name and mobile number.
3. When a shop accepts, the user receives an SMS with a payment link that must be paid within 10 minutes; paying confirms the booking.
4. Follow progress by subscribing to the resource qrv://reservations/{id} (or with get_reservation), use list_my_reservations to find earlier ones, and cancel_reservation to cancel (free before payment, full refund until 48 hours before the start).
1-on-1 online sessions with a coach (coaching, consulting, lessons): list_coaches, find_session_slots, request_session (the inquiry), then the client agrees to the terms and pays on their own page; book_session_slot, get_session, reschedule_session, cancel_session.
Times are Japan time (+09:00). Ask the user before booking or cancelling.
Lodging (members with prepaid points): search_rooms, then book_rooms (paid from points; if short, the order waits 30 minutes for top_up_points), get_points, get_lodging_order, list_my_orders, cancel_lodging_order (quote first, then confirm: true files a request the front desk approves). These act for the signed-in member.
The first time you help a person with QRV, tell them how it works in these two sentences (in Japanese to a Japanese speaker): ${FLOW_IN_TWO_SENTENCES.en} / ${FLOW_IN_TWO_SENTENCES.ja}`;

export const SERVER_INFO = { name: "qrv", title: "QRV reservation concierge", version: "0.1.0", icons: QRV_ICONS };

type ToolGroup = (server: McpServer, deps: ToolDeps) => void;
const TOOL_GROUPS: readonly ToolGroup[] = [registerReservationTools, registerSessionTools, registerLodgingTools];
/** Which group registers each tool, learned from the first full server this isolate builds. */
let groupOfTool: ReadonlyMap<string, ToolGroup> | undefined;

/**
 * One server for one request, acting for `auth`. Resource subscriptions are offered to both
 * eras: on 2026-07-28 an open `subscriptions/listen` stream carries them (live.ts); a 2025-era
 * client subscribes with resources/subscribe under the session id it was given at initialize,
 * and its GET stream carries the notifications (subscriptions.ts).
 *
 * `tool`: the request is a single tools/call of this tool. Such a request can reach no other
 * tool, resource, prompt or subscription, so only that tool is built (its group's schemas and
 * nothing else); a name this isolate does not know yet, or a name of no tool (a conformance
 * fixture, a typo), gets the full server, whose answer is the same as always.
 */
export function createQrvServer(env: Env, auth: McpAuth | undefined, era: McpRequestContext["era"] = "modern", request?: Request, tool?: string): McpServer {
  const server = new McpServer(SERVER_INFO, {
    instructions: MCP_INSTRUCTIONS,
    capabilities: { logging: {}, resources: { subscribe: true } },
  });
  const deps: ToolDeps = { env, auth: () => auth, era, log: clientLog(server, env, auth, era) };
  const group = tool === undefined ? undefined : groupOfTool?.get(tool);
  const registered = withToolRegistration(server, group ? tool : undefined);
  if (group) {
    group(server, deps);
    return server;
  }
  const fixtures = conformanceFixturesServe(env, request?.url);
  if (era === "legacy") registerLegacySubscriptions(server, deps, request, fixtures);
  const learned = new Map<string, ToolGroup>();
  for (const g of TOOL_GROUPS) {
    g(server, deps);
    for (const name of registered.splice(0)) learned.set(name, g);
  }
  groupOfTool ??= learned;
  registerReservationResources(server, deps);
  registerReservationPrompts(server, deps);
  registerLodgingPrompts(server, deps);
  registerSessionPrompts(server, deps);
  registerBookingCard(server);
  if (fixtures) registerConformanceFixtures(server);
  return server;
}

/**
 * Wraps `server.registerTool`: every tool's schemas are converted to JSON Schema once per
 * isolate (schema-cache.ts), and with `only`, every other tool is left out. Returns the names
 * registered, in order.
 */
function withToolRegistration(server: McpServer, only: string | undefined): string[] {
  const names: string[] = [];
  const register = server.registerTool.bind(server) as (name: string, config: unknown, cb: unknown) => unknown;
  server.registerTool = ((name: string, config: { inputSchema?: unknown; outputSchema?: unknown }, cb: unknown) => {
    if (only !== undefined && name !== only) return undefined;
    memoiseJsonSchema(config.inputSchema);
    memoiseJsonSchema(config.outputSchema);
    names.push(name);
    return register(name, config, cb);
  }) as McpServer["registerTool"];
  return names;
}

/**
 * What serveMcp learned of a request before the SDK serves it, for the server factory: the caller
 * (the provider's props, for OAuth tokens and API keys alike) and, when the body is a single
 * tools/call, the tool it calls.
 */
const requestFacts = new WeakMap<Request, { auth?: McpAuth; tool?: string }>();

/**
 * A POST's JSON body, parsed once from a clone; null when there is none or it is not JSON. The
 * SDK is handed the parsed body; for a null one it reads the untouched request itself and
 * answers as usual (a parse error, an empty body).
 */
async function jsonBodyOf(request: Request): Promise<unknown> {
  if (request.method !== "POST") return null;
  try {
    return await request.clone().json();
  } catch {
    return null;
  }
}

type Handler = ReturnType<typeof createMcpHandler>;

let origins: { publicUrl: string; hostnames: string[] } | undefined;

/** Browsers' origins /mcp answers: local tools and this deployment (kept per public URL). */
function allowedOriginHostnames(env: Env): string[] {
  const publicUrl = config(env).publicUrl;
  if (origins?.publicUrl !== publicUrl) origins = { publicUrl, hostnames: [...localhostAllowedOrigins(), new URL(publicUrl).hostname] };
  return origins.hostnames;
}
let cached: { key: string; handler: Handler } | undefined;

/** The token the OAuth provider checked for this request (`ctx.auth`, Workers OAuth Provider 1.x). */
function tokenOf(ctx: ExecutionContext): { token?: unknown; audience?: unknown; expiresAt?: unknown; scope?: unknown; clientId?: unknown } | undefined {
  return (ctx as ExecutionContext & { auth?: ReturnType<typeof tokenOf> }).auth;
}

/**
 * What the SDK passes its tools as `ctx.http.authInfo`: the OAuth token the provider checked, as
 * the Agents SDK maps it (`extra.props` included); none for an API key, which has no OAuth client.
 */
function authInfoOf(ctx: ExecutionContext): AuthInfo | undefined {
  const auth = tokenOf(ctx);
  if (!auth || typeof auth.token !== "string" || typeof auth.clientId !== "string" || !auth.clientId || !Array.isArray(auth.scope)) return undefined;
  let resource: URL | undefined;
  try {
    resource = typeof auth.audience === "string" ? new URL(auth.audience) : undefined;
  } catch {
    resource = undefined;
  }
  return {
    token: auth.token,
    clientId: auth.clientId,
    scopes: auth.scope.filter((s): s is string => typeof s === "string"),
    ...(typeof auth.expiresAt === "number" ? { expiresAt: auth.expiresAt } : {}),
    ...(resource ? { resource } : {}),
    extra: { props: ctx.props },
  };
}

/**
 * The /mcp handler for this deployment (one per isolate). serveMcp hands it the body it has
 * already parsed (so the SDK neither clones nor reads the request again); the factory reads the
 * caller and the tool called from `requestFacts`.
 */
function mcpHandler(env: Env): Handler {
  const publicUrl = config(env).publicUrl;
  // The factory reads env; an isolate has one, but tests serve several configurations.
  const key = JSON.stringify([publicUrl, env.PROVIDERS, env.PUBLIC_DEMO, env.MCP_CONFORMANCE, env.MCP_ASK_TIMEOUT_SECONDS]);
  if (cached?.key === key) return cached.handler;
  const handler = createMcpHandler((ctx) => {
    const { auth, tool } = (ctx.requestInfo && requestFacts.get(ctx.requestInfo)) ?? {};
    const server = createQrvServer(env, auth, ctx.era, ctx.requestInfo, tool);
    // A 2025-era client that declared elicitation or sampling can be asked mid-call (exchange.ts).
    if (ctx.era === "legacy") offerExchange(server, env, auth, ctx.authInfo?.clientId, ctx.requestInfo);
    return server;
  }, {
    route: "/mcp",
    // Browsers may reach /mcp only from this deployment's own origin or a local tool (the
    // Inspector); server-side clients send no Origin and are unaffected.
    allowedOriginHostnames: allowedOriginHostnames(env),
  });
  cached = { key, handler };
  return handler;
}

/** Serves one /mcp request; the provider has checked its credential and put the caller in ctx.props. */
export async function serveMcp(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const body = await jsonBodyOf(request);
  const refused = await refuseCaller(request, env, ctx, body);
  if (refused) return refused;
  // A 2025-era client's answer to a question asked mid-call (exchange.ts).
  const answers = exchangeAnswersOf(body);
  if (answers) {
    const clientId = tokenOf(ctx)?.clientId;
    const owner = askedOf(ctx.props as McpAuth, typeof clientId === "string" ? clientId : undefined);
    return serveAnswers(request, env, owner, answers, allowedOriginHostnames(env), Array.isArray(body));
  }
  const session = await serveLegacySession(request, env, ctx.props as McpAuth | undefined, allowedOriginHostnames(env));
  if (session) return session;
  const handler = mcpHandler(env);
  const call = body as { method?: unknown; params?: { name?: unknown } } | null;
  const tool = call && call.method === "tools/call" && typeof call.params?.name === "string" ? call.params.name : undefined;
  requestFacts.set(request, { ...(ctx.props ? { auth: ctx.props as McpAuth } : {}), ...(tool ? { tool } : {}) });
  const authInfo = authInfoOf(ctx);
  const options = { ...(body !== null ? { parsedBody: body } : {}), ...(authInfo ? { authInfo } : {}) };
  const listen = listenRequestOf(request, body);
  if (!listen || !listen.uris.length) {
    const withSession = await sessionIdGiver(request, body);
    return withSession(await handler.fetch(request, options));
  }
  // A subscription may name only the caller's own reservations.
  const owned = await ownedIds(env, ctx.props as McpAuth | undefined, listen.uris);
  if ("refused" in owned) {
    return Response.json({ jsonrpc: "2.0", id: listen.id, error: { code: -32002, message: `${owned.refused}: no such reservation for this client`, data: { uri: owned.refused } } });
  }
  const response = await handler.fetch(request, options);
  if (!response.ok || !response.headers.get("content-type")?.includes("text/event-stream")) return response;
  const stop = watchReservations(env, owned.ids, (id) => handler.notify.resourceUpdated(reservationUri(id)));
  return onStreamEnd(response, stop);
}
