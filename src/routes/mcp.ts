// /mcp: the remote MCP endpoint (Streamable HTTP). Every request is authenticated first;
// the identity rides into the session's agent as props.
import { Hono } from "hono";
import { authenticateMcp } from "../auth/index.ts";
import { config } from "../config.ts";
import { QrvMcp } from "../mcp/server.ts";

export const mcp = new Hono<{ Bindings: Env }>();

const handler = QrvMcp.serve("/mcp", { binding: "MCP_OBJECT" });

mcp.all("/mcp", async (c) => {
  const ctx = c.executionCtx as ExecutionContext;
  if (c.req.method === "OPTIONS") return handler.fetch(c.req.raw, c.env, ctx);
  const result = await authenticateMcp(c.req.raw, c.env, config(c.env).publicUrl);
  if (!result.ok) return result.response;
  // McpAgent reads the caller's identity from ctx.props.
  const withProps = {
    waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p),
    passThroughOnException: () => ctx.passThroughOnException(),
    props: result.auth,
  } as unknown as ExecutionContext;
  return handler.fetch(c.req.raw, c.env, withProps);
});
