// MCP authorization: an MCP client that has never seen QRV registers, its user signs in with
// a code sent by SMS, consents, and books; nobody reaches a reservation that is not theirs.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loginCodes } from "../src/db/schema.ts";
import { Browser, field, smsCode } from "./browser-client.ts";
import { createApiKey, db, mcpClient, record, seedShops, startIn } from "./helpers.ts";
import { randomMobile } from "./mobile.ts";

const BASE = "https://qrv.test";
const workerFetch = (url: string | URL, init?: RequestInit) => exports.default.fetch(new Request(url, init));

/** A test MCP client application: remembers its registration, tokens and verifier in memory. */
class TestClientApp implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = "";
  readonly redirectUrl = "http://localhost:4567/callback";
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: "Test Assistant", redirect_uris: [this.redirectUrl], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.#verifier = v;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

async function requestCode(browser: Browser, next: string, phone: string) {
  const res = await browser.request("/authorize/phone", { form: { next, phone } });
  const html = await res.text();
  return { res, html, loginId: res.status === 200 ? field(html, "login_id") : undefined };
}

/** The person's part: phone, code from the SMS, consent. Returns the authorization code. */
async function signIn(browser: Browser, authorizationUrl: URL, phone: string, details: { name?: string; email?: string } = {}): Promise<string> {
  const start = await browser.request(authorizationUrl.toString());
  expect(start.status).toBe(200);
  const next = field(await start.text(), "next");
  const { loginId } = await requestCode(browser, next, phone);
  const verified = await browser.request("/authorize/code", { form: { next, login_id: loginId!, code: await smsCode(loginId!) } });
  expect(verified.status).toBe(303);
  const consent = await browser.request(verified.headers.get("Location")!);
  const html = await consent.text();
  expect(html).toContain("Test Assistant");
  expect(html).toContain("localhost");
  const approved = await browser.request("/authorize", { form: { handle: field(html, "handle"), decision: "approve", name: details.name ?? "", email: details.email ?? "" } });
  expect(approved.status).toBe(302);
  const back = new URL(approved.headers.get("Location")!);
  expect(back.origin + back.pathname).toBe("http://localhost:4567/callback");
  expect(back.searchParams.get("iss")).toBe(BASE);
  return back.searchParams.get("code")!;
}

/** Registration, sign-in and token, the way an MCP client does it; returns a connected client. */
async function connectAsPerson(phone: string, details: { name?: string; email?: string } = {}) {
  const app = new TestClientApp();
  const first = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { authProvider: app, fetch: workerFetch });
  await expect(new Client({ name: "t", version: "1" }).connect(first)).rejects.toThrow(/Unauthorized/i);
  expect(app.authorizationUrl).toBeDefined();
  const code = await signIn(new Browser(), app.authorizationUrl!, phone, details);
  await first.finishAuth(code);
  const client = new Client({ name: "Test Assistant", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { authProvider: app, fetch: workerFetch }));
  return { client, app, code };
}

function uniqueMobile(): string {
  return randomMobile("090");
}
const e164 = (national: string) => `+81${national.slice(1)}`;

afterEach(() => {
  vi.useRealTimers();
});

