// MCP beyond tools: reservations as resources with live updates, prompts with completion,
// progress and logging while a call waits, elicitation, the approval record. Both a 2026-07-28 client (SDK v2) and a 2025-era
// client (SDK v1, served statelessly) are used, as an AI client would.
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from "@modelcontextprotocol/client";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { upsertUser } from "../src/auth/sign-in.ts";
import { mcpSubscriptions } from "../src/db/schema.ts";
import { createQrvServer } from "../src/mcp/server.ts";
import { answerSandboxCall, createApiKey, db, mcpClient, modernClient, paySandbox, record, seedShops, sentOf, startIn, uniqueMobile, waitForQueuedCall, waitForStatus } from "./helpers.ts";

type Structured = Record<string, unknown>;

async function book(client: { callTool: (p: { name: string; arguments: Record<string, unknown> }) => Promise<unknown> }, where: { service: string; area: string }): Promise<string> {
  const result = (await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 2, name: "山田 太郎", phone: uniqueMobile() } })) as { structuredContent: Structured };
  return result.structuredContent.reservation_id as string;
}

describe("reservations as resources", () => {
  let key: { id: string; key: string };
  let where: { service: string; area: string };
  beforeAll(async () => {
    key = await createApiKey("resources");
    where = await seedShops([{ answer: "declined" }]);
  });

  it("offers the qrv://reservations/{id} template, lists only the caller's, and reads one as JSON", async () => {
    const client = await mcpClient(key.key);
    const id = await book(client, where);
    const other = await mcpClient((await createApiKey("someone else")).key);
    const theirs = await book(other, where);

    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: "qrv://reservations/{id}", mimeType: "application/json" })]);
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain(`qrv://reservations/${id}`);
    expect(uris).not.toContain(`qrv://reservations/${theirs}`);

    const read = await client.readResource({ uri: `qrv://reservations/${id}` });
    const view = JSON.parse((read.contents[0] as { text: string }).text) as Structured;
    expect(view).toMatchObject({ reservation_id: id, service: where.service, area: where.area, party_size: 2 });
    await expect(client.readResource({ uri: `qrv://reservations/${theirs}` })).rejects.toThrow(/no such reservation/);
    await client.close();
    await other.close();
  });

  it("both a 2025-era client (given a session id at initialize) and a 2026-07-28 client are offered subscriptions", async () => {
    const legacy = await mcpClient(key.key);
    expect(legacy.getServerCapabilities()?.resources?.subscribe).toBe(true);
    expect((legacy.transport as StreamableHTTPClientTransport).sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await legacy.close();
    const modern = await modernClient(key.key);
    expect(modern.getServerCapabilities()?.resources?.subscribe).toBe(true);
    await modern.close();
  });
});

