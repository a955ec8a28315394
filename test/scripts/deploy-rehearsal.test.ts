// `npm run deploy` for real, twice, against a local stand-in for the Cloudflare API
// (fake-cloudflare.ts): the script drives the project's own wrangler, which reaches the fake
// through CLOUDFLARE_API_BASE_URL. What runs for real: the script's every step and every wrangler
// command it issues (whoami, d1 list/create, kv namespace list/create, queues info/create,
// d1 migrations apply --remote, secret list, deploy with its bundling, upload, triggers, queue
// consumers and R2 provisioning), and the migrations themselves on SQLite. What is faked: the
// Cloudflare API's answers, and the deployed Worker's /healthz (fake-worker-fetch.ts).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_ID, startFakeCloudflare, type FakeCloudflare } from "./fake-cloudflare.ts";

const REPO = resolve(import.meta.dirname, "../..");
const PUBLIC_URL = "https://qrv.example.com";
const LIVE = {
  PROVIDERS: "live",
  PUBLIC_URL,
  ACCESS_TEAM_DOMAIN: "https://team.cloudflareaccess.com",
  ACCESS_AUD: "aud-tag",
  EMAIL_FROM: "concierge@qrv.example.com",
  TWILIO_MESSAGING_SERVICE_SID: "MG9a8b7c6d5e4f30211203f4e5d6c7b8a9",
};
const MIGRATIONS = readdirSync(join(REPO, "migrations")).filter((f) => f.endsWith(".sql")).length;
// Wrangler starts in a few seconds on a quiet machine; a busy one (parallel test files) is slower.
const RUN_TIMEOUT = 360_000;

let fake: FakeCloudflare;
let dir: string;
let configPath: string;
let secretsFile: string;
let requiredSecrets: string[];

/** The repository's wrangler.toml with its paths made absolute, in a folder of its own (the script writes ids into it). */
function writeConfig(): void {
  const text = readFileSync(join(REPO, "wrangler.toml"), "utf8");
  requiredSecrets = [...(/\[secrets\]\s*required\s*=\s*\[([^\]]*)\]/.exec(text)?.[1] ?? "").matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]!);
  writeFileSync(configPath, text.replace(/^main = "src\/index.ts"$/m, `main = "${join(REPO, "src/index.ts")}"`).replace(/^migrations_dir = "migrations"$/m, `migrations_dir = "${join(REPO, "migrations")}"`));
}

async function deploy(...extra: string[]): Promise<{ status: number | null; out: string; seconds: number }> {
  const args = ["--import", join(REPO, "test/scripts/fake-worker-fetch.ts"), "scripts/deploy.ts", "--config", configPath, ...Object.entries(LIVE).flatMap(([k, v]) => ["--var", `${k}:${v}`]), ...extra];
  const env = {
    ...process.env,
    CLOUDFLARE_API_BASE_URL: fake.apiBase,
    CLOUDFLARE_API_TOKEN: "rehearsal-token",
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT_ID,
    WRANGLER_SEND_METRICS: "false",
    CI: "1",
    NO_PROXY: "127.0.0.1,localhost",
    QRV_FAKE_PUBLIC_URL: PUBLIC_URL,
    QRV_FAKE_WORKER: fake.url,
  };
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: REPO, env });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const status = await new Promise<number | null>((done) => child.on("close", done));
  return { status, out, seconds: (Date.now() - started) / 1000 };
}

const creates = () => ({
  d1: fake.count("POST", /\/d1\/database$/),
  kv: fake.count("POST", /\/storage\/kv\/namespaces$/),
  queues: fake.count("POST", /\/queues$/),
});

const applied = () => fake.d1[0]!.sql.prepare("SELECT name FROM d1_migrations ORDER BY id").all().map((r) => r.name);

