// Floor D, the stateless write floor: floor B's createMcpHandler (a fresh SDK v2 server per
// request, no session object) whose tool makes floor C's write: one call to a new Durable Object
// (one per call, as each booking has its own), which commits one D1 batch and sends one queue
// message. QRV's MCP server is stateless, so this is the floor its booking call compares with.
import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";

interface FloorEnv {
  WRITER: DurableObjectNamespace<Writer>;
  DB: D1Database;
  JOBS: Queue<{ id: string }>;
}

export class Writer extends DurableObject<FloorEnv> {
  async write(id: string, text: string): Promise<number> {
    const now = Date.now();
    const db = this.env.DB;
    await db.batch([
      db.prepare("INSERT INTO records (id, body, version, created_at) VALUES (?, ?, 1, ?)").bind(id, text, now),
      db.prepare("INSERT INTO events (record_id, type, created_at) VALUES (?, 'create', ?)").bind(id, now),
      db.prepare("INSERT INTO jobs (id, record_id, payload, created_at) VALUES (?, ?, ?, ?)").bind(`job_${id}`, id, text, now),
    ]);
    await this.env.JOBS.send({ id: `job_${id}` });
    return now;
  }
}

function server(env: FloorEnv): McpServer {
  const s = new McpServer({ name: "write-stateless", version: "1.0.0" });
  s.registerTool("write", { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => {
    const id = crypto.randomUUID();
    await env.WRITER.get(env.WRITER.idFromName(id)).write(id, text);
    return { content: [{ type: "text", text: id }] };
  });
  return s;
}

let handler: ReturnType<typeof createMcpHandler> | undefined;

export default {
  fetch: (request, env, ctx) => {
    handler ??= createMcpHandler(() => server(env), { route: "/mcp" });
    return handler(request, env, ctx);
  },
} satisfies ExportedHandler<FloorEnv>;
