// The official MCP conformance suite's server scenarios against a running QRV, with a test API
// key added by a local proxy. The server runs with MCP_CONFORMANCE=true, so it also serves the
// suite's example tools, resources and prompts (src/mcp/conformance-fixtures.ts; a local
// sandbox only). Scenarios QRV cannot pass, and why, are listed in conformance-baseline.yml;
// anything else failing (or a listed one passing) fails the test.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAuthProxy } from "./auth-proxy.ts";
import { startServer, type RunningServer } from "./server.ts";

const require = createRequire(import.meta.url);
const CLI = require.resolve("@modelcontextprotocol/conformance/dist/index.js");
const BASELINE = new URL("./conformance-baseline.yml", import.meta.url).pathname;

describe("MCP conformance suite (server scenarios)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    // Its own server: the one the other browser tests share runs without the fixtures.
    server = await startServer({ vars: { MCP_CONFORMANCE: "true" } });
  }, 300_000);
  afterAll(() => server?.stop());

  it("passes every scenario that applies to QRV, and fails only those in the baseline", async () => {
    const proxy = await startAuthProxy(server.url, server.apiKey);
    const out = mkdtempSync(join(tmpdir(), "qrv-conformance-"));
    try {
      // Not spawnSync: the proxy lives in this process and must keep answering.
      const child = spawn(process.execPath, [CLI, "server", "--url", `${proxy.url}/mcp`, "--expected-failures", BASELINE, "--output-dir", out], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      const summary = output.slice(output.lastIndexOf("=== SUMMARY ==="));
      expect(summary, output.slice(-4000)).toMatch(/server-initialize: 1 passed, 0 failed/);
      expect(code, output.slice(-6000)).toBe(0);
    } finally {
      await proxy.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
