// Questions to a 2025-era client in the middle of a tool call (elicitation/create,
// sampling/createMessage), on the stateless /mcp. The question goes out on the tool call's own
// SSE stream, but the client POSTs its answer to /mcp as a separate request, which a fresh server
// (perhaps in another isolate) receives. The two meet in an exchange Durable Object
// (src/durable/mcp-exchange.ts), named by the question's JSON-RPC id:
//
// - the SDK numbers its outgoing requests 0, 1, 2...; on the way out each question is given a
//   server-issued, unguessable id instead (`qrv-ask-` and 128 random bits), the object is told
//   whose question it is, and the tool call waits on the object;
// - a POST to /mcp carrying JSON-RPC responses with such ids is authenticated as usual, each
//   answer is delivered to its object (refused if it comes from another caller, or for a
//   question that is unknown, answered or timed out), and is answered 202;
// - the waiting call hands the answer back to the SDK under its own number.
//
// Only a client that declared the capability is asked. A 2025-era client declares capabilities
// once, at initialize, and every later request is served by a server that never saw it: the
// session id it is given at initialize (subscriptions.ts) carries what it declared
// (`<uuid>-q<flags>`), and a request with that session id is served with those capabilities. A
// client without them, or without a session id, is served as before: the handler refuses such
// questions at once and QRV's tools answer without asking. Ordinary requests pay nothing for this:
// no object is reached unless a tool asks.
import { hostHeaderValidationResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResponse, localhostAllowedHostnames, originValidationResponse, type ClientCapabilities, type JSONRPCMessage, type McpServer, type Transport } from "@modelcontextprotocol/server";
import { credentialOf, type McpAuth } from "../auth/index.ts";
import { isLoopbackHost } from "../sandbox-exposure.ts";

export const EXCHANGE_ID_PREFIX = "qrv-ask-";
const EXCHANGE_ID = /^qrv-ask-[0-9a-f]{32}$/;
/** The server-to-client requests that go through an exchange. */
const ASKS: ReadonlySet<string> = new Set(["elicitation/create", "sampling/createMessage"]);
/** How long a client has to answer, unless MCP_ASK_TIMEOUT_SECONDS says otherwise (the SDK's own wait for input is as long). */
const DEFAULT_ASK_TIMEOUT_SECONDS = 600;
/** JSON-RPC error code for a request that timed out (the SDK's RequestTimeout). */
const REQUEST_TIMEOUT = -32001;

export function newExchangeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return EXCHANGE_ID_PREFIX + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function exchangeStub(env: Env, id: string) {
  return env.MCP_EXCHANGE.get(env.MCP_EXCHANGE.idFromName(id));
}

/** Who may answer a question: the API key, or the person together with their OAuth client (or personal key). */
export function askedOf(auth: McpAuth, oauthClientId: string | undefined): string {
  if (oauthClientId) return `${credentialOf(auth)}:client:${oauthClientId}`;
  if (auth.kind === "user" && auth.apiKeyId) return `${credentialOf(auth)}:key:${auth.apiKeyId}`;
  return credentialOf(auth);
}

export function askTimeoutMs(env: Env): number {
  const seconds = Number(env.MCP_ASK_TIMEOUT_SECONDS || DEFAULT_ASK_TIMEOUT_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_ASK_TIMEOUT_SECONDS) * 1000;
}

// ---- what the client declared, carried in its session id ------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const SESSION_WITH_CAPABILITIES = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-q([fust]{1,4})$/;

/**
 * A new session id for a 2025-era client that declared `capabilities` at initialize: a random
 * UUID, followed by `-q` and one letter per capability QRV can use (f: form elicitation, u: URL
 * elicitation, s: sampling, t: sampling with tools) when it declared any.
 */
export function sessionIdFor(capabilities: unknown): string {
  const id = crypto.randomUUID();
  if (!isRecord(capabilities)) return id;
  let flags = "";
  const { elicitation, sampling } = capabilities;
  if (isRecord(elicitation)) {
    // A bare `elicitation: {}` means form mode (the rule from before modes existed).
    if (Object.keys(elicitation).length === 0 || isRecord(elicitation.form)) flags += "f";
    if (isRecord(elicitation.url)) flags += "u";
  }
  if (isRecord(sampling)) flags += isRecord(sampling.tools) ? "st" : "s";
  return flags ? `${id}-q${flags}` : id;
}

/** The capabilities a request's session id carries, or undefined when it carries none. */
export function sessionCapabilities(request: Request | undefined): ClientCapabilities | undefined {
  const flags = SESSION_WITH_CAPABILITIES.exec(request?.headers.get("mcp-session-id") ?? "")?.[1];
  if (!flags) return undefined;
  const elicitation = { ...(flags.includes("f") ? { form: {} } : {}), ...(flags.includes("u") ? { url: {} } : {}) };
  return {
    ...(Object.keys(elicitation).length ? { elicitation } : {}),
    ...(flags.includes("s") ? { sampling: flags.includes("t") ? { tools: {} } : {} } : {}),
  };
}

