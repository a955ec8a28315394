// What `npm run deploy` will do, worked out from the Wrangler configuration and the command
// line alone (no network), so `--dry-run` can print it and a test can check it. The steps run
// in scripts/deploy.ts; each one finds what already exists first, so a re-run changes nothing
// that is already right.

import { sandboxExposure } from "../../src/sandbox-exposure.ts";

/** The parts of Wrangler's configuration a deployment needs. */
export interface DeployConfig {
  name: string;
  vars: Record<string, unknown>;
  d1: { binding: string; databaseName: string; databaseId?: string }[];
  kv: { binding: string; id?: string }[];
  queues: string[];
  requiredSecrets: string[];
}

export interface DeployOptions {
  /** --var NAME:VALUE, as for `wrangler deploy`; they win over [vars]. */
  vars: Record<string, string>;
  /** --secrets-file PATH: secrets uploaded with the deployment (needed on the very first one). */
  secretsFile?: string;
  /** The names in that file, when it was readable. */
  secretsInFile?: string[];
  env?: string;
  /** --config FILE, passed on to every wrangler command that reads the configuration. */
  config?: string;
}

export type Step =
  | { kind: "d1"; binding: string; databaseName: string; id?: string }
  | { kind: "kv"; binding: string; title: string; id?: string }
  | { kind: "queue"; name: string }
  | { kind: "migrations"; databaseName: string }
  | { kind: "secrets"; required: string[]; fromFile: string[] }
  | { kind: "deploy"; args: string[] }
  | { kind: "health"; url: string };

export interface DeployPlan {
  /** Why this configuration must not be published; empty when it may. */
  refusals: string[];
  /** Things worth knowing that do not stop the deployment. */
  notes: string[];
  vars: Record<string, string>;
  steps: Step[];
}

/** Wrangler's placeholders in a fresh checkout: an id that names no real resource. */
export function isPlaceholderId(id: string | undefined): boolean {
  return !id || /^0+(-0+)*$/.test(id);
}

/**
 * Sandbox providers answer every call and payment themselves, so a deployed sandbox takes
 * bookings that no shop hears of and nobody pays for. It may be published only as an explicit,
 * visible demo (PUBLIC_DEMO="true"): the Worker's own rule (sandboxExposure), applied before
 * anything is published.
 */
export function sandboxRefusal(vars: Record<string, string>): string | null {
  if (sandboxExposure(vars) !== "local_only") return null;
  const what = vars.PROVIDERS ? `PROVIDERS is "${vars.PROVIDERS}"` : "PROVIDERS is not set";
  return `${what}: the sandbox would take bookings that no shop hears of and nobody pays for. Set PROVIDERS = "live" (with the settings in docs/providers.md), or PUBLIC_DEMO = "true" to publish an explicit demo.`;
}

function publicUrlProblem(url: string | undefined): string | null {
  if (!url) return "PUBLIC_URL is not set: links in messages and provider callbacks need the public https:// address.";
  try {
    const u = new URL(url);
    if (u.protocol !== "https:") return `PUBLIC_URL (${url}) must be an https:// address.`;
    if (u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname.endsWith(".localhost")) return `PUBLIC_URL (${url}) is this machine; use the address people and providers reach.`;
    return null;
  } catch {
    return `PUBLIC_URL (${url}) is not a URL.`;
  }
}

function stringVars(vars: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => typeof v === "string") as [string, string][]);
}

export function deployPlan(config: DeployConfig, options: DeployOptions): DeployPlan {
  const vars = { ...stringVars(config.vars), ...options.vars };
  const refusals: string[] = [];
  const notes: string[] = [];

  const sandbox = sandboxRefusal(vars);
  if (sandbox) refusals.push(sandbox);
  const url = publicUrlProblem(vars.PUBLIC_URL);
  if (url) refusals.push(url);
  const live = vars.PROVIDERS === "live";
  if (!live && !sandbox) notes.push("PUBLIC_DEMO: a public demo with sandbox providers; nobody is phoned, texted or charged.");
  if (live) {
    if (!vars.ACCESS_TEAM_DOMAIN || !vars.ACCESS_AUD) refusals.push("ACCESS_TEAM_DOMAIN and ACCESS_AUD are needed with live providers: the operator console is opened through Cloudflare Access (README, Operator console).");
    if (!vars.EMAIL_FROM) refusals.push("EMAIL_FROM is not set: the From address of emails (docs/providers.md).");
    if (!vars.TWILIO_MESSAGING_SERVICE_SID && !vars.TWILIO_FROM) refusals.push("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM is not set: the SMS sender (docs/providers.md).");
  }
  if (options.secretsFile && options.secretsInFile) {
    const missing = config.requiredSecrets.filter((s) => !options.secretsInFile!.includes(s));
    if (missing.length) notes.push(`${options.secretsFile} lacks ${missing.join(", ")}; they must already be set on the Worker.`);
  }

  // Secrets first: a deployment that would be refused for a missing one creates nothing.
  const steps: Step[] = [{ kind: "secrets", required: config.requiredSecrets, fromFile: options.secretsInFile ?? [] }];
  for (const d of config.d1) steps.push({ kind: "d1", binding: d.binding, databaseName: d.databaseName, ...(isPlaceholderId(d.databaseId) ? {} : { id: d.databaseId }) });
  for (const k of config.kv) steps.push({ kind: "kv", binding: k.binding, title: k.binding, ...(isPlaceholderId(k.id) ? {} : { id: k.id }) });
  for (const q of config.queues) steps.push({ kind: "queue", name: q });
  for (const d of config.d1) steps.push({ kind: "migrations", databaseName: d.databaseName });
  const args = ["deploy", ...(options.config ? ["--config", options.config] : []), ...(options.env ? ["--env", options.env] : []), ...Object.entries(options.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]), ...(options.secretsFile ? ["--secrets-file", options.secretsFile] : [])];
  steps.push({ kind: "deploy", args });
  if (vars.PUBLIC_URL && !url) steps.push({ kind: "health", url: `${vars.PUBLIC_URL.replace(/\/+$/, "")}/healthz` });
  return { refusals, notes, vars, steps };
}

/** Secret values never appear in the plan; --var values are configuration, not secrets. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "d1":
      return step.id
        ? `D1 database ${step.databaseName} (${step.binding}): check that ${step.id} exists`
        : `D1 database ${step.databaseName} (${step.binding}): find it by name or create it, and write its id into the Wrangler configuration`;
    case "kv":
      return step.id
        ? `KV namespace ${step.title} (${step.binding}): check that ${step.id} exists`
        : `KV namespace ${step.title} (${step.binding}): find it by title or create it, and write its id into the Wrangler configuration`;
    case "queue":
      return `queue ${step.name}: create it unless it exists`;
    case "migrations":
      return `apply the remote migrations of ${step.databaseName} (wrangler d1 migrations apply ${step.databaseName} --remote)`;
    case "secrets":
      return `secrets: every one of ${step.required.join(", ")} set on the Worker${step.fromFile.length ? ` or in the secrets file (${step.fromFile.join(", ")})` : ""}; anything missing is named and nothing is created or deployed`;
    case "deploy":
      return `wrangler ${step.args.join(" ")}`;
    case "health":
      return `GET ${step.url}: the deployed Worker checks D1, the queue and every live setting, and names what is missing`;
  }
}
