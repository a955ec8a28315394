// `npm run deploy`: the plan it prints with --dry-run (no network), and its refusal to publish
// a sandbox.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { deployPlan, describeStep, sandboxRefusal, type DeployConfig } from "../../scripts/lib/deploy-plan.ts";

const LIVE = {
  PROVIDERS: "live",
  PUBLIC_URL: "https://qrv.example.com",
  ACCESS_TEAM_DOMAIN: "https://team.cloudflareaccess.com",
  ACCESS_AUD: "aud-tag",
  EMAIL_FROM: "concierge@qrv.example.com",
  TWILIO_MESSAGING_SERVICE_SID: "MG9a8b7c6d5e4f30211203f4e5d6c7b8a9",
};

const config: DeployConfig = {
  name: "qrv",
  vars: { PROVIDERS: "sandbox", PUBLIC_URL: "http://localhost:8787" },
  d1: [{ binding: "DB", databaseName: "qrv", databaseId: "00000000-0000-0000-0000-000000000000" }],
  kv: [{ binding: "OAUTH_KV", id: "00000000000000000000000000000000" }],
  queues: ["qrv-jobs", "qrv-jobs-dlq"],
  requiredSecrets: ["STRIPE_SECRET_KEY", "SLACK_WEBHOOK_URL"],
};

function dryRun(...args: string[]) {
  // No Cloudflare credentials and an unreachable proxy: a dry run that reached the network fails.
  const env = { ...process.env, CLOUDFLARE_API_TOKEN: "", HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", WRANGLER_SEND_METRICS: "false" };
  const r = spawnSync(process.execPath, ["scripts/deploy.ts", "--dry-run", ...args], { encoding: "utf8", env, timeout: 20_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("the deploy plan", () => {
  it("refuses sandbox providers unless the deployment is an explicit public demo", () => {
    expect(sandboxRefusal({ PROVIDERS: "sandbox" })).toMatch(/PROVIDERS is "sandbox"/);
    expect(sandboxRefusal({})).toMatch(/PROVIDERS is not set/);
    expect(sandboxRefusal({ PROVIDERS: "sandbox", PUBLIC_DEMO: "yes" })).not.toBeNull();
    expect(sandboxRefusal({ PROVIDERS: "sandbox", PUBLIC_DEMO: "true" })).toBeNull();
    expect(sandboxRefusal({ PROVIDERS: "live" })).toBeNull();
  });

  it("checks secrets, finds or creates every resource, migrates, deploys and asks /healthz, in that order", () => {
    const plan = deployPlan(config, { vars: LIVE });
    expect(plan.refusals).toEqual([]);
    expect(plan.steps.map((s) => s.kind)).toEqual(["secrets", "d1", "kv", "queue", "queue", "migrations", "deploy", "health"]);
    expect(plan.steps[1]).toEqual({ kind: "d1", binding: "DB", databaseName: "qrv" });
    expect(plan.steps.find((s) => s.kind === "deploy")).toMatchObject({ args: expect.arrayContaining(["--var", "PROVIDERS:live", "PUBLIC_URL:https://qrv.example.com"]) });
    expect(plan.steps.at(-1)).toEqual({ kind: "health", url: "https://qrv.example.com/healthz" });
  });

  it("keeps real ids and only checks them on a re-run", () => {
    const deployed = { ...config, d1: [{ binding: "DB", databaseName: "qrv", databaseId: "3f0c8a3e-1111-4e6b-9a55-1c2d3e4f5a6b" }], kv: [{ binding: "OAUTH_KV", id: "9f8e7d6c5b4a39281706f5e4d3c2b1a0" }] };
    const plan = deployPlan(deployed, { vars: LIVE });
    expect(describeStep(plan.steps[1]!)).toContain("check that 3f0c8a3e-1111-4e6b-9a55-1c2d3e4f5a6b exists");
    expect(describeStep(plan.steps[2]!)).toContain("check that 9f8e7d6c5b4a39281706f5e4d3c2b1a0 exists");
  });

  it("names what a live deployment lacks", () => {
    const plan = deployPlan(config, { vars: { PROVIDERS: "live", PUBLIC_URL: "http://qrv.example.com" } });
    const text = plan.refusals.join("\n");
    expect(text).toMatch(/PUBLIC_URL .* must be an https:\/\/ address/);
    expect(text).toMatch(/ACCESS_TEAM_DOMAIN and ACCESS_AUD/);
    expect(text).toMatch(/EMAIL_FROM is not set/);
    expect(text).toMatch(/TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM/);
  });

  it("lets a public demo through, saying so", () => {
    const plan = deployPlan(config, { vars: { PUBLIC_DEMO: "true", PUBLIC_URL: "https://demo.qrv.example.com" } });
    expect(plan.refusals).toEqual([]);
    expect(plan.notes.join("\n")).toMatch(/public demo/);
  });
});

describe("npm run deploy -- --dry-run", () => {
  it("refuses to publish a sandbox, and deploys nothing", () => {
    const r = dryRun(...Object.entries({ ...LIVE, PROVIDERS: "sandbox" }).flatMap(([k, v]) => ["--var", `${k}:${v}`]));
    expect(r.status).toBe(1);
    expect(r.out).toContain("Refused: this configuration must not be published.");
    expect(r.out).toMatch(/PROVIDERS is "sandbox"/);
    expect(r.out).not.toContain("Dry run: nothing was created");
  });

  it("refuses the repository's configuration as it stands: its PUBLIC_URL is this machine", () => {
    const r = dryRun();
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/PUBLIC_URL \(http:\/\/localhost:8787\)/);
  });

  it("prints the whole plan for a live configuration without touching the network", () => {
    const r = dryRun(...Object.entries(LIVE).flatMap(([k, v]) => ["--var", `${k}:${v}`]));
    expect(r.out).toContain("Dry run: nothing was created, changed or deployed.");
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/1\. secrets: every one of .* anything missing is named and nothing is created or deployed/);
    expect(r.out).toMatch(/2\. D1 database qrv \(DB\): find it by name or create it/);
    expect(r.out).toMatch(/apply the remote migrations of qrv/);
    expect(r.out).toMatch(/queue qrv-jobs-dlq: create it unless it exists/);
    expect(r.out).toMatch(/wrangler deploy --var PROVIDERS:live/);
    expect(r.out).toMatch(/GET https:\/\/qrv\.example\.com\/healthz/);
  });
});