describe("live status", () => {
  it("a subscribed client sees calling → payment_pending → confirmed without calling a tool", async () => {
    const key = await createApiKey("live");
    const where = await seedShops([{ answer: "manual", priceJpy: 5500 }]);
    const client = await modernClient(key.key);
    const id = await book(client, where);
    const uri = `qrv://reservations/${id}`;
    const seen: string[] = [];
    const readStatus = async () => {
      const read = await client.readResource({ uri }, { cacheMode: "bypass" });
      const status = (JSON.parse((read.contents[0] as { text: string }).text) as { status: string }).status;
      if (seen.at(-1) !== status) seen.push(status);
    };
    let notified = 0;
    client.setNotificationHandler("notifications/resources/updated", async (n) => {
      if (n.params.uri !== uri) return;
      notified++;
      await readStatus();
    });
    const subscription = await client.listen({ resourceSubscriptions: [uri] });
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual([uri]);

    // The shop is answered by a person: QRV waits in `calling` until the sandbox answers.
    const call = await waitForQueuedCall(id);
    await readStatus();
    expect(seen.at(-1)).toBe("calling");
    await answerSandboxCall(call, "accepted");
    await expect.poll(() => seen.at(-1), { timeout: 10_000 }).toBe("payment_pending");
    await paySandbox((await record(id)).data.payment!.sessionId!);
    await expect.poll(() => seen.at(-1), { timeout: 10_000 }).toBe("confirmed");

    expect(notified).toBeGreaterThanOrEqual(2);
    expect(seen.filter((s) => ["calling", "payment_pending", "confirmed"].includes(s))).toEqual(["calling", "payment_pending", "confirmed"]);
    await subscription.close();
    await client.close();
  });

  it("a 2025-06-18 client that subscribes sees calling → payment_pending → confirmed on its GET stream, without polling", async () => {
    const key = await createApiKey("live 2025");
    const where = await seedShops([{ answer: "manual", priceJpy: 5500 }]);
    const client = await mcpClient(key.key);
    const id = await book(client, where);
    const uri = `qrv://reservations/${id}`;
    const seen: string[] = [];
    const readStatus = async () => {
      const read = await client.readResource({ uri });
      const status = (JSON.parse((read.contents[0] as { text: string }).text) as { status: string }).status;
      if (seen.at(-1) !== status) seen.push(status);
    };
    let notified = 0;
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (n) => {
      if (n.params.uri !== uri) return;
      notified++;
      await readStatus();
    });
    await client.subscribeResource({ uri });

    const call = await waitForQueuedCall(id);
    await readStatus();
    expect(seen.at(-1)).toBe("calling");
    await answerSandboxCall(call, "accepted");
    await expect.poll(() => seen.at(-1), { timeout: 15_000 }).toBe("payment_pending");
    await paySandbox((await record(id)).data.payment!.sessionId!);
    await expect.poll(() => seen.at(-1), { timeout: 15_000 }).toBe("confirmed");
    expect(notified).toBeGreaterThanOrEqual(2);
    expect(seen.filter((s) => ["calling", "payment_pending", "confirmed"].includes(s))).toEqual(["calling", "payment_pending", "confirmed"]);

    // Unsubscribed, a later change is not reported.
    await client.unsubscribeResource({ uri });
    const before = notified;
    await client.callTool({ name: "cancel_reservation", arguments: { reservation_id: id } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(notified).toBe(before);
    await client.close();
  });

  it("a 2025-era subscription names only the caller's own reservations, and is read only on its own credential's stream", async () => {
    const where = await seedShops([{ answer: "declined" }]);
    const owner = await mcpClient((await createApiKey("owner 2025")).key);
    const id = await book(owner, where);
    const stranger = await mcpClient((await createApiKey("stranger 2025")).key);
    await expect(stranger.subscribeResource({ uri: `qrv://reservations/${id}` })).rejects.toThrow(/no such reservation/);
    await owner.subscribeResource({ uri: `qrv://reservations/${id}` });
    // The owner's session id presented with another key opens a stream that carries nothing of the owner's.
    const sessionId = (owner.transport as StreamableHTTPClientTransport).sessionId!;
    const strangerKey = await createApiKey("stranger stream");
    const res = await exports.default.fetch("https://qrv.test/mcp", { headers: { Authorization: `Bearer ${strangerKey.key}`, Accept: "text/event-stream", "Mcp-Session-Id": sessionId } });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    let heard = "";
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const listening = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        heard += value;
      }
    })();
    await owner.callTool({ name: "cancel_reservation", arguments: { reservation_id: id } });
    await new Promise((r) => setTimeout(r, 2500));
    await reader.cancel();
    await listening.catch(() => {});
    expect(heard).toContain(": qrv subscriptions");
    expect(heard).not.toContain("resources/updated");
    expect(await db.select().from(mcpSubscriptions).where(and(eq(mcpSubscriptions.sessionId, sessionId), eq(mcpSubscriptions.owner, `api_key:${strangerKey.id}`)))).toEqual([]);
    // A browser page from another origin gets no stream, whatever key it carries.
    const foreign = await exports.default.fetch("https://qrv.test/mcp", { headers: { Authorization: `Bearer ${strangerKey.key}`, Accept: "text/event-stream", "Mcp-Session-Id": sessionId, Origin: "http://evil.example.com" } });
    expect(foreign.status).toBe(403);
    // Ending the session drops its subscriptions.
    await (owner.transport as StreamableHTTPClientTransport).terminateSession();
    expect(await db.select().from(mcpSubscriptions).where(eq(mcpSubscriptions.sessionId, sessionId))).toEqual([]);
    await owner.close();
    await stranger.close();
  });

  it("a subscription may name only the caller's own reservations", async () => {
    const where = await seedShops([{ answer: "declined" }]);
    const owner = await mcpClient((await createApiKey("owner")).key);
    const id = await book(owner, where);
    await owner.close();
    const stranger = await modernClient((await createApiKey("stranger")).key);
    await expect(stranger.listen({ resourceSubscriptions: [`qrv://reservations/${id}`] })).rejects.toThrow(/no such reservation/);
    await stranger.close();
  });
});