describe("npm run deploy, rehearsed with the real wrangler against a local Cloudflare API", () => {
  beforeAll(async () => {
    fake = await startFakeCloudflare();
    dir = mkdtempSync(join(tmpdir(), "qrv-deploy-"));
    configPath = join(dir, "wrangler.toml");
    secretsFile = join(dir, "secrets.env");
    writeConfig();
    writeFileSync(secretsFile, requiredSecrets.map((n) => `${n}=rehearsal-${n.toLowerCase()}`).join("\n"));
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the first run creates D1, KV and the queues, applies the migrations, deploys and asks /healthz", { timeout: RUN_TIMEOUT }, async () => {
    const r = await deploy("--secrets-file", secretsFile);
    console.log(`first deploy: ${r.seconds.toFixed(1)} s`);
    expect(r.out).toContain("Deployed.");
    expect(r.status).toBe(0);
    expect(fake.unknown).toEqual([]);
    expect(creates()).toEqual({ d1: 1, kv: 1, queues: 2 });
    expect(fake.d1.map((d) => d.name)).toEqual(["qrv"]);
    expect(fake.kv.map((n) => n.title)).toEqual([expect.stringMatching(/OAUTH_KV$/)]);
    expect(fake.queues.map((q) => q.queue_name).sort()).toEqual(["qrv-jobs", "qrv-jobs-dlq"]);
    // The new ids are written into the configuration, in place of the placeholders.
    const config = readFileSync(configPath, "utf8");
    expect(config).toContain(`database_id = "${fake.d1[0]!.uuid}"`);
    expect(config).toContain(`id = "${fake.kv[0]!.id}"`);
    // Every migration applied, for real, to the database.
    expect(applied()).toHaveLength(MIGRATIONS);
    expect(fake.d1[0]!.sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'reservations'").all()).toHaveLength(1);
    // One Worker, with the secrets from the file, the database that was created, and its queues' consumers.
    const worker = fake.scripts.get("qrv")!;
    expect(worker.uploads).toBe(1);
    expect([...worker.secrets.keys()].sort()).toEqual([...requiredSecrets].sort());
    expect(worker.bindings).toContainEqual({ type: "d1", name: "DB" });
    for (const q of fake.queues) expect(q.consumers.map((c) => c.script)).toEqual(["qrv"]);
    expect(r.out).toContain(`${PUBLIC_URL}/healthz: ok`);
  });

  it("the second run creates nothing and applies nothing, and deploys again", { timeout: RUN_TIMEOUT }, async () => {
    const before = { creates: creates(), queries: fake.count("POST", /\/query$/), config: readFileSync(configPath, "utf8") };
    // No secrets file this time: they are on the Worker now.
    const r = await deploy();
    console.log(`second deploy: ${r.seconds.toFixed(1)} s`);
    expect(r.out).toContain("Deployed.");
    expect(r.status).toBe(0);
    expect(fake.unknown).toEqual([]);
    expect(r.out).toContain(`check that ${fake.d1[0]!.uuid} exists`);
    expect(creates()).toEqual(before.creates);
    expect(readFileSync(configPath, "utf8")).toBe(before.config);
    // Only the migrations table's set-up and the look-up of what is applied.
    expect(fake.count("POST", /\/query$/) - before.queries).toBe(2);
    expect(applied()).toHaveLength(MIGRATIONS);
    expect(r.out).toMatch(/secrets: all \d+ set/);
    expect(fake.scripts.get("qrv")!.uploads).toBe(2);
    for (const q of fake.queues) expect(q.consumers).toHaveLength(1);
  });

  it("a live configuration with a secret missing is refused, naming it, before anything is created or deployed", { timeout: RUN_TIMEOUT }, async () => {
    fake.scripts.get("qrv")!.secrets.delete("SLACK_WEBHOOK_URL");
    const before = fake.requests.length;
    const r = await deploy();
    expect(r.status).toBe(1);
    expect(r.out).toContain("These secrets are not set: SLACK_WEBHOOK_URL.");
    expect(r.out).toContain("npx wrangler secret put NAME");
    expect(r.out).not.toContain("Deployed.");
    expect(fake.scripts.get("qrv")!.uploads).toBe(2);
    // Only the login check and the Worker's secrets were asked for.
    expect(fake.requests.slice(before).filter((q) => !/\/(user|accounts|memberships)(\/tokens\/verify)?$/.test(q.path)).map((q) => `${q.method} ${q.path.replace(/^.*\/accounts\/\w+/, "")}`)).toEqual(["GET /workers/scripts/qrv/secrets"]);
  });

  it("a first deployment without the secrets file is refused before anything is created", { timeout: RUN_TIMEOUT }, async () => {
    const empty = await startFakeCloudflare();
    const saved = fake;
    fake = empty;
    try {
      const r = await deploy();
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/These secrets are not set: ADMIN_PASSWORD, .*SLACK_WEBHOOK_URL\./);
      expect(r.out).toContain("pass --secrets-file");
      expect(creates()).toEqual({ d1: 0, kv: 0, queues: 0 });
      expect(empty.scripts.size).toBe(0);
    } finally {
      fake = saved;
      await empty.close();
    }
  });
});
