// Alerts and the state behind them: what the monitor measures now (seed 000 §4.3), the
// alerts sent to Slack (open and cleared), and the dead-letter queue with what an operator
// can do about each job (run it again, or mark it handled by hand) through its reservation.
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { recentAlerts } from "../../db/alerts.ts";
import { createDb } from "../../db/client.ts";
import { deadJobs } from "../../db/console.ts";
import { getJob } from "../../db/outbox.ts";
import { ALERT_RULES, errorRatePct } from "../../domain/alert-rules.ts";
import { reservationStub } from "../../durable/client.ts";
import { measure } from "../../monitor/alerts.ts";
import { AlertTable } from "./dashboards.tsx";
import { AdminPage, setFlash } from "./layout.tsx";
import { DeadJobs } from "./reservations.tsx";

export const alertPages = new Hono<AdminEnv>();

alertPages.get("/alerts", async (c) => {
  const db = createDb(c.env.DB);
  const now = Date.now();
  const [snapshot, alerts, dead] = await Promise.all([measure(db, now), recentAlerts(db, 100), deadJobs(db)]);
  const rate = errorRatePct(snapshot);
  const open = alerts.filter((a) => !a.resolvedAt);
  return c.html(
    <AdminPage c={c} title="アラート" section="alerts">
      <h1>アラート</h1>
      <div class="grid">
        <div class="card">
          <h2>待ちジョブ</h2>
          <p class={`kpi ${snapshot.waitingJobs > ALERT_RULES.backlogOver ? "age over" : ""}`}>{snapshot.waitingJobs}件</p>
          <p class="muted">{ALERT_RULES.backlogOver}件を超えると通知</p>
        </div>
        <div class="card">
          <h2>直近5分のエラー率</h2>
          <p class={`kpi ${rate > ALERT_RULES.errorRateOverPct && snapshot.recentJobs >= ALERT_RULES.errorRateMinJobs ? "age over" : ""}`}>{rate.toFixed(1)}%</p>
          <p class="muted">
            {snapshot.recentErrors}/{snapshot.recentJobs}件。{ALERT_RULES.errorRateMinJobs}件以上のうち{ALERT_RULES.errorRateOverPct}%を超えると通知
          </p>
        </div>
        <div class="card">
          <h2>デッドレターキュー</h2>
          <p class={`kpi ${snapshot.deadJobs ? "age over" : ""}`}>{snapshot.deadJobs}件</p>
          <p class="muted">1件でもあれば通知</p>
        </div>
      </div>
      {dead.length ? <DeadJobs c={c} jobs={dead} returnTo="/admin/alerts" /> : null}
      <div class="card">
        <h2>継続中のアラート（{open.length}件）</h2>
        <AlertTable alerts={open} />
      </div>
      <div class="card">
        <h2>最近のアラート</h2>
        <AlertTable alerts={alerts} />
      </div>
      <p class="muted">アラートは1分ごとに評価され、同じ状態につき Slack へ1回だけ通知されます。解消すると「解消」になり、再発すると改めて通知されます。</p>
    </AdminPage>,
  );
});

alertPages.post("/jobs/:id/:action{requeue|dismiss}", async (c) => {
  const body = await c.req.parseBody();
  const returnTo = typeof body.return_to === "string" && /^\/admin(\/[\w\-/]*)?$/.test(body.return_to) ? body.return_to : "/admin/alerts";
  const job = await getJob(createDb(c.env.DB), c.req.param("id"));
  if (!job) {
    setFlash(c, "error", "この処理は見つかりません");
    return c.redirect(returnTo, 303);
  }
  const action = c.req.param("action") as "requeue" | "dismiss";
  const result = await reservationStub(c.env, job.reservationId).settleDeadJob(job.id, action, c.get("operator"));
  if (result.ok) {
    console.log(JSON.stringify({ msg: "dead job settled", job: job.id, action, operator: c.get("operator") }));
    setFlash(c, "ok", `${job.reservationId} の ${job.kind} を${action === "requeue" ? "再実行に回しました" : "手動対応済みにしました"}`);
  } else {
    setFlash(c, "error", `${job.reservationId} の ${job.kind}: ${result.reason ?? "できませんでした"}`);
  }
  return c.redirect(returnTo, 303);
});
