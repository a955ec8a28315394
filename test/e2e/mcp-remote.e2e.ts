// Claude Desktop reaches remote MCP servers through `mcp-remote`, a stdio-to-HTTP bridge started
// as `npx -y mcp-remote@0.15.1 URL --header "Authorization: Bearer KEY"`. This drives that
// bridge over stdio, as the desktop app does (MCP 2025-06-18 on the stdio side), against the
// local QRV: tools are listed, list_services answers, and a subscription to a reservation
// carries notifications/resources/updated back through the bridge. The bridge is the same
// version, pinned as a dev dependency, so the test needs no network.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { jstDateIn } from "./qrv.ts";

const MCP_REMOTE = fileURLToPath(new URL("../../node_modules/mcp-remote/dist/proxy.js", import.meta.url));

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown> & { structuredContent?: Record<string, unknown> };
  error?: { message: string };
}

/** mcp-remote over stdio: JSON-RPC requests in, responses and notifications out, one per line. */
function bridge(url: string, key: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [MCP_REMOTE, url, "--header", `Authorization: Bearer ${key}`], { cwd: tmpdir(), stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
  const waiting = new Map<number, (m: Message) => void>();
  const notifications: Message[] = [];
  let stderr = "";
  let buffer = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", (d: Buffer) => {
    buffer += d.toString();
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i).trim();
      buffer = buffer.slice(i + 1);
      if (!line) continue;
      const message = JSON.parse(line) as Message;
      if (message.id !== undefined && waiting.has(message.id)) {
        waiting.get(message.id)!(message);
        waiting.delete(message.id);
      } else if (message.method) notifications.push(message);
    }
  });
  let next = 0;
  return {
    notifications,
    stderr: () => stderr,
    rpc(method: string, params: Record<string, unknown> = {}, timeoutMs = 90_000): Promise<Message> {
      const id = ++next;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method}: no answer from mcp-remote in ${timeoutMs} ms\n${stderr.slice(-3000)}`)), timeoutMs);
        waiting.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      });
    },
    notify(method: string) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
    },
    close() {
      child.kill("SIGTERM");
    },
  };
}

describe("mcp-remote (Claude Desktop's bridge) against QRV", () => {
  it("initializes, lists tools, calls list_services and relays a subscription's updates", async () => {
    // As a user configures it: the loopback address and the API key as a header.
    const url = `${inject("qrvUrl").replace("localhost", "127.0.0.1")}/mcp`;
    const remote = bridge(url, inject("qrvApiKey"));
    try {
      const init = await remote.rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "claude-ai", version: "0.1.0" } }, 150_000);
      expect(init.result, remote.stderr().slice(-3000)).toMatchObject({ serverInfo: { name: "qrv" }, capabilities: { resources: { subscribe: true } } });
      remote.notify("notifications/initialized");

      const tools = await remote.rpc("tools/list");
      expect((tools.result!.tools as { name: string }[]).map((t) => t.name)).toEqual(expect.arrayContaining(["list_services", "request_reservation", "get_reservation", "cancel_reservation"]));
      const services = await remote.rpc("tools/call", { name: "list_services", arguments: {} });
      expect(services.result!.isError).toBeFalsy();
      const catalogue = services.result!.structuredContent!.services as { service: string; areas: { area: string }[] }[];
      expect(catalogue.length).toBeGreaterThan(0);

      // 14:00 Japan time, four days from now (within the sample shops' hours).
      const day = jstDateIn(4);
      const booked = await remote.rpc("tools/call", {
        name: "request_reservation",
        arguments: { service: catalogue[0]!.service, area: catalogue[0]!.areas[0]!.area, start: `${day}T14:00:00+09:00`, party_size: 1, name: "山田 太郎", phone: "090-1234-5678" },
      });
      const id = booked.result!.structuredContent!.reservation_id as string;
      expect(id, JSON.stringify(booked)).toMatch(/^QRV-/);
      const uri = `qrv://reservations/${id}`;
      expect((await remote.rpc("resources/subscribe", { uri })).error).toBeUndefined();
      // Cancelling changes the reservation; the update comes back through the bridge unasked.
      const before = remote.notifications.filter((n) => n.method === "notifications/resources/updated").length;
      await remote.rpc("tools/call", { name: "cancel_reservation", arguments: { reservation_id: id } });
      await expect
        .poll(() => remote.notifications.filter((n) => n.method === "notifications/resources/updated" && n.params?.uri === uri).length, { timeout: 15_000 })
        .toBeGreaterThan(before);
    } finally {
      remote.close();
    }
  }, 240_000);
});
