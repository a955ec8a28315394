// Floor C, the write floor: floor A's McpAgent whose tool makes one call to a new Durable Object
// (one per call, as each booking has its own), which commits one D1 batch and sends one queue
// message: the least a booking can write.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { DurableObject } from "cloudflare:workers";
import { McpAgent } from "agents/mcp";
import { z } from "zod";

interface FloorEnv {
  MCP_OBJECT: DurableObjectNamespace<WriteMcp>;
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

// McpAgent's Env is the global Cloudflare.Env (QRV's); this Worker's bindings are FloorEnv.
export class WriteMcp extends McpAgent {
  server = new McpServer({ name: "write-floor", version: "1.0.0" });

  async init(): Promise<void> {
    this.server.registerTool("write", { inputSchema: { text: z.string() } }, async ({ text }) => {
      const id = crypto.randomUUID();
      const writer = (this.env as unknown as FloorEnv).WRITER;
      await writer.get(writer.idFromName(id)).write(id, text);
      return { content: [{ type: "text", text: id }] };
    });
  }
}

const mcp = WriteMcp.serve("/mcp", { binding: "MCP_OBJECT" });

export default {
  fetch: (request, env, ctx) => mcp.fetch(request, env, ctx),
} satisfies ExportedHandler<FloorEnv>;
