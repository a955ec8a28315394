// A local stand-in for the part of the Cloudflare API that `npm run deploy` reaches through the
// real wrangler (wrangler reads CLOUDFLARE_API_BASE_URL): the account, D1 databases (their SQL
// runs on an in-memory SQLite, so the migrations really apply), KV namespaces, queues, Worker
// scripts with their secrets, and the deployed Worker's /healthz. State lives in memory; every
// request is logged, and anything it does not know is answered 404 and listed in `unknown`, so a
// test sees when wrangler starts asking for something new.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DatabaseSync } from "node:sqlite";

export const ACCOUNT_ID = "0123456789abcdef0123456789abcdef";

export interface FakeRequest {
  method: string;
  path: string;
}

interface Queue {
  queue_id: string;
  queue_name: string;
  consumers: { consumer_id: string; type: string; script: string; settings?: unknown; dead_letter_queue?: string }[];
}

interface Script {
  secrets: Map<string, string>;
  uploads: number;
  bindings: { type: string; name: string }[];
}

export interface FakeCloudflare {
  url: string;
  /** The API base for CLOUDFLARE_API_BASE_URL. */
  apiBase: string;
  requests: FakeRequest[];
  unknown: FakeRequest[];
  d1: { uuid: string; name: string; sql: DatabaseSync }[];
  kv: { id: string; title: string }[];
  queues: Queue[];
  scripts: Map<string, Script>;
  r2: string[];
  /** Requests whose method and path match, e.g. count("POST", /\/d1\/database$/). */
  count(method: string, path: RegExp): number;
  close(): Promise<void>;
}

const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n / 2)), (b) => b.toString(16).padStart(2, "0")).join("");

function send(res: ServerResponse, status: number, result: unknown, extra: Record<string, unknown> = {}): void {
  const ok = status < 400;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ success: ok, errors: ok ? [] : [{ code: (extra.code as number) ?? 10000, message: String(extra.message ?? "not found") }], messages: [], result: ok ? result : null, ...(extra.info ? { result_info: extra.info } : {}) }));
}

