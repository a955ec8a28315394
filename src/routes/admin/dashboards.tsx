// The two dashboards of seed 000 §4.2, drawn as SVG on the server, each chart also as CSV.
// Operations (§4.2.1): today's reservations by status, today's manual operations, this
// week's booking and payment success rates, recent alerts; the page reloads every 5 minutes.
// Management (§4.2.2): reservations and revenue per month, share by service type, shop ranking,
// from the nightly batch. The figures themselves are computed in src/reports/figures.ts.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import type { recentAlerts } from "../../db/alerts.ts";
import { createDb, type Db } from "../../db/client.ts";
import { NIGHTLY_HOUR_JST, computeManagementSnapshot, operationsFigures, readManagementSnapshot, type ManagementFigures, type Snapshot } from "../../reports/figures.ts";
import { MANUAL_CASES, isManualCase } from "../../domain/cases.ts";
import { formatJpy } from "../../domain/money.ts";
import { statusLabel } from "../../domain/messages.ts";
import { toCsv } from "../../domain/metrics.ts";
import { SYSTEM_ALERTS, isSystemAlert } from "../../domain/alert-rules.ts";
import { BarChart, DonutChart, HBarChart, LineChart } from "./charts.tsx";
import { AdminPage, Csrf, PriorityBadge, csvResponse, jst } from "./layout.tsx";

export const dashboards = new Hono<AdminEnv>();

const STATUS_COLORS: Record<string, string> = {
  requested: "#5f6368",
  calling: "#0b57d0",
  calling_success: "#00838f",
  pending_shop_response: "#e37400",
  change_requested: "#e37400",
  no_shop_available: "#b3261e",
  payment_pending: "#f9ab00",
  payment_timeout: "#b3261e",
  confirmed: "#137333",
  completed: "#0d652d",
  cancelled: "#9aa0a6",
};

const dayLabel = (d: string) => `${Number(d.slice(5, 7))}/${Number(d.slice(8))}`;
const monthLabel = (m: string) => `${m.slice(2, 4)}/${m.slice(5)}`;
/** Axis ticks: compact 万円 from ten thousand yen, the shared form below. */
const yen = (v: number) => (v >= 10_000 ? `${(v / 10_000).toLocaleString("ja-JP", { maximumFractionDigits: 1 })}万円` : formatJpy(v));

function alertTitle(c: string): string {
  return isManualCase(c) ? MANUAL_CASES[c].title : isSystemAlert(c) ? SYSTEM_ALERTS[c].title : c;
}

// ------------------------------------------------------------------ operations (§4.2.1)

const operations = operationsFigures;

function CsvLink(props: { href: string }) {
  return (
    <p class="muted">
      <a href={props.href} download>
        CSVでダウンロード
      </a>
    </p>
  );
}

