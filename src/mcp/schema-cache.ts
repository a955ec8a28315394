// Tool schemas converted to JSON Schema once per isolate. The MCP server is built fresh for
// every request (server.ts), and the SDK converts a tool's zod schemas to JSON Schema on each
// server: its input schema on every tools/call (to check Mcp-Param headers before dispatch) and
// its output schema to shape the result, on top of tools/list. A zod schema never changes once
// built, so its JSON Schema is kept on the schema object itself, deep-frozen so that nothing can
// alter the copy the next request gets.
type JsonSchemaMethod = (options: { target: string; libraryOptions?: Record<string, unknown> }) => Record<string, unknown>;
interface Standard {
  jsonSchema?: { input: JsonSchemaMethod; output: JsonSchemaMethod };
  [key: string]: unknown;
}

const memoised = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function memo(method: JsonSchemaMethod): JsonSchemaMethod {
  const byTarget = new Map<string, Record<string, unknown>>();
  return (options) => {
    // Options beyond the target would change the output: those are not cached.
    if (options.libraryOptions) return method(options);
    let hit = byTarget.get(options.target);
    if (!hit) {
      hit = deepFreeze(method(options));
      byTarget.set(options.target, hit);
    }
    return hit;
  };
}

/** Makes `schema`'s JSON Schema conversions (Standard JSON Schema, `~standard.jsonSchema`) happen once. */
export function memoiseJsonSchema<T>(schema: T): T {
  if (!schema || typeof schema !== "object" || memoised.has(schema)) return schema;
  const holder = schema as { "~standard"?: Standard };
  const std = holder["~standard"];
  if (!std?.jsonSchema) return schema;
  // zod's `~standard` has a setter that stores the value on the instance.
  holder["~standard"] = { ...std, jsonSchema: { input: memo(std.jsonSchema.input), output: memo(std.jsonSchema.output) } };
  memoised.add(schema);
  return schema;
}
