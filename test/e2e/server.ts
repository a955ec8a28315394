// Starts QRV the way `npm run dev` does, on a free port with its own fresh local state, for
// browser tests: migrations applied, the sample shops and the demo lodging imported, an API key created, sandbox
// providers answering at once. Secrets are the sandbox values of .dev.vars.example with a fresh
// console password, so a developer's own .dev.vars (or its absence) never changes the run.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../../scripts/lib/apikeys.ts";
import { seedDemoCoaches } from "../../scripts/lib/coaches.ts";
import { seedDemoLodging } from "../../scripts/lib/lodging.ts";
import { importShops } from "../../scripts/lib/shops.ts";
import { WRANGLER, migrate } from "../../scripts/lib/wrangler.ts";

export interface RunningServer {
  url: string;
  apiKey: string;
  /** ADMIN_PASSWORD for the operator console's local sign-in. */
  adminPassword: string;
  /** The wrangler process (workerd runs beneath it). */
  pid: number;
  /** The server's local state (for scripts that write to its D1 directly). */
  persistTo: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  /** Another wrangler config (in the repository's root, so its paths resolve the same). */
  config?: string;
  /** More vars for this server (e.g. MCP_CONFORMANCE), on top of the sandbox's. */
  vars?: Record<string, string>;
  /** More `wrangler dev` arguments (e.g. `--inspector-port` for a CPU profile). */
  args?: string[];
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const state = mkdtempSync(join(tmpdir(), "qrv-e2e-"));
  const persist = { persistTo: state };
  migrate("local", persist);
  importShops("data/sample-shops.csv", "local", persist);
  seedDemoCoaches("local", persist);
  seedDemoLodging("local", persist);
  const { key } = await createApiKey("browser tests", "local", persist);
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const adminPassword = randomBytes(12).toString("base64url");
  const secrets = join(state, "secrets.env");
  writeFileSync(secrets, readFileSync(".dev.vars.example", "utf8").replace(/^ADMIN_PASSWORD=.*$/m, `ADMIN_PASSWORD=${adminPassword}`));
  const child = await wranglerDev([
    ...(options.config ? ["--config", options.config] : []),
    ...["--port", String(port), "--persist-to", state, "--env-file", secrets, "--var", `PUBLIC_URL:${url}`, "--var", "SANDBOX_CALL_DELAY_SECONDS:0", "--var", "CALL_ROUND_DELAY_SECONDS:0", "--var", "BOOKING_RATE_LIMITS:off"],
    ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ...(options.args ?? []),
  ]);
  return {
    url,
    apiKey: key,
    adminPassword,
    pid: child.pid!,
    persistTo: state,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(state, { recursive: true, force: true });
    },
  };
}

/** `wrangler dev` with these arguments, once it is ready to serve. */
/**
 * wrangler's local trace collector (its "local explorer"): on by default, it records every
 * span (each D1 query, RPC, fetch) and log line of the Worker into a SQLite database of its
 * own, in the same workerd process. A deployed Worker does none of that work, and it costs
 * more CPU than many of the calls it traces, so servers started here run without it unless
 * X_LOCAL_OBSERVABILITY says otherwise (`npm run dev` keeps wrangler's default).
 */
export const LOCAL_OBSERVABILITY = process.env.X_LOCAL_OBSERVABILITY ?? "false";

export async function wranglerDev(args: string[], timeoutMs = 60_000): Promise<ChildProcess> {
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", X_LOCAL_OBSERVABILITY: LOCAL_OBSERVABILITY };
  const child = spawn(process.execPath, [WRANGLER, "dev", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!/Ready on/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`wrangler dev did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}
