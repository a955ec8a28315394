// The conformance suite's example tools, resources and prompts exist only on a local sandbox
// that asks for them (MCP_CONFORMANCE=true on localhost); never on a demo, live providers or a
// public host.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { conformanceFixturesServe } from "../src/mcp/conformance-fixtures.ts";
import { createApiKey } from "./helpers.ts";

type Vars = Partial<Record<"PROVIDERS" | "PUBLIC_DEMO" | "PUBLIC_URL" | "MCP_CONFORMANCE", string>>;

const localFlagged: Vars = { PROVIDERS: "sandbox", PUBLIC_DEMO: "", PUBLIC_URL: "http://localhost:8787", MCP_CONFORMANCE: "true" };

async function clientOn(vars: Vars, base: string): Promise<Client> {
  const { key } = await createApiKey("conformance fixtures");
  const client = new Client({ name: "fixtures-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
      fetch: (url, init) => {
        // A local client names the host it reached, as a real one does.
        const request = new Request(url, init);
        request.headers.set("Host", new URL(request.url).host);
        return Promise.resolve(worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...vars } as Env, createExecutionContext()));
      },
    }),
  );
  return client;
}

const fixtureNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith("test_"));

describe("MCP conformance fixtures", () => {
  it("are served by a local sandbox with MCP_CONFORMANCE=true, on localhost, and behave as the suite expects", async () => {
    const client = await clientOn(localFlagged, "http://localhost:8787");
    expect(await fixtureNames(client)).toEqual(expect.arrayContaining(["test_simple_text", "test_tool_with_progress", "test_error_handling", "test_elicitation"]));
    expect(await client.callTool({ name: "test_simple_text", arguments: {} })).toMatchObject({ content: [{ type: "text", text: "This is a simple text response for testing." }] });
    expect(await client.callTool({ name: "test_error_handling", arguments: {} })).toMatchObject({ isError: true });
    expect((await client.readResource({ uri: "test://template/123/data" })).contents[0]).toMatchObject({ uri: "test://template/123/data", text: expect.stringContaining("123") });
    const prompt = await client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "a1", arg2: "b2" } });
    expect(JSON.stringify(prompt.messages)).toContain("arg1='a1', arg2='b2'");
    // QRV's own tools are still there.
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("request_reservation");
    await client.close();
  });

  it("are absent without the flag, on a public demo, and with live providers", async () => {
    const unflagged = await clientOn({ ...localFlagged, MCP_CONFORMANCE: "" }, "http://localhost:8787");
    expect(await fixtureNames(unflagged)).toEqual([]);
    await unflagged.close();
    // A public demo (sandbox providers on a public address) with the flag set.
    const demo = await clientOn({ ...localFlagged, PUBLIC_DEMO: "true", PUBLIC_URL: "https://qrv-demo.test" }, "https://qrv-demo.test");
    expect(await fixtureNames(demo)).toEqual([]);
    await expect(demo.callTool({ name: "test_simple_text", arguments: {} })).rejects.toThrow(/Tool test_simple_text not found/);
    await expect(demo.readResource({ uri: "test://static-text" })).rejects.toThrow(/not found/i);
    await demo.close();
    // Live providers, even on localhost with the flag.
    const live = await clientOn({ ...localFlagged, PROVIDERS: "live" }, "http://localhost:8787");
    expect(await fixtureNames(live)).toEqual([]);
    expect((await live.listTools()).tools.map((t) => t.name)).toContain("request_reservation");
    await live.close();
  });

  it("are decided by configuration and host together: never with live providers or off loopback", () => {
    expect(conformanceFixturesServe(localFlagged, "http://localhost:8787/mcp")).toBe(true);
    expect(conformanceFixturesServe(localFlagged, "http://127.0.0.1:9000/mcp")).toBe(true);
    expect(conformanceFixturesServe({ ...localFlagged, MCP_CONFORMANCE: "1" }, "http://localhost:8787/mcp")).toBe(false);
    expect(conformanceFixturesServe({ ...localFlagged, PROVIDERS: "live" }, "http://localhost:8787/mcp")).toBe(false);
    expect(conformanceFixturesServe({ ...localFlagged, PUBLIC_DEMO: "true" }, "http://localhost:8787/mcp")).toBe(false);
    expect(conformanceFixturesServe(localFlagged, "https://qrv.example.jp/mcp")).toBe(false);
    expect(conformanceFixturesServe({ ...localFlagged, PUBLIC_URL: "https://qrv.example.jp" }, "http://localhost:8787/mcp")).toBe(false);
    expect(conformanceFixturesServe(localFlagged, undefined)).toBe(false);
  });
});