describe("discovery", () => {
  it("publishes protected resource and authorization server metadata", async () => {
    const prm = await (await workerFetch(`${BASE}/.well-known/oauth-protected-resource/mcp`)).json<Record<string, unknown>>();
    expect(prm).toMatchObject({ resource: `${BASE}/mcp`, authorization_servers: [BASE], scopes_supported: ["reservations"] });
    const as = await (await workerFetch(`${BASE}/.well-known/oauth-authorization-server`)).json<Record<string, unknown>>();
    expect(as).toMatchObject({
      issuer: BASE,
      authorization_endpoint: `${BASE}/authorize`,
      token_endpoint: `${BASE}/oauth/token`,
      registration_endpoint: `${BASE}/oauth/register`,
      code_challenge_methods_supported: ["S256"],
    });
    expect(as.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token"]));
  });
});

describe("signing in with a phone number and booking", () => {
  it("registers, signs in with the SMS code, consents, and books for the verified number", async () => {
    await seedShops([{ answer: "manual" }], "OAuthカット");
    const where = await seedShops([{ answer: "manual" }], "OAuthカット");
    const phone = uniqueMobile();
    const { client, app } = await connectAsPerson(phone, { name: "佐藤 花子", email: "hanako@example.com" });
    expect(app.tokens()).toMatchObject({ token_type: expect.stringMatching(/bearer/i), refresh_token: expect.any(String) });

    // No phone or name needed: the token says who this is.
    const booked = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 2 } });
    expect(booked.isError).toBeFalsy();
    const id = (booked.structuredContent as { reservation_id: string }).reservation_id;
    expect((await record(id)).requester).toEqual({ name: "佐藤 花子", phone: e164(phone), email: "hanako@example.com", language: "ja" });
    // What the person approved names the OAuth client the token was issued to.
    const snapshot = (booked.structuredContent as { approval: { snapshot: { client?: { oauth_client_id?: string } } } }).approval.snapshot;
    expect(snapshot.client?.oauth_client_id).toBe(app.clientInformation()!.client_id);

    const mine = await client.callTool({ name: "list_my_reservations", arguments: {} });
    expect((mine.structuredContent as { reservations: { reservation_id: string }[] }).reservations.map((r) => r.reservation_id)).toEqual([id]);

    // Booking for somebody else's number is refused.
    const other = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 2, phone: "080-9999-0000" } });
    expect(other.isError).toBe(true);
    expect(JSON.stringify(other.content)).toContain("phone: you are signed in as");
    await client.close();
  });

  it("one person cannot read or cancel another's reservation, nor can an integrator's key", async () => {
    const where = await seedShops([{ answer: "manual" }], "OAuth整体");
    const alice = await connectAsPerson(uniqueMobile(), { name: "Alice" });
    const id = ((await alice.client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } })).structuredContent as { reservation_id: string }).reservation_id;
    const bob = await connectAsPerson(uniqueMobile(), { name: "Bob" });
    const integrator = await mcpClient((await createApiKey("integrator")).key);
    for (const client of [bob.client, integrator]) {
      for (const name of ["get_reservation", "cancel_reservation"]) {
        const result = await client.callTool({ name, arguments: { reservation_id: id } });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toContain("no reservation");
      }
      const list = await client.callTool({ name: "list_my_reservations", arguments: {} });
      expect(JSON.stringify(list.structuredContent)).not.toContain(id);
    }
    expect((await record(id)).status).not.toBe("cancelled");
    const own = await alice.client.callTool({ name: "get_reservation", arguments: { reservation_id: id } });
    expect(own.structuredContent).toMatchObject({ reservation_id: id });
    await Promise.all([alice.client.close(), bob.client.close(), integrator.close()]);
  });

  it("a refreshed token carries the name the person gave since", async () => {
    const where = await seedShops([{ answer: "manual" }], "OAuthネイル");
    const { client, app } = await connectAsPerson(uniqueMobile());
    const noName = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } });
    expect(JSON.stringify(noName.content)).toContain("name: required");
    await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1, name: "高橋 一郎" } });
    const refreshed = await workerFetch(`${BASE}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: app.tokens()!.refresh_token!, client_id: app.clientInformation()!.client_id, resource: `${BASE}/mcp` }),
    });
    expect(refreshed.status).toBe(200);
    const tokens = await refreshed.json<OAuthTokens>();
    app.saveTokens(tokens);
    const again = new Client({ name: "t", version: "1" });
    await again.connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { authProvider: app, fetch: workerFetch }));
    const booked = await again.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } });
    expect(booked.isError).toBeFalsy();
    expect((await record((booked.structuredContent as { reservation_id: string }).reservation_id)).requester.name).toBe("高橋 一郎");
    await Promise.all([client.close(), again.close()]);
  });
});

describe("tokens", () => {
  it("an authorization code works once", async () => {
    const { app, code, client } = await connectAsPerson(uniqueMobile(), { name: "X" });
    const reuse = await workerFetch(`${BASE}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: app.redirectUrl, client_id: app.clientInformation()!.client_id, code_verifier: app.codeVerifier() }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: "invalid_grant" });
    await client.close();
  });

  it("refuses a token for another audience", async () => {
    const { app, client } = await connectAsPerson(uniqueMobile(), { name: "X" });
    const res = await workerFetch(`${BASE}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: app.tokens()!.refresh_token!, client_id: app.clientInformation()!.client_id, resource: "https://other.example/mcp" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_target" });
    await client.close();
  });

  it("an expired access token is refused", async () => {
    const { app, client } = await connectAsPerson(uniqueMobile(), { name: "X" });
    await client.close();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 3_600_000 });
    const res = await workerFetch(`${BASE}/mcp`, {
      method: "POST",
      headers: { Authorization: `Bearer ${app.tokens()!.access_token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("invalid_token");
  });
});

