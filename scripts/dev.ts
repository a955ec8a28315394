// npm run dev: everything on one machine with sandbox providers. Prepares .dev.vars, migrates
// the local D1, imports the sample shops, makes sure a demo API key exists, then starts
// wrangler dev on http://localhost:8787 (or $PORT; links and OAuth use $PUBLIC_URL when set).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { sha256Hex } from "../src/domain/ids.ts";
import { createApiKey } from "./lib/apikeys.ts";
import { seedDemoCoaches } from "./lib/coaches.ts";
import { DEMO_MEMBER, seedDemoLodging, seedDemoMember } from "./lib/lodging.ts";
import { importShops } from "./lib/shops.ts";
import { migrate, query, wranglerSpawn } from "./lib/wrangler.ts";

const port = Number(process.env.PORT) || 8787;
const local = `http://localhost:${port}`;
/** The address clients use, when that is not localhost (a tunnel, say): tokens are bound to it. */
const base = (process.env.PUBLIC_URL || local).replace(/\/+$/, "");
const STATE = ".qrv-dev.json";

function step(text: string) {
  console.log(`▸ ${text}`);
}

/** Secrets generated per machine rather than copied from the example. */
const GENERATED: Record<string, () => string> = {
  ADMIN_PASSWORD: () => randomBytes(12).toString("base64url"),
  SESSION_SECRET: () => randomBytes(32).toString("base64url"),
};

function devVars(): void {
  const example = readFileSync(".dev.vars.example", "utf8");
  const existing = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
  const have = new Set([...existing.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const added: string[] = [];
  for (const [, name, value] of example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)) {
    if (!name || have.has(name)) continue;
    added.push(`${name}=${GENERATED[name]?.() ?? value}`);
  }
  if (!added.length) return;
  writeFileSync(".dev.vars", `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}${added.join("\n")}\n`);
  step(existing ? `added to .dev.vars: ${added.map((a) => a.split("=")[0]).join(", ")}` : "created .dev.vars from .dev.vars.example (sandbox secrets)");
}

devVars();

step("applying D1 migrations to the local database");
migrate("local");

step("importing sample partner shops (data/sample-shops.csv)");
const { imported } = importShops("data/sample-shops.csv", "local");
console.log(`  ${imported} shops`);

step("adding the demo coaches for 1-on-1 sessions (menus, availability, terms)");
seedDemoCoaches("local");

type State = { apiKey?: string; memberApiKey?: string };
const state: State = existsSync(STATE) ? (JSON.parse(readFileSync(STATE, "utf8")) as State) : {};

/** A key saved in .qrv-dev.json if it still works, else a new one (kept there). */
async function savedKey(field: keyof State, make: () => Promise<{ key: string }>): Promise<string> {
  const saved = state[field];
  if (saved) {
    const rows = query<{ n: number }>("local", `SELECT count(*) AS n FROM api_keys WHERE key_hash = '${await sha256Hex(saved)}' AND revoked_at IS NULL`);
    if (rows[0]?.n) return saved;
  }
  const { key } = await make();
  state[field] = key;
  writeFileSync(STATE, `${JSON.stringify(state, null, 2)}\n`);
  return key;
}

step("checking the local demo API key");
const key = await savedKey("apiKey", () => createApiKey("local demo", "local"));

step("seeding the demo lodging (room types, rooms, 180 days of rates) and a member with points");
const lodging = seedDemoLodging("local");
console.log(`  ${lodging.types} room types, ${lodging.rooms} rooms, ${lodging.rates} daily rates`);
const sessionSecret = readFileSync(".dev.vars", "utf8").match(/^SESSION_SECRET=(.*)$/m)?.[1]?.trim() ?? "";
const memberUserId = await seedDemoMember("local", sessionSecret);
const memberKey = await savedKey("memberApiKey", () => createApiKey("demo member (personal)", "local", {}, memberUserId));
const adminPassword = readFileSync(".dev.vars", "utf8").match(/^ADMIN_PASSWORD=(.*)$/m)?.[1]?.trim() ?? "(set ADMIN_PASSWORD in .dev.vars)";

console.log(`
  QRV is starting on ${local}${base !== local ? `, reached as ${base}` : ""} (sandbox providers: nothing leaves this machine)
  MCP endpoint   ${base}/mcp
  API key        ${key}
  Member key     ${memberKey}   (personal key of the demo lodging member ${DEMO_MEMBER.phone}: search_rooms, book_rooms, ...)
  Member pages   ${base}/member    (sign in with ${DEMO_MEMBER.phone}; the code is on /sandbox)
  Sandbox        ${base}/sandbox   (messages, calls to answer, checkout)
  Console        ${base}/admin     (operators; password ${adminPassword})
  Try it         npm run demo      (in another terminal)
                 npm run demo:sessions   (a 1-on-1 session from inquiry to a booked slot)
                 npm run demo:lodging    (the demo member books two rooms for two nights)
  Coaches        ${base}/coach     (sign in with 090-1111-0001 or 090-1111-0002; codes on /sandbox)
`);

// Reached through a tunnel, the sandbox (sign-in codes, guest links) is public: it answers
// there only when the developer says so with PUBLIC_DEMO=true, and then shows a demo banner.
const demo = process.env.PUBLIC_DEMO === "true";
if (demo) console.log(`  PUBLIC DEMO: anyone who reaches ${base} can read /sandbox (sign-in codes, guest links); every page says so.\n`);
else if (base !== local) {
  console.log(`  ${base} is not localhost: the sandbox answers there only with PUBLIC_DEMO=true (a public demo). Until then it answers on ${local} only.\n`);
}
const child = wranglerSpawn(["dev", "--port", String(port), "--var", `PUBLIC_URL:${base}`, ...(demo ? ["--var", "PUBLIC_DEMO:true"] : [])]);

// A room's nights belong to its calendar object, reachable only through the running Worker:
// once it answers, the demo room 203 goes into Maintenance for the coming two weeks.
void (async () => {
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      const res = await fetch(`${local}/sandbox/lodging/demo-maintenance`, { method: "POST" });
      if (res.ok) return console.log("▸ demo room 203 is in Maintenance for the coming two weeks");
    } catch {
      // not up yet
    }
  }
})();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
