// npm run deploy [-- --dry-run] [--config wrangler.toml] [--env NAME] [--var NAME:VALUE ...]
//                [--secrets-file PATH]
// Publishes QRV in one command, and again without harm: checks that every secret is set (so a
// refused deployment creates nothing), finds or creates the D1 database, the KV namespace and
// the queues (writing new ids into the Wrangler configuration), applies the remote migrations,
// deploys, then asks the deployed Worker's /healthz whether the live configuration is complete. It refuses a configuration whose
// providers would be the sandbox, unless it is an explicit public demo (PUBLIC_DEMO="true").
// --dry-run prints the plan and touches no network.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { unstable_readConfig } from "wrangler";
import { deployPlan, describeStep, type DeployConfig, type DeployOptions, type Step } from "./lib/deploy-plan.ts";
import { wranglerSync } from "./lib/wrangler.ts";

const USAGE = "usage: npm run deploy -- [--dry-run] [--config FILE] [--env NAME] [--var NAME:VALUE ...] [--secrets-file PATH]";

function parseArgs(argv: string[]): { dryRun: boolean; configPath: string; options: DeployOptions } {
  const options: DeployOptions = { vars: {} };
  let dryRun = false;
  let configPath = "wrangler.toml";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--dry-run") dryRun = true;
    else if (a === "--config") configPath = options.config = value();
    else if (a === "--env") options.env = value();
    else if (a === "--secrets-file") options.secretsFile = value();
    else if (a === "--var") {
      const v = value();
      const colon = v.indexOf(":");
      if (colon < 1) throw new Error(`--var ${v}: expected NAME:VALUE`);
      options.vars[v.slice(0, colon)] = v.slice(colon + 1);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (options.secretsFile) {
    if (!existsSync(options.secretsFile)) throw new Error(`--secrets-file ${options.secretsFile}: no such file`);
    options.secretsInFile = secretNames(readFileSync(options.secretsFile, "utf8"));
  }
  return { dryRun, configPath, options };
}

/** The names in a secrets file (KEY=value lines, or a JSON object), as wrangler reads it. */
function secretNames(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return Object.keys(JSON.parse(trimmed) as object);
  return trimmed
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && l.includes("="))
    .map((l) => l.slice(0, l.indexOf("=")).replace(/^export\s+/, "").trim());
}

function readDeployConfig(configPath: string, env: string | undefined): DeployConfig {
  const c = unstable_readConfig({ config: configPath, ...(env ? { env } : {}) }, { hideWarnings: true });
  const queues = new Set<string>();
  for (const p of c.queues.producers ?? []) queues.add(p.queue);
  for (const q of c.queues.consumers ?? []) {
    queues.add(q.queue);
    if (q.dead_letter_queue) queues.add(q.dead_letter_queue);
  }
  return {
    name: c.name ?? "qrv",
    vars: c.vars ?? {},
    d1: c.d1_databases.map((d: { binding: string; database_name?: string; database_id?: string }) => ({ binding: d.binding, databaseName: d.database_name ?? d.binding, ...(d.database_id ? { databaseId: d.database_id } : {}) })),
    kv: c.kv_namespaces.map((k: { binding: string; id?: string }) => ({ binding: k.binding, ...(k.id ? { id: k.id } : {}) })),
    queues: [...queues],
    requiredSecrets: c.secrets?.required ?? [],
  };
}

// ---------------------------------------------------------------- the steps, for real

/** The configuration file and environment, for the wrangler commands that read them. */
function configArgs(options: DeployOptions): string[] {
  return [...(options.config ? ["--config", options.config] : []), ...(options.env ? ["--env", options.env] : [])];
}

function run(args: string[], what: string): string {
  const r = wranglerSync(args, true);
  if (r.status !== 0) throw new Error(`${what} failed (wrangler ${args.join(" ")}):\n${(r.stderr || r.stdout).trim().split("\n").slice(-8).join("\n")}`);
  return r.stdout;
}

