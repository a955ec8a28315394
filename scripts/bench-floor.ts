// npm run bench -- --floor [--clients 20 --seconds 10 --rounds 3 --bookings 30] [--no-races] [--compare DIR]
// QRV against the stack's own floor, in one run on one machine: the same load, as raw JSON-RPC
// over HTTP (no MCP SDK on the client side, so it measures servers, not a client), against
//   A. McpAgent + one echo tool              (bench/floor/echo-mcpagent)
//   B. stateless createMcpHandler + echo     (bench/floor/echo-stateless)
//   C. the write floor: A + one new Durable Object committing one D1 batch and sending one
//      queue message                         (bench/floor/write-floor)
//   D. the stateless write floor: C's write on B's stateless handler (bench/floor/write-stateless)
//   QRV list_services and request_reservation (queue consumer off: the call alone),
// first with 1 client, then with N, each for S seconds (the targets taking turns in R slices). Per target: requests, errors,
// p50/p95/p99 and the CPU milliseconds per call of that target's workerd processes (user +
// system time from /proc, before and after), with the ratio to its floor (list_services to B,
// request_reservation to D, as QRV's MCP server is stateless; C to A and D to B for scale). Then the whole
// booking on a QRV with its consumer on: CPU from the request to `confirmed` with all its
// queue work (calls, texts, the payment link, the payment webhook), until the queue is quiet.
// Then, on that QRV, the slot race and the lodging race as rows of the same table, with their
// orders per second (--no-races leaves them out).
// With --compare DIR (another checkout with its node_modules, e.g. an older commit), no floor:
// QRV from DIR and from here, loads alternating between them, CPU before and after.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { jstIn } from "../test/e2e/qrv.ts";
import { LOCAL_OBSERVABILITY, freePort, startServer, wranglerDev, type RunningServer } from "../test/e2e/server.ts";
import { wranglerSync } from "./lib/wrangler.ts";
import { workerdCpuMs } from "./lib/workerd-cpu.ts";
import { profileWhile, summarize } from "./lib/cpu-profile.ts";
import { lodgingRace } from "./lib/bench-lodging.ts";
import { slotRace } from "./lib/slot-race.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SECONDS = Number(arg("seconds", "10"));
/**
 * Each target's S seconds are split into this many slices, the targets taking turns slice by
 * slice, so that a machine that gets faster or slower during the run weighs on every target
 * alike (on shared cores it does, by a third within minutes).
 */
const ROUNDS = Math.max(1, Number(arg("rounds", "3")));
const CLIENTS = Number(arg("clients", "20"));
const BOOKINGS = Number(arg("bookings", "30"));
/** The issue's goals: CPU per call within 1.5× the floor; a whole booking within 100 ms. */
const RATIO_GOAL = 1.5;
const BOOKING_GOAL_MS = 100;

// ---------------------------------------------------------------- servers

interface Target {
  url: string;
  pid: number;
  headers: Record<string, string>;
  stop(): Promise<void>;
  /** QRV's: its API key and local state (the races write their members and engagements there). */
  apiKey?: string;
  persistTo?: string;
}

/** A floor Worker under `wrangler dev`, with fresh local state. */
async function startFloor(dir: string, d1?: string): Promise<Target> {
  const config = join("bench", "floor", dir, "wrangler.toml");
  const state = mkdtempSync(join(tmpdir(), `qrv-floor-${dir}-`));
  if (d1) {
    const r = wranglerSync(["d1", "migrations", "apply", d1, "--local", "--persist-to", state, "--config", config], true);
    if (r.status !== 0) throw new Error(`floor ${dir}: migrations failed\n${r.stderr}`);
  }
  const port = await freePort();
  const child = await wranglerDev(["--config", config, "--port", String(port), "--persist-to", state], 90_000);
  return {
    url: `http://localhost:${port}`,
    pid: child.pid!,
    headers: {},
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(state, { recursive: true, force: true });
    },
  };
}

/** QRV's own wrangler.toml without its queue consumers: the call alone, no jobs running beside it. */
const NO_CONSUMER_CONFIG = ".bench-no-consumer.wrangler.toml";

