// npm run dev: everything on one machine with sandbox providers. Prepares .dev.vars, migrates
// the local D1, imports the sample shops, makes sure a demo API key exists, then starts
// wrangler dev on http://localhost:8787 (or $PORT).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sha256Hex } from "../src/domain/ids.ts";
import { createApiKey } from "./lib/apikeys.ts";
import { importShops } from "./lib/shops.ts";
import { migrate, query, wranglerSpawn } from "./lib/wrangler.ts";

const port = Number(process.env.PORT) || 8787;
const base = `http://localhost:${port}`;
const STATE = ".qrv-dev.json";

function step(text: string) {
  console.log(`▸ ${text}`);
}

if (!existsSync(".dev.vars")) {
  const example = readFileSync(".dev.vars.example", "utf8");
  writeFileSync(".dev.vars", example.replace(/^ADMIN_PASSWORD=.*$/m, `ADMIN_PASSWORD=${randomBytes(12).toString("base64url")}`));
  step("created .dev.vars from .dev.vars.example (sandbox secrets)");
}

step("applying D1 migrations to the local database");
migrate("local");

step("importing sample partner shops (data/sample-shops.csv)");
const { imported } = importShops("data/sample-shops.csv", "local");
console.log(`  ${imported} shops`);

async function demoKey(): Promise<string> {
  if (existsSync(STATE)) {
    const saved = JSON.parse(readFileSync(STATE, "utf8")) as { apiKey?: string };
    if (saved.apiKey) {
      const rows = query<{ n: number }>("local", `SELECT count(*) AS n FROM api_keys WHERE key_hash = '${await sha256Hex(saved.apiKey)}' AND revoked_at IS NULL`);
      if (rows[0]?.n) return saved.apiKey;
    }
  }
  const { key } = await createApiKey("local demo", "local");
  writeFileSync(STATE, `${JSON.stringify({ apiKey: key }, null, 2)}\n`);
  return key;
}

step("checking the local demo API key");
const key = await demoKey();
const adminPassword = readFileSync(".dev.vars", "utf8").match(/^ADMIN_PASSWORD=(.*)$/m)?.[1]?.trim() ?? "(set ADMIN_PASSWORD in .dev.vars)";

console.log(`
  QRV is starting on ${base} (sandbox providers: nothing leaves this machine)
  MCP endpoint   ${base}/mcp
  API key        ${key}
  Sandbox        ${base}/sandbox   (messages, calls to answer, checkout)
  Console        ${base}/admin     (operators; password ${adminPassword})
  Try it         npm run demo      (in another terminal)
`);

const child = wranglerSpawn(["dev", "--port", String(port), "--var", `PUBLIC_URL:${base}`]);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
