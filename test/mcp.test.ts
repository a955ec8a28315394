// The MCP endpoint over Streamable HTTP, as an AI client sees it.
import { FLOW_IN_TWO_SENTENCES } from "../src/guides/flow.ts";
import { exports } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { reservations } from "../src/db/schema.ts";
import { RESERVATION_ID_PATTERN } from "../src/domain/ids.ts";
import { createApiKey, db, mcpClient, modernClient, record, seedShops, startIn, uniqueMobile, waitForStatus } from "./helpers.ts";

type Structured = Record<string, unknown>;

async function reservationsOf(apiKeyId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(reservations).where(eq(reservations.apiKeyId, apiKeyId));
  return row!.n;
}

describe("authentication", () => {
  const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } };
  const post = (headers: Record<string, string>) =>
    exports.default.fetch("https://qrv.test/mcp", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(init) });

  it("requires a bearer token and says where to get one", async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain('resource_metadata="https://qrv.test/.well-known/oauth-protected-resource/mcp"');
  });

  it("refuses a browser page from another origin (DNS rebinding), whatever key it carries", async () => {
    const { key } = await createApiKey("origin check");
    expect((await post({ Authorization: `Bearer ${key}`, Origin: "http://evil.example.com" })).status).toBe(403);
    expect((await post({ Authorization: `Bearer ${key}`, Origin: "https://qrv.test" })).status).toBe(200);
  });

  it("rejects unknown and revoked keys", async () => {
    expect((await post({ Authorization: "Bearer qrv_not-a-real-key" })).status).toBe(401);
    const { id, key } = await createApiKey("revoked");
    await db.run(`UPDATE api_keys SET revoked_at = 1 WHERE id = '${id}'` as never);
    const res = await post({ Authorization: `Bearer ${key}` });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});

