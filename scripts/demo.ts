// npm run demo: against the running dev server, an MCP client (the official SDK) books a
// haircut in Shibuya for tomorrow 15:00 end to end: the first shop declines, the next
// accepts, the payment is made on the sandbox checkout, and the timeline is printed.
// Exits non-zero unless the reservation reaches `confirmed`.
//   QRV_URL (default http://localhost:$PORT or 8787), QRV_API_KEY (default: the dev key).
//   By default the client speaks MCP 2026-07-28 (SDK v2); `-- --legacy` uses the SDK v1 client
//   on 2025-06-18, as older clients do.
import { existsSync, readFileSync } from "node:fs";
import { formatJpy } from "../src/domain/money.ts";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const base = (process.env.QRV_URL ?? `http://localhost:${process.env.PORT || 8787}`).replace(/\/$/, "");
const apiKey = process.env.QRV_API_KEY ?? (existsSync(".qrv-dev.json") ? (JSON.parse(readFileSync(".qrv-dev.json", "utf8")) as { apiKey?: string }).apiKey : undefined);
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS) || 90_000;

if (!apiKey) {
  console.error("No API key: start the server with npm run dev (it creates one), or set QRV_API_KEY.");
  process.exit(2);
}

type View = { reservation_id: string; status: string; status_label: string; payment_url?: string; timeline: string[]; shop?: { name: string }; amount_jpy?: number };

function tomorrowAt15(): string {
  const jst = new Date(Date.now() + 9 * 3_600_000 + 86_400_000);
  return `${jst.toISOString().slice(0, 10)}T15:00:00+09:00`;
}

const legacy = process.argv.includes("--legacy");
const endpoint = new URL(`${base}/mcp`);
const requestInit = { headers: { Authorization: `Bearer ${apiKey}` } };
const client = legacy ? new LegacyClient({ name: "qrv-demo", version: "1.0.0" }) : new Client({ name: "qrv-demo", version: "1.0.0" }, { versionNegotiation: { mode: "auto" } });
try {
  if (client instanceof LegacyClient) await client.connect(new LegacyTransport(endpoint, { requestInit }));
  else await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit }));
} catch (err) {
  console.error(`Could not connect to ${base}/mcp (${err instanceof Error ? err.message : String(err)}). Is npm run dev running?`);
  process.exit(1);
}

async function call<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

let exitCode = 1;
try {
  const { tools } = await client.listTools();
  const version = client instanceof LegacyClient ? "2025-06-18 (SDK v1)" : `${client.getNegotiatedProtocolVersion()} (SDK v2)`;
  console.log(`Connected to ${base}/mcp on MCP ${version}: ${tools.map((t) => t.name).join(", ")}`);
  const { services } = await call<{ services: { service: string; areas: { area: string; shops: number }[] }[] }>("list_services", {});
  console.log(`Services: ${services.map((s) => `${s.service} (${s.areas.map((a) => a.area).join(", ")})`).join("; ")}`);

  const start = tomorrowAt15();
  const created = await call<{ reservation_id: string; status: string; guest_url: string; message: string }>("request_reservation", {
    service: "カット",
    area: "渋谷",
    start,
    party_size: 1,
    name: "デモ 太郎",
    phone: "090-1234-5678",
    email: "demo@example.com",
    language: "ja",
  });
  const id = created.reservation_id;
  console.log(`\n${created.message}\nGuest page: ${created.guest_url}\n`);

  const deadline = Date.now() + TIMEOUT_MS;
  let printed = 0;
  let paid = false;
  let view: View | undefined;
  while (Date.now() < deadline) {
    view = await call<View>("get_reservation", { reservation_id: id });
    for (const line of view.timeline.slice(printed)) console.log(`  ${line}`);
    printed = view.timeline.length;
    if (view.status === "confirmed") break;
    if (["cancelled", "no_shop_available", "payment_timeout", "pending_shop_response", "change_requested"].includes(view.status)) break;
    if (view.status === "payment_pending" && view.payment_url && !paid) {
      console.log(`\nPaying on the sandbox checkout: ${view.payment_url}`);
      const page = await (await fetch(view.payment_url)).text();
      const action = page.match(/<form[^>]*method="post"[^>]*action="([^"]+\/pay)"/)?.[1];
      if (!action) throw new Error("the checkout page has no pay form");
      const res = await fetch(new URL(action, base), { method: "POST", body: new URLSearchParams({ card: "4242424242424242" }), redirect: "manual" });
      console.log(`  checkout answered ${res.status} → ${res.headers.get("location") ?? "(no redirect)"}\n`);
      paid = true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (view?.status === "confirmed") {
    console.log(`\n✔ ${id} confirmed at ${view.shop?.name} for ${formatJpy(view.amount_jpy ?? 0)}.`);
    exitCode = 0;
  } else {
    console.error(`\n✘ ${id} ended in status ${view?.status ?? "unknown"} (expected confirmed).`);
  }
} catch (err) {
  console.error(`✘ ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await client.close();
}
process.exit(exitCode);