dashboards.get("/dashboard", async (c) => {
  const now = Date.now();
  const d = await operations(createDb(c.env.DB), now);
  return c.html(
    <AdminPage c={c} title="運営ダッシュボード" section="dashboard" refreshSeconds={300}>
      <h1>運営ダッシュボード</h1>
      <p class="muted">{jst(now)} 時点（5分ごとに自動更新）</p>
      <div class="grid">
        <div class="card">
          <h2>今日の予約</h2>
          <p class="kpi" id="kpi-today">{d.todayTotal}件</p>
        </div>
        <div class="card">
          <h2>今日の手動対応</h2>
          <p class="kpi" id="kpi-manual">{d.manualToday}件</p>
          <p class="muted">今日発生したケース（Slack通知の件数）</p>
        </div>
        <div class="card">
          <h2>対応待ち</h2>
          <p class="kpi">
            <a href="/admin">{d.openCount}件</a>
          </p>
          <p class={d.overdue ? "age over" : "muted"}>目標時間超過 {d.overdue}件</p>
        </div>
      </div>
      <div class="card">
        <h2>今日の予約（ステータス別）</h2>
        <HBarChart title="今日の予約（ステータス別）" data={d.byStatus.map((s) => ({ label: statusLabel(s.status, "ja"), value: s.n, color: STATUS_COLORS[s.status]! }))} format={(v) => `${v}件`} labelWidth={230} />
        <CsvLink href="/admin/dashboard/status-today.csv" />
      </div>
      <div class="card">
        <h2>今週の予約成功率・決済成功率</h2>
        <LineChart
          title="今週の予約成功率・決済成功率（日別）"
          labels={d.days.map(dayLabel)}
          max={100}
          series={[
            { name: "予約成功率", values: d.rates.map((r) => r.bookingRate) },
            { name: "決済成功率", values: d.rates.map((r) => r.paymentRate) },
          ]}
        />
        <table class="data">
          <thead>
            <tr>
              <th>日</th>
              <th class="n">依頼</th>
              <th class="n">結果あり</th>
              <th class="n">店舗OK</th>
              <th class="n">予約成功率</th>
              <th class="n">決済リンク</th>
              <th class="n">支払い</th>
              <th class="n">決済成功率</th>
            </tr>
          </thead>
          <tbody>
            {d.rates.map((r) => (
              <tr>
                <td>{dayLabel(r.day)}</td>
                <td class="n">{r.requests}</td>
                <td class="n">{r.decided}</td>
                <td class="n">{r.booked}</td>
                <td class="n">{r.bookingRate === null ? "—" : `${r.bookingRate}%`}</td>
                <td class="n">{r.linksClosed}</td>
                <td class="n">{r.paid}</td>
                <td class="n">{r.paymentRate === null ? "—" : `${r.paymentRate}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">予約成功率 = 店舗OK ÷ 電話の結果が出た依頼。決済成功率 = 支払い ÷ 期限が来た（または支払われた）決済リンク。</p>
        <CsvLink href="/admin/dashboard/success-week.csv" />
      </div>
      <div class="card">
        <h2>直近の通知（Slack #qrv-alerts）</h2>
        <AlertTable alerts={d.alerts} />
        <CsvLink href="/admin/dashboard/alerts.csv" />
      </div>
    </AdminPage>,
  );
});

export function AlertTable(props: { alerts: Awaited<ReturnType<typeof recentAlerts>> }) {
  if (!props.alerts.length) return <p class="muted">通知はありません。</p>;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>発生</th>
          <th>優先度</th>
          <th>内容</th>
          <th>予約</th>
          <th>状態</th>
        </tr>
      </thead>
      <tbody>
        {props.alerts.map((a) => (
          <tr>
            <td>{jst(a.createdAt)}</td>
            <td>
              <PriorityBadge priority={a.priority as "urgent"} />
            </td>
            <td>
              {alertTitle(a.case)}
              <div class="muted">{a.text.split("\n")[0]}</div>
            </td>
            <td>{a.reservationId ? <a href={`/admin/reservations/${a.reservationId}`}>{a.reservationId}</a> : "—"}</td>
            <td>{a.resolvedAt ? <span class="tag ok">解消 {jst(a.resolvedAt)}</span> : a.sentAt ? <span class="tag bad">継続中</span> : <span class="tag warn">未送信</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

dashboards.get("/dashboard/:chart{[a-z-]+\\.csv}", async (c) => {
  const now = Date.now();
  const d = await operations(createDb(c.env.DB), now);
  switch (c.req.param("chart")) {
    case "status-today.csv":
      return csvResponse(c, "qrv-status-today.csv", toCsv([["status", "label", "count"], ...d.byStatus.map((s) => [s.status, statusLabel(s.status, "ja"), s.n])]));
    case "success-week.csv":
      return csvResponse(
        c,
        "qrv-success-week.csv",
        toCsv([["day", "requests", "decided", "booked", "booking_rate_pct", "payment_links_closed", "paid", "payment_rate_pct"], ...d.rates.map((r) => [r.day, r.requests, r.decided, r.booked, r.bookingRate, r.linksClosed, r.paid, r.paymentRate])]),
      );
    case "alerts.csv":
      return csvResponse(
        c,
        "qrv-alerts.csv",
        toCsv([["created_at", "case", "priority", "reservation_id", "sent_at", "resolved_at", "text"], ...d.alerts.map((a) => [new Date(a.createdAt).toISOString(), a.case, a.priority, a.reservationId, a.sentAt ? new Date(a.sentAt).toISOString() : "", a.resolvedAt ? new Date(a.resolvedAt).toISOString() : "", a.text])]),
      );
  }
  return c.notFound();
});

// ------------------------------------------------------------------ management (§4.2.2)

/** The nightly batch's figures; the very first visit, before any batch ran, computes them up to now. */
async function management(db: Db, now: number): Promise<Snapshot<ManagementFigures>> {
  return (await readManagementSnapshot(db)) ?? computeManagementSnapshot(db, now, now);
}

/** "Compute now": the same figures up to this moment (the next nightly batch goes back to midnight). */
dashboards.post("/management/compute", async (c) => {
  const now = Date.now();
  await computeManagementSnapshot(createDb(c.env.DB), now, now);
  console.log(JSON.stringify({ msg: "management figures computed by hand", operator: c.get("operator") }));
  return c.redirect("/admin/management", 303);
});

function ManagementPage(props: { c: Context<AdminEnv>; snapshot: Snapshot<ManagementFigures> }) {
  const d = props.snapshot.data;
  const totalBookings = d.services.reduce((s, r) => s + r.n, 0);
  return (
    <AdminPage c={props.c} title="経営ダッシュボード" section="management">
      <h1>経営ダッシュボード</h1>
      <p class="muted" id="last-computed">
        直近12か月（{d.months[0]} 〜 {d.months.at(-1)}、{jst(d.end)} まで）。夜間バッチ（毎日{NIGHTLY_HOUR_JST}:00）で集計しています。最終集計: {jst(props.snapshot.computedAt)}。成立した予約 = 支払い済みの予約。
      </p>
      <form method="post" action="/admin/management/compute">
        <Csrf c={props.c} />
        <button type="submit" class="secondary" id="compute-now">
          今すぐ集計（現在時刻まで）
        </button>
      </form>
      <div class="card">
        <h2>月間予約件数の推移</h2>
        <BarChart
          title="月間予約件数の推移"
          labels={d.months.map(monthLabel)}
          series={[
            { name: "依頼", values: d.counts.map((m) => m.requests) },
            { name: "成立", values: d.counts.map((m) => m.bookings) },
          ]}
          format={(v) => `${v}`}
        />
        <CsvLink href="/admin/management/monthly-reservations.csv" />
      </div>
      <div class="card">
        <h2>月間売上の推移</h2>
        <BarChart title="月間売上の推移（返金差し引き後）" labels={d.months.map(monthLabel)} series={[{ name: "売上（返金差し引き後）", values: d.revenue.map((m) => m.netJpy), color: "#137333" }]} format={yen} />
        <CsvLink href="/admin/management/monthly-revenue.csv" />
      </div>
      <div class="card">
        <h2>サービスタイプ別の予約割合</h2>
        <DonutChart title="サービスタイプ別の予約割合" data={d.services.map((s) => ({ label: s.service, value: s.n }))} />
        <p class="muted">成立した予約 {totalBookings}件</p>
        <CsvLink href="/admin/management/services.csv" />
      </div>
      <div class="card">
        <h2>提携店別の予約件数ランキング（上位10店）</h2>
        <HBarChart title="提携店別の予約件数ランキング" data={d.ranking.map((s, i) => ({ label: `${i + 1}. ${s.name}`, value: s.n }))} format={(v) => `${v}件`} labelWidth={280} />
        <CsvLink href="/admin/management/shop-ranking.csv" />
      </div>
    </AdminPage>
  );
}

dashboards.get("/management", async (c) => {
  const now = Date.now();
  return c.html(<ManagementPage c={c} snapshot={await management(createDb(c.env.DB), now)} />);
});

dashboards.get("/management/:chart{[a-z-]+\\.csv}", async (c) => {
  const d = (await management(createDb(c.env.DB), Date.now())).data;
  const total = d.services.reduce((s, r) => s + r.n, 0);
  switch (c.req.param("chart")) {
    case "monthly-reservations.csv":
      return csvResponse(c, "qrv-monthly-reservations.csv", toCsv([["month", "requests", "bookings"], ...d.counts.map((m) => [m.month, m.requests, m.bookings])]));
    case "monthly-revenue.csv":
      return csvResponse(c, "qrv-monthly-revenue.csv", toCsv([["month", "gross_jpy", "refunded_jpy", "net_jpy"], ...d.revenue.map((m) => [m.month, m.grossJpy, m.refundedJpy, m.netJpy])]));
    case "services.csv":
      return csvResponse(c, "qrv-services.csv", toCsv([["service", "bookings", "share_pct"], ...d.services.map((s) => [s.service, s.n, total ? Math.round((s.n / total) * 1000) / 10 : 0])]));
    case "shop-ranking.csv":
      return csvResponse(c, "qrv-shop-ranking.csv", toCsv([["rank", "shop_id", "name", "area", "bookings", "revenue_jpy"], ...d.ranking.map((s, i) => [i + 1, s.shopId, s.name, s.area, s.n, s.revenueJpy])]));
  }
  return c.notFound();
});