describe("tools", () => {
  let key: { id: string; key: string };
  let where: { service: string; area: string };
  const good = () => ({ service: where.service, area: where.area, start: startIn(72), party_size: 2, name: "山田 太郎", phone: "090-1234-5678", email: "taro@example.com", language: "ja" });

  beforeAll(async () => {
    key = await createApiKey("mcp tests");
    where = await seedShops([{ answer: "accepted", priceJpy: 4400 }], `カット${Math.random().toString(36).slice(2, 6)}`);
  });

  it("initializes and lists the tools with schemas and annotations", async () => {
    const client = await mcpClient(key.key);
    expect(client.getServerVersion()).toMatchObject({ name: "qrv" });
    expect(client.getInstructions()).toContain("list_services");
    // Seed 000 §3.1.3: the first use explains the flow in two sentences.
    expect(client.getInstructions()).toContain(FLOW_IN_TWO_SENTENCES.en);
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).filter((n) => byName[n]!.description!.includes("shop") || n.endsWith("reservation") || n.endsWith("reservations")).sort()).toEqual(["cancel_reservation", "get_reservation", "list_my_reservations", "list_services", "request_reservation"]);
    const request = byName.request_reservation!;
    expect(Object.keys(request.inputSchema.properties ?? {})).toEqual(["service", "area", "start", "party_size", "name", "phone", "email", "notes", "language", "idempotency_key"]);
    // name and phone are required with an API key (checked by the tool); a signed-in person's are known.
    expect(request.inputSchema.required).toEqual(expect.arrayContaining(["service", "area", "start", "party_size"]));
    expect((request.inputSchema.properties as Record<string, { description?: string }>).phone!.description).toContain("E.164");
    expect(request.outputSchema?.properties).toHaveProperty("reservation_id");
    expect(request.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: true });
    expect(byName.get_reservation!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.cancel_reservation!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
    for (const t of tools) expect(t.description!.length).toBeGreaterThan(40);
    await client.close();
  });

  it("list_services names the services and areas partner shops cover", async () => {
    const client = await mcpClient(key.key);
    const result = await client.callTool({ name: "list_services", arguments: {} });
    const services = (result.structuredContent as { services: { service: string; areas: { area: string; shops: number; from_jpy: number }[] }[] }).services;
    expect((result.structuredContent as { how_it_works: unknown }).how_it_works).toEqual(FLOW_IN_TWO_SENTENCES);
    expect(services.find((s) => s.service === where.service)).toEqual({ service: where.service, areas: [{ area: where.area, shops: 1, from_jpy: 4400 }] });
    await client.close();
  });

  it("request_reservation returns an id, a status and the guest page; get_reservation follows it", async () => {
    const client = await mcpClient(key.key);
    const result = await client.callTool({ name: "request_reservation", arguments: good() });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as Structured;
    expect(out.reservation_id).toMatch(RESERVATION_ID_PATTERN);
    expect(out).toMatchObject({ status: "calling", shops_to_call: 1, guest_url: expect.stringMatching(/^https:\/\/qrv\.test\/r\/[A-Za-z0-9_-]{43}$/) });
    const id = out.reservation_id as string;
    expect((await record(id)).requester).toEqual({ name: "山田 太郎", phone: "+819012345678", email: "taro@example.com", language: "ja" });

    await waitForStatus(id, "payment_pending");
    const got = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id.toLowerCase() } });
    const view = got.structuredContent as Structured;
    expect(view).toMatchObject({ reservation_id: id, status: "payment_pending", amount_jpy: 4400, shop: { name: "店1" }, payment_url: expect.stringContaining("/sandbox/checkout/cs_test_") });
    expect(view.timeline).toEqual(expect.arrayContaining([expect.stringContaining("予約リクエストを受け付けました"), expect.stringContaining("店1: 予約OK")]));
    await client.close();
  });

  it("cancel_reservation follows the policy and never cancels twice", async () => {
    const client = await mcpClient(key.key);
    const id = ((await client.callTool({ name: "request_reservation", arguments: good() })).structuredContent as Structured).reservation_id as string;
    const first = await client.callTool({ name: "cancel_reservation", arguments: { reservation_id: id, reason: "plans changed" } });
    expect(first.structuredContent).toMatchObject({ reservation_id: id, outcome: "cancelled_free", status: "cancelled" });
    const second = await client.callTool({ name: "cancel_reservation", arguments: { reservation_id: id } });
    expect(second.structuredContent).toMatchObject({ outcome: "already_cancelled", status: "cancelled" });
    await client.close();
  });

  it("another client's reservation is not found", async () => {
    const client = await mcpClient(key.key);
    const id = ((await client.callTool({ name: "request_reservation", arguments: good() })).structuredContent as Structured).reservation_id as string;
    await client.close();
    const other = await mcpClient((await createApiKey("other")).key);
    for (const name of ["get_reservation", "cancel_reservation"]) {
      const result = await other.callTool({ name, arguments: { reservation_id: id } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("reservation_id: no reservation");
    }
    expect((await record(id)).status).not.toBe("cancelled");
    await other.close();
  });

  describe("bad input gets an error naming the field and writes nothing", () => {
    const cases: [string, (g: Structured) => Structured, string][] = [
      ["phone not a number", (g) => ({ ...g, phone: "12345" }), "phone"],
      ["foreign garbage phone", (g) => ({ ...g, phone: "+1 555" }), "phone"],
      ["a landline (no SMS)", (g) => ({ ...g, phone: "03-1234-5678" }), "phone"],
      ["a foreign mobile", (g) => ({ ...g, phone: "+44 7911 123456" }), "phone"],
      ["a free-dial number", (g) => ({ ...g, phone: "0120-123-456" }), "phone"],
      ["start without offset", (g) => ({ ...g, start: "2026-12-24T15:00:00" }), "start"],
      ["impossible date", (g) => ({ ...g, start: "2026-02-30T15:00:00+09:00" }), "start"],
      ["start in the past", (g) => ({ ...g, start: "2020-01-01T10:00:00+09:00" }), "start"],
      ["start too soon", (g) => ({ ...g, start: startIn(0.1) }), "start"],
      ["party of 0", (g) => ({ ...g, party_size: 0 }), "party_size"],
      ["party of 10,000", (g) => ({ ...g, party_size: 10_000 }), "party_size"],
      ["party as text", (g) => ({ ...g, party_size: "two" }), "party_size"],
      ["fractional party", (g) => ({ ...g, party_size: 1.5 }), "party_size"],
      ["unknown service", (g) => ({ ...g, service: "宇宙旅行" }), "service"],
      ["unknown area", (g) => ({ ...g, area: "月面" }), "area"],
      ["bad email", (g) => ({ ...g, email: "not-an-email" }), "email"],
      ["control characters in the name", (g) => ({ ...g, name: "山田\u0000太郎" }), "name"],
      ["1 MB of notes", (g) => ({ ...g, notes: "あ".repeat(1_000_000) }), "notes"],
      ["unknown field", (g) => ({ ...g, coupon: "FREE" }), "coupon"],
      ["missing name", (g) => ({ ...g, name: undefined }), "name"],
      ["missing phone", (g) => ({ ...g, phone: undefined }), "phone"],
      ["wrong language", (g) => ({ ...g, language: "fr" }), "language"],
    ];
    for (const [label, mutate, field] of cases) {
      it(label, async () => {
        const client = await mcpClient(key.key);
        const before = await reservationsOf(key.id);
        const result = await client.callTool({ name: "request_reservation", arguments: mutate(good()) });
        expect(result.isError).toBe(true);
        const text = (result.content as { text: string }[]).map((c) => c.text).join("\n");
        expect(text).toContain(field);
        expect(text).not.toMatch(/\bat\s+\S+\.(ts|js):\d+/); // no stack trace
        expect(await reservationsOf(key.id)).toBe(before);
        await client.close();
      });
    }

    it("a malformed reservation id", async () => {
      const client = await mcpClient(key.key);
      const result = await client.callTool({ name: "get_reservation", arguments: { reservation_id: "123" } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("reservation_id");
      await client.close();
    });
  });

  it("malformed JSON-RPC gets a JSON-RPC error, not a crash", async () => {
    const headers = { Authorization: `Bearer ${key.key}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const garbage = await exports.default.fetch("https://qrv.test/mcp", { method: "POST", headers, body: "{not json" });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
    expect(await garbage.json()).toMatchObject({ jsonrpc: "2.0", error: { code: expect.any(Number) } });
    // Stateless: a request needs no earlier initialize or session to be answered.
    const noSession = await exports.default.fetch("https://qrv.test/mcp", { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    expect(noSession.status).toBe(200);
    expect(await noSession.text()).toContain("request_reservation");
  });
});

describe("every request acts for the credential it carries", () => {
  const call = (key: string, name: string, args: Record<string, unknown>, headers: Record<string, string> = {}) =>
    exports.default.fetch("https://qrv.test/mcp", {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18", ...headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: args } }),
    });
  const structured = async (res: Response) => {
    const text = await res.text();
    const json = text.startsWith("{") ? JSON.parse(text) : JSON.parse(text.split("\n").find((l) => l.startsWith("data: "))!.slice(6));
    return json.result.structuredContent as Structured;
  };

  it("another caller's Mcp-Session-Id gives nothing of theirs: the request acts as its own key", async () => {
    const where = await seedShops([{ answer: "declined" }]);
    const alice = await createApiKey("alice");
    const bob = await createApiKey("bob");
    const args = { service: where.service, area: where.area, start: startIn(72), party_size: 1, name: "山田 太郎", phone: uniqueMobile() };
    const aliceClient = await mcpClient(alice.key);
    // The session id a 2025-era client is given names only its resource subscriptions.
    const aliceSession = (aliceClient as unknown as { transport?: { sessionId?: string } }).transport?.sessionId;
    expect(aliceSession).toMatch(/^[0-9a-f-]{36}$/);
    const aliceId = ((await aliceClient.callTool({ name: "request_reservation", arguments: args })).structuredContent as Structured).reservation_id as string;
    await aliceClient.close();
    const bobsOwn = await structured(await call(bob.key, "request_reservation", args));

    // Bob replays Alice's session id: he still sees only his own bookings.
    const mine = await structured(await call(bob.key, "list_my_reservations", {}, { "Mcp-Session-Id": aliceSession! }));
    const ids = (mine.reservations as { reservation_id: string }[]).map((r) => r.reservation_id);
    expect(ids).toEqual([bobsOwn.reservation_id]);
    const peek = await call(bob.key, "get_reservation", { reservation_id: aliceId }, { "Mcp-Session-Id": aliceSession! });
    expect(await peek.text()).toContain("no reservation");
  });

  it("a revoked key stops at once, even for a client already connected", async () => {
    const { id, key } = await createApiKey("to revoke");
    const client = await mcpClient(key);
    expect((await client.callTool({ name: "list_my_reservations", arguments: {} })).isError).toBeFalsy();
    await db.run(`UPDATE api_keys SET revoked_at = 1 WHERE id = '${id}'` as never);
    await expect(client.callTool({ name: "list_my_reservations", arguments: {} })).rejects.toThrow();
    expect((await call(key, "list_my_reservations", {})).status).toBe(401);
    await client.close().catch(() => {});
  });
});

describe("a 2026-07-28 client (SDK v2)", () => {
  it("books end to end: lists, requests and follows a reservation to payment", async () => {
    const key = await createApiKey("modern");
    const where = await seedShops([{ answer: "accepted", priceJpy: 3300 }]);
    const client = await modernClient(key.key);
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("request_reservation");
    const created = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 2, name: "山田 花子", phone: uniqueMobile() } });
    expect(created.isError).toBeFalsy();
    const id = (created.structuredContent as Structured).reservation_id as string;
    await waitForStatus(id, "payment_pending");
    const got = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id } });
    expect(got.structuredContent).toMatchObject({ reservation_id: id, status: "payment_pending", amount_jpy: 3300 });
    const bad = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 0, name: "x", phone: uniqueMobile() } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("party_size");
    await client.close();
  });
});