// ---- the tool call's side: asking and waiting -------------------------------------------------

/** Servers (per request) whose client can be asked. */
const reachable = new WeakSet<object>();

/** Whether this request's server can ask its 2025-era client (it declared the capability and an exchange is set up). */
export function canReachClient(server: McpServer): boolean {
  return reachable.has(server.server);
}

/**
 * For a 2025-era request whose session id says the client can be asked: gives the server the
 * client's capabilities (so the SDK lets tools ask, directly or through inputRequired) and routes
 * its questions through exchanges once the handler connects it. Anything else is left as it is.
 */
export function offerExchange(server: McpServer, env: Env, auth: McpAuth | undefined, oauthClientId: string | undefined, request: Request | undefined): void {
  const capabilities = auth && sessionCapabilities(request);
  if (!auth || !capabilities) return;
  // The SDK fills this from initialize, which a per-request server never sees.
  (server.server as unknown as { _clientCapabilities?: ClientCapabilities })._clientCapabilities = capabilities;
  reachable.add(server.server);
  const owner = askedOf(auth, oauthClientId);
  const connect = server.connect.bind(server);
  server.connect = async (transport: Transport) => {
    relayQuestions(transport, env, owner);
    await connect(transport);
    followRequests(transport);
  };
}

/** The requests each transport is serving right now (by JSON-RPC id), from the client. */
const serving = new WeakMap<Transport, Set<string | number>>();

/**
 * Notes the client's requests as the transport receives them and forgets each once answered, so
 * that a question sent without naming its request (`ctx.mcpReq.elicitInput` names none) can go
 * on the stream of the one request being served.
 */
function followRequests(transport: Transport): void {
  const ids = new Set<string | number>();
  serving.set(transport, ids);
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (isJSONRPCRequest(message)) ids.add(message.id);
    receive?.(message, extra);
  };
}

type Outgoing = JSONRPCMessage & { id?: string | number; method?: string; params?: Record<string, unknown> };

/**
 * Wraps the transport's send, which the handler has set to refuse every server-to-client request:
 * a question is sent on the stream itself (the transport's own send) under a new exchange id, and
 * its answer, when the exchange delivers it, is handed to the SDK under the SDK's id. A
 * cancellation the SDK sends (its own timeout) names the exchange id and closes the exchange.
 */
function relayQuestions(transport: Transport, env: Env, owner: string): void {
  const wire = (Object.getPrototypeOf(transport) as Transport).send;
  const guarded = transport.send.bind(transport);
  const close = transport.close.bind(transport);
  const timeoutMs = askTimeoutMs(env);
  const seconds = Math.round(timeoutMs / 1000);
  /** The SDK's id of each question in flight -> its exchange id. */
  const asked = new Map<string | number, string>();
  const toSdk = (message: JSONRPCMessage) => transport.onmessage?.(message);
  const abandon = (sdkId: string | number) => {
    const id = asked.get(sdkId);
    asked.delete(sdkId);
    if (id) void exchangeStub(env, id).cancel().catch(() => undefined);
    return id;
  };

  const ask = async (message: Outgoing & { id: string | number }, options: Parameters<Transport["send"]>[1]) => {
    const id = newExchangeId();
    const stub = exchangeStub(env, id);
    const opened = await stub.open(owner, Date.now() + timeoutMs).catch((err: unknown) => ({ ok: false as const, error: String(err) }));
    if (!opened.ok) {
      toSdk({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: `The question could not be sent: ${opened.error}` } });
      return;
    }
    asked.set(message.id, id);
    try {
      await wire.call(transport, { ...message, id } as JSONRPCMessage, options);
    } catch (err) {
      abandon(message.id);
      throw err;
    }
    void stub.wait(timeoutMs).then(
      (outcome) => {
        if (!asked.has(message.id)) return; // the SDK gave up on it already
        asked.delete(message.id);
        if (outcome.ok) toSdk({ jsonrpc: "2.0", id: message.id, ...(JSON.parse(outcome.answer) as object) } as JSONRPCMessage);
        else if (outcome.reason === "timeout") toSdk({ jsonrpc: "2.0", id: message.id, error: { code: REQUEST_TIMEOUT, message: `The client did not answer within ${seconds} second${seconds === 1 ? "" : "s"}.` } });
        else toSdk({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: `No answer could be received (${outcome.reason}${outcome.error ? `: ${outcome.error}` : ""}).` } });
      },
      (err: unknown) => {
        if (!asked.delete(message.id)) return;
        toSdk({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: `No answer could be received: ${String(err)}` } });
      },
    ).catch((err: unknown) => console.error(JSON.stringify({ msg: "exchange answer not handed back", id, error: String(err) })));
  };

  transport.send = async (message, options) => {
    const m = message as Outgoing;
    if (isJSONRPCRequest(message) && m.id !== undefined && ASKS.has(m.method ?? "")) {
      const current = serving.get(transport);
      const only = current?.size === 1 ? [...current][0] : undefined;
      return ask(m as Outgoing & { id: string | number }, options?.relatedRequestId === undefined && only !== undefined ? { ...options, relatedRequestId: only } : options);
    }
    if (isJSONRPCResponse(message)) serving.get(transport)?.delete(message.id as string | number);
    if (isJSONRPCNotification(message) && m.method === "notifications/cancelled") {
      const sdkId = m.params?.requestId as string | number | undefined;
      const id = sdkId === undefined ? undefined : abandon(sdkId);
      if (id) return wire.call(transport, { ...m, params: { ...m.params, requestId: id } } as JSONRPCMessage, options);
    }
    return guarded(message, options);
  };
  // The call ended (answered, or the client went away): its open questions are closed.
  transport.close = async () => {
    for (const sdkId of [...asked.keys()]) abandon(sdkId);
    return close();
  };
}

