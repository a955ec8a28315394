// Live status for 2025-era MCP clients (2025-06-18, 2025-11-25, 2025-03-26): resources/subscribe
// and notifications/resources/updated. Such a client is served statelessly, one request at a
// time, so the subscription cannot live in a server instance. Instead:
// - initialize is answered with an Mcp-Session-Id (random, with the capabilities the client
//   declared appended; QRV keeps nothing for it), which the client then sends with every request,
//   as Streamable HTTP requires;
// - resources/subscribe and resources/unsubscribe write and delete rows in D1
//   (mcp_subscriptions), keyed by that session id and the credential that asked, after the same
//   ownership check as reading the resource;
// - the client's standalone GET stream (which a 2025 client opens right after initialize) is
//   served here, not by the SDK: while it is open, the isolate serving it reads the session's
//   subscriptions and the reservations' versions every LIVE_CHECK_MS and writes
//   notifications/resources/updated for each change, as live.ts does for 2026-07-28 streams.
// The reservation's Durable Object stays the only writer; the stream only watches what it commits.
import { hostHeaderValidationResponse, localhostAllowedHostnames, originValidationResponse, ResourceNotFoundError, type McpServer } from "@modelcontextprotocol/server";
import { and, eq, gt, lt } from "drizzle-orm";
import { credentialOf, type McpAuth } from "../auth/index.ts";
import { createDb } from "../db/client.ts";
import { mcpSubscriptions, reservations } from "../db/schema.ts";
import { isLoopbackHost } from "../sandbox-exposure.ts";
import { WATCHED_FIXTURE_URI } from "./conformance-fixtures.ts";
import { sessionIdFor } from "./exchange.ts";
import { LIVE_CHECK_MS } from "./live.ts";
import { reservationIdOf } from "./resources.ts";
import { ownReservation, type ToolDeps } from "./tools/reservations.ts";

export const SESSION_HEADER = "Mcp-Session-Id";
/** How long a subscription is kept without being renewed (subscribing again renews it). */
export const SUBSCRIPTION_DAYS = 7;
/** A comment on an idle stream this often keeps proxies from closing it. */
const KEEPALIVE_MS = 20_000;
/**
 * A stream whose session watches nothing (a client that never subscribes keeps its GET open all
 * the same) looks only every this many checks. Nothing is missed meanwhile: a new subscription
 * holds the version it was made at, so a change before the next look is still reported.
 */
const IDLE_EVERY = 5;
/** As the SDK handler answers the rest of /mcp (Origin itself is checked before serving). */
const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "mcp-session-id" };

function sessionIdOf(request: Request | undefined): string | null {
  const id = request?.headers.get(SESSION_HEADER)?.trim();
  return id && /^[A-Za-z0-9-]{16,128}$/.test(id) ? id : null;
}

/**
 * resources/subscribe and resources/unsubscribe for a 2025-era request. Only the caller's own
 * reservations can be watched (and, when the conformance fixtures are served, their watched
 * resource); anything else is "not found", as reading it would be.
 */
export function registerLegacySubscriptions(server: McpServer, deps: ToolDeps, request: Request | undefined, fixtures: boolean): void {
  const db = createDb(deps.env.DB);
  const target = (uri: string) => {
    const auth = deps.auth();
    const sessionId = sessionIdOf(request);
    if (!auth) throw new ResourceNotFoundError(uri, `${uri}: no such reservation for this client`);
    if (!sessionId) throw new Error(`resources/subscribe needs the ${SESSION_HEADER} header this server sent in answer to initialize.`);
    return { sessionId, owner: credentialOf(auth) };
  };

  server.server.setRequestHandler("resources/subscribe", async (req) => {
    const { uri } = req.params;
    const { sessionId, owner } = target(uri);
    const id = reservationIdOf(uri);
    const record = id ? await ownReservation(deps, id) : null;
    if (!record && !(fixtures && uri === WATCHED_FIXTURE_URI)) throw new ResourceNotFoundError(uri, `${uri}: no such reservation for this client`);
    const now = Date.now();
    const expiresAt = now + SUBSCRIPTION_DAYS * 86_400_000;
    await db.batch([
      db.delete(mcpSubscriptions).where(lt(mcpSubscriptions.expiresAt, now)),
      db
        .insert(mcpSubscriptions)
        .values({ sessionId, owner, uri, reservationId: record?.id ?? null, version: record?.version ?? null, expiresAt })
        .onConflictDoUpdate({ target: [mcpSubscriptions.sessionId, mcpSubscriptions.owner, mcpSubscriptions.uri], set: { version: record?.version ?? null, expiresAt } }),
    ]);
    return {};
  });

  server.server.setRequestHandler("resources/unsubscribe", async (req) => {
    const { uri } = req.params;
    const { sessionId, owner } = target(uri);
    await db.delete(mcpSubscriptions).where(and(eq(mcpSubscriptions.sessionId, sessionId), eq(mcpSubscriptions.owner, owner), eq(mcpSubscriptions.uri, uri)));
    return {};
  });
}

