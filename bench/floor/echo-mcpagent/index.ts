// Floor A: McpAgent (one Durable Object per MCP session) with one echo tool.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import { z } from "zod";

export class EchoMcp extends McpAgent {
  server = new McpServer({ name: "echo-mcpagent", version: "1.0.0" });

  async init(): Promise<void> {
    this.server.registerTool("echo", { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: "text", text }] }));
  }
}

export default EchoMcp.serve("/mcp", { binding: "MCP_OBJECT" });