function page<T>(items: T[], url: URL) {
  const n = Number(url.searchParams.get("page") ?? "1");
  const per = Number(url.searchParams.get("per_page") ?? "1000");
  const slice = items.slice((n - 1) * per, n * per);
  return { slice, info: { page: n, per_page: per, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / per)) } };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The JSON parts of a multipart/form-data upload (the Worker's metadata). */
function multipartJson(raw: Buffer, contentType: string): Record<string, unknown>[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return [];
  return raw
    .toString("latin1")
    .split(`--${boundary}`)
    .flatMap((part) => {
      const [head, ...rest] = part.split("\r\n\r\n");
      if (!head || !/name="metadata"/.test(head)) return [];
      try {
        return [JSON.parse(Buffer.from(rest.join("\r\n\r\n").replace(/\r\n$/, ""), "latin1").toString("utf8")) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

function queueView(q: Queue) {
  const at = new Date(0).toISOString();
  return { ...q, created_on: at, modified_on: at, producers: [], producers_total_count: 0, consumers_total_count: q.consumers.length };
}

/** Runs a D1 query the way the API answers it: one result per call, statements in order. */
function runSql(db: DatabaseSync, sql: string, params: unknown[] = []) {
  const started = performance.now();
  const trimmed = sql.trim().replace(/;\s*$/, "");
  const single = !trimmed.includes(";");
  let results: unknown[] = [];
  if (single && /^\s*(select|pragma|with)\b/i.test(trimmed)) results = db.prepare(trimmed).all(...(params as never[]));
  else if (single) db.prepare(trimmed).run(...(params as never[]));
  else db.exec(sql);
  return [{ results, success: true, meta: { duration: performance.now() - started, changes: 0, rows_read: 0, rows_written: 0, served_by: "fake-cloudflare" } }];
}

export async function startFakeCloudflare(): Promise<FakeCloudflare> {
  const fake = {
    requests: [] as FakeRequest[],
    unknown: [] as FakeRequest[],
    d1: [] as FakeCloudflare["d1"],
    kv: [] as FakeCloudflare["kv"],
    queues: [] as FakeCloudflare["queues"],
    scripts: new Map<string, Script>(),
    r2: [] as string[],
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const raw = await body(req);
    fake.requests.push({ method, path: url.pathname });
    const json = () => JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
    const p = url.pathname.replace(/^\/client\/v4/, "");
    const acct = `/accounts/${ACCOUNT_ID}`;
    let m: RegExpExecArray | null;

    // The deployed Worker itself (the script's last step asks it).
    if (p === "/__worker/healthz") {
      const deployed = [...fake.scripts.values()].some((s) => s.uploads > 0);
      res.writeHead(deployed ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(deployed ? { ok: true } : { ok: false, missing: ["the Worker is not deployed"] }));
      return;
    }
    if (method === "GET" && p === "/user/tokens/verify") return send(res, 200, { id: "tok", status: "active" });
    if (method === "GET" && p === "/user") return send(res, 200, { id: "user", email: "deploy@qrv.test" });
    if (method === "GET" && p === "/accounts") return send(res, 200, [{ id: ACCOUNT_ID, name: "QRV" }]);
    if (method === "GET" && p === "/memberships") return send(res, 200, [{ id: "m", account: { id: ACCOUNT_ID, name: "QRV" } }]);

    // D1
    if (p === `${acct}/d1/database`) {
      if (method === "GET") {
        const { slice, info } = page(fake.d1.map(({ uuid, name }) => ({ uuid, name, version: "production", created_at: new Date().toISOString(), num_tables: 0, file_size: 0 })), url);
        return send(res, 200, slice, { info });
      }
      if (method === "POST") {
        const name = String(json().name);
        if (fake.d1.some((d) => d.name === name)) return send(res, 400, null, { code: 7502, message: "A database with that name already exists" });
        const db = { uuid: crypto.randomUUID(), name, sql: new DatabaseSync(":memory:") };
        fake.d1.push(db);
        return send(res, 200, { uuid: db.uuid, name, created_at: new Date().toISOString() });
      }
    }
    if ((m = new RegExp(`^${acct}/d1/database/([\\w-]+)(/query|/raw)?$`).exec(p))) {
      const db = fake.d1.find((d) => d.uuid === m![1]);
      if (!db) return send(res, 404, null, { code: 7404, message: `The database ${m[1]} could not be found` });
      if (method === "GET" && !m[2]) return send(res, 200, { uuid: db.uuid, name: db.name, version: "production", num_tables: 0, file_size: 0 });
      if (method === "POST" && m[2] === "/query") {
        const q = json();
        try {
          return send(res, 200, runSql(db.sql, String(q.sql), (q.params as unknown[]) ?? []));
        } catch (err) {
          return send(res, 400, null, { code: 7500, message: err instanceof Error ? err.message : String(err) });
        }
      }
    }

    // KV
    if (p === `${acct}/storage/kv/namespaces`) {
      if (method === "GET") {
        const { slice, info } = page(fake.kv, url);
        return send(res, 200, slice, { info });
      }
      if (method === "POST") {
        const title = String(json().title);
        if (fake.kv.some((n) => n.title === title)) return send(res, 400, null, { code: 10014, message: "a namespace with this account ID and title already exists" });
        const ns = { id: hex(32), title };
        fake.kv.push(ns);
        return send(res, 200, ns);
      }
    }

    // Queues
    if (p === `${acct}/queues`) {
      if (method === "GET") {
        const name = url.searchParams.get("name");
        const { slice, info } = page(fake.queues.filter((q) => !name || q.queue_name === name).map(queueView), url);
        return send(res, 200, slice, { info });
      }
      if (method === "POST") {
        const name = String(json().queue_name);
        if (fake.queues.some((q) => q.queue_name === name)) return send(res, 400, null, { code: 11009, message: "A queue with this name already exists" });
        const q: Queue = { queue_id: hex(32), queue_name: name, consumers: [] };
        fake.queues.push(q);
        return send(res, 200, queueView(q));
      }
    }
    if ((m = new RegExp(`^${acct}/queues/(\\w+)$`).exec(p)) && method === "GET") {
      const q = fake.queues.find((q) => q.queue_id === m![1]);
      return q ? send(res, 200, queueView(q)) : send(res, 404, null, { code: 11000, message: "Queue does not exist" });
    }
    if ((m = new RegExp(`^${acct}/queues/(\\w+)/consumers(?:/(\\w+))?$`).exec(p))) {
      const q = fake.queues.find((q) => q.queue_id === m![1]);
      if (!q) return send(res, 404, null, { code: 11000, message: "Queue does not exist" });
      const b = json() as { type: string; script_name: string; settings?: unknown; dead_letter_queue?: string };
      if (method === "POST" && !m[2]) {
        const c = { consumer_id: hex(32), type: b.type, script: b.script_name, settings: b.settings, ...(b.dead_letter_queue ? { dead_letter_queue: b.dead_letter_queue } : {}) };
        q.consumers.push(c);
        return send(res, 200, c);
      }
      const c = q.consumers.find((c) => c.consumer_id === m![2]);
      if (method === "PUT" && c) {
        Object.assign(c, { settings: b.settings, dead_letter_queue: b.dead_letter_queue });
        return send(res, 200, c);
      }
    }

    // Worker scripts and their secrets
    if ((m = new RegExp(`^${acct}/workers/scripts/([\\w-]+)/secrets$`).exec(p))) {
      const script = fake.scripts.get(m[1]!);
      if (!script) return send(res, 404, null, { code: 10007, message: `This Worker does not exist on your account. [code: 10007]` });
      if (method === "GET") return send(res, 200, [...script.secrets.keys()].map((name) => ({ name, type: "secret_text" })));
    }

    if ((m = new RegExp(`^${acct}/workers/services/([\\w-]+)$`).exec(p)) && method === "GET") {
      const script = fake.scripts.get(m[1]!);
      if (!script) return send(res, 404, null, { code: 10007, message: "This Worker does not exist on your account." });
      return send(res, 200, { id: m[1], default_environment: { environment: "production", script: { id: m[1], tag: `tag-${m[1]}`, tags: [], last_deployed_from: "wrangler" } } });
    }

    if (method === "GET" && p === `${acct}/workers/subdomain`) return send(res, 200, { subdomain: "qrv-rehearsal" });

    // Uploading a Worker: the metadata part carries its bindings, and the secrets sent with it.
    if ((m = new RegExp(`^${acct}/workers/scripts/([\\w-]+)$`).exec(p)) && method === "PUT") {
      const meta = multipartJson(raw, req.headers["content-type"] ?? "")[0] ?? {};
      const bindings = (meta.bindings as { type: string; name: string; text?: string }[] | undefined) ?? [];
      const script = fake.scripts.get(m[1]!) ?? { secrets: new Map<string, string>(), uploads: 0, bindings: [] };
      for (const b of bindings) if (b.type === "secret_text") script.secrets.set(b.name, b.text ?? "");
      script.bindings = bindings.map(({ type, name }) => ({ type, name }));
      script.uploads += 1;
      fake.scripts.set(m[1]!, script);
      return send(res, 200, { id: m[1], etag: hex(32), deployment_id: crypto.randomUUID(), startup_time_ms: 12, compatibility_date: meta.compatibility_date });
    }
    if ((m = new RegExp(`^${acct}/workers/scripts/([\\w-]+)/deployments$`).exec(p))) {
      const script = fake.scripts.get(m[1]!);
      if (method === "GET") {
        if (!script) return send(res, 404, null, { code: 10007, message: "This Worker does not exist on your account." });
        return send(res, 200, { deployments: [] });
      }
    }
    if ((m = new RegExp(`^${acct}/workers/scripts/([\\w-]+)/(script-settings|settings)$`).exec(p))) {
      const script = fake.scripts.get(m[1]!);
      if (method === "PATCH") return send(res, 200, {});
      if (method === "GET") return script ? send(res, 200, { bindings: script.bindings }) : send(res, 404, null, { code: 10007, message: "This Worker does not exist on your account." });
    }
    if ((m = new RegExp(`^${acct}/workers/workers/([\\w-]+)$`).exec(p)) && method === "GET") {
      return fake.scripts.has(m[1]!) ? send(res, 200, { id: m[1], name: m[1], subdomain: { enabled: true, previews_enabled: true } }) : send(res, 404, null, { code: 10007, message: "This Worker does not exist on your account." });
    }
    if ((m = new RegExp(`^${acct}/workers/scripts/([\\w-]+)/schedules$`).exec(p)) && method === "PUT") return send(res, 200, { schedules: JSON.parse(raw.toString("utf8") || "[]") });
    if ((m = new RegExp(`^${acct}/workers/scripts/([\\w-]+)/subdomain$`).exec(p))) {
      if (method === "GET") return send(res, 200, { enabled: true, previews_enabled: true });
      if (method === "POST") return send(res, 200, { enabled: true, previews_enabled: true });
    }

    // R2 (wrangler's own provisioning looks for the bucket a binding names)
    if ((m = new RegExp(`^${acct}/r2/buckets(?:/([\\w-]+))?$`).exec(p))) {
      if (method === "GET" && m[1]) return fake.r2.includes(m[1]) ? send(res, 200, { name: m[1], creation_date: new Date().toISOString() }) : send(res, 404, null, { code: 10006, message: "The specified bucket does not exist." });
      if (method === "GET") return send(res, 200, { buckets: fake.r2.map((name) => ({ name })) });
      if (method === "POST") {
        const name = String(json().name);
        if (!fake.r2.includes(name)) fake.r2.push(name);
        return send(res, 200, { name });
      }
    }

    fake.unknown.push({ method, path: url.pathname });
    return send(res, 404, null, { code: 10000, message: `fake Cloudflare API: no route for ${method} ${url.pathname}` });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, null, { message: err instanceof Error ? err.message : String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...fake,
    url,
    apiBase: `${url}/client/v4`,
    count: (method, path) => fake.requests.filter((r) => r.method === method && path.test(r.path)).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export { multipartJson };