/** The JSON-RPC method a POST carries, if it is a single request (`parsed`: its body, when already read; else read from a clone). */
async function methodOf(request: Request, parsed?: unknown): Promise<string | null> {
  if (request.method !== "POST" || !request.headers.get("content-type")?.includes("application/json")) return null;
  try {
    const body: unknown = parsed !== undefined ? parsed : await request.clone().json();
    return typeof body === "object" && body !== null && !Array.isArray(body) && typeof (body as { method?: unknown }).method === "string" ? (body as { method: string }).method : null;
  } catch {
    return null;
  }
}

/**
 * For a 2025-era `initialize` (read before the handler consumes the body): a function that adds
 * a new session id to its successful answer, for the client to send back. Other requests' answers
 * pass unchanged.
 */
export async function sessionIdGiver(request: Request, body?: unknown): Promise<(response: Response) => Response> {
  if (request.headers.has(SESSION_HEADER) || (await methodOf(request, body)) !== "initialize") return (response) => response;
  // The id also carries what the client declared it can be asked (exchange.ts).
  const capabilities = (body as { params?: { capabilities?: unknown } } | undefined)?.params?.capabilities;
  return (response) => {
    if (!response.ok) return response;
    const headers = new Headers(response.headers);
    headers.set(SESSION_HEADER, sessionIdFor(capabilities));
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * The 2025-era session requests the SDK's stateless lane does not serve: the standalone GET
 * stream of a client that has a session id, and DELETE (the client ending its session, which
 * drops its subscriptions). Null for anything else. The same Host and Origin checks apply as
 * to the rest of /mcp.
 */
export async function serveLegacySession(request: Request, env: Env, auth: McpAuth | undefined, allowedOriginHostnames: string[]): Promise<Response | null> {
  const method = request.method.toUpperCase();
  const sessionId = sessionIdOf(request);
  if ((method !== "GET" && method !== "DELETE") || !sessionId || !auth) return null;
  if (method === "GET" && !request.headers.get("accept")?.includes("text/event-stream")) return null;
  const url = new URL(request.url);
  const rejected = (isLoopbackHost(url.hostname) ? hostHeaderValidationResponse(request, localhostAllowedHostnames()) : undefined) ?? originValidationResponse(request, allowedOriginHostnames);
  if (rejected) return rejected;
  const owner = credentialOf(auth);
  const db = createDb(env.DB);
  if (method === "DELETE") {
    await db.delete(mcpSubscriptions).where(and(eq(mcpSubscriptions.sessionId, sessionId), eq(mcpSubscriptions.owner, owner)));
    return new Response(null, { status: 200, headers: CORS });
  }
  return subscriptionStream(env, sessionId, owner);
}

/** The GET stream: notifications/resources/updated for each change to a subscribed reservation. */
function subscriptionStream(env: Env, sessionId: string, owner: string): Response {
  const db = createDb(env.DB);
  const encoder = new TextEncoder();
  /** The last version reported (or subscribed at) per URI. */
  const seen = new Map<string, number>();
  let timers: ReturnType<typeof setInterval>[] = [];
  let closed = false;
  const stop = () => {
    closed = true;
    for (const t of timers) clearInterval(t);
    timers = [];
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      let idleChecks = 0;
      const check = async () => {
        if (seen.size === 0 && idleChecks++ % IDLE_EVERY !== 0) return;
        try {
          const rows = await db
            .select({ uri: mcpSubscriptions.uri, subscribedAt: mcpSubscriptions.version, version: reservations.version })
            .from(mcpSubscriptions)
            .innerJoin(reservations, eq(reservations.id, mcpSubscriptions.reservationId))
            .where(and(eq(mcpSubscriptions.sessionId, sessionId), eq(mcpSubscriptions.owner, owner), gt(mcpSubscriptions.expiresAt, Date.now())));
          const current = new Set<string>();
          for (const row of rows) {
            current.add(row.uri);
            const before = seen.get(row.uri) ?? row.subscribedAt ?? row.version;
            seen.set(row.uri, row.version);
            if (before !== row.version) write(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: row.uri } })}\n\n`);
          }
          for (const uri of seen.keys()) if (!current.has(uri)) seen.delete(uri);
        } catch (err) {
          console.error(JSON.stringify({ msg: "subscription check failed", error: String(err) }));
        }
      };
      // A comment first, so the client sees the stream open before anything changes.
      write(": qrv subscriptions\n\n");
      void check();
      timers = [setInterval(() => void check(), LIVE_CHECK_MS), setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS)];
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, { status: 200, headers: { ...CORS, "Content-Type": "text/event-stream", "Cache-Control": "no-cache", [SESSION_HEADER]: sessionId } });
}
