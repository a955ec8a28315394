// What one whole booking costs in round trips: D1 statements and batches, and queue sends, from
// the MCP call to `confirmed`, with a first shop that declines (two calls), through the real
// queue, objects and sandbox providers. Most of a booking's CPU is these round trips
// (docs/benchmarks.md), so a change that adds one shows here before it shows in `npm run bench`.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey, mcpClient, paySandbox, record, seedShops, startIn } from "./helpers.ts";

const counts = new Map<string, number>();
let counting = false;
function count(what: string): void {
  if (counting) counts.set(what, (counts.get(what) ?? 0) + 1);
}
const statementText = (s: { statement?: string }) => (s.statement ?? "?").replace(/\s+/g, " ").slice(0, 90);

// Wrap the bindings' prototypes (every statement, batch and send in this isolate goes through them).
type Fn = (this: unknown, ...args: unknown[]) => unknown;
const restore: (() => void)[] = [];
function wrap(proto: Record<string, Fn>, method: string, label: (self: never, args: unknown[]) => string): void {
  const original = proto[method]!;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    count(label(this as never, args));
    return original.apply(this, args);
  };
  restore.push(() => (proto[method] = original));
}
const statementProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, Fn>;
for (const m of ["first", "all", "run", "raw"]) wrap(statementProto, m, (s: { statement?: string }) => `D1 ${statementText(s)}`);
wrap(Object.getPrototypeOf(env.DB) as Record<string, Fn>, "batch", (_: never, [list]) => `D1 batch of ${(list as unknown[]).length}: ${statementText((list as { statement?: string }[])[0] ?? {})}`);
for (const m of ["send", "sendBatch"]) wrap(Object.getPrototypeOf(env.JOBS) as Record<string, Fn>, m, () => `queue ${m}`);
afterAll(() => restore.forEach((r) => r()));

/** Polls the record (one D1 read each, subtracted from the counts) until it reaches `status`. */
async function until(id: string, status: string): Promise<{ polls: number; data: Awaited<ReturnType<typeof record>>["data"] }> {
  for (let polls = 1; polls < 200; polls++) {
    await new Promise((r) => setTimeout(r, 100));
    const r = await record(id);
    if (r.status === status) return { polls, data: r.data };
  }
  throw new Error(`${id} never reached ${status}`);
}

describe("round trips of one whole booking", () => {
  it("a booking whose first shop declines takes 27 D1 round trips besides a claim and a finish per queue batch, and 11 queue sends, request to confirmed", async () => {
    const where = await seedShops([{ answer: "declined", name: "断る店" }, { answer: "accepted", name: "受ける店", priceJpy: 6600 }], "往復カット");
    const { key } = await createApiKey();
    const client = await mcpClient(key);
    await client.listTools();

    counting = true;
    const res = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 2, name: "山田 太郎", phone: "090-1234-5678" } });
    const id = (res.structuredContent as { reservation_id: string }).reservation_id;
    const pending = await until(id, "payment_pending");
    expect((await paySandbox(pending.data.payment!.sessionId!)).status).toBe(303);
    const confirmed = await until(id, "confirmed");
    // The confirmation's texts and their delivery reports come after the status.
    await new Promise((r) => setTimeout(r, 1500));
    counting = false;
    await client.close();

    const polls = pending.polls + confirmed.polls;
    const total = (has: string) => [...counts].filter(([k]) => k.includes(has)).reduce((n, [, v]) => n + v, 0);
    // How many queue batches carried jobs depends on timing; each claims its jobs in one
    // statement and finishes those without a result in at most one more.
    const claims = total("SET status = 'sending'");
    const finishes = total("SET status = 'done'");
    const others = total("D1 ") - polls - claims - finishes;
    const queue = total("queue ");
    const breakdown = [...counts].sort().map(([k, v]) => `${String(v).padStart(3)}  ${k}`).join("\n");
    expect(others, `D1 round trips besides claims and finishes (${polls} polls subtracted):\n${breakdown}`).toBeLessThanOrEqual(27);
    expect(finishes, breakdown).toBeLessThanOrEqual(claims);
    expect(queue, `queue sends:\n${breakdown}`).toBeLessThanOrEqual(11);
    // Two calls were made: the decline, then the acceptance.
    expect(confirmed.data.attempts.map((a) => a.result)).toEqual(["declined", "accepted"]);
  });
});
