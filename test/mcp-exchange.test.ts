// Questions to a 2025-era client in the middle of a tool call (elicitation, sampling) on the
// stateless /mcp: the question goes out on the call's SSE stream, the client POSTs its answer
// separately, and the two meet in an exchange Durable Object (src/mcp/exchange.ts). Driven over
// HTTP as a client does: QRV's own tools (form mode for a missing name, URL mode for the payment
// link), the conformance suite's fixtures, and the refusals (another caller, an unknown id, a
// question that timed out).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, type ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { getOAuthApi } from "@cloudflare/workers-oauth-provider";
import { createExecutionContext, runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { oauthOptions } from "../src/auth/index.ts";
import { upsertUser } from "../src/auth/sign-in.ts";
import { apiKeys } from "../src/db/schema.ts";
import { newApiKey } from "../src/domain/api-key.ts";
import { exchangeStub, newExchangeId, sessionCapabilities, sessionIdFor } from "../src/mcp/exchange.ts";
import { answerSandboxCall, createApiKey, db, record, seedShops, sentOf, startIn, uniqueMobile, waitForQueuedCall } from "./helpers.ts";

type Structured = Record<string, unknown>;
type Message = { jsonrpc: "2.0"; id?: string | number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { code: number; message: string } };

async function personalKey(userId: string): Promise<string> {
  const { key, row } = await newApiKey("personal");
  await db.insert(apiKeys).values({ ...row, userId });
  return key;
}

/** A 2025-era client (SDK v1) with `capabilities`, on https://qrv.test. */
async function legacyClient(key: string, capabilities: ClientCapabilities): Promise<Client> {
  const client = new Client({ name: "qrv-test-2025", version: "1.0.0" }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL("https://qrv.test/mcp"), { requestInit: { headers: { Authorization: `Bearer ${key}` } }, fetch: (url, init) => exports.default.fetch(new Request(url, init)) }));
  return client;
}

// The conformance fixtures are served only by a local sandbox that asks for them.
const local = { PROVIDERS: "sandbox", PUBLIC_DEMO: "", PUBLIC_URL: "http://localhost:8787", MCP_CONFORMANCE: "true" };

/** POSTs one JSON-RPC body to a local sandbox's /mcp, as a 2025-era client would. */
function post(key: string, body: unknown, session?: string, vars: Record<string, string> = {}): Promise<Response> {
  const request = new Request("http://localhost:8787/mcp", {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18", ...(session ? { "Mcp-Session-Id": session } : {}) },
    body: JSON.stringify(body),
  });
  request.headers.set("Host", "localhost:8787");
  return Promise.resolve(worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...local, ...vars } as Env, createExecutionContext()));
}

/** The JSON-RPC messages of an SSE response, one at a time. */
function messages(res: Response): () => Promise<Message> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return async () => {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split("\n").find((l) => l.startsWith("data: "));
        if (data) return JSON.parse(data.slice(6)) as Message;
        continue;
      }
      const { done, value } = await reader.read();
      if (done) throw new Error(`stream ended; left: ${buffer}`);
      buffer += value;
    }
  };
}

/** Initializes a raw 2025-era client with `capabilities`; its session id. */
async function initialize(key: string, capabilities: Structured): Promise<string> {
  const res = await post(key, { jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities, clientInfo: { name: "raw", version: "1" } } });
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get("Mcp-Session-Id")!;
}

const callElicitation = (key: string, session: string, vars?: Record<string, string>) =>
  post(key, { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "test_elicitation", arguments: { message: "Who are you?" } } }, session, vars);

describe("the session id carries what a 2025-era client can be asked", () => {
  it("records form and URL elicitation and sampling, and nothing for a client that declared none", () => {
    expect(sessionIdFor({})).toMatch(/^[0-9a-f-]{36}$/);
    expect(sessionIdFor({ roots: {} })).toMatch(/^[0-9a-f-]{36}$/);
    const all = sessionIdFor({ elicitation: { form: {}, url: {} }, sampling: { tools: {} } });
    expect(all).toMatch(/^[0-9a-f-]{36}-qfust$/);
    const caps = (id: string) => sessionCapabilities(new Request("https://qrv.test/mcp", { headers: { "Mcp-Session-Id": id } }));
    expect(caps(all)).toEqual({ elicitation: { form: {}, url: {} }, sampling: { tools: {} } });
    // A bare `elicitation: {}` is form mode.
    expect(caps(sessionIdFor({ elicitation: {}, sampling: {} }))).toEqual({ elicitation: { form: {} }, sampling: {} });
    expect(caps(sessionIdFor({ elicitation: { url: {} } }))).toEqual({ elicitation: { url: {} } });
    expect(caps(crypto.randomUUID())).toBeUndefined();
    expect(caps("not-a-session-id-at-all-qf")).toBeUndefined();
  });
});

