// npm run bench [-- --floor] [-- --url http://localhost:8787 --key qrv_... --seconds 30 --clients 20 --storm 1000]
// Measures QRV locally and prints a table:
//  1. request_reservation over MCP: 1 client, then N concurrent clients, for S seconds each
//     (throughput, p50/p95/p99, and the workerd processes' CPU time per booking call);
//  2. a webhook storm: signed Stripe payment events, 30 % of deliveries duplicates and 10 % out of
//     order, counting the effects (must equal the distinct events);
//  3. the Worker bundle from `wrangler deploy --dry-run` (budget: 1 MiB gzip);
//  4. a slot race: 50 paid session engagements book one coach slot at once (exactly one wins).
// `--only slot-race` runs the race alone; `--racers N` changes its size; `--mcp-only` stops
// after part 1.
//  5. the lodging race: 100 members book_rooms at once for the last free rooms of one type
//     (needs its own server: without --url; `--only lodging` runs just this part; `--lodging-racers N` its size).
// Without --url it starts its own server (fresh state, sandbox providers answering at once);
// only then can it read workerd's CPU time (from /proc, Linux).
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import Stripe from "stripe";
import { jstIn, mcp } from "../test/e2e/qrv.ts";
import { startServer } from "../test/e2e/server.ts";
import { slotRace } from "./lib/slot-race.ts";
import { lodgingRace, type RaceResult } from "./lib/bench-lodging.ts";
import { wranglerSync } from "./lib/wrangler.ts";

// `--floor`: QRV side by side with the stack's floor (scripts/bench-floor.ts), instead of the load below.
if (process.argv.includes("--floor")) {
  await import("./bench-floor.ts");
  process.exit();
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SECONDS = Number(arg("seconds", "30"));
const LODGING_RACERS = Number(arg("lodging-racers", "100"));
const CLIENTS = Number(arg("clients", "20"));
const STORM = Number(arg("storm", "1000"));
const RACERS = Number(arg("racers", "50"));
const ONLY = arg("only", "");
const BUDGET_GZIP = 1024 * 1024;
const MCP_ONLY = process.argv.includes("--mcp-only");

/** CPU ticks (user + system, 1/100 s) used so far by each workerd process under `root`; null off Linux. */
function workerdTicks(root: number | undefined): Map<number, number> | null {
  if (root === undefined || !existsSync("/proc/self/stat")) return null;
  const parent = new Map<number, number>();
  const stats = new Map<number, { comm: string; ticks: number }>();
  for (const d of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(d), Number(fields[1]));
      stats.set(Number(d), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we looked.
    }
  }
  const under = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  const ticks = new Map<number, number>();
  for (const [pid, s] of stats) if (s.comm.startsWith("workerd") && under(pid)) ticks.set(pid, s.ticks);
  return ticks;
}

/** CPU seconds the workerd processes used between two readings (a process that ended in between is not counted). */
function cpuSecondsBetween(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100; // USER_HZ
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function secretFrom(file: string, name: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, "utf8").match(new RegExp(`^${name}=(.*)$`, "m"))?.[1]?.trim();
}

function connect(url: string, key: string): Promise<Client> {
  return mcp(url, key, "qrv-bench");
}

// ---------------------------------------------------------------- 1. MCP load

async function mcpLoad(url: string, key: string, count: number, pid?: number) {
  const clients = await Promise.all(Array.from({ length: count }, () => connect(url, key)));
  const cpuBefore = workerdTicks(pid);
  const latencies: number[] = [];
  const ids: string[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client, n) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const result = await client.callTool({
            name: "request_reservation",
            // Numbers ending in 0000 or 0503 are the sandbox's failing numbers; these never are.
            // Each call is a new booking (its own key), not a repeat of the client's last one.
            arguments: { service: "カット", area: "渋谷", start: jstIn(72 + (n % 24)), party_size: 1 + (n % 4), name: `ベンチ ${n}`, phone: `090${12_340_001 + n}`, idempotency_key: crypto.randomUUID() },
          });
          latencies.push(performance.now() - t0);
          if (result.isError) errors++;
          else ids.push((result.structuredContent as { reservation_id: string }).reservation_id);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = workerdTicks(pid);
  await Promise.all(clients.map((c) => c.close()));
  latencies.sort((a, b) => a - b);
  const cpu = cpuSecondsBetween(cpuBefore, cpuAfter);
  const cpuMs = cpu !== null && latencies.length ? (cpu * 1000) / latencies.length : null;
  return { clients: count, cpuMs, requests: latencies.length, errors, elapsed, throughput: latencies.length / elapsed, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), ids };
}

