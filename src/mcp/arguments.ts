// Arguments a tool must never see. The tools' schemas refuse unknown fields, but a `__proto__`
// key slipped past that check, and arguments that are not an object at all came back as an
// internal error (-32603) quoting raw schema issues. Both are refused here, before the MCP
// server, as invalid params (-32602) naming the problem.

/** Keys that mean something to JavaScript objects rather than to a tool. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function forbiddenKey(value: unknown, depth = 0): string | null {
  if (depth > 20 || typeof value !== "object" || value === null) return null;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const inner = forbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (inner) return inner;
  }
  return null;
}

/** What is wrong with a tools/call message's arguments, or null. */
export function argumentsProblem(message: unknown): string | null {
  const m = message as { method?: unknown; params?: { arguments?: unknown } } | null;
  if (!m || typeof m !== "object" || m.method !== "tools/call" || typeof m.params !== "object" || m.params === null) return null;
  const args = m.params.arguments;
  if (args === undefined) return null;
  if (typeof args !== "object" || args === null || Array.isArray(args)) return `arguments must be an object of named fields, not ${Array.isArray(args) ? "an array" : args === null ? "null" : `a ${typeof args}`}`;
  const key = forbiddenKey(args);
  return key ? `unknown field ${key}` : null;
}

/**
 * A JSON-RPC answer refusing the first bad tools/call in a POST body, or null. `parsed`: the
 * body already parsed (null when it is not JSON); otherwise it is read from a clone.
 */
export async function refuseBadArguments(request: Request, parsed?: unknown): Promise<Response | null> {
  if (request.method !== "POST") return null;
  let body: unknown = parsed;
  if (parsed === undefined) {
    try {
      body = await request.clone().json();
    } catch {
      return null; // the MCP server answers a body that is not JSON
    }
  }
  if (body === null) return null;
  for (const message of Array.isArray(body) ? body : [body]) {
    const problem = argumentsProblem(message);
    if (problem) {
      const id = (message as { id?: unknown }).id ?? null;
      return Response.json({ jsonrpc: "2.0", id, error: { code: -32602, message: `Invalid params: ${problem}` } });
    }
  }
  return null;
}