describe("sign-in codes", () => {
  async function authorizeUrl(): Promise<string> {
    const app = new TestClientApp();
    await expect(new Client({ name: "t", version: "1" }).connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { authProvider: app, fetch: workerFetch }))).rejects.toThrow();
    const start = await new Browser().request(app.authorizationUrl!.toString());
    return field(await start.text(), "next");
  }

  it("allow five tries, then a new code is needed", async () => {
    const next = await authorizeUrl();
    const browser = new Browser();
    const { loginId } = await requestCode(browser, next, uniqueMobile());
    const code = await smsCode(loginId!);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 4; i >= 1; i--) {
      const res = await browser.request("/authorize/code", { form: { next, login_id: loginId!, code: wrong } });
      expect(await res.text()).toContain(`あと${i}回`);
    }
    expect(await (await browser.request("/authorize/code", { form: { next, login_id: loginId!, code: wrong } })).text()).toContain("上限");
    const right = await browser.request("/authorize/code", { form: { next, login_id: loginId!, code } });
    expect(right.status).toBe(400);
    expect(browser.cookies.size).toBe(0);
  });

  it("expire after 10 minutes", async () => {
    const next = await authorizeUrl();
    const browser = new Browser();
    const { loginId } = await requestCode(browser, next, uniqueMobile());
    const code = await smsCode(loginId!);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60_000 + 1000 });
    const res = await browser.request("/authorize/code", { form: { next, login_id: loginId!, code } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("有効期限");
  });

  it("are limited per number and per client address", async () => {
    const next = await authorizeUrl();
    const phone = uniqueMobile();
    const browser = new Browser();
    for (let i = 0; i < 3; i++) expect((await requestCode(browser, next, phone)).res.status).toBe(200);
    const fourth = await requestCode(browser, next, phone);
    expect(fourth.res.status).toBe(429);
    const crowd = new Browser();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await requestCode(crowd, next, uniqueMobile())).res.status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("go only to allowed numbers (Japanese mobiles by default), and nothing is sent otherwise", async () => {
    const next = await authorizeUrl();
    const before = (await db.select().from(loginCodes)).length;
    for (const phone of ["03-6000-1234", "0800-336-9004", "0120-123-456", "+1 415 555 0100", "12"]) {
      const { res, html } = await requestCode(new Browser(), next, phone);
      expect(res.status).toBe(400);
      expect(html).toMatch(/携帯電話番号|電話番号を確認/);
    }
    expect((await db.select().from(loginCodes)).length).toBe(before);
  });

  it("the consent page cannot be skipped without a verified number, and another origin cannot come back", async () => {
    const next = await authorizeUrl();
    const res = await new Browser().request("/authorize", { form: { handle: "forged", decision: "approve" } });
    expect(res.status).toBe(400);
    const open = await new Browser().request("/authorize/phone", { form: { next: "https://evil.example/", phone: uniqueMobile() } });
    expect(open.status).toBe(400);
    expect(next.startsWith("/authorize?")).toBe(true);
  });
});
