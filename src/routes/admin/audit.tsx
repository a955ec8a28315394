// The weekly sample audit for 1-on-1 sessions (seed 001 Run：定期業務（週次）: サンプル監査 →
// 是正・SOP更新 → 週次レポート作成). Opening a week draws its sample once (reproducible: the same
// items every time); an operator marks each item ok or fix with a note, and a fix becomes an SOP
// note with the coach's settings.
//   GET  /admin/session-audit?week=2026-11-30      the week's sample (this week by default)
//   POST /admin/session-audit/review               one verdict
//   GET  /admin/coaches/:id/audit.csv?from=&to=    the coach's audit log as CSV, within the retention
import { Hono } from "hono";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { coachAuditLog, engagementsChangedSince, reviewItem, sampleOf, saveSample } from "../../db/governance.ts";
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
