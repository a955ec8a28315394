// The weekly sample audit for 1-on-1 sessions (seed 001 Run：定期業務（週次）: サンプル監査 →
// 是正・SOP更新 → 週次レポート作成). Opening a week draws its sample once (reproducible: the same
// items every time); an operator marks each item ok or fix with a note, and a fix becomes an SOP
// note with the coach's settings.
//   GET  /admin/session-audit?week=2026-11-30      the week's sample (this week by default)
//   POST /admin/session-audit/review               one verdict
//   GET  /admin/coaches/:id/audit.csv?from=&to=    the coach's audit log as CSV, within the retention
//   POST /admin/coaches/:id/governance             response targets per kind (RACI/SLA) and the retention
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { coachAuditLog, coachPolicy, engagementsChangedSince, lastRetentionRun, policyHistory, reviewItem, sampleOf, saveCoachPolicy, saveSample } from "../../db/governance.ts";
import { getCoach } from "../../db/sessions.ts";
import { EXCEPTION_KINDS, EXCEPTION_LABELS, validatePolicy, type ExceptionKind } from "../../domain/sessions/policy.ts";
import { toCsv } from "../../domain/csv.ts";
import { jstDate } from "../../domain/metrics.ts";
import { coachNames } from "../../db/sessions.ts";
import { weekFromQuery, weekItems, weeklySample } from "../../domain/sessions/weekly.ts";
import { AdminPage, Csrf, csvResponse, jst, setFlash } from "./layout.tsx";
import { messagesInNote } from "../../domain/sessions/templates.ts";

export const auditPages = new Hono<AdminEnv>();

const WEEK = /^\d{4}-\d{2}-\d{2}$/;

auditPages.get("/session-audit", async (c) => {
  const db = createDb(c.env.DB);
  const week = weekFromQuery(c.req.query("week"), Date.now());
  const items = weekItems(await engagementsChangedSince(db, week.start), week);
  await saveSample(db, week.key, await weeklySample(items, week.key));
  const rows = await sampleOf(db, week.key);
  const names = await coachNames(db, [...new Set(rows.map((r) => r.coachId))]);
  const open = rows.filter((r) => !r.verdict).length;
  return c.html(
    <AdminPage c={c} title="週次サンプル監査" section="sessions">
      <h1>
        週次サンプル監査 <span class="muted">{week.key} の週</span>
      </h1>
      <p class="muted">
        対応済みの例外と送信済みメッセージ {items.length}件から {rows.length}件（10％、最低5件）を抽出。同じ週は何度開いても同じ抽出です。未確認 {open}件。
      </p>
      <div class="card" id="audit-items">
        {rows.length ? null : <p>この週の対象はありません。</p>}
        {rows.map((r) => (
          <form method="post" action="/admin/session-audit/review" class="audit-item" data-item={r.itemId}>
            <Csrf c={c} />
            <input type="hidden" name="week" value={week.key} />
            <input type="hidden" name="item" value={r.itemId} />
            <p>
              {jst(r.at)} <a href={`/admin/engagements/${r.engagementId}`}>{r.engagementId}</a>（{names.get(r.coachId) ?? r.coachId}） {r.itemId.startsWith("case:") ? "例外" : "メッセージ"}: {r.summary}
            </p>
            {r.verdict ? (
              <p class={`verdict ${r.verdict}`}>
                {r.verdict === "ok" ? "問題なし" : "是正"}（{r.reviewedBy}）{r.note ?? ""}
              </p>
            ) : (
              <div class="row">
                <textarea name="note" maxlength={1000} placeholder="是正の内容（SOPに追加されます）"></textarea>
                <button type="submit" name="verdict" value="ok">
                  問題なし
                </button>
                <button type="submit" name="verdict" value="fix" class="danger">
                  是正してSOPに追加
                </button>
              </div>
            )}
          </form>
        ))}
      </div>
    </AdminPage>,
  );
});

const reviewForm = z.object({ week: z.string().regex(WEEK), item: z.string().regex(/^(case|message):[A-Za-z0-9_-]{1,80}$/), verdict: z.enum(["ok", "fix"]), note: z.string().trim().max(1000).default("") });

