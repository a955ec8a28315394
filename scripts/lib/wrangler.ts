// Running wrangler from scripts: the project's own wrangler, on the Node that runs the script.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
export const WRANGLER = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");

export type Target = "local" | "remote";

/** Where local state lives (wrangler's default unless given, e.g. a fresh folder for browser tests). */
export interface LocalOptions {
  persistTo?: string;
}

function targetArgs(target: Target, opts: LocalOptions): string[] {
  return target === "local" && opts.persistTo ? ["--local", "--persist-to", opts.persistTo] : [`--${target}`];
}

const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "1" };

export function wranglerSync(args: string[], capture = false): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [WRANGLER, ...args], { encoding: "utf8", env: quietEnv, stdio: capture ? "pipe" : "inherit" });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function wranglerSpawn(args: string[]) {
  return spawn(process.execPath, [WRANGLER, ...args], { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
}

function fail(what: string, r: { stdout: string; stderr: string }): never {
  const detail = `${r.stderr}\n${r.stdout}`.trim().split("\n").filter((l) => /error|✘/i.test(l)).slice(0, 5).join("\n");
  throw new Error(`${what} failed${detail ? `:\n${detail}` : ""}`);
}

export function migrate(target: Target, opts: LocalOptions = {}): void {
  const r = wranglerSync(["d1", "migrations", "apply", "qrv", ...targetArgs(target, opts)], true);
  if (r.status !== 0) fail("applying migrations", r);
}

/** Runs a SQL file in one transaction (D1 executes a file atomically). */
export function executeSql(target: Target, sql: string, opts: LocalOptions = {}): void {
  const dir = mkdtempSync(join(tmpdir(), "qrv-"));
  const file = join(dir, "statements.sql");
  try {
    writeFileSync(file, sql);
    const r = wranglerSync(["d1", "execute", "qrv", ...targetArgs(target, opts), "--file", file, "--yes"], true);
    if (r.status !== 0) fail("executing SQL", r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function query<T>(target: Target, sql: string, opts: LocalOptions = {}): T[] {
  const r = wranglerSync(["d1", "execute", "qrv", ...targetArgs(target, opts), "--json", "--command", sql], true);
  if (r.status !== 0) fail("querying", r);
  const parsed = JSON.parse(r.stdout.slice(r.stdout.indexOf("["))) as { results: T[] }[];
  return parsed.flatMap((p) => p.results);
}

/** Inlines a parameter as an SQL literal (for files run by wrangler). */
export function literal(v: string | number | null): string {
  if (v === null) return "NULL";
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
}

export function inline(sql: string, params: (string | number | null)[]): string {
  let i = 0;
  const out = sql.replace(/\?/g, () => {
    if (i >= params.length) throw new Error("more placeholders than parameters");
    return literal(params[i++]!);
  });
  if (i !== params.length) throw new Error("more parameters than placeholders");
  return out;
}

export function targetFrom(argv: string[]): Target {
  return argv.includes("--remote") ? "remote" : "local";
}