function writeNoConsumerConfig(): void {
  const toml = readFileSync("wrangler.toml", "utf8");
  // Each [[queues.consumers]] table runs until the next table header (or the end of the file).
  const stripped = toml.replace(/^\[\[queues\.consumers\]\][\s\S]*?(?=^\[|(?![\s\S]))/gm, "");
  if (/^\[\[queues\.consumers\]\]/m.test(stripped)) throw new Error("could not remove the queue consumers from wrangler.toml");
  writeFileSync(NO_CONSUMER_CONFIG, `# Written and removed by npm run bench -- --floor.\n${stripped}`);
}

function qrvTarget(server: RunningServer): Target {
  return { url: server.url, pid: server.pid, headers: { Authorization: `Bearer ${server.apiKey}` }, stop: () => server.stop(), apiKey: server.apiKey, persistTo: server.persistTo };
}

// ---------------------------------------------------------------- raw JSON-RPC

const PROTOCOL = "2025-06-18";

class RawMcp {
  #session: string | undefined;
  #id = 0;
  readonly target: Target;

  constructor(target: Target) {
    this.target = target;
  }

  async #post(body: object): Promise<Response> {
    return fetch(`${this.target.url}/mcp`, {
      method: "POST",
      headers: {
        ...this.target.headers,
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "MCP-Protocol-Version": PROTOCOL,
        ...(this.#session ? { "Mcp-Session-Id": this.#session } : {}),
      },
      body: JSON.stringify(body),
    });
  }

  async #request(method: string, params: object): Promise<Record<string, unknown>> {
    const id = ++this.#id;
    const res = await this.#post({ jsonrpc: "2.0", id, method, params });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${text.slice(0, 200)}`);
    this.#session ??= res.headers.get("mcp-session-id") ?? undefined;
    // JSON, or an event stream whose data lines carry the response.
    const messages = (res.headers.get("content-type") ?? "").includes("text/event-stream")
      ? text
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => JSON.parse(l.slice(5)) as { id?: number })
      : [JSON.parse(text) as { id?: number }];
    const reply = messages.find((m) => m.id === id) as { result?: Record<string, unknown>; error?: { message: string } } | undefined;
    if (!reply) throw new Error(`${method}: no response`);
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result!;
  }

  async initialize(): Promise<void> {
    await this.#request("initialize", { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "qrv-bench-floor", version: "1.0.0" } });
    const res = await this.#post({ jsonrpc: "2.0", method: "notifications/initialized" });
    await res.arrayBuffer();
  }

  /** A tool's structured result; throws on a protocol error or a tool error. */
  async call(name: string, args: object): Promise<Record<string, unknown>> {
    const result = await this.#request("tools/call", { name, arguments: args });
    if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content).slice(0, 200)}`);
    return (result.structuredContent as Record<string, unknown>) ?? result;
  }
}

// ---------------------------------------------------------------- load

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Load {
  name: string;
  clients: number;
  requests: number;
  errors: number;
  firstError?: string;
  p50: number;
  p95: number;
  p99: number;
  cpuMs: number | null;
  /** Every call's latency, and the CPU they cost in all (null when it could not be read). */
  latencies: number[];
  cpuTotalMs: number | null;
}

/** Slices of one target's load (the rounds), as one load. */
function merged(slices: Load[]): Load {
  const first = slices[0]!;
  const latencies = slices.flatMap((l) => l.latencies).sort((a, b) => a - b);
  const cpuTotalMs = slices.every((l) => l.cpuTotalMs !== null) ? slices.reduce((sum, l) => sum + l.cpuTotalMs!, 0) : null;
  const firstError = slices.find((l) => l.firstError)?.firstError;
  return {
    name: first.name,
    clients: first.clients,
    requests: latencies.length,
    errors: slices.reduce((sum, l) => sum + l.errors, 0),
    ...(firstError ? { firstError } : {}),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpuMs: cpuTotalMs !== null && latencies.length ? cpuTotalMs / latencies.length : null,
    latencies,
    cpuTotalMs,
  };
}

async function load(name: string, target: Target, clients: number, tool: string, args: (client: number, i: number) => object, seconds = SECONDS): Promise<Load> {
  const sessions = Array.from({ length: clients }, () => new RawMcp(target));
  await Promise.all(sessions.map((s) => s.initialize()));
  // Warm up (compile the tool's code) before counting.
  await Promise.all(
    sessions.map(async (s, n) => {
      for (let i = 0; i < 3; i++) await s.call(tool, args(n, 900 + i)).catch(() => undefined);
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpuBefore = workerdCpuMs(target.pid);
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    sessions.map(async (session, n) => {
      for (let i = 0; performance.now() < end; i++) {
        const t0 = performance.now();
        try {
          await session.call(tool, args(n, i));
        } catch (err) {
          errors++;
          firstError ??= String(err);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const cpuAfter = workerdCpuMs(target.pid);
  latencies.sort((a, b) => a - b);
  // Less CPU after than before: one of its workerd processes ended (or restarted) during the load.
  const cpuTotalMs = cpuBefore !== null && cpuAfter !== null && cpuAfter >= cpuBefore ? cpuAfter - cpuBefore : null;
  const cpuMs = cpuTotalMs !== null && latencies.length ? cpuTotalMs / latencies.length : null;
  return { name, clients, requests: latencies.length, errors, ...(firstError ? { firstError } : {}), p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), cpuMs, latencies, cpuTotalMs };
}

/**
 * Waits until the target's workerd has used (almost) no CPU for two seconds: its queue is
 * drained. Returns the CPU time when the quiet began.
 */
async function quiet(target: Target, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = workerdCpuMs(target.pid) ?? 0;
  let since = last;
  let still = 0;
  while (still < 4 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = workerdCpuMs(target.pid) ?? 0;
    if (now - last <= 20) still++;
    else {
      still = 0;
      since = now;
    }
    last = now;
  }
  return since;
}

// ---------------------------------------------------------------- the whole booking

/**
 * Client n's i-th booking: a new request every time (its own mobile number), never a repeat of
 * an earlier one, which request_reservation would answer as a repeat without booking.
 */
const bookingArgs = (n: number, i: number) => ({
  service: "カット",
  area: "渋谷",
  start: jstIn(72 + ((n + i) % 24)),
  party_size: 1 + (n % 4),
  name: `ベンチ ${n}`,
  // Numbers ending in 0000 or 0503 are the sandbox's failing numbers; these end in 7.
  phone: `090${20_000_007 + n * 100_000 + i * 10}`,
});

interface Outbox {
  records: { reservation_id: string | null; subject: string | null; body: string; provider_ref: string | null }[];
}

/** Bookings driven to `confirmed`, after a few untimed ones that warm the isolate up. */
async function whole(target: Target) {
  await drive(target, 3, 1000);
  return drive(target, BOOKINGS, 0);
}

/** CPU milliseconds per second the target uses while idle (its own timers; the quiet check tolerates some). */
async function idleRate(target: Target): Promise<number> {
  await quiet(target);
  const before = workerdCpuMs(target.pid) ?? 0;
  await new Promise((r) => setTimeout(r, 3000));
  return ((workerdCpuMs(target.pid) ?? 0) - before) / 3;
}

/**
 * `count` bookings driven to `confirmed`, and the CPU they cost. Under the profiler (`profiled`)
 * workerd never falls quiet (sampling costs CPU), so the run ends a fixed 5 s after the last
 * confirmation instead, and no CPU figure is subtracted.
 */
async function drive(target: Target, count: number, first: number, profiled = false) {
  const idle = profiled ? 0 : await idleRate(target);
  const concurrency = Math.min(5, count);
  const sessions = Array.from({ length: concurrency }, () => new RawMcp(target));
  await Promise.all(sessions.map((s) => s.initialize()));
  const cpuStart = workerdCpuMs(target.pid);
  const started = performance.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    sessions.map(async (s, n) => {
      while (next < count) {
        const i = first + next++;
        const r = await s.call("request_reservation", { ...bookingArgs(n + 40, i), phone: `080${22_340_001 + i}`, name: `全行程 ${i}` });
        ids.push(r.reservation_id as string);
      }
    }),
  );
  // Pay each payment link as it appears (the sandbox checkout's form), then wait for every
  // confirmation text, then for the queue to fall quiet. Polls are counted and subtracted.
  const wanted = new Set(ids);
  const paid = new Set<string>();
  let polls = 0;
  const deadline = Date.now() + 300_000;
  while (paid.size < wanted.size) {
    if (Date.now() > deadline) throw new Error(`whole booking: ${paid.size} of ${wanted.size} payment links after 5 minutes`);
    await new Promise((r) => setTimeout(r, 1000));
    polls++;
    const { records } = (await (await fetch(`${target.url}/sandbox/outbox?channel=payment&limit=${count * 3}`)).json()) as Outbox;
    for (const r of records) {
      if (!r.reservation_id || !wanted.has(r.reservation_id) || paid.has(r.reservation_id) || r.subject !== "checkout.sessions.create") continue;
      const res = await fetch(`${target.url}/sandbox/checkout/${r.provider_ref}/pay`, { method: "POST", body: new URLSearchParams({ card: "4242424242424242" }), redirect: "manual" });
      await res.arrayBuffer();
      if (res.status !== 303) throw new Error(`sandbox checkout answered ${res.status}`);
      paid.add(r.reservation_id);
    }
  }
  const confirmed = new Set<string>();
  while (confirmed.size < wanted.size) {
    if (Date.now() > deadline) throw new Error(`whole booking: ${confirmed.size} of ${wanted.size} confirmed after 5 minutes`);
    await new Promise((r) => setTimeout(r, 1000));
    polls++;
    const { records } = (await (await fetch(`${target.url}/sandbox/outbox?channel=sms&limit=${count * 10}`)).json()) as Outbox;
    for (const r of records) if (r.reservation_id && wanted.has(r.reservation_id) && r.body.includes("ご予約が確定しました")) confirmed.add(r.reservation_id);
  }
  const toConfirmed = (performance.now() - started) / 1000;
  const cpuEnd = profiled ? await new Promise<number>((r) => setTimeout(() => r(workerdCpuMs(target.pid) ?? 0), 5000)) : await quiet(target);
  const busySeconds = (performance.now() - started) / 1000;
  // What one poll costs (half of each kind, as above), measured on the now quiet server.
  const before = workerdCpuMs(target.pid);
  for (let i = 0; i < 10; i++) {
    await (await fetch(`${target.url}/sandbox/outbox?channel=payment&limit=${count * 3}`)).arrayBuffer();
    await (await fetch(`${target.url}/sandbox/outbox?channel=sms&limit=${count * 10}`)).arrayBuffer();
  }
  const perPoll = ((workerdCpuMs(target.pid) ?? 0) - (before ?? 0)) / 20;
  const idleMs = idle * busySeconds;
  const cpuMs = cpuStart === null ? null : (cpuEnd - cpuStart - polls * perPoll - idleMs) / count;
  return { bookings: count, confirmed: confirmed.size, toConfirmed, polls, perPoll, idleMs, cpuMs };
}

// ---------------------------------------------------------------- main

const f1 = (n: number | null) => (n === null || Number.isNaN(n) ? "n/a" : n.toFixed(1));
const f0 = (n: number) => (Number.isNaN(n) ? "n/a" : n.toFixed(0));
/** The machine's load average (1, 5, 15 minutes): on shared cores, what every figure is read against. */
const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(", ");
const LOAD_AT_START = loadAverage();

// ---------------------------------------------------------------- --compare DIR

/**
 * QRV from another checkout (DIR, with its node_modules) against this one, in one run: the
 * loads alternate between the two, so a machine that gets busier or quieter affects both alike.
 */
async function compare(dir: string): Promise<void> {
  const here = process.cwd();
  const startQrv = async (cwd: string, noConsumer: boolean): Promise<Target> => {
    process.chdir(cwd);
    try {
      if (noConsumer) writeNoConsumerConfig();
      return qrvTarget(await startServer(noConsumer ? { config: NO_CONSUMER_CONFIG } : {}));
    } finally {
      if (noConsumer) rmSync(NO_CONSUMER_CONFIG, { force: true });
      process.chdir(here);
    }
  };
  const started: Target[] = [];
  try {
    for (const [cwd, noConsumer] of [[dir, true], [here, true], [dir, false], [here, false]] as const) started.push(await startQrv(cwd, noConsumer).catch(() => startQrv(cwd, noConsumer)));
    const [beforeCall, afterCall, beforeFull, afterFull] = started as [Target, Target, Target, Target];
    const sides = [
      { name: "before", call: beforeCall, full: beforeFull },
      { name: "after", call: afterCall, full: afterFull },
    ];
    const sums = new Map<string, { cpu: number; n: number }>();
    const add = (key: string, cpuMs: number | null, n: number) => {
      const s = sums.get(key) ?? { cpu: 0, n: 0 };
      sums.set(key, { cpu: s.cpu + (cpuMs ?? Number.NaN) * n, n: s.n + n });
    };
    for (let round = 0; round < 3; round++) {
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        const list = await load("list_services", side.call, CLIENTS, "list_services", () => ({}));
        add(`${side.name} list_services`, list.cpuMs, list.requests);
        const req = await load("request_reservation", side.call, CLIENTS, "request_reservation", (n, i) => bookingArgs(n, i + round * 1000));
        add(`${side.name} request_reservation`, req.cpuMs, req.requests);
      }
      process.stderr.write(`  round ${round + 1} of 3: done\n`);
    }
    for (const side of sides) await drive(side.full, 3, 5000);
    for (let round = 0; round < 2; round++) {
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        const b = await drive(side.full, Math.ceil(BOOKINGS / 2), round * 1000);
        add(`${side.name} whole booking`, b.cpuMs, b.bookings);
      }
    }
    const per = (key: string) => {
      const s = sums.get(key);
      return s && s.n ? s.cpu / s.n : Number.NaN;
    };
    console.log(`\nCPU ms per call (${CLIENTS} clients, 3 alternating rounds of ${SECONDS} s) and per whole booking (2 × ${Math.ceil(BOOKINGS / 2)}):`);
    console.log(`${"".padEnd(22)}${"before".padStart(9)}${"after".padStart(9)}${"change".padStart(9)}   (before: ${dir})`);
    for (const what of ["list_services", "request_reservation", "whole booking"]) {
      const b = per(`before ${what}`);
      const a = per(`after ${what}`);
      console.log(`${what.padEnd(22)}${f1(b).padStart(9)}${f1(a).padStart(9)}${`${(((a - b) / b) * 100).toFixed(0)} %`.padStart(9)}`);
    }
    console.log(`load average (1, 5, 15 min): at the start ${LOAD_AT_START}, at the end ${loadAverage()}; wrangler's local trace collector ${LOCAL_OBSERVABILITY === "false" ? "off" : "on"}`);
  } finally {
    await Promise.all(started.map((t) => t.stop()));
  }
}

