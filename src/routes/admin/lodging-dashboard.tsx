// The lodging dashboard (seed 004 §3(3)6): occupancy per night for the coming two weeks, points
// revenue and cancellations per day for the past two weeks, drawn on the server as SVG like the
// other dashboards, each downloadable as CSV through the one CSV writer.
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { toCsv } from "../../domain/csv.ts";
import { addDays } from "../../domain/lodging/dates.ts";
import { todayJst } from "../../lodging/orders.ts";
import { BarChart, LineChart } from "./charts.tsx";
import { AdminPage, csvResponse } from "./layout.tsx";

export const lodgingDashboard = new Hono<AdminEnv>();

const DAYS = 14;
const JST_MS = 9 * 3_600_000;

async function data(d1: D1Database, now = Date.now()) {
  const today = todayJst(now);
  const nights = Array.from({ length: DAYS }, (_, i) => addDays(today, i));
  const past = Array.from({ length: DAYS }, (_, i) => addDays(today, i - DAYS + 1));
  const rooms = (await d1.prepare("SELECT count(*) AS n FROM rooms WHERE active = 1").first<{ n: number }>())?.n ?? 0;
  const occupied = await d1.batch<{ n: number }>(nights.map((d) => d1.prepare("SELECT count(*) AS n FROM lodging_order_lines l JOIN lodging_orders o ON o.id = l.order_id WHERE o.status = 'confirmed' AND l.status = 'active' AND l.check_in <= ? AND l.check_out > ? AND l.checked_out_at IS NULL").bind(d, d)));
  const since = Date.parse(`${past[0]}T00:00:00Z`) - JST_MS;
  const { results: ledger } = await d1
    .prepare("SELECT date((created_at + ?) / 1000, 'unixepoch') AS day, kind, sum(amount) AS points, count(*) AS n FROM point_ledger WHERE created_at >= ? AND kind IN ('order_payment', 'refund') GROUP BY day, kind")
    .bind(JST_MS, since)
    .all<{ day: string; kind: string; points: number; n: number }>();
  const of = (day: string, kind: string) => ledger.find((l) => l.day === day && l.kind === kind);
  return {
    rooms,
    occupancy: nights.map((d, i) => ({ date: d, occupied: occupied[i]!.results[0]?.n ?? 0, pct: rooms ? Math.round((1000 * (occupied[i]!.results[0]?.n ?? 0)) / rooms) / 10 : 0 })),
    revenue: past.map((d) => ({ date: d, paid: -(of(d, "order_payment")?.points ?? 0), refunded: of(d, "refund")?.points ?? 0 })),
    cancellations: past.map((d) => ({ date: d, approved: of(d, "refund")?.n ?? 0, refunded: of(d, "refund")?.points ?? 0 })),
  };
}

lodgingDashboard.get("/lodging/dashboard", async (c) => {
  const d = await data(c.env.DB);
  const csv = c.req.query("csv");
  if (csv === "occupancy") return csvResponse(c, "qrv-lodging-occupancy.csv", toCsv([["date", "rooms", "occupied", "occupancy_pct"], ...d.occupancy.map((o) => [o.date, d.rooms, o.occupied, o.pct])]));
  if (csv === "revenue") return csvResponse(c, "qrv-lodging-points-revenue.csv", toCsv([["date", "points_paid", "points_refunded", "net"], ...d.revenue.map((r) => [r.date, r.paid, r.refunded, r.paid - r.refunded])]));
  if (csv === "cancellations") return csvResponse(c, "qrv-lodging-cancellations.csv", toCsv([["date", "approved_with_refund_entries", "points_refunded"], ...d.cancellations.map((r) => [r.date, r.approved, r.refunded])]));
  const label = (s: string) => s.slice(5);
  return c.html(
    <AdminPage c={c} title="宿泊ダッシュボード" section="lodging">
      <h1>宿泊ダッシュボード</h1>
      <p class="muted">
        <a href="/admin/lodging">宿泊フロント</a> · 客室 {d.rooms}室
      </p>
      <div class="card">
        <LineChart title="稼働率（今後14泊）" labels={d.occupancy.map((o) => label(o.date))} series={[{ name: "稼働率", values: d.occupancy.map((o) => o.pct) }]} max={100} format={(v) => `${v}%`} />
        <p><a href="/admin/lodging/dashboard?csv=occupancy">CSVをダウンロード</a></p>
      </div>
      <div class="card">
        <BarChart title="ポイント売上（過去14日）" labels={d.revenue.map((r) => label(r.date))} series={[{ name: "支払い", values: d.revenue.map((r) => r.paid), color: "#137333" }, { name: "返金", values: d.revenue.map((r) => r.refunded), color: "#b3261e" }]} format={(v) => v.toLocaleString("ja-JP")} />
        <p><a href="/admin/lodging/dashboard?csv=revenue">CSVをダウンロード</a></p>
      </div>
      <div class="card">
        <BarChart title="キャンセル返金（過去14日・件数）" labels={d.cancellations.map((r) => label(r.date))} series={[{ name: "返金件数", values: d.cancellations.map((r) => r.approved), color: "#e37400" }]} format={(v) => `${v}件`} />
        <p><a href="/admin/lodging/dashboard?csv=cancellations">CSVをダウンロード</a></p>
      </div>
    </AdminPage>,
  );
});
