// The example tools, resources and prompts that the official MCP conformance suite
// (@modelcontextprotocol/conformance, server scenarios) calls by name: test_* tools, test://
// resources and test_* prompts. They exist only so the suite can exercise the protocol paths
// QRV's own tools use (content types, errors, progress, logging, completion, templates,
// subscriptions) against this server. They are registered only for a local sandbox run with
// MCP_CONFORMANCE=true on a loopback host (conformanceFixturesServe), never on a deployment.
import { completable, ResourceTemplate, type McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { isLoopbackHost, sandboxExposure } from "../sandbox-exposure.ts";

/**
 * Whether this request may see the conformance fixtures: only with MCP_CONFORMANCE=true, sandbox
 * providers that are not a public demo, and both the deployment's address and the request's
 * host on loopback. Live providers, a public demo or any public host never see them.
 */
export function conformanceFixturesServe(env: { PROVIDERS?: string; PUBLIC_DEMO?: string; PUBLIC_URL?: string; MCP_CONFORMANCE?: string }, requestUrl: string | URL | undefined): boolean {
  if (env.MCP_CONFORMANCE !== "true" || sandboxExposure(env) !== "local_only" || !requestUrl) return false;
  try {
    return isLoopbackHost(new URL(env.PUBLIC_URL || "http://localhost:8787").hostname) && isLoopbackHost(new URL(requestUrl).hostname);
  } catch {
    return false;
  }
}

/** A 1x1 red PNG. */
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/** One silent sample of 16-bit mono WAV. */
const WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQIAAAAAAA==";
/** The resource the subscription scenarios watch. */
export const WATCHED_FIXTURE_URI = "test://watched-resource";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noArgs = z.object({});

export function registerConformanceFixtures(server: McpServer): void {
  const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });

  server.registerTool("test_simple_text", { description: "Conformance fixture: returns one text block.", inputSchema: noArgs }, async () => text("This is a simple text response for testing."));
  server.registerTool("test_image_content", { description: "Conformance fixture: returns a 1x1 PNG image.", inputSchema: noArgs }, async () => ({
    content: [{ type: "image", data: PNG, mimeType: "image/png" }],
  }));
  server.registerTool("test_audio_content", { description: "Conformance fixture: returns a short WAV clip.", inputSchema: noArgs }, async () => ({
    content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }],
  }));
  server.registerTool("test_embedded_resource", { description: "Conformance fixture: returns an embedded text resource.", inputSchema: noArgs }, async () => ({
    content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } }],
  }));
  server.registerTool("test_multiple_content_types", { description: "Conformance fixture: returns text, an image and a resource.", inputSchema: noArgs }, async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG, mimeType: "image/png" },
      { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) } },
    ],
  }));
  server.registerTool("test_tool_with_logging", { description: "Conformance fixture: logs three info messages while it runs.", inputSchema: noArgs }, async (_args, ctx) => {
    await ctx.mcpReq.log("info", "Tool execution started", "conformance");
    await pause(50);
    await ctx.mcpReq.log("info", "Tool processing data", "conformance");
    await pause(50);
    await ctx.mcpReq.log("info", "Tool execution completed", "conformance");
    return text("Logging test completed: 3 messages sent.");
  });
  server.registerTool("test_error_handling", { description: "Conformance fixture: always fails with isError.", inputSchema: noArgs }, async () => ({
    ...text("This tool intentionally returns an error for testing"),
    isError: true,
  }));
  server.registerTool("test_tool_with_progress", { description: "Conformance fixture: reports progress 0, 50 and 100 of 100.", inputSchema: noArgs }, async (_args, ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (token !== undefined) await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress, total: 100 } });
      if (progress < 100) await pause(50);
    }
    return text("Progress test completed.");
  });
  // Server-to-client requests. A 2025-era client that declared the capability at initialize is
  // asked on the call's stream and its answer, POSTed separately, comes back through an exchange
  // (src/mcp/exchange.ts); any other client's request is refused at once, and the tool says so
  // instead of hanging.
  const asked = async (what: string, ask: () => Promise<unknown>) => {
    try {
      return text(`${what}: ${JSON.stringify(await ask())}`);
    } catch (err) {
      return { ...text(`${what} unavailable: ${err instanceof Error ? err.message : String(err)}`), isError: true };
    }
  };
  server.registerTool("test_sampling", { description: "Conformance fixture: asks the client's model to answer a prompt.", inputSchema: z.object({ prompt: z.string() }) }, async ({ prompt }, ctx) =>
    asked("LLM response", () => ctx.mcpReq.requestSampling({ messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 })),
  );
  server.registerTool("test_elicitation", { description: "Conformance fixture: asks the user for a username and email.", inputSchema: z.object({ message: z.string() }) }, async ({ message }, ctx) =>
    asked("User response", () =>
      ctx.mcpReq.elicitInput({
        message,
        requestedSchema: {
          type: "object",
          properties: { username: { type: "string", description: "User's response" }, email: { type: "string", description: "User's email address" } },
          required: ["username", "email"],
        },
      }),
    ),
  );
  server.registerTool("test_elicitation_sep1034_defaults", { description: "Conformance fixture: asks with a default for every primitive type.", inputSchema: noArgs }, async (_args, ctx) =>
    asked("Elicitation completed", () =>
      ctx.mcpReq.elicitInput({
        message: "Please review your information",
        requestedSchema: {
          type: "object",
          properties: {
            name: { type: "string", description: "User name", default: "John Doe" },
            age: { type: "integer", description: "User age", default: 30 },
            score: { type: "number", description: "User score", default: 95.5 },
            status: { type: "string", description: "User status", enum: ["active", "inactive", "pending"], default: "active" },
            verified: { type: "boolean", description: "Verification status", default: true },
          },
          required: [],
        },
      }),
    ),
  );
  server.registerTool("test_elicitation_sep1330_enums", { description: "Conformance fixture: asks with each kind of enum field.", inputSchema: noArgs }, async (_args, ctx) =>
    asked("Elicitation completed", () =>
      ctx.mcpReq.elicitInput({
        message: "Please choose",
        requestedSchema: {
          type: "object",
          properties: {
            untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
            titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First Option" }, { const: "value2", title: "Second Option" }, { const: "value3", title: "Third Option" }] },
            legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
            untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
            titledMulti: { type: "array", items: { anyOf: [{ const: "value1", title: "First Choice" }, { const: "value2", title: "Second Choice" }, { const: "value3", title: "Third Choice" }] } },
          },
        },
      }),
    ),
  );

  server.registerResource("test_static_text", "test://static-text", { description: "Conformance fixture: a text resource.", mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "This is the content of the static text resource." }],
  }));
  server.registerResource("test_static_binary", "test://static-binary", { description: "Conformance fixture: a binary resource (PNG).", mimeType: "image/png" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "image/png", blob: PNG }],
  }));
  server.registerResource("test_watched_resource", WATCHED_FIXTURE_URI, { description: "Conformance fixture: a resource to subscribe to.", mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched resource content." }],
  }));
  server.registerResource("test_template", new ResourceTemplate("test://template/{id}/data", { list: undefined }), { description: "Conformance fixture: a resource template.", mimeType: "application/json" }, async (uri, { id }) => ({
    contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
  }));

  server.registerPrompt("test_simple_prompt", { description: "Conformance fixture: a prompt without arguments." }, () => ({
    messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }));
  server.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "Conformance fixture: a prompt with two arguments.",
      argsSchema: z.object({
        arg1: completable(z.string().describe("First test argument"), (value) => ["testValue1", "testValue2"].filter((v) => v.startsWith(value) || !value)),
        arg2: z.string().describe("Second test argument"),
      }),
    },
    ({ arg1, arg2 }) => ({ messages: [{ role: "user", content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }),
  );
  server.registerPrompt(
    "test_prompt_with_embedded_resource",
    { description: "Conformance fixture: a prompt that embeds a resource.", argsSchema: z.object({ resourceUri: z.string().describe("URI of the resource to embed") }) },
    ({ resourceUri }) => ({
      messages: [
        { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
        { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
      ],
    }),
  );
  server.registerPrompt("test_prompt_with_image", { description: "Conformance fixture: a prompt with an image." }, () => ({
    messages: [
      { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }));
}
