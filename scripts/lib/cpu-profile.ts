// A V8 CPU profile of a `wrangler dev` Worker through its inspector (`--inspector-port`), taken
// from a script: the Chrome DevTools protocol's Profiler domain over wrangler's inspector proxy,
// the same one DevTools uses. The profile is written as a .cpuprofile (DevTools' Performance
// panel and speedscope open it) and summed up by source file and function, mapped through the
// bundle's source map, so the heaviest spots can be read in a terminal.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join } from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A DevTools protocol session on a `wrangler dev --inspector-port PORT`. */
export class Inspector {
  #ws: WebSocket;
  #id = 0;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const w = this.#waiting.get(msg.id);
      if (!w) return;
      this.#waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(msg.error.message));
      else w.resolve(msg.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    // wrangler's proxy accepts local origins only; Node's WebSocket (undici) sends none unless told.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Origin: "http://localhost" } } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error(`inspector on port ${port}: could not connect`)), { once: true });
    });
    return new Inspector(ws);
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = ++this.#id;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.#ws.close();
  }
}

/** Profiles the Worker while `work` runs (sampling every `intervalUs` microseconds). */
export async function profileWhile<T>(port: number, work: () => Promise<T>, intervalUs = 500): Promise<{ result: T; profile: CpuProfile }> {
  const inspector = await Inspector.connect(port);
  try {
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await inspector.send("Profiler.start");
    const result = await work();
    const { profile } = await inspector.send<{ profile: CpuProfile }>("Profiler.stop");
    return { result, profile };
  } finally {
    inspector.close();
  }
}

/**
 * The bundle this profile ran, with its source map, among those `wrangler dev` processes wrote
 * under .wrangler/tmp (several servers may run from one checkout): the one whose text has the
 * profiled functions' names at their positions.
 */
function sourceMapOf(profile: CpuProfile): SourceMap | null {
  const root = join(".wrangler", "tmp");
  if (!existsSync(root)) return null;
  const named = profile.nodes.map((n) => n.callFrame).filter((f) => f.url.endsWith("index.js") && f.functionName && f.lineNumber >= 0).slice(0, 300);
  let best: { path: string; score: number } | null = null;
  for (const d of readdirSync(root)) {
    const js = join(root, d, "index.js");
    if (!existsSync(js) || !existsSync(`${js}.map`)) continue;
    const lines = readFileSync(js, "utf8").split("\n");
    const score = named.filter((f) => (lines[f.lineNumber] ?? "").slice(f.columnNumber, f.columnNumber + 200).includes(f.functionName)).length;
    if (!best || score > best.score) best = { path: `${js}.map`, score };
  }
  if (!best || best.score < named.length / 2) return null;
  return new SourceMap(JSON.parse(readFileSync(best.path, "utf8")));
}

/** Where a source file belongs: a package under node_modules, or a file of QRV's own. */
function area(source: string): string {
  const nm = source.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = source.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const src = source.indexOf("src/");
  return src >= 0 ? source.slice(src) : source || "(runtime)";
}

export interface ProfileSummary {
  /** Sampled time the isolate was not idle. */
  totalMs: number;
  /** Self time by package or QRV source file. */
  byArea: [string, number][];
  /** Self time by function (name, source file and line). */
  byFunction: [string, number][];
  /** Time with each QRV source file anywhere on the stack (inclusive), and each package. */
  inclusive: [string, number][];
}

export function summarize(profile: CpuProfile): ProfileSummary {
  const map = sourceMapOf(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const located = new Map<number, { area: string; fn: string }>();
  const locate = (id: number) => {
    let hit = located.get(id);
    if (hit) return hit;
    const { callFrame: f } = byId.get(id)!;
    let source = f.url;
    let line = f.lineNumber;
    if (map && f.url && f.lineNumber >= 0) {
      const entry = map.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number };
      if (entry.originalSource) {
        source = entry.originalSource;
        line = entry.originalLine ?? line;
      }
    }
    const name = f.functionName || "(anonymous)";
    hit = f.url ? { area: area(source), fn: `${name} ${area(source)}:${line + 1}` } : { area: name, fn: name };
    located.set(id, hit);
    return hit;
  };
  const self = new Map<number, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  const idle = profile.nodes.find((n) => n.callFrame.functionName === "(idle)")?.id;
  profile.samples.forEach((id, i) => {
    // Time the isolate waited (I/O, timers) is not CPU: left out of every figure.
    if (id === idle) return;
    const dt = profile.timeDeltas[i] ?? 0;
    totalUs += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const a = locate(n).area;
      if (!seen.has(a)) {
        seen.add(a);
        inclusive.set(a, (inclusive.get(a) ?? 0) + dt);
      }
    }
  });
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const { area: a, fn } = locate(id);
    areas.set(a, (areas.get(a) ?? 0) + us);
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([k, us]) => [k, us / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { totalMs: totalUs / 1000, byArea: sorted(areas), byFunction: sorted(fns), inclusive: sorted(inclusive) };
}
