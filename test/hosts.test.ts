// Whatever host name reaches the Worker, an API key works; OAuth discovery on a host that is not
// PUBLIC_URL (here https://qrv.test) points at the canonical address instead of a bare 404.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, seedShops, startIn, uniqueMobile } from "./helpers.ts";

async function clientAt(origin: string, key: string): Promise<Client> {
  const client = new Client({ name: "host-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
      fetch: (url, init) => exports.default.fetch(new Request(url, init)),
    }),
  );
  return client;
}

describe("an API key on any host name", () => {
  let key: string;
  let where: { service: string; area: string };
  beforeAll(async () => {
    key = (await createApiKey("any host")).key;
    where = await seedShops([{ answer: "manual" }]);
  });

  for (const origin of ["http://127.0.0.1:8787", "http://localhost:8787", "https://qrv.example-team.workers.dev", "https://book.example.jp", "https://qrv.test"]) {
    it(`books through ${origin}/mcp`, async () => {
      const client = await clientAt(origin, key);
      const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1, name: "山田 太郎", phone: uniqueMobile() } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      // Links still point at the canonical address.
      expect((result.structuredContent as { guest_url: string }).guest_url).toMatch(/^https:\/\/qrv\.test\/r\//);
      await client.close();
    });
  }

  it("a wrong key is still refused on another host", async () => {
    const res = await exports.default.fetch("http://127.0.0.1:8787/mcp", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", Authorization: "Bearer qrv_not-a-key" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(res.status).toBe(401);
  });
});

describe("OAuth on a host that is not PUBLIC_URL", () => {
  for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-authorization-server"]) {
    it(`${path} points at the canonical address`, async () => {
      const res = await exports.default.fetch(`http://127.0.0.1:8787${path}`);
      expect(res.status).toBe(421);
      const body = (await res.json()) as { error: string; error_description: string; resource: string; resource_metadata: string };
      expect(body).toMatchObject({ error: "wrong_host", resource: "https://qrv.test/mcp", resource_metadata: "https://qrv.test/.well-known/oauth-protected-resource/mcp" });
      expect(body.error_description).toContain("https://qrv.test/mcp");
    });
  }

  it("/mcp without an API key says where sign-in works", async () => {
    const res = await exports.default.fetch("https://qrv.example-team.workers.dev/mcp", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain('resource_metadata="https://qrv.test/.well-known/oauth-protected-resource/mcp"');
  });

  it("the canonical host serves discovery as before", async () => {
    const res = await exports.default.fetch("https://qrv.test/.well-known/oauth-protected-resource/mcp");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resource: "https://qrv.test/mcp" });
  });

  it("pages are served on any host", async () => {
    expect((await exports.default.fetch("http://127.0.0.1:8787/faq")).status).toBe(200);
  });
});