describe("QRV's own tools ask a 2025-era client that declared elicitation", () => {
  it("asks a signed-in person for a missing name and email (form mode) and books with the answer", async () => {
    const where = await seedShops([{ answer: "declined" }]);
    const phone = uniqueMobile();
    const user = await upsertUser(db, phone);
    const client = await legacyClient(await personalKey(user.id), { elicitation: {} });
    expect((client.transport as StreamableHTTPClientTransport).sessionId).toMatch(/-qf$/);
    const asked: { requestedSchema?: { properties: Record<string, unknown> } }[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params as (typeof asked)[number]);
      return { action: "accept", content: { name: "鈴木 一郎", email: "ichiro@example.com" } };
    });
    const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(Object.keys(asked[0]!.requestedSchema!.properties)).toEqual(["name", "email"]);
    const id = (result.structuredContent as Structured).reservation_id as string;
    expect((await record(id)).requester).toMatchObject({ name: "鈴木 一郎", phone, email: "ichiro@example.com" });
    expect(await db.query.users.findFirst({ where: (u, { eq: is }) => is(u.phone, phone) })).toMatchObject({ name: "鈴木 一郎" });
    await client.close();
  });

  it("asks a waiting client to open the payment link (URL mode) when a shop accepts", async () => {
    const key = await createApiKey("legacy url elicitation");
    const where = await seedShops([{ answer: "manual", priceJpy: 8800 }]);
    const client = await legacyClient(key.key, { elicitation: { form: {}, url: {} } });
    const asked: { mode?: string; url?: string; message: string }[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params as (typeof asked)[number]);
      return { action: "accept" };
    });
    const created = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1, name: "山田 太郎", phone: uniqueMobile() } });
    const id = (created.structuredContent as Structured).reservation_id as string;
    const call = await waitForQueuedCall(id);
    setTimeout(() => void answerSandboxCall(call, "accepted"), 1000);
    const result = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id, wait_seconds: 20 } });
    const view = result.structuredContent as Structured;
    expect(view.status).toBe("payment_pending");
    expect(asked).toEqual([expect.objectContaining({ mode: "url", url: view.payment_url, message: expect.stringContaining("8,800円") })]);
    // The payment SMS goes out as it always does.
    await expect.poll(async () => (await sentOf(id)).filter((r) => r.channel === "sms").map((r) => r.body).join("\n"), { timeout: 10_000 }).toMatch(/10分|10 minutes/);
    await client.close();
  });
});

describe("the conformance fixtures ask through the exchange", () => {
  it("sampling and elicitation reach a client that declared them, and the tools complete with the answers", async () => {
    const { key } = await createApiKey("exchange fixtures");
    const client = new Client({ name: "fixtures", version: "1" }, { capabilities: { sampling: {}, elicitation: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: "assistant", content: { type: "text", text: "sampled answer" }, model: "test-model", stopReason: "endTurn" }));
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { username: "testuser", email: "test@example.com" } }));
    await client.connect(
      new StreamableHTTPClientTransport(new URL("http://localhost:8787/mcp"), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
        fetch: (url, init) => {
          const request = new Request(url, init);
          request.headers.set("Host", "localhost:8787");
          return Promise.resolve(worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...local } as Env, createExecutionContext()));
        },
      }),
    );
    const sampled = await client.callTool({ name: "test_sampling", arguments: { prompt: "Say something" } });
    expect(sampled.isError).toBeFalsy();
    expect(JSON.stringify(sampled.content)).toContain("sampled answer");
    const elicited = await client.callTool({ name: "test_elicitation", arguments: { message: "Who are you?" } });
    expect(elicited.isError).toBeFalsy();
    expect(JSON.stringify(elicited.content)).toContain("testuser");
    await client.close();
  });

  it("a client that declared nothing is not asked: the tool says so at once", async () => {
    const { key } = await createApiKey("exchange none");
    const session = await initialize(key, {});
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const next = messages(await callElicitation(key, session));
    const result = await next();
    expect(result).toMatchObject({ id: 5, result: { isError: true } });
    expect(JSON.stringify(result.result)).toContain("unavailable");
  });
});