// ---------------------------------------------------------------- --profile

/**
 * A V8 CPU profile of whole bookings (request to `confirmed`, queue drained) on a QRV with its
 * consumer on, through wrangler's inspector: written as a .cpuprofile and summed up here.
 */
async function profileBookings(): Promise<void> {
  const port = await freePort();
  const target = qrvTarget(await startServer({ args: ["--inspector-port", String(port), "--minify=false"] }));
  try {
    await drive(target, 3, 1000);
    const { result, profile } = await profileWhile(port, () => drive(target, BOOKINGS, 0, true));
    const file = join(tmpdir(), `qrv-bookings-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const summary = summarize(profile);
    const per = (ms: number) => `${(ms / result.bookings).toFixed(2).padStart(7)} ms`;
    const pct = (ms: number) => `${((ms / summary.totalMs) * 100).toFixed(1).padStart(5)} %`;
    console.log(`\n${result.confirmed}/${result.bookings} bookings confirmed; ${f1(result.cpuMs)} workerd CPU ms per booking under the profiler (/proc, nothing subtracted), ${(summary.totalMs / result.bookings).toFixed(1)} ms sampled in the Worker's isolate`);
    console.log(`profile: ${file}\n`);
    const top = (title: string, rows: [string, number][], n: number) => {
      console.log(`${title} (per booking, share of the isolate's samples):`);
      for (const [k, ms] of rows.slice(0, n)) console.log(`  ${per(ms)}  ${pct(ms)}  ${k}`);
      console.log("");
    };
    top("self time by package or source file", summary.byArea, 30);
    top("inclusive time (on the stack) by package or source file", summary.inclusive, 40);
    top("self time by function", summary.byFunction, 40);
  } finally {
    await target.stop();
  }
}

if (process.argv.includes("--profile")) {
  console.log(`QRV: a CPU profile of ${BOOKINGS} whole bookings (load average ${LOAD_AT_START})`);
  await profileBookings();
  process.exit();
}

// ---------------------------------------------------------------- the races

const NO_RACES = process.argv.includes("--no-races");

/**
 * The slot race (50 paid engagements book one coach slot at once) and the lodging race (100
 * members book the last rooms of a type at once) on the whole-booking QRV, as rows of the same
 * table: orders per second over the race's wall time and its latencies. Their CPU is not split
 * out (each race prepares its engagements or members first, on the same server).
 */
interface RaceRow {
  cells: string[];
  ok: boolean;
  summary: string;
}

async function raceRows(target: Target): Promise<RaceRow[]> {
  // A race that throws is a failed row (its name and size), not a lost table.
  const row = async (name: string, racers: number, run: () => Promise<RaceRow>): Promise<RaceRow> =>
    run().catch((err: unknown) => ({ cells: [name, String(racers), "", "", "", "", "", "", "", ""], ok: false, summary: `${name} failed: ${err instanceof Error ? err.message : String(err)}` }));
  const slotName = "QRV slot race (book_session_slot)";
  const lodgingName = "QRV lodging race (book_rooms)";
  return [
    await row(slotName, 50, async () => {
      const slot = await slotRace(target.url, target.apiKey!, 50);
      return {
        cells: [slotName, String(slot.n), String(slot.n), String(slot.other), f1(slot.n / (slot.elapsed / 1000)), f0(slot.p50), f0(slot.p95), "", "", ""],
        ok: slot.ok,
        summary: `slot race: ${slot.booked} booked, ${slot.taken} told the slot was taken (${slot.withNext} with next free slots), ${slot.other} other; the slot ${slot.stillOffered ? "is still" : "is no longer"} offered`,
      };
    }),
    await row(lodgingName, 100, async () => {
      const lodging = await lodgingRace(target.url, { persistTo: target.persistTo! }, 100);
      return {
        cells: [lodgingName, String(lodging.requests), String(lodging.requests), String(lodging.otherErrors.length), f1(lodging.rate), f0(lodging.p50), "", f0(lodging.p99), "", ""],
        ok: lodging.ok,
        summary: `lodging race: ${lodging.confirmed} confirmed for ${lodging.free} free room(s), ${lodging.noAvailability} no availability, ${lodging.otherErrors.length} other; ${lodging.doubleBooked} room-nights booked twice, ${lodging.ledgerMismatches} ledgers off`,
      };
    }),
  ];
}

const COMPARE = arg("compare", "");
if (COMPARE) {
  console.log(`QRV in ${COMPARE} (before) against this checkout (after)`);
  await compare(COMPARE);
  process.exit();
}

console.log(`QRV against its floor: 1 then ${CLIENTS} clients × ${SECONDS} s per target (in ${ROUNDS} turns), then ${BOOKINGS} whole bookings`);
writeNoConsumerConfig();
const started: Target[] = [];
try {
  // One after another: wrangler processes starting together can race for a port.
  const starts = [
    () => startFloor("echo-mcpagent"),
    () => startFloor("echo-stateless"),
    () => startFloor("write-floor", "floor"),
    () => startFloor("write-stateless", "floor"),
    // QRV twice without its consumer: list_services on a server that books nothing, so that no
    // booking's own work (its objects, their alarms) runs while list_services is measured.
    () => startServer({ config: NO_CONSUMER_CONFIG }).then(qrvTarget),
    () => startServer({ config: NO_CONSUMER_CONFIG }).then(qrvTarget),
    () => startServer().then(qrvTarget),
  ];
  for (const start of starts) started.push(await start().catch(() => start()));
  const [a, b, c, d, qrvList, qrv, full] = started as [Target, Target, Target, Target, Target, Target, Target];
  rmSync(NO_CONSUMER_CONFIG, { force: true });

  const rounds: Load[][] = [];
  for (const [phase, clients] of [1, CLIENTS].entries()) {
    const slices: Load[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Each slice's bookings are new ones (see bookingArgs): numbered apart per phase and slice.
      const at = (i: number) => (phase * ROUNDS + r) * 1000 + i;
      const seconds = SECONDS / ROUNDS;
      slices.push([
        await load("A  McpAgent + echo", a, clients, "echo", () => ({ text: "hello" }), seconds),
        await load("B  stateless + echo", b, clients, "echo", () => ({ text: "hello" }), seconds),
        await load("C  write floor", c, clients, "write", (n, i) => ({ text: `write ${n} ${at(i)}` }), seconds),
        await load("D  stateless write floor", d, clients, "write", (n, i) => ({ text: `write ${n} ${at(i)}` }), seconds),
        await load("QRV list_services", qrvList, clients, "list_services", () => ({}), seconds),
        await load("QRV request_reservation", qrv, clients, "request_reservation", (n, i) => bookingArgs(n, at(i)), seconds),
      ]);
    }
    rounds.push(slices[0]!.map((_, t) => merged(slices.map((slice) => slice[t]!))));
    process.stderr.write(`  ${clients} client${clients === 1 ? "" : "s"}: done\n`);
  }
  // The load's servers stop first: the QRV that took the booking load without a consumer holds
  // hundreds of requests whose objects and timers would otherwise share the cores with the
  // whole bookings (CPU time per booking rose by a third with them running).
  await Promise.all(started.filter((t) => t !== full).map((t) => t.stop()));
  const booking = await whole(full);
  const races = NO_RACES ? [] : await raceRows(full);

  const floorOf: Record<string, string> = {
    "QRV list_services": "B  stateless + echo",
    "QRV request_reservation": "D  stateless write floor",
    "C  write floor": "A  McpAgent + echo",
    "D  stateless write floor": "B  stateless + echo",
  };
  const header = ["target", "clients", "requests", "errors", "calls/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms/call", "ratio to floor"];
  const lines: string[][] = [];
  for (const round of rounds) {
    for (const l of round) {
      const floor = round.find((f) => f.name === floorOf[l.name]);
      const ratio = floor?.cpuMs && l.cpuMs !== null ? `${(l.cpuMs / floor.cpuMs).toFixed(2)}× ${floor.name.slice(0, 1)}` : "";
      lines.push([l.name, String(l.clients), String(l.requests), String(l.errors), f1(l.requests / SECONDS), f0(l.p50), f0(l.p95), f0(l.p99), f1(l.cpuMs), ratio]);
    }
  }
  for (const r of races) lines.push(r.cells);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n${row(header)}\n${lines.map(row).join("\n")}\n`);
  console.log(
    `whole booking (request → confirmed, all queue work): ${booking.confirmed}/${booking.bookings} confirmed in ${booking.toConfirmed.toFixed(1)} s, ` +
      `${f1(booking.cpuMs)} CPU ms per booking (subtracted: ${booking.polls} polls × ${booking.perPoll.toFixed(1)} ms, idle ${booking.idleMs.toFixed(0)} ms)`,
  );
  const errors = rounds.flat().filter((l) => l.errors);
  for (const l of errors) console.log(`  ${l.name} (${l.clients}): first error: ${l.firstError}`);
  for (const r of races) console.log(`${r.ok ? "✔" : "✘"} ${r.summary}`);

  const n = rounds[1]!;
  const cpu = (name: string) => n.find((l) => l.name === name)?.cpuMs ?? null;
  const goal = (label: string, value: number | null, limit: number, unit: string) => {
    const ok = value !== null && value <= limit;
    console.log(`${ok ? "✔" : "✘"} ${label}: ${value !== null && unit === "×" ? value.toFixed(2) : f1(value)}${unit} (goal ≤ ${limit}${unit})`);
    return ok;
  };
  const ratio = (x: string, y: string) => (cpu(x) !== null && cpu(y) ? cpu(x)! / cpu(y)! : null);
  console.log(`\ngoals at ${CLIENTS} clients:`);
  const ok = [
    goal("request_reservation / stateless write floor D", ratio("QRV request_reservation", "D  stateless write floor"), RATIO_GOAL, "×"),
    goal("list_services / stateless echo B", ratio("QRV list_services", "B  stateless + echo"), RATIO_GOAL, "×"),
    goal("whole booking CPU", booking.cpuMs, BOOKING_GOAL_MS, " ms"),
  ];
  console.log(`  (request_reservation / McpAgent write floor C, for comparison with earlier runs: ${ratio("QRV request_reservation", "C  write floor")?.toFixed(2) ?? "n/a"}×)`);
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; wrangler's local trace collector ${LOCAL_OBSERVABILITY === "false" ? "off" : "on"} (X_LOCAL_OBSERVABILITY=${LOCAL_OBSERVABILITY})`);
  console.log(`load average (1, 5, 15 min): at the start ${LOAD_AT_START}, at the end ${loadAverage()}\n`);
  process.exitCode = errors.length || races.some((r) => !r.ok) ? 1 : 0;
  void ok;
} finally {
  rmSync(NO_CONSUMER_CONFIG, { force: true });
  await Promise.all(started.map((t) => t.stop()));
}
