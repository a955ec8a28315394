// The lodging race for `npm run bench`: many members ask book_rooms at once for the last free
// rooms of one room type on the same nights. Bookings must equal the rooms that were free, every
// other request must get a clear "no availability" error, no room-night may be booked twice, and
// every member's ledger must sum to their balance.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { newApiKey } from "../../src/domain/api-key.ts";
import { newId } from "../../src/domain/ids.ts";
import { mcp } from "../../test/e2e/qrv.ts";
import { executeSql, inline, query, type LocalOptions } from "./wrangler.ts";

export interface RaceResult {
  requests: number;
  free: number;
  confirmed: number;
  noAvailability: number;
  otherErrors: string[];
  elapsed: number;
  rate: number;
  p50: number;
  p99: number;
  doubleBooked: number;
  ledgerMismatches: number;
  /** As many confirmed as rooms were free, every other request refused as no availability, no room-night twice, every ledger right. */
  ok: boolean;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

/** Members with 100,000 points each and a personal API key, written straight to the server's D1. */
async function members(count: number, opts: LocalOptions): Promise<string[]> {
  const now = Date.now();
  const keys: string[] = [];
  const sql: string[] = [];
  for (let i = 0; i < count; i++) {
    const userId = newId("usr", now);
    const memberId = newId("mem", now);
    const phone = `+8190${String(50_000_000 + i).padStart(8, "0")}`;
    const { key, row } = await newApiKey(`bench member ${i}`, now);
    keys.push(key);
    sql.push(
      inline("INSERT INTO users (id, phone, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", [userId, phone, `ベンチ ${i}`, now, now]),
      inline("INSERT INTO members (id, user_id, name, id_number_hash, id_number_last4, phone, email, birth_date, points_balance, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 100000, ?, ?)", [memberId, userId, `ベンチ ${i}`, "bench", "0000", phone, `bench${i}@qrv.test`, "1990-06-15", now, now]),
      inline("INSERT INTO point_ledger (member_id, kind, amount, balance_after, ref, operator, reason, created_at) VALUES (?, 'adjustment', 100000, 100000, ?, 'bench', 'bench points', ?)", [memberId, `adjustment:bench-${memberId}`, now]),
      inline("INSERT INTO api_keys (id, name, key_hash, key_prefix, created_at, user_id) VALUES (?, ?, ?, ?, ?, ?)", [row.id, row.name, row.keyHash, row.keyPrefix, row.createdAt, userId]),
    );
  }
  executeSql("local", sql.map((s) => `${s};`).join("\n"), opts);
  return keys;
}

function dateIn(days: number): string {
  return new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

export async function lodgingRace(url: string, opts: LocalOptions, racers = 100): Promise<RaceResult> {
  const keys = await members(racers + 1, opts);
  const checkIn = dateIn(150);
  const checkOut = dateIn(152);
  const roomType = "ツイン";
  const connect = (key: string) => mcp(url, key, "qrv-bench-lodging");
  // One room of the type goes first, so the race is for the last ones.
  const first = await connect(keys[0]!);
  const pre = await first.callTool({ name: "book_rooms", arguments: { check_in: checkIn, check_out: checkOut, rooms: [{ room_type: roomType, quantity: 1 }] } });
  if (pre.isError) throw new Error(`the first booking failed: ${JSON.stringify(pre.content)}`);
  const search = await first.callTool({ name: "search_rooms", arguments: { check_in: checkIn, check_out: checkOut, room_type: roomType } });
  const free = (search.structuredContent as { room_types: { available: number }[] }).room_types[0]!.available;
  await first.close();

  const clients: Client[] = await Promise.all(keys.slice(1).map(connect));
  const latencies: number[] = [];
  let confirmed = 0;
  let noAvailability = 0;
  const otherErrors: string[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      const t0 = performance.now();
      try {
        const r = await client.callTool({ name: "book_rooms", arguments: { check_in: checkIn, check_out: checkOut, rooms: [{ room_type: roomType, quantity: 1 }] } });
        latencies.push(performance.now() - t0);
        const text = (r.content as { text?: string }[])[0]?.text ?? "";
        if (!r.isError && (r.structuredContent as { status: string }).status === "confirmed") confirmed++;
        else if (r.isError && text.startsWith("no availability")) noAvailability++;
        else otherErrors.push(text.slice(0, 200));
      } catch (err) {
        otherErrors.push(String(err).slice(0, 200));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  latencies.sort((a, b) => a - b);

  const twice = query<{ n: number }>(
    "local",
    "SELECT count(*) AS n FROM (SELECT l.room_id, count(*) AS c FROM lodging_order_lines l JOIN lodging_orders o ON o.id = l.order_id WHERE o.status IN ('confirmed', 'awaiting_payment') AND l.check_in < " +
      inline("?", [checkOut]) +
      " AND l.check_out > " +
      inline("?", [checkIn]) +
      " GROUP BY l.room_id HAVING c > 1)",
    opts,
  );
  const ledger = query<{ n: number }>("local", "SELECT count(*) AS n FROM members m WHERE m.points_balance <> (SELECT coalesce(sum(amount), 0) FROM point_ledger l WHERE l.member_id = m.id)", opts);
  const doubleBooked = twice[0]?.n ?? -1;
  const ledgerMismatches = ledger[0]?.n ?? -1;
  return {
    requests: racers,
    free,
    confirmed,
    noAvailability,
    otherErrors,
    elapsed,
    rate: racers / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    doubleBooked,
    ledgerMismatches,
    ok: confirmed === free && noAvailability === racers - free && otherErrors.length === 0 && doubleBooked === 0 && ledgerMismatches === 0,
  };
}