// ---- the answer's side: a POST carrying the client's responses ---------------------------------

interface AnswerMessage {
  id: string;
  result?: unknown;
  error?: unknown;
}

/**
 * The answers a POST body carries, when it is nothing but JSON-RPC responses to exchange ids (one,
 * or a batch); null for anything else, which the MCP server serves as usual. A request (anything
 * with a method) is turned away at the first check.
 */
export function exchangeAnswersOf(body: unknown): AnswerMessage[] | null {
  if (typeof body !== "object" || body === null || (!Array.isArray(body) && "method" in body)) return null;
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return null;
  for (const m of messages) {
    if (!isRecord(m) || "method" in m || typeof m.id !== "string" || !m.id.startsWith(EXCHANGE_ID_PREFIX)) return null;
  }
  return messages as AnswerMessage[];
}

/** The answer without its envelope, as JSON text for the exchange; null when it is neither a result object nor an error. */
function answerOf(m: AnswerMessage): string | null {
  if (isRecord(m.result) && m.error === undefined) return JSON.stringify({ result: m.result });
  if (isRecord(m.error) && typeof m.error.code === "number" && typeof m.error.message === "string" && m.result === undefined) {
    return JSON.stringify({ error: { code: m.error.code, message: m.error.message, ...(m.error.data !== undefined ? { data: m.error.data } : {}) } });
  }
  return null;
}

type Refusal = { status: number; body: { jsonrpc: "2.0"; id: string; error: { code: number; message: string } } };

const refusal = (status: number, id: string, code: number, message: string): Refusal => ({ status, body: { jsonrpc: "2.0", id, error: { code, message } } });

async function deliverOne(env: Env, owner: string, m: AnswerMessage): Promise<Refusal | null> {
  const answer = answerOf(m);
  if (!answer) return refusal(400, m.id, -32600, "Invalid Request: an answer carries either a result object or an error with a code and a message.");
  const unknown = refusal(404, m.id, -32602, `Unknown request id ${m.id}: QRV is not waiting for this answer (it was answered already, timed out, or never asked).`);
  if (!EXCHANGE_ID.test(m.id)) return unknown;
  const delivered = await exchangeStub(env, m.id)
    .deliver(owner, answer)
    .catch((err: unknown) => ({ ok: false as const, reason: "failed" as const, error: String(err) }));
  if (delivered.ok) return null;
  switch (delivered.reason) {
    case "unknown":
    case "closed":
      return unknown;
    case "forbidden":
      return refusal(403, m.id, -32600, `Request ${m.id} was asked of another client: only the credential that made the tool call can answer it.`);
    default:
      console.error(JSON.stringify({ msg: "exchange delivery failed", id: m.id, error: delivered.error }));
      return refusal(503, m.id, -32603, "The answer could not be delivered right now; send it again.");
  }
}

/**
 * Delivers a POST's answers (`answers`, from exchangeAnswersOf) for `owner`: 202 when every one
 * was taken, else the JSON-RPC errors of those refused (one object, or an array for a batch),
 * with the first refusal's HTTP status. The same Host and Origin checks apply as to the rest of /mcp.
 */
export async function serveAnswers(request: Request, env: Env, owner: string, answers: AnswerMessage[], allowedOriginHostnames: string[], batch: boolean): Promise<Response> {
  const rejected = (isLoopbackHost(new URL(request.url).hostname) ? hostHeaderValidationResponse(request, localhostAllowedHostnames()) : undefined) ?? originValidationResponse(request, allowedOriginHostnames);
  if (rejected) return rejected;
  const refused = (await Promise.all(answers.map((m) => deliverOne(env, owner, m)))).filter((r): r is Refusal => r !== null);
  const headers = { "Access-Control-Allow-Origin": "*" };
  if (!refused.length) return new Response(null, { status: 202, headers });
  return Response.json(batch ? refused.map((r) => r.body) : refused[0]!.body, { status: refused[0]!.status, headers });
}
