// Floor B: the same echo tool on the stateless createMcpHandler, a fresh SDK v2 server per request.
import { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import { z } from "zod";

const handler = createMcpHandler(
  () => {
    const server = new McpServer({ name: "echo-stateless", version: "1.0.0" });
    server.registerTool("echo", { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: "text", text }] }));
    return server;
  },
  { route: "/mcp" },
);

export default {
  fetch: (request, env, ctx) => handler(request, env, ctx),
} satisfies ExportedHandler;
