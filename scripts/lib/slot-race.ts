// The bench's slot race: N paid engagements with one coach (each made over MCP, agreed on the
// client page and paid on the sandbox checkout), then N concurrent book_session_slot calls for
// the same start from N MCP clients. Exactly one may book it; every other call must come back
// as "slot taken" with the next free slots, none of which is the raced start.
import { agreeOnClientPage, callTool, mcp, payCheckout, until } from "../../test/e2e/qrv.ts";

type Slot = { start: string; end: string };

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

const iso = (ms: number) => `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;

const call = callTool;

/** In batches, so preparing does not itself become the load being measured. */
async function inBatches<T, R>(items: T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((item, k) => fn(item, i + k)))));
  return out;
}

export async function slotRace(url: string, key: string, n: number) {
  const setup = await mcp(url, key, "qrv-bench-slots");
  const { coaches } = await call<{ coaches: { coach_id: string; name: string; menus: { menu_id: string; minutes: number }[] }[] }>(setup, "list_coaches", {});
  const coach = coaches.find((c) => c.coach_id === "coach_tanaka") ?? coaches[0];
  if (!coach) throw new Error("no coaches to race for");
  const menu = coach.menus[0]!;
  const prepStarted = performance.now();
  const engagements = await inBatches(
    Array.from({ length: n }, (_, i) => i),
    10,
    async (i) => {
      // Numbers ending in 0000 or 0503 are the sandbox's failing numbers; these never are.
      const req = await call<{ engagement_id: string; page_url: string }>(setup, "request_session", { coach_id: coach.coach_id, menu_id: menu.menu_id, name: `レース ${i}`, phone: `090${22_340_001 + i}`, topic: "bench", preferred_times: ["any"] });
      await agreeOnClientPage(req.page_url, `レース ${i}`);
      const link = await until(async () => (await call<{ payment_url?: string }>(setup, "get_session", { engagement_id: req.engagement_id })).payment_url, 60_000, "a payment link");
      await payCheckout(link);
      await until(async () => (await call<{ status: string }>(setup, "get_session", { engagement_id: req.engagement_id })).status === "scheduling", 60_000, "payment confirmed");
      return req.engagement_id;
    },
  );
  const prepSeconds = (performance.now() - prepStarted) / 1000;
  const { slots } = await call<{ slots: Slot[] }>(setup, "find_session_slots", { coach_id: coach.coach_id, menu_id: menu.menu_id, from: iso(Date.now() + 86_400_000), to: iso(Date.now() + 15 * 86_400_000) });
  const slot = slots[0];
  if (!slot) throw new Error(`${coach.name} has no free slot to race for`);

  const clients = await Promise.all(engagements.map(() => mcp(url, key, "qrv-bench-racer")));
  const latencies: number[] = [];
  const started = performance.now();
  const results = await Promise.all(
    engagements.map(async (id, i) => {
      const t0 = performance.now();
      const r = await clients[i]!.callTool({ name: "book_session_slot", arguments: { engagement_id: id, start: slot.start } });
      latencies.push(performance.now() - t0);
      return r;
    }),
  );
  const elapsed = performance.now() - started;
  await Promise.all(clients.map((c) => c.close()));
  const booked = results.filter((r) => !r.isError);
  const taken = results.filter((r) => r.isError && (r.structuredContent as { error?: string } | undefined)?.error === "slot_taken");
  const withNext = taken.filter((r) => {
    const next = ((r.structuredContent as { next_slots?: Slot[] }).next_slots ?? []).map((s) => s.start);
    return next.length > 0 && !next.includes(slot.start);
  });
  const other = results.length - booked.length - taken.length;
  const after = await call<{ slots: Slot[] }>(setup, "find_session_slots", { coach_id: coach.coach_id, menu_id: menu.menu_id, from: slot.start, to: iso(Date.parse(slot.start) + 3_600_000) });
  await setup.close();
  latencies.sort((a, b) => a - b);
  return {
    n,
    coach: coach.name,
    start: slot.start,
    prepSeconds,
    booked: booked.length,
    taken: taken.length,
    withNext: withNext.length,
    other,
    stillOffered: after.slots.some((s) => s.start === slot.start),
    elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    ok: booked.length === 1 && taken.length === n - 1 && withNext.length === n - 1 && !after.slots.some((s) => s.start === slot.start),
  };
}