describe("prompts and completion", () => {
  let key: { key: string };
  let where: { service: string; area: string };
  beforeAll(async () => {
    key = await createApiKey("prompts");
    where = await seedShops([{ answer: "accepted" }], `ネイル${Math.random().toString(36).slice(2, 6)}`);
  });

  it("offers book_appointment with arguments and an icon, and fills it in", async () => {
    const client = await mcpClient(key.key);
    const { prompts } = await client.listPrompts();
    const prompt = prompts.find((p) => p.name === "book_appointment")!;
    expect(prompt.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([["service", true], ["area", true], ["when", false], ["party_size", false]]);
    expect(prompt.icons?.[0]?.src).toMatch(/^data:image\/svg\+xml;base64,/);
    const got = await client.getPrompt({ name: "book_appointment", arguments: { service: where.service, area: where.area, when: "tomorrow at 15:00", party_size: "2" } });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(text).toContain(`${where.service} in ${where.area} tomorrow at 15:00 for 2 people`);
    expect(text).toContain("request_reservation");
    await client.close();
  });

  it("completes service and area from the partner-shop list", async () => {
    const client = await mcpClient(key.key);
    const ref = { type: "ref/prompt" as const, name: "book_appointment" };
    const services = await client.complete({ ref, argument: { name: "service", value: where.service.slice(0, 4) } });
    expect(services.completion.values[0]).toBe(where.service);
    const areas = await client.complete({ ref, argument: { name: "area", value: "" }, context: { arguments: { service: where.service } } });
    expect(areas.completion.values).toEqual([where.area]);
    await client.close();
  });

  it("the server and its tools carry icons", async () => {
    const client = await mcpClient(key.key);
    expect((client.getServerVersion() as { icons?: unknown[] }).icons).toHaveLength(1);
    const { tools } = await client.listTools();
    const shopTools = ["list_services", "request_reservation", "list_my_reservations", "get_reservation", "cancel_reservation"];
    for (const t of tools.filter((t) => shopTools.includes(t.name))) expect(t.icons?.[0]?.mimeType, t.name).toBe("image/svg+xml");
    await client.close();
  });
});

describe("progress and logging while get_reservation waits for a change", () => {
  it("reports progress each second and answers as soon as the status moves", async () => {
    const key = await createApiKey("progress");
    const where = await seedShops([{ answer: "manual" }]);
    const client = await mcpClient(key.key);
    const id = await book(client, where);
    const call = await waitForQueuedCall(id);
    const logs: unknown[] = [];
    client.setNotificationHandler((await import("@modelcontextprotocol/sdk/types.js")).LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
    await client.setLoggingLevel("debug");
    const progress: { progress: number; total?: number; message?: string }[] = [];
    setTimeout(() => void answerSandboxCall(call, "accepted"), 1500);
    const started = Date.now();
    const result = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id, wait_seconds: 20 } }, undefined, { onprogress: (p) => void progress.push(p) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((result.structuredContent as Structured).status).not.toBe("calling");
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({ total: 20, message: expect.stringContaining(id) });
    expect(logs).toContainEqual(expect.objectContaining({ level: "debug", logger: "qrv.get_reservation" }));
    await waitForStatus(id, "payment_pending");
    await client.close();
  });
});

describe("logging at the level the client set", () => {
  it("a 2025-era client that asked for warnings and above gets no debug lines, on later requests too", async () => {
    const key = await createApiKey("quiet logs");
    const where = await seedShops([{ answer: "manual" }]);
    const client = await mcpClient(key.key);
    const id = await book(client, where);
    await waitForQueuedCall(id);
    await client.setLoggingLevel("warning");
    const logs: unknown[] = [];
    client.setNotificationHandler((await import("@modelcontextprotocol/sdk/types.js")).LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
    const progress: unknown[] = [];
    await client.callTool({ name: "get_reservation", arguments: { reservation_id: id, wait_seconds: 2 } }, undefined, { onprogress: (p) => void progress.push(p) });
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(logs).toEqual([]);
    await client.close();
  });
});

describe("asking the person through the client (elicitation on 2026-07-28)", () => {
  const answer = (call: string) => answerSandboxCall(call, "accepted");

  it("asks a waiting client to open the payment link (URL mode) when a shop accepts; the SMS goes out too", async () => {
    const key = await createApiKey("url elicitation");
    const where = await seedShops([{ answer: "manual", priceJpy: 7700 }]);
    const client = await modernClient(key.key, { capabilities: { elicitation: { form: {}, url: {} } } });
    const asked: { mode?: string; url?: string; message: string }[] = [];
    client.setRequestHandler("elicitation/create", async (req) => {
      asked.push(req.params as { mode?: string; url?: string; message: string });
      return { action: "accept" };
    });
    const id = await book(client, where);
    const call = await waitForQueuedCall(id);
    setTimeout(() => void answer(call), 1000);
    const result = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id, wait_seconds: 20 } });
    const view = result.structuredContent as Structured;
    expect(view.status).toBe("payment_pending");
    expect(asked).toEqual([expect.objectContaining({ mode: "url", url: view.payment_url, message: expect.stringContaining("7,700円") })]);
    // The payment SMS goes out as it always does.
    await expect.poll(async () => (await sentOf(id)).filter((r) => r.channel === "sms").map((r) => r.body).join("\n"), { timeout: 10_000 }).toMatch(/10分|10 minutes/);
    await client.close();
  });

  it("asks a signed-in person for a missing name and email (form mode) instead of failing, and remembers them", async () => {
    const where = await seedShops([{ answer: "declined" }]);
    const phone = uniqueMobile();
    const user = await upsertUser(db, phone);
    // The same factory /mcp uses, for a person signed in by phone whose name QRV does not know.
    const handler = createMcpHandler((ctx) => createQrvServer(env, { kind: "user", userId: user.id, phone }, ctx.era));
    const client = new ModernClient({ name: "signed-in", version: "1" }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: "2026-07-28" } } });
    const asked: { mode?: string; requestedSchema?: { properties: Record<string, unknown>; required?: string[] } }[] = [];
    client.setRequestHandler("elicitation/create", async (req) => {
      asked.push(req.params as (typeof asked)[number]);
      return { action: "accept", content: { name: "佐藤 花子", email: "hanako@example.com" } };
    });
    await client.connect(new ModernTransport(new URL("https://qrv.test/mcp"), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } });
    expect(result.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.mode ?? "form").toBe("form");
    expect(Object.keys(asked[0]!.requestedSchema!.properties)).toEqual(["name", "email"]);
    expect(asked[0]!.requestedSchema!.required).toEqual(["name"]);
    const id = (result.structuredContent as Structured).reservation_id as string;
    expect((await record(id)).requester).toMatchObject({ name: "佐藤 花子", phone, email: "hanako@example.com" });
    expect(await db.query.users.findFirst({ where: (u, { eq: is }) => is(u.phone, phone) })).toMatchObject({ name: "佐藤 花子", email: "hanako@example.com" });
    await client.close();
  });

  it("a 2025-era client that declared no elicitation is never asked and gets the result", async () => {
    const key = await createApiKey("legacy no elicitation");
    const where = await seedShops([{ answer: "manual" }]);
    const client = await mcpClient(key.key);
    const id = await book(client, where);
    const call = await waitForQueuedCall(id);
    setTimeout(() => void answer(call), 1000);
    const result = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id, wait_seconds: 20 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: "payment_pending", payment_url: expect.stringContaining("/sandbox/checkout/") });
    await client.close();
  });
});