describe("an answer POSTed to /mcp", () => {
  it("from the caller completes the call; from another key, twice, or for an unknown id it is refused cleanly", async () => {
    const alice = await createApiKey("exchange alice");
    const bob = await createApiKey("exchange bob");
    const session = await initialize(alice.key, { elicitation: {} });
    expect(session).toMatch(/-qf$/);
    const next = messages(await callElicitation(alice.key, session));
    const question = await next();
    expect(question).toMatchObject({ method: "elicitation/create", params: { message: "Who are you?" } });
    // A server-issued id, not the SDK's counter.
    expect(question.id).toMatch(/^qrv-ask-[0-9a-f]{32}$/);
    const answer = { jsonrpc: "2.0", id: question.id, result: { action: "accept", content: { username: "alice", email: "alice@example.com" } } };

    const stolen = await post(bob.key, answer);
    expect(stolen.status).toBe(403);
    expect(await stolen.json()).toEqual({ jsonrpc: "2.0", id: question.id, error: { code: -32600, message: expect.stringContaining("another client") } });

    const unknownId = newExchangeId();
    const unknown = await post(alice.key, { ...answer, id: unknownId });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ jsonrpc: "2.0", id: unknownId, error: { code: -32602, message: expect.stringContaining("not waiting for this answer") } });
    const malformed = await post(alice.key, { jsonrpc: "2.0", id: question.id, result: "yes" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ id: question.id, error: { code: -32600 } });

    const taken = await post(alice.key, answer, session);
    expect(taken.status).toBe(202);
    const result = await next();
    expect(result).toMatchObject({ id: 5, result: { content: [{ type: "text", text: expect.stringContaining('"username":"alice"') }] } });
    expect(result.result!.isError).toBeFalsy();

    const again = await post(alice.key, answer, session);
    expect(again.status).toBe(404);
    expect(await again.text()).not.toMatch(/at .*\.ts|Error:/);
  });

  it("a question not answered in time ends the call with a clear error, and a late answer is refused", async () => {
    const { key } = await createApiKey("exchange timeout");
    const session = await initialize(key, { elicitation: {} });
    const quick = { MCP_ASK_TIMEOUT_SECONDS: "1" };
    const next = messages(await callElicitation(key, session, quick));
    const question = await next();
    expect(question.method).toBe("elicitation/create");
    const result = await next();
    expect(result).toMatchObject({ id: 5, result: { isError: true } });
    expect(JSON.stringify(result.result)).toContain("did not answer within 1 second.");
    const late = await post(key, { jsonrpc: "2.0", id: question.id, result: { action: "accept", content: { username: "late", email: "late@example.com" } } }, session, quick);
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ id: question.id, error: { code: -32602 } });
  });
});

// ---- a person signed in through two OAuth clients
const BASE = "https://qrv.test";
const b64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** An access token for `userId` through a newly registered OAuth client, made the way /authorize makes one. */
async function oauthToken(userId: string, phone: string, clientName: string): Promise<string> {
  const noHandlers = { apiHandler: { fetch: () => new Response(null, { status: 500 }) }, defaultHandler: { fetch: () => new Response(null, { status: 500 }) } };
  const oauth = getOAuthApi(oauthOptions(env, noHandlers), env);
  const redirect = "http://localhost:4567/callback";
  const registered = (await (await exports.default.fetch(new Request(`${BASE}/oauth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ client_name: clientName, redirect_uris: [redirect], grant_types: ["authorization_code"], token_endpoint_auth_method: "none" }) }))).json()) as { client_id: string };
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)).buffer);
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const url = `${BASE}/authorize?${new URLSearchParams({ response_type: "code", client_id: registered.client_id, redirect_uri: redirect, code_challenge: challenge, code_challenge_method: "S256", scope: "reservations", resource: `${BASE}/mcp`, state: "s" })}`;
  const request = await oauth.parseAuthRequest(new Request(url));
  const { redirectTo } = await oauth.completeAuthorization({ request, userId, metadata: {}, scope: request.scope, props: { kind: "user", userId, phone } });
  const code = new URL(redirectTo).searchParams.get("code")!;
  const res = await exports.default.fetch(new Request(`${BASE}/oauth/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirect, client_id: registered.client_id, code_verifier: verifier, resource: `${BASE}/mcp` }) }));
  return ((await res.json()) as { access_token: string }).access_token;
}