auditPages.post("/session-audit/review", async (c) => {
  const f = reviewForm.safeParse(await c.req.parseBody());
  if (!f.success) {
    setFlash(c, "error", "入力を確認してください");
    return c.redirect("/admin/session-audit", 303);
  }
  const { week, item, verdict, note } = f.data;
  if (verdict === "fix" && !note) {
    setFlash(c, "error", "是正には内容を書いてください（SOPに追加されます）");
    return c.redirect(`/admin/session-audit?week=${week}`, 303);
  }
  const ok = await reviewItem(createDb(c.env.DB), week, item, verdict, note, c.get("operator"));
  setFlash(c, ok ? "ok" : "error", ok ? (verdict === "ok" ? "問題なしとしました" : "是正をSOPに追加しました") : "見つかりません");
  return c.redirect(`/admin/session-audit?week=${week}`, 303);
});

/**
 * The audit log of one coach's engagements as CSV (監査設計: エクスポート方針), within the
 * coach's retention (default 2 years): who did what, when, under which rule and policy version.
 */
auditPages.get("/coaches/:id/audit.csv", async (c) => {
  const db = createDb(c.env.DB);
  const coachId = c.req.param("id");
  const now = Date.now();
  const day = (v: string | undefined, fallback: number) => (v && WEEK.test(v) && Number.isFinite(Date.parse(`${v}T00:00:00+09:00`)) ? Date.parse(`${v}T00:00:00+09:00`) : fallback);
  const from = day(c.req.query("from"), 0);
  const to = day(c.req.query("to"), now - 86_400_000) + 86_400_000;
  const log = await coachAuditLog(db, coachId, from, to, now);
  const rows = log.events.map((e) => {
    const data = JSON.parse(e.data) as { by?: unknown; rule?: unknown; policyVersion?: unknown; caseId?: unknown; messageId?: unknown; template?: unknown };
    const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? v : "");
    return [new Date(e.createdAt).toISOString(), e.reservationId, e.type, e.actor, text(data.by), e.fromStatus, e.toStatus, e.ignored ? "ignored" : "applied", text(data.rule), text(data.policyVersion), text(data.caseId) || text(data.messageId), messagesInNote(e.note).join("; ") || text(data.template), e.data];
  });
  return csvResponse(c, `audit-${coachId}-${jstDate(now)}.csv`, toCsv([["at", "engagement_id", "event", "actor", "by", "from_status", "to_status", "result", "rule", "policy_version", "case_or_message", "template", "data"], ...rows]));
});

// ---------------------------------------------------------------- RACI/SLA and retention (監査設計: 保存期間)

const SLA_MAX_MINUTES = 7 * 24 * 60;
const minutesText = (m: number) => (m % 60 === 0 ? `${m / 60}時間` : m >= 60 ? `${Math.floor(m / 60)}時間${m % 60}分` : `${m}分`);

/**
 * The coach page's card: the response target of each exception kind (the queue's ageing and
 * the Slack alerts use it), the audit log's retention with the nightly deletion's last run, the
 * export, and who changed these settings when (each change is a new policy version).
 */
