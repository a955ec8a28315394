// The MCP server is built for each request (src/mcp/server.ts). A single tools/call can reach
// only the tool it names, so only that tool is built; everything else gets the full server.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createQrvServer } from "../src/mcp/server.ts";
import { memoiseJsonSchema } from "../src/mcp/schema-cache.ts";
import { z } from "zod";

const auth = { kind: "api_key", apiKeyId: "key_build_test", apiKeyName: "build test" } as const;
const toolsOf = (server: object) => Object.keys((server as { _registeredTools: Record<string, unknown> })._registeredTools).sort();

describe("building the server for one request", () => {
  it("a tools/call builds only the tool it names; a listing, or a name of no tool, gets every tool", () => {
    const all = toolsOf(createQrvServer(env, auth, "modern"));
    expect(all).toEqual(expect.arrayContaining(["list_services", "request_reservation", "book_session_slot", "book_rooms"]));
    expect(toolsOf(createQrvServer(env, auth, "modern", undefined, "request_reservation"))).toEqual(["request_reservation"]);
    expect(toolsOf(createQrvServer(env, auth, "legacy", undefined, "book_rooms"))).toEqual(["book_rooms"]);
    expect(toolsOf(createQrvServer(env, auth, "modern", undefined, "no_such_tool"))).toEqual(all);
    expect(toolsOf(createQrvServer(env, auth, "modern"))).toEqual(all);
  });

  it("a schema's JSON Schema is converted once, and the copy cannot be changed", () => {
    const schema = memoiseJsonSchema(z.object({ name: z.string().describe("a name") }));
    const convert = () => schema["~standard"].jsonSchema.input({ target: "draft-2020-12" });
    const first = convert();
    expect(convert()).toBe(first);
    expect(first).toMatchObject({ type: "object", properties: { name: { type: "string", description: "a name" } } });
    expect(() => {
      (first.properties as Record<string, unknown>).name = {};
    }).toThrow(TypeError);
  });
});