const postQrv = (token: string, body: unknown, session?: string) =>
  exports.default.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18", ...(session ? { "Mcp-Session-Id": session } : {}) },
      body: JSON.stringify(body),
    }),
  );

describe("a question to a person signed in with OAuth", () => {
  it("is answered only through the OAuth client that made the call, not another client of the same person", async () => {
    const where = await seedShops([{ answer: "declined" }]);
    const phone = uniqueMobile();
    const user = await upsertUser(db, phone);
    const appA = await oauthToken(user.id, phone, "App A");
    const appB = await oauthToken(user.id, phone, "App B");
    const init = await postQrv(appA, { jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: { elicitation: { form: {} } }, clientInfo: { name: "app-a", version: "1" } } });
    const session = init.headers.get("Mcp-Session-Id")!;
    await init.text();
    expect(session).toMatch(/-qf$/);
    const next = messages(await postQrv(appA, { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } } }, session));
    const question = await next();
    expect(question).toMatchObject({ method: "elicitation/create", id: expect.stringMatching(/^qrv-ask-/) });
    const answer = { jsonrpc: "2.0", id: question.id, result: { action: "accept", content: { name: "高橋 花", email: "hana@example.com" } } };

    const otherApp = await postQrv(appB, answer);
    expect(otherApp.status).toBe(403);
    expect(await otherApp.json()).toMatchObject({ id: question.id, error: { message: expect.stringContaining("another client") } });

    expect((await postQrv(appA, answer, session)).status).toBe(202);
    const result = await next();
    expect(result).toMatchObject({ id: 9, result: { structuredContent: { reservation_id: expect.stringMatching(/^QRV-/) } } });
    const id = (result.result!.structuredContent as Structured).reservation_id as string;
    expect((await record(id)).requester).toMatchObject({ name: "高橋 花", phone, email: "hana@example.com" });
  });
});

describe("the exchange object", () => {
  it("keeps an answer that arrives before the waiter, and only its owner's", async () => {
    const stub = exchangeStub(env, newExchangeId());
    expect(await stub.open("api_key:a", Date.now() + 60_000)).toEqual({ ok: true });
    expect(await stub.open("api_key:a", Date.now() + 60_000)).toMatchObject({ ok: false });
    expect(await stub.deliver("api_key:b", '{"result":{"action":"decline"}}')).toEqual({ ok: false, reason: "forbidden" });
    expect(await stub.deliver("api_key:a", '{"result":{"action":"accept","content":{"n":1}}}')).toEqual({ ok: true });
    expect(await stub.deliver("api_key:a", '{"result":{"action":"accept","content":{"n":2}}}')).toEqual({ ok: false, reason: "closed" });
    expect(await stub.wait(1000)).toEqual({ ok: true, answer: '{"result":{"action":"accept","content":{"n":1}}}' });
    // Answered: closed for good, and swept by the alarm.
    expect(await stub.wait(1000)).toEqual({ ok: false, reason: "closed" });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.deliver("api_key:a", '{"result":{}}')).toEqual({ ok: false, reason: "unknown" });
  });

  it("a waiter times out, is cancelled, or gets the answer as it arrives", async () => {
    const timed = exchangeStub(env, newExchangeId());
    await timed.open("api_key:a", Date.now() + 60_000);
    expect(await timed.wait(50)).toEqual({ ok: false, reason: "timeout" });
    expect(await timed.deliver("api_key:a", '{"result":{}}')).toEqual({ ok: false, reason: "closed" });

    const cancelled = exchangeStub(env, newExchangeId());
    await cancelled.open("api_key:a", Date.now() + 60_000);
    const waiting = cancelled.wait(10_000);
    expect(await cancelled.cancel()).toEqual({ ok: true });
    expect(await waiting).toEqual({ ok: false, reason: "closed" });

    const answered = exchangeStub(env, newExchangeId());
    await answered.open("user:u:client:c", Date.now() + 60_000);
    const pending = answered.wait(10_000);
    expect(await answered.deliver("user:u:client:c", '{"error":{"code":-1,"message":"User cancelled"}}')).toEqual({ ok: true });
    expect(await pending).toEqual({ ok: true, answer: '{"error":{"code":-1,"message":"User cancelled"}}' });
    expect(await exchangeStub(env, newExchangeId()).wait(10)).toEqual({ ok: false, reason: "unknown" });
  });
});