function json<T>(stdout: string): T {
  const start = stdout.search(/[[{]/);
  return JSON.parse(stdout.slice(start)) as T;
}

/** Replaces one binding's placeholder id in the configuration file, leaving the rest as written. */
function writeId(configPath: string, key: "database_id" | "id", oldId: string | undefined, newId: string): void {
  const text = readFileSync(configPath, "utf8");
  const pattern = oldId ? new RegExp(`(${key}\\s*[=:]\\s*")${oldId}(")`) : null;
  if (!pattern || !pattern.test(text)) {
    console.log(`  put ${key} = "${newId}" into ${configPath} yourself (no placeholder to replace)`);
    return;
  }
  writeFileSync(configPath, text.replace(pattern, `$1${newId}$2`));
  console.log(`  wrote ${key} = "${newId}" into ${configPath}`);
}

function ensureD1(step: Extract<Step, { kind: "d1" }>, configPath: string, oldId: string | undefined): void {
  type Db = { uuid: string; name: string };
  const list = () => json<Db[]>(run(["d1", "list", "--json"], "listing D1 databases"));
  if (step.id) {
    if (!list().some((d) => d.uuid === step.id)) throw new Error(`D1 database ${step.id} (${step.binding}) is not in this account: fix database_id in ${configPath}, or set it to zeros to find or create "${step.databaseName}".`);
    console.log(`  D1 ${step.databaseName}: ${step.id}`);
    return;
  }
  let db = list().find((d) => d.name === step.databaseName);
  if (!db) {
    run(["d1", "create", step.databaseName], `creating D1 database ${step.databaseName}`);
    db = list().find((d) => d.name === step.databaseName);
    if (!db) throw new Error(`D1 database ${step.databaseName} was created but is not listed yet; run again.`);
    console.log(`  created D1 ${step.databaseName}`);
  }
  writeId(configPath, "database_id", oldId, db.uuid);
}

function ensureKv(step: Extract<Step, { kind: "kv" }>, configPath: string, workerName: string, oldId: string | undefined): void {
  type Ns = { id: string; title: string };
  const list = () => json<Ns[]>(run(["kv", "namespace", "list"], "listing KV namespaces"));
  const titles = [step.title, `${workerName}-${step.title}`];
  if (step.id) {
    if (!list().some((n) => n.id === step.id)) throw new Error(`KV namespace ${step.id} (${step.binding}) is not in this account: fix its id in ${configPath}, or set it to zeros to find or create one.`);
    console.log(`  KV ${step.binding}: ${step.id}`);
    return;
  }
  let ns = list().find((n) => titles.includes(n.title));
  if (!ns) {
    run(["kv", "namespace", "create", step.title], `creating KV namespace ${step.title}`);
    ns = list().find((n) => titles.includes(n.title));
    if (!ns) throw new Error(`KV namespace ${step.title} was created but is not listed yet; run again.`);
    console.log(`  created KV ${ns.title}`);
  }
  writeId(configPath, "id", oldId, ns.id);
}

function ensureQueue(name: string): void {
  if (wranglerSync(["queues", "info", name], true).status === 0) {
    console.log(`  queue ${name}: exists`);
    return;
  }
  run(["queues", "create", name], `creating queue ${name}`);
  console.log(`  created queue ${name}`);
}

function checkSecrets(step: Extract<Step, { kind: "secrets" }>, options: DeployOptions): void {
  const r = wranglerSync(["secret", "list", "--format", "json", ...configArgs(options)], true);
  // A Worker that does not exist yet has no secrets; the first deployment brings them in a file.
  const set = r.status === 0 ? json<{ name: string }[]>(r.stdout).map((s) => s.name) : [];
  const missing = step.required.filter((s) => !set.includes(s) && !step.fromFile.includes(s));
  if (missing.length) {
    throw new Error(
      `These secrets are not set: ${missing.join(", ")}.\n` +
        `Set each with \`npx wrangler secret put NAME\`${r.status === 0 ? "" : " (or, before the first deployment, pass --secrets-file with NAME=value lines)"}, then run npm run deploy again.`,
    );
  }
  console.log(`  secrets: all ${step.required.length} set`);
}

async function checkHealth(url: string): Promise<void> {
  // A new custom domain or workers.dev route can take a little while to answer.
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { headers: { accept: "application/json" } });
      const body = await res.text();
      if (res.ok) {
        console.log(`  ${url}: ok`);
        return;
      }
      throw new Error(`${url} answered ${res.status}: the deployed Worker names what is missing:\n${body}`);
    } catch (err) {
      if (attempt >= 6 || (err instanceof Error && err.message.includes("answered"))) throw err;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}

async function main(): Promise<void> {
  const { dryRun, configPath, options } = parseArgs(process.argv.slice(2));
  const config = readDeployConfig(configPath, options.env);
  const plan = deployPlan(config, options);

  console.log(`Deploying ${config.name} from ${configPath}${options.env ? ` (environment ${options.env})` : ""}, PROVIDERS=${plan.vars.PROVIDERS ?? "(not set)"}, PUBLIC_URL=${plan.vars.PUBLIC_URL ?? "(not set)"}`);
  console.log("Plan:");
  plan.steps.forEach((s, i) => console.log(`  ${i + 1}. ${describeStep(s)}`));
  for (const n of plan.notes) console.log(`Note: ${n}`);
  if (plan.refusals.length) {
    console.error(`\nRefused: this configuration must not be published.\n${plan.refusals.map((r) => `  - ${r}`).join("\n")}`);
    process.exit(1);
  }
  if (dryRun) {
    console.log("\nDry run: nothing was created, changed or deployed.");
    return;
  }

  run(["whoami"], "checking the Cloudflare login (npx wrangler login, or CLOUDFLARE_API_TOKEN)");
  for (const [i, step] of plan.steps.entries()) {
    console.log(`${i + 1}. ${describeStep(step)}`);
    switch (step.kind) {
      case "d1":
        ensureD1(step, configPath, config.d1.find((d) => d.binding === step.binding)?.databaseId);
        break;
      case "kv":
        ensureKv(step, configPath, config.name, config.kv.find((k) => k.binding === step.binding)?.id);
        break;
      case "queue":
        ensureQueue(step.name);
        break;
      case "migrations":
        run(["d1", "migrations", "apply", step.databaseName, "--remote", ...configArgs(options)], "applying the remote migrations");
        break;
      case "secrets":
        checkSecrets(step, options);
        break;
      case "deploy": {
        const r = wranglerSync(step.args);
        if (r.status !== 0) throw new Error("wrangler deploy failed (see above)");
        break;
      }
      case "health":
        await checkHealth(step.url);
        break;
    }
  }
  console.log("\nDeployed.");
}

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
