// npm run demo:lodging: against the running dev server, an MCP client (the official SDK) acts as
// the demo lodging member with their personal key: searches two nights three weeks ahead, books
// a twin and a double, and prints the order with its room numbers and the points taken.
// Exits non-zero unless the order is `confirmed`.
//   QRV_URL (default http://localhost:$PORT or 8787), QRV_MEMBER_KEY (default: the dev member's key).
import { existsSync, readFileSync } from "node:fs";
import { callTool, jstDateIn, mcp } from "../test/e2e/qrv.ts";

const base = (process.env.QRV_URL ?? `http://localhost:${process.env.PORT || 8787}`).replace(/\/$/, "");
const key = process.env.QRV_MEMBER_KEY ?? (existsSync(".qrv-dev.json") ? (JSON.parse(readFileSync(".qrv-dev.json", "utf8")) as { memberApiKey?: string }).memberApiKey : undefined);
if (!key) {
  console.error("No member key: start the server with npm run dev (it creates one), or set QRV_MEMBER_KEY.");
  process.exit(2);
}

const checkIn = jstDateIn(21);
const checkOut = jstDateIn(23);

const client = await mcp(base, key, "qrv-demo-lodging").catch((err: unknown) => {
  console.error(`Could not connect to ${base}/mcp (${err instanceof Error ? err.message : String(err)}). Is npm run dev running?`);
  process.exit(1);
});

const call = <T>(name: string, args: Record<string, unknown>) => callTool<T>(client, name, args);

let exitCode = 1;
try {
  const before = await call<{ balance: number }>("get_points", {});
  console.log(`Balance: ${before.balance.toLocaleString("ja-JP")} points`);
  const found = await call<{ room_types: { room_type: string; available: number; total_points: number; discount_points: number }[] }>("search_rooms", { check_in: checkIn, check_out: checkOut });
  console.log(`Rooms ${checkIn} → ${checkOut}:`);
  for (const t of found.room_types) console.log(`  ${t.room_type}: ${t.available} free, ${t.total_points.toLocaleString("ja-JP")} points per room${t.discount_points ? ` (birthday -${t.discount_points})` : ""}`);
  const order = await call<{ order_id: string; status: string; rooms: { room_number: string; room_type: string }[]; points_charged?: number; points_missing?: number }>("book_rooms", {
    check_in: checkIn,
    check_out: checkOut,
    rooms: [
      { room_type: "ツイン", quantity: 1 },
      { room_type: "ダブル", quantity: 1 },
    ],
    idempotency_key: `demo-${checkIn}-${Date.now()}`,
  });
  console.log(`\nOrder ${order.order_id}: ${order.status}`);
  for (const r of order.rooms) console.log(`  room ${r.room_number} (${r.room_type})`);
  if (order.points_charged !== undefined) console.log(`  ${order.points_charged.toLocaleString("ja-JP")} points taken`);
  if (order.points_missing !== undefined) console.log(`  ${order.points_missing.toLocaleString("ja-JP")} points missing`);
  const after = await call<{ balance: number }>("get_points", {});
  console.log(`Balance: ${after.balance.toLocaleString("ja-JP")} points`);
  exitCode = order.status === "confirmed" ? 0 : 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
} finally {
  await client.close();
}
process.exit(exitCode);