describe("the approval record", () => {
  it("freezes and hashes what the requester approved, shows it in the result, get_reservation and the guest page", async () => {
    const key = await createApiKey("approval");
    const where = await seedShops([{ answer: "declined", priceJpy: 4000 }, { answer: "accepted", priceJpy: 6000 }]);
    const client = await modernClient(key.key);
    const start = startIn(72);
    const phone = uniqueMobile();
    const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start, party_size: 3, name: "山田 太郎", phone } });
    const out = result.structuredContent as { reservation_id: string; guest_url: string; approval: { hash: string; snapshot: Record<string, unknown> } };
    expect(out.approval.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.approval.snapshot).toMatchObject({
      service: where.service,
      area: where.area,
      start,
      party_size: 3,
      price_jpy: { min: 4000, max: 6000 },
      cancellation_policy: expect.stringContaining("48 hours"),
      requester: { name: "山田 太郎", phone: expect.not.stringContaining(phone.slice(-6)) },
      asked_by: { kind: "api_key", id: key.id, name: "approval" },
      client: { name: "qrv-test-2026", version: "1.0.0" },
    });
    // The hash is of the snapshot itself: recomputing it gives the same value.
    const { approvalHash } = await import("../src/domain/approval.ts");
    expect(await approvalHash(out.approval.snapshot as never)).toBe(out.approval.hash);
    const got = await client.callTool({ name: "get_reservation", arguments: { reservation_id: out.reservation_id } });
    expect((got.structuredContent as { approval: { hash: string } }).approval.hash).toBe(out.approval.hash);
    const page = await (await exports.default.fetch(out.guest_url)).text();
    expect(page).toContain(out.approval.hash);
    expect(page).toContain("お支払いは");
    await client.close();
  });

  it("a shop costing more than the approved maximum is never charged", async () => {
    const key = await createApiKey("approval cap");
    const where = await seedShops([{ answer: "declined", priceJpy: 5000 }]);
    const client = await modernClient(key.key);
    const id = await book(client, where);
    await waitForStatus(id, "no_shop_available");
    // An operator arranges another shop at a higher price: QRV refuses to ask for more than approved.
    const { reservationStub } = await import("../src/durable/client.ts");
    const result = await reservationStub(env, id).dispatch({ type: "assign_shop", shop: { id: "shp_dear", name: "高い店", phone: "+81300000001", priceJpy: 9000 }, operator: "テスト担当" }, "operator");
    expect(result.applied).toBe(false);
    expect(result.reason).toContain("more than the 5,000円 the requester approved");
    expect((await record(id)).data.payment).toBeUndefined();
    await client.close();
  });
});