// ---------------------------------------------------------------- 2. webhook storm

interface Session {
  reservation_id: string;
  provider_ref: string;
}

async function pendingSessions(url: string, ids: Set<string>, want: number): Promise<Session[]> {
  // Every reservation goes through the queue (texts, calls, the payment link) before it has a
  // session; after the load that is a backlog of thousands of jobs on one local workerd.
  const target = Math.min(want, ids.size);
  const started = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { records } = (await (await fetch(`${url}/sandbox/outbox?channel=payment&limit=20000`)).json()) as { records: (Session & { subject: string })[] };
    const sessions = records.filter((r) => r.subject === "checkout.sessions.create" && ids.has(r.reservation_id));
    if (sessions.length !== last) {
      last = sessions.length;
      lastChange = Date.now();
      process.stderr.write(`  payment links ready: ${Math.min(sessions.length, target)} / ${target} after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
    // Done, or nothing new for two minutes (then the storm runs on what there is, and says so).
    if (sessions.length >= target || Date.now() - lastChange > 120_000) return sessions.slice(0, want);
    await new Promise((r) => setTimeout(r, 3000));
  }
}

/** More reservations for the storm when the load made fewer than its distinct events need. */
async function moreReservations(url: string, key: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(url, key)));
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    clients.map(async (client, n) => {
      while (next < count) {
        const i = next++;
        const result = await client.callTool({
          name: "request_reservation",
          arguments: { service: "カット", area: "渋谷", start: jstIn(96 + (i % 24)), party_size: 2, name: `ストーム ${i}`, phone: `080${12_340_001 + i}` },
        });
        if (!result.isError) ids.push((result.structuredContent as { reservation_id: string }).reservation_id);
        else process.stderr.write(`  storm reservation refused (client ${n})\n`);
      }
    }),
  );
  await Promise.all(clients.map((c) => c.close()));
  return ids;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Effects, counted through the server: applied payments in each timeline, and confirmation SMS sent. */
async function countEffects(url: string, key: string, reservationIds: string[]) {
  const clients = await Promise.all(Array.from({ length: 10 }, () => connect(url, key)));
  let applied = 0;
  let confirmed = 0;
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < reservationIds.length) {
        const id = reservationIds[next++]!;
        const view = (await client.callTool({ name: "get_reservation", arguments: { reservation_id: id } })).structuredContent as { status: string; timeline: string[] };
        applied += view.timeline.filter((line) => line.includes("お支払いを確認しました")).length;
        if (view.status === "confirmed") confirmed++;
      }
    }),
  );
  await Promise.all(clients.map((c) => c.close()));
  // The confirmation SMS leave through the queue: count them once the count stops growing.
  const ids = new Set(reservationIds);
  let confirmationSms = -1;
  for (let stable = 0, deadline = Date.now() + 300_000; stable < 10 && Date.now() < deadline; ) {
    const { records } = (await (await fetch(`${url}/sandbox/outbox?channel=sms&limit=20000`)).json()) as { records: { reservation_id: string; body: string }[] };
    const count = records.filter((r) => ids.has(r.reservation_id) && r.body.includes("ご予約が確定しました")).length;
    stable = count === confirmationSms || count === reservationIds.length ? stable + 1 : 0;
    confirmationSms = count;
    if (count === reservationIds.length) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return { applied, confirmed, confirmationSms };
}

async function webhookStorm(url: string, key: string, sessions: Session[], secret: string) {
  const distinct = Math.min(sessions.length, Math.round(STORM * 0.7));
  const events = sessions.slice(0, distinct).map((s) => ({
    id: `evt_bench_${crypto.randomUUID().replaceAll("-", "")}`,
    reservationId: s.reservation_id,
    body: (id: string) =>
      JSON.stringify({
        id,
        object: "event",
        type: "checkout.session.completed",
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: s.provider_ref, object: "checkout.session", status: "complete", payment_status: "paid", payment_intent: `pi_bench_${s.provider_ref.slice(-12)}`, amount_total: 6600, metadata: { reservation_id: s.reservation_id } } },
      }),
  }));
  // 70 % first deliveries, 30 % repeats of them; 10 % of all deliveries arrive out of order:
  // a repeat delivered before the original it repeats.
  const deliveries: { event: (typeof events)[number]; kind: "original" | "duplicate" }[] = events.map((event) => ({ event, kind: "original" }));
  const duplicates = Math.round((distinct / 0.7) * 0.3);
  for (let i = 0; i < duplicates; i++) deliveries.push({ event: events[i % events.length]!, kind: "duplicate" });
  shuffle(deliveries);
  const outOfOrder = Math.round(deliveries.length * 0.1);
  let moved = 0;
  for (let i = 0; i < deliveries.length && moved < outOfOrder; i++) {
    if (deliveries[i]!.kind !== "duplicate") continue;
    const original = deliveries.findIndex((d) => d.kind === "original" && d.event === deliveries[i]!.event);
    if (original >= 0 && original < i) {
      [deliveries[i], deliveries[original]] = [deliveries[original]!, deliveries[i]!];
      moved++;
    }
  }
  const statuses = new Map<number, number>();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++]!;
        const body = d.event.body(d.event.id);
        const res = await fetch(`${url}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) }, body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const effects = await countEffects(url, key, events.map((e) => e.reservationId));
  return { deliveries: deliveries.length, distinct, duplicates, outOfOrder: moved, elapsed, rate: deliveries.length / elapsed, statuses: Object.fromEntries(statuses), ...effects };
}