export async function GovernanceSettings(props: { c: Context<AdminEnv>; coachId: string }) {
  const db = createDb(props.c.env.DB);
  const [policy, history, purge] = await Promise.all([coachPolicy(db, props.coachId), policyHistory(db, props.coachId, 10), lastRetentionRun(db)]);
  const years = policy.auditRetentionDays % 365 === 0 ? `（${policy.auditRetentionDays / 365}年）` : "";
  return (
    <div class="card" id="governance">
      <h2>対応目標（SLA）と監査ログの保存</h2>
      <form method="post" action={`/admin/coaches/${props.coachId}/governance`} class="stack" id="sla-form">
        <Csrf c={props.c} />
        <table class="data">
          <thead>
            <tr>
              <th>例外の種類</th>
              <th>対応目標（分）</th>
              <th>現在</th>
            </tr>
          </thead>
          <tbody>
            {EXCEPTION_KINDS.map((k) => (
              <tr>
                <td>
                  <label for={`sla_${k}`}>
                    {EXCEPTION_LABELS[k].ja} <span class="muted">{EXCEPTION_LABELS[k].en}</span>
                  </label>
                </td>
                <td>
                  <input type="number" id={`sla_${k}`} name={`sla_${k}`} min={1} max={SLA_MAX_MINUTES} step={1} value={String(policy.slaMinutes[k])} required inputmode="numeric" />
                </td>
                <td class="muted">{minutesText(policy.slaMinutes[k])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="field">
          <label for="retention_days">監査ログの保存期間（日、365〜3650）</label>
          <input type="number" id="retention_days" name="retention_days" min={365} max={3650} step={1} value={String(policy.auditRetentionDays)} required inputmode="numeric" />
        </div>
        <button type="submit">保存（新しいポリシー版）</button>
      </form>
      <p id="retention-note">
        監査ログの保存期間: {policy.auditRetentionDays}日{years}。これより古いイベント・対応済みの例外・週次サンプルは毎晩3時（日本時間）の定期処理で削除され、CSVにも出ません。
        {purge ? `最終削除 ${jst(purge.at)}（全コーチ: イベント ${purge.run.events}件・例外 ${purge.run.cases}件・サンプル ${purge.run.reviews}件）。` : "まだ削除は実行されていません。"}
        <br />
        <span class="muted">
          Audit log kept {policy.auditRetentionDays} days; older rows are deleted nightly at 03:00 JST and are not in the export.
        </span>
      </p>
      <p>
        <a href={`/admin/coaches/${props.coachId}/audit.csv`}>監査ログをCSVで書き出す（保存期間内）</a>
      </p>
      <h3>変更履歴</h3>
      <table class="data" id="policy-history">
        <tbody>
          {history.length ? (
            history.map((h) => (
              <tr>
                <td>第{h.policy.version}版</td>
                <td>{jst(h.createdAt)}</td>
                <td>{h.createdBy}</td>
                <td class="muted">
                  {EXCEPTION_KINDS.map((k) => `${EXCEPTION_LABELS[k].ja} ${minutesText(h.policy.slaMinutes[k])}`).join("・")}・保存 {h.policy.auditRetentionDays}日
                </td>
              </tr>
            ))
          ) : (
            <tr>
              <td class="muted">初期設定（第1版）のままです。</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

const slaForm = z.object({
  ...Object.fromEntries(EXCEPTION_KINDS.map((k) => [`sla_${k}`, z.coerce.number({ message: `${EXCEPTION_LABELS[k].ja}の対応目標は数字で入れてください` }).int(`${EXCEPTION_LABELS[k].ja}の対応目標は分単位の整数で入れてください`).min(1, `${EXCEPTION_LABELS[k].ja}の対応目標は1分以上にしてください`).max(SLA_MAX_MINUTES, `${EXCEPTION_LABELS[k].ja}の対応目標は7日（10080分）以内にしてください`)])),
  retention_days: z.coerce.number({ message: "保存期間は数字で入れてください" }).int("保存期間は日単位の整数で入れてください").min(365, "保存期間は365日以上にしてください").max(3650, "保存期間は3650日以内にしてください"),
}) as unknown as z.ZodType<Record<`sla_${ExceptionKind}`, number> & { retention_days: number }>;

auditPages.post("/coaches/:id/governance", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  if (!coach) return c.notFound();
  const back = `/admin/coaches/${coach.id}#governance`;
  const form = await c.req.parseBody();
  const blank = (v: unknown) => typeof v !== "string" || v.trim() === "";
  const parsed = slaForm.safeParse(Object.fromEntries(Object.entries(form).map(([k, v]) => [k, blank(v) ? undefined : v])));
  if (!parsed.success) {
    setFlash(c, "error", [...new Set(parsed.error.issues.map((i) => i.message))].join(" / "));
    return c.redirect(back, 303);
  }
  const previous = await coachPolicy(db, coach.id);
  const slaMinutes = Object.fromEntries(EXCEPTION_KINDS.map((k) => [k, parsed.data[`sla_${k}`]])) as Record<ExceptionKind, number>;
  if (previous.auditRetentionDays === parsed.data.retention_days && EXCEPTION_KINDS.every((k) => previous.slaMinutes[k] === slaMinutes[k])) {
    setFlash(c, "ok", "変更はありません");
    return c.redirect(back, 303);
  }
  const { version: _v, ...rest } = previous;
  const checked = validatePolicy({ ...rest, slaMinutes, auditRetentionDays: parsed.data.retention_days }, previous);
  if (!checked.ok) {
    setFlash(c, "error", checked.errors.join(" / "));
    return c.redirect(back, 303);
  }
  try {
    // The new version is the audit row: who changed the targets, when, and the whole policy as it then stood.
    await saveCoachPolicy(db, coach.id, checked.policy, `operator:${c.get("operator")}`);
  } catch {
    setFlash(c, "error", "同時に別の変更が保存されました。画面を開き直してもう一度お試しください");
    return c.redirect(back, 303);
  }
  console.log(JSON.stringify({ msg: "coach policy changed", coach: coach.id, version: checked.policy.version, by: c.get("operator"), what: "sla_retention" }));
  setFlash(c, "ok", `対応目標と保存期間を保存しました（第${checked.policy.version}版）`);
  return c.redirect(back, 303);
});