// ---------------------------------------------------------------- 3. bundle size

function bundleSize() {
  const out = mkdtempSync(join(tmpdir(), "qrv-bundle-"));
  try {
    const r = wranglerSync(["deploy", "--dry-run", "--outdir", out], true);
    if (r.status !== 0) return { error: `${r.stderr}${r.stdout}`.split("\n").filter((l) => /error/i.test(l)).slice(0, 3).join(" ") || "wrangler deploy --dry-run failed" };
    const files = readdirSync(out).filter((f) => f.endsWith(".js") || f.endsWith(".mjs") || f.endsWith(".wasm"));
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const bytes = readFileSync(join(out, f));
      raw += statSync(join(out, f)).size;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    const reported = `${r.stdout}${r.stderr}`.match(/Total Upload:\s*([\d.]+ KiB)\s*\/\s*gzip:\s*([\d.]+ KiB)/);
    return { raw, gzip, reported: reported ? `${reported[1]} / gzip ${reported[2]}` : undefined };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n: number) => `${n.toFixed(0)} ms`;

function raceRows(race: Awaited<ReturnType<typeof slotRace>>): [string, string][] {
  return [
    ["slot race (book_session_slot, one coach slot)", `${race.n} paid engagements at once, ${race.coach} ${race.start}`],
    ["  booked / slot taken / other", `${race.booked} / ${race.taken} / ${race.other}${race.booked === 1 ? "  ✔" : "  ✘"}`],
    ["  refusals with next free slots", `${race.withNext} / ${race.taken}${race.withNext === race.n - 1 ? "  ✔" : "  ✘"}`],
    ["  slot still offered afterwards", race.stillOffered ? "yes  ✘" : "no  ✔"],
    ["  race wall time, latency p50 / p95", `${ms(race.elapsed)}, ${ms(race.p50)} / ${ms(race.p95)}`],
    ["  preparing the engagements (inquiry, terms, payment)", `${race.prepSeconds.toFixed(1)} s`],
  ];
}

const given = arg("url", "");
const server = given ? null : await startServer();
const url = given || server!.url;
const key = given ? arg("key", process.env.QRV_API_KEY ?? (existsSync(".qrv-dev.json") ? (JSON.parse(readFileSync(".qrv-dev.json", "utf8")) as { apiKey: string }).apiKey : "")) : server!.apiKey;
const secret = given ? (secretFrom(".dev.vars", "STRIPE_WEBHOOK_SECRET") ?? secretFrom(".dev.vars.example", "STRIPE_WEBHOOK_SECRET")!) : secretFrom(".dev.vars.example", "STRIPE_WEBHOOK_SECRET")!;

function lodgingRaceRows(race: RaceResult): [string, string][] {
  const booked = race.confirmed === race.free && race.noAvailability === race.requests - race.free && race.otherErrors.length === 0;
  return [
    ["lodging race: book_rooms for the last rooms", `${race.requests} members at once, ${race.free} room(s) free`],
    ["  confirmed / no availability / other", `${race.confirmed} / ${race.noAvailability} / ${race.otherErrors.length}${booked ? "  ✔" : "  ✘"}`],
    ["  orders per second", race.rate.toFixed(1)],
    ["  latency p50 / p99", `${ms(race.p50)} / ${ms(race.p99)}`],
    ["  room-nights booked twice", `${race.doubleBooked}${race.doubleBooked === 0 ? "  ✔" : "  ✘"}`],
    ["  members whose ledger ≠ balance", `${race.ledgerMismatches}${race.ledgerMismatches === 0 ? "  ✔" : "  ✘"}`],
  ];
}


if (ONLY === "lodging") {
  try {
    if (!server) throw new Error("the lodging race needs its own server: run it without --url");
    console.log(`QRV lodging race against ${url}: ${LODGING_RACERS} members`);
    const race = await lodgingRace(url, { persistTo: server.persistTo }, LODGING_RACERS);
    const rows = [...lodgingRaceRows(race), ["machine", `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`] as [string, string]];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
    if (race.otherErrors.length) console.log(`other errors:\n${race.otherErrors.slice(0, 5).join("\n")}`);
    process.exitCode = race.ok ? 0 : 1;
  } finally {
    await server?.stop();
  }
  process.exit();
}

try {
  if (ONLY === "slot-race") {
    const race = await slotRace(url, key, RACERS);
    console.log(`\n${raceRows(race).map(([k, v]) => `${k.padEnd(44)}  ${v}`).join("\n")}\n`);
    process.exitCode = race.ok ? 0 : 1;
  } else {
    console.log(`QRV bench against ${url}: 1 then ${CLIENTS} MCP clients for ${SECONDS} s each${MCP_ONLY ? "" : `, a storm of ${STORM} webhooks, a slot race`}`);
    const loads = [await mcpLoad(url, key, 1, server?.pid), await mcpLoad(url, key, CLIENTS, server?.pid)];
    const rows: [string, string][] = [];
    for (const load of loads) {
      rows.push(
        ["request_reservation over MCP", `${load.clients} client${load.clients === 1 ? "" : "s"} × ${load.elapsed.toFixed(1)} s`],
        ["  requests (errors)", `${load.requests} (${load.errors})`],
        ["  throughput", `${load.throughput.toFixed(1)} req/s`],
        ["  latency p50 / p95 / p99", `${ms(load.p50)} / ${ms(load.p95)} / ${ms(load.p99)}`],
        ["  workerd CPU per call", load.cpuMs === null ? "n/a (needs the bench's own server on Linux)" : `${load.cpuMs.toFixed(1)} ms (with the calls and jobs each booking starts)`],
      );
    }
    let failed = false;
    if (!MCP_ONLY) {
      const ids = loads.flatMap((l) => l.ids);
      const wanted = Math.round(STORM * 0.7);
      const extra = await moreReservations(url, key, wanted - ids.length);
      const sessions = await pendingSessions(url, new Set([...ids, ...extra]), wanted);
      const storm = await webhookStorm(url, key, sessions, secret);
      const bundle = bundleSize();
      const race = await slotRace(url, key, RACERS);
      const lodging = server ? await lodgingRace(url, { persistTo: server.persistTo }, LODGING_RACERS) : null;
      rows.push(
        ["webhook storm (Stripe, signed)", `${storm.deliveries} deliveries in ${storm.elapsed.toFixed(1)} s`],
        ["  distinct / duplicates / out of order", `${storm.distinct} / ${storm.duplicates} / ${storm.outOfOrder}`],
        ["  events per second", storm.rate.toFixed(1)],
        ["  HTTP statuses", Object.entries(storm.statuses).map(([s, n]) => `${s}×${n}`).join(", ")],
        ["  effects: payments applied / distinct", `${storm.applied} / ${storm.distinct}${storm.applied === storm.distinct ? "  ✔" : "  ✘"}`],
        ["  effects: confirmation SMS / distinct", `${storm.confirmationSms} / ${storm.distinct}${storm.confirmationSms === storm.distinct ? "  ✔" : "  ✘"}`],
        ["  reservations confirmed", String(storm.confirmed)],
        ["Worker bundle (wrangler deploy --dry-run)", "error" in bundle ? `✘ ${bundle.error}` : `${kib(bundle.raw!)} raw, ${kib(bundle.gzip!)} gzip${bundle.gzip! <= BUDGET_GZIP ? "  ✔ within 1 MiB" : "  ✘ over 1 MiB"}${bundle.reported ? ` (wrangler: ${bundle.reported})` : ""}`],
        ...raceRows(race),
        ...(lodging ? lodgingRaceRows(lodging) : []),
      );
      failed = storm.applied !== storm.distinct || storm.confirmationSms !== storm.distinct || !race.ok || (lodging !== null && !lodging.ok) || ("gzip" in bundle && (bundle.gzip ?? 0) > BUDGET_GZIP);
    }
    rows.push(["machine", `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`]);
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
    process.exitCode = failed ? 1 : 0;
  }
} finally {
  await server?.stop();
}
