// The console's 1-on-1 session pages (seed 001): engagements by status, the pipeline board
// (lead → trial → contract → paid → scheduled → held → followed up), the CRM view across
// coaches, one engagement with its audit log, and the coaches' settings (profile, meeting
// URL, free trial, menus, versioned terms and contract, availability). Changes to an
// engagement are events sent to its object; coach settings are plain D1 writes.
import type { Context } from "hono";
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { listEvents, loadAnyRecord } from "../../db/reservations.ts";
import { coaches, sessionMenus } from "../../db/schema.ts";
import { addDocumentVersion, allCoaches, coachClientList, coachNames, currentDocuments, getAvailability, getCoach, listEngagements, menusOf, saveAvailability } from "../../db/sessions.ts";
import { newId } from "../../domain/ids.ts";
import { formatJpy } from "../../domain/money.ts";
import { normalizePhone } from "../../domain/phone.ts";
import { CRM_STATUSES, PIPELINE, SESSION_STATUSES, pipelineColumn, sessionsRemaining, type PipelineColumn, type SessionEvent, type SessionStatus } from "../../domain/reservation/session-machine.ts";
import { availabilityFromForm } from "../../domain/sessions/availability.ts";
import { EXCEPTION_LABELS } from "../../domain/sessions/policy.ts";
import { engagementStatusLabel } from "../../domain/sessions/view.ts";
import { reservationStub } from "../../durable/client.ts";
import { templateInUse } from "../../db/session-templates.ts";
import { operatorText } from "../../domain/reservation/session-machine.ts";
import { isTemplateKey, messagesInNote, TEMPLATE_KEYS, TEMPLATES } from "../../domain/sessions/templates.ts";
import { AvailabilityForm } from "../coach.tsx";
import { GovernanceSettings } from "./audit.tsx";
import { AdminPage, Csrf, FormErrors, jst, setFlash } from "./layout.tsx";

export const sessionPages = new Hono<AdminEnv>();

const MESSAGE_STATUS: Record<string, string> = { sent: "送信済み", queued: "送信待ち（送信しない時間帯）", awaiting_check: "確認待ち", rejected: "差し戻し", blocked: "送信停止（要対応）", withdrawn: "取り下げ", expired: "期限切れ（未送信）" };

const COLUMN_JA: Record<PipelineColumn, string> = { lead: "リード", trial: "体験", contract: "契約", paid: "入金済み", scheduled: "予約済み", held: "実施", followed_up: "フォロー済み", closed: "終了" };
const CRM_JA: Record<string, string> = { lead: "見込み", trial: "体験", active: "受講中", paused: "休止", churned: "離脱" };

function SessionNav(props: { on: string }) {
  const links: [string, string][] = [
    ["/admin/engagements", "エンゲージメント"],
    ["/admin/pipeline", "パイプライン"],
    ["/admin/crm", "CRM"],
    ["/admin/coaches", "コーチ設定"],
  ];
  return (
    <p class="row">
      {links.map(([href, label]) => (
        <a class={`button ${href === props.on ? "" : "secondary"}`} href={href}>
          {label}
        </a>
      ))}
    </p>
  );
}

// ---------------------------------------------------------------- engagements by status

sessionPages.get("/engagements", async (c) => {
  const db = createDb(c.env.DB);
  const status = (SESSION_STATUSES as readonly string[]).includes(c.req.query("status") ?? "") ? (c.req.query("status") as SessionStatus) : undefined;
  const coachId = c.req.query("coach") || undefined;
  const [rows, all] = await Promise.all([listEngagements(db, { ...(status ? { status } : {}), ...(coachId ? { coachId } : {}), limit: 300 }), allCoaches(db)]);
  const names = new Map(all.map((x) => [x.id, x.name]));
  const counts = new Map<string, number>();
  for (const r of await listEngagements(db, { limit: 5000 })) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return c.html(
    <AdminPage c={c} title="セッション" section="sessions">
      <h1>1on1セッション</h1>
      <SessionNav on="/admin/engagements" />
      <form method="get" action="/admin/engagements" class="search card">
        <label>
          状態
          <select name="status">
            <option value="">すべて</option>
            {SESSION_STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {engagementStatusLabel(s, "ja")}（{counts.get(s) ?? 0}）
              </option>
            ))}
          </select>
        </label>
        <label>
          コーチ
          <select name="coach">
            <option value="">すべて</option>
            {all.map((x) => (
              <option value={x.id} selected={x.id === coachId}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">表示</button>
      </form>
      <div class="card">
        <table class="data" id="engagements">
          <thead>
            <tr>
              <th>ID</th>
              <th>受講者</th>
              <th>コーチ</th>
              <th>状態</th>
              <th>CRM</th>
              <th>次回</th>
              <th>更新</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={`/admin/engagements/${r.id}`}>{r.id}</a>
                </td>
                <td>{r.clientName}</td>
                <td>{names.get(r.coachId) ?? r.coachId}</td>
                <td>
                  <span class={`status ${r.status}`}>{engagementStatusLabel(r.status as SessionStatus, "ja")}</span>
                </td>
                <td>{CRM_JA[r.crm] ?? r.crm}</td>
                <td>{jst(r.nextStartAt)}</td>
                <td>{jst(r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length ? null : <p class="muted">該当なし</p>}
      </div>
    </AdminPage>,
  );
});

// ---------------------------------------------------------------- the pipeline board

sessionPages.get("/pipeline", async (c) => {
  const db = createDb(c.env.DB);
  const rows = await listEngagements(db, { limit: 2000 });
  const names = await coachNames(db, [...new Set(rows.map((r) => r.coachId))]);
  const columns = PIPELINE.filter((p) => p !== "closed").map((col) => ({ col, items: rows.filter((r) => pipelineColumn(r.status as SessionStatus) === col) }));
  return c.html(
    <AdminPage c={c} title="パイプライン" section="sessions">
      <h1>パイプライン</h1>
      <SessionNav on="/admin/pipeline" />
      <div class="grid" id="pipeline">
        {columns.map(({ col, items }) => (
          <div class="card" id={`col-${col}`}>
            <h2>
              {COLUMN_JA[col]} <span class="muted">{items.length}</span>
            </h2>
            {items.slice(0, 50).map((r) => (
              <p>
                <a href={`/admin/engagements/${r.id}`}>{r.clientName}</a> <span class="muted">{names.get(r.coachId) ?? ""}</span>
                <br />
                <span class="tag">{engagementStatusLabel(r.status as SessionStatus, "ja")}</span>
                {r.nextStartAt ? <span class="muted">{jst(r.nextStartAt)}</span> : null}
              </p>
            ))}
          </div>
        ))}
      </div>
    </AdminPage>,
  );
});

// ---------------------------------------------------------------- CRM

sessionPages.get("/crm", async (c) => {
  const db = createDb(c.env.DB);
  const crm = (CRM_STATUSES as readonly string[]).includes(c.req.query("crm") ?? "") ? c.req.query("crm") : undefined;
  const rows = (await coachClientList(db)).filter((r) => !crm || r.crm === crm);
  const names = await coachNames(db, [...new Set(rows.map((r) => r.coachId))]);
  return c.html(
    <AdminPage c={c} title="CRM" section="sessions">
      <h1>CRM</h1>
      <SessionNav on="/admin/crm" />
      <p class="row">
        <a href="/admin/crm">すべて</a>
        {CRM_STATUSES.map((s) => (
          <a href={`/admin/crm?crm=${s}`}>{CRM_JA[s]}</a>
        ))}
      </p>
      <div class="card">
        <table class="data" id="crm">
          <thead>
            <tr>
              <th>受講者</th>
              <th>コーチ</th>
              <th>CRM</th>
              <th class="n">実施回数</th>
              <th>最終実施</th>
              <th>エンゲージメント</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.clientName}</td>
                <td>{names.get(r.coachId) ?? r.coachId}</td>
                <td>
                  <span class="tag">{CRM_JA[r.crm] ?? r.crm}</span>
                </td>
                <td class="n">{r.sessionsHeld}</td>
                <td>{jst(r.lastSessionAt)}</td>
                <td>
                  <a href={`/admin/engagements/${r.engagementId}`}>{r.engagementId}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});

// ---------------------------------------------------------------- one engagement

sessionPages.get("/engagements/:id", async (c) => {
  const db = createDb(c.env.DB);
  const r = await loadAnyRecord(db, c.req.param("id"));
  if (!r || r.kind !== "session") return c.notFound();
  const events = await listEvents(db, r.id);
  const d = r.data;
  // Writing from a template (its approved version in use, filled in for this client), or correcting a blocked automatic message.
  const picked = c.req.query("template") ?? "";
  const start = isTemplateKey(picked) ? await templateInUse(db, d.coach.id, picked) : undefined;
  const replacing = d.messages?.find((m) => m.id === c.req.query("replace") && m.status === "blocked");
  const draft = replacing ? replacing.body.replace(/\s*\{\{guest_url[^}]*\}\}/g, "").trim() : start ? operatorText(start.text[r.requester.language], r) : "";
  const draftTemplate = replacing?.template ?? (start ? picked : undefined);
  const draftVersion = replacing?.templateVersion ?? start?.version;
  const sessions = [...d.history, ...(d.current && !d.history.some((h) => h.no === d.current!.no) ? [d.current] : [])];
  return c.html(
    <AdminPage c={c} title={r.id} section="sessions">
      <h1>
        {r.id} <span class={`status ${r.status}`}>{engagementStatusLabel(r.status, "ja")}</span>
      </h1>
      <SessionNav on="" />
      <div class="grid">
        <div class="card">
          <h2>受講者</h2>
          <dl>
            <dt>氏名</dt>
            <dd>{r.requester.name}</dd>
            <dt>電話</dt>
            <dd>{r.requester.phone}</dd>
            <dt>区分</dt>
            <dd>{d.clientType === "existing" ? "既存" : "新規"}</dd>
            <dt>CRM</dt>
            <dd id="crm-status">{CRM_JA[d.crm] ?? d.crm}</dd>
            <dt>相談内容</dt>
            <dd>{d.topic ?? "—"}</dd>
            <dt>希望日時</dt>
            <dd>{d.preferredTimes.join(" / ") || "—"}</dd>
          </dl>
        </div>
        <div class="card">
          <h2>契約</h2>
          <dl>
            <dt>コーチ</dt>
            <dd>{d.coach.name}</dd>
            <dt>メニュー</dt>
            <dd>
              {d.menu.name}（{formatJpy(d.menu.priceJpy)}）
            </dd>
            <dt>回数</dt>
            <dd>
              購入 {d.sessionsBought}・消化 {d.sessionsUsed}・残り {sessionsRemaining(r)}
            </dd>
            <dt>同意</dt>
            <dd>
              {d.agreements.map((a) => (
                <div>
                  {a.document} v{a.version}・{a.by}・{jst(a.at)}
                </div>
              ))}
            </dd>
            <dt>支払い</dt>
            <dd>{d.payment?.paidAt ? `入金済み ${jst(d.payment.paidAt)}` : d.payment ? "未入金" : "—"}</dd>
          </dl>
        </div>
      </div>
      <div class="card">
        <h2>セッション</h2>
        <table class="data">
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td>#{s.no}</td>
                <td>{jst(s.start)}</td>
                <td>{s.trial ? "体験" : ""}</td>
                <td>{s.outcome ?? "予約中"}</td>
                <td>{s.notes ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {d.troubles.length ? (
        <div class="card" id="troubles">
          <h2>トラブル記録</h2>
          <ul>
            {d.troubles.map((t) => (
              <li>
                {jst(t.at)} {t.kind} {t.note}（{t.by}）
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="actions">
        <form method="post" action={`/admin/engagements/${r.id}/trouble`}>
          <h3>トラブルを記録（遅刻・接続不具合・急なキャンセル）</h3>
          <Csrf c={c} />
          <select name="kind">
            <option value="late">遅刻</option>
            <option value="cannot_connect">接続不具合</option>
            <option value="sudden_cancellation">急なキャンセル</option>
            <option value="other">その他</option>
          </select>
          <textarea name="note" required maxlength={2000}></textarea>
          <button type="submit">記録する</button>
        </form>
        <form method="post" action={`/admin/engagements/${r.id}/crm`}>
          <h3>CRM: 休止／再開</h3>
          <Csrf c={c} />
          <input type="hidden" name="crm" value={d.crmPaused ? "active" : "paused"} />
          <button type="submit">{d.crmPaused ? "再開する" : "休止にする"}</button>
        </form>
        <form method="get" action={`/admin/engagements/${r.id}#write-message`} id="pick-template" class="row">
          <select name="template">
            <option value="">— テンプレートから書く —</option>
            {TEMPLATE_KEYS.map((k) => (
              <option value={k} selected={k === picked}>
                {TEMPLATES[k].label.ja}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary">
            文面を出す
          </button>
        </form>
        <form method="post" action={`/admin/engagements/${r.id}/message`} id="write-message">
          <h3>受講者へのメッセージ（承認済みテンプレそのままなら送信、編集・自由文は別の運営者の確認後に送信）</h3>
          {replacing ? <p class="muted">送信前チェックで止まった自動メッセージ（{replacing.problems?.join(" / ")}）を直して送ります。</p> : null}
          {draftTemplate ? (
            <p class="muted">
              テンプレ「{isTemplateKey(draftTemplate) ? TEMPLATES[draftTemplate].label.ja : draftTemplate}」v{draftVersion}（{r.requester.language === "ja" ? "日本語" : "English"}）。受講者ページへのリンクは自動で付きます。
            </p>
          ) : null}
          <Csrf c={c} />
          {draftTemplate ? <input type="hidden" name="template" value={draftTemplate} /> : null}
          {draftVersion ? <input type="hidden" name="template_version" value={String(draftVersion)} /> : null}
          {replacing ? <input type="hidden" name="replaces" value={replacing.id} /> : null}
          <select name="topic">
            <option value="other">通常</option>
            <option value="refund">返金（コーチ承認）</option>
            <option value="complaint">クレーム対応（コーチ承認）</option>
          </select>
          <textarea name="body" required maxlength={1000}>
            {draft}
          </textarea>
          <button type="submit">チェックして登録</button>
        </form>
        <form method="post" action={`/admin/engagements/${r.id}/exception`} id="open-exception">
          <h3>例外を記録（コーチのポリシーと照合）</h3>
          <Csrf c={c} />
          <select name="kind">
            <option value="refund">返金要求</option>
            <option value="complaint">クレーム</option>
            <option value="request">要望</option>
            <option value="no_show">ノーショー</option>
            <option value="violation">規約違反（受講者）</option>
            <option value="violation_coach">規約違反（コーチ）</option>
          </select>
          <label>返金額（円、返金要求のみ）</label>
          <input name="amount" inputmode="numeric" />
          <textarea name="note" required maxlength={2000}></textarea>
          <button type="submit">照合して記録する</button>
        </form>
        <form method="post" action={`/admin/engagements/${r.id}/note`}>
          <h3>対応メモ</h3>
          <Csrf c={c} />
          <textarea name="note" required maxlength={2000}></textarea>
          <button type="submit">記録する</button>
        </form>
      </div>
      {d.exceptions?.length ? (
        <div class="card" id="exception-cases">
          <h2>例外</h2>
          <ul>
            {d.exceptions.map((x) => (
              <li>
                {jst(x.at)} {EXCEPTION_LABELS[x.kind].ja} {x.inPolicy ? "ポリシー内" : "ポリシー外"} {x.rule}（v{x.policyVersion}） {x.status}
                {x.decision ? ` — ${x.decision.decision}（${x.decision.by}）${x.decision.note ?? ""}` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {d.messages?.length ? (
        <div class="card" id="client-messages">
          <h2>メッセージ</h2>
          <ul>
            {d.messages.map((m) => (
              <li data-message={m.id} data-status={m.status}>
                {jst(m.at)} <span class={`tag ${m.status === "blocked" ? "bad" : ""}`}>{MESSAGE_STATUS[m.status] ?? m.status}</span>（作成 {m.writtenBy === "system" ? "自動" : m.writtenBy}
                {m.checkedBy ? ` / 確認 ${m.checkedBy}` : ""}
                {m.template ? ` / テンプレ ${m.template} v${m.templateVersion ?? 1}${m.kind === "edited" ? " 個別編集" : ""}` : ""}）{m.body}
                {m.status === "blocked" ? (
                  <>
                    <div class="error">止まった理由: {m.problems?.join(" / ")}</div>
                    <p class="row">
                      <a class="button" href={`/admin/engagements/${r.id}?replace=${m.id}#write-message`}>
                        直して送る
                      </a>
                    </p>
                    <form method="post" action={`/admin/engagements/${r.id}/messages/${m.id}/withdraw`} class="row">
                      <Csrf c={c} />
                      <input name="note" maxlength={500} placeholder="取り下げの理由" />
                      <button type="submit" class="danger">
                        取り下げる
                      </button>
                    </form>
                  </>
                ) : null}
                {m.status === "awaiting_check" && m.needs === "second_operator" ? (
                  <form method="post" action={`/admin/engagements/${r.id}/messages/${m.id}/check`} class="row">
                    <Csrf c={c} />
                    <button type="submit" name="approve" value="1">
                      確認して送信
                    </button>
                    <button type="submit" name="approve" value="0" class="danger">
                      差し戻す
                    </button>
                  </form>
                ) : m.status === "awaiting_check" ? (
                  " コーチの承認待ち"
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="card">
        <h2>監査ログ</h2>
        <ol class="timeline">
          {events.map((e) => (
            <li>
              {jst(e.createdAt)} {e.type}（{e.actor}）{e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? ` ${e.fromStatus} → ${e.toStatus}` : ""}
              {e.ignored ? " [無視]" : ""}
              {messagesInNote(e.note).length ? <span class="muted"> メッセージ: {messagesInNote(e.note).join(" / ")}</span> : null}
            </li>
          ))}
        </ol>
      </div>
    </AdminPage>,
  );
});

async function operatorEvent(c: Context<AdminEnv>, id: string, event: SessionEvent) {
  const result = await reservationStub(c.env, id).dispatch(event, "operator");
  setFlash(c, result.applied ? "ok" : "error", result.applied ? "記録しました" : `できませんでした: ${result.reason ?? ""}`);
  return c.redirect(`/admin/engagements/${id}`, 303);
}

sessionPages.post("/engagements/:id/trouble", async (c) => {
  const f = await c.req.parseBody();
  const kind = z.enum(["late", "cannot_connect", "sudden_cancellation", "other"]).catch("other").parse(f.kind);
  return operatorEvent(c, c.req.param("id"), { type: "trouble", kind, note: String(f.note ?? "").slice(0, 2000), by: c.get("operator") });
});

/** An exception an operator records: checked against the coach's policy in the engagement's object. */
sessionPages.post("/engagements/:id/exception", async (c) => {
  const id = c.req.param("id");
  const f = await c.req.parseBody();
  const kind = String(f.kind ?? "");
  const note = String(f.note ?? "").trim().slice(0, 2000);
  const amount = Number(String(f.amount ?? "").replace(/[,，円¥\s]/g, ""));
  const by = `operator:${c.get("operator")}`;
  let input: Parameters<ReturnType<typeof reservationStub>["openException"]>[0];
  if (kind === "refund") {
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      setFlash(c, "error", "返金額を円の整数で入れてください");
      return c.redirect(`/admin/engagements/${id}`, 303);
    }
    input = { kind: "refund", amountJpy: amount, note, by };
  } else if (kind === "complaint" || kind === "request") input = { kind: "complaint", complaintType: kind, note, by };
  else if (kind === "violation" || kind === "violation_coach") input = { kind: "violation", violationBy: kind === "violation" ? "client" : "coach", note, by };
  else input = { kind: "no_show", note, by };
  const result = await reservationStub(c.env, id).openException(input);
  setFlash(c, result.ok ? "ok" : "error", result.ok ? (result.inPolicy ? `ポリシー内（${result.rule}）: 対応しました` : `ポリシー外（${result.rule}）: コーチに判断を依頼しました`) : `できませんでした: ${result.message}`);
  return c.redirect(`/admin/engagements/${id}`, 303);
});

/** Free text from an operator: the pre-send check, then a second operator (or the coach) before it leaves. */
sessionPages.post("/engagements/:id/message", async (c) => {
  const id = c.req.param("id");
  const f = await c.req.parseBody();
  const topic = z.enum(["other", "refund", "complaint"]).catch("other").parse(f.topic);
  const template = typeof f.template === "string" && f.template ? f.template : undefined;
  const version = Number(f.template_version);
  const replaces = typeof f.replaces === "string" && f.replaces ? f.replaces : undefined;
  const result = await reservationStub(c.env, id).draftMessage({
    body: String(f.body ?? "").trim().slice(0, 1000),
    // From a template: standard if sent as approved, edited (checked first) if changed; the object decides.
    kind: template ? "standard" : "free",
    topic,
    ...(template ? { template, templateVersion: Number.isInteger(version) && version > 0 ? version : 1 } : {}),
    ...(replaces ? { replaces } : {}),
    by: c.get("operator"),
  });
  setFlash(c, result.ok ? "ok" : "error", result.ok ? (result.status === "sent" ? "送信しました" : result.status === "queued" ? "送信しない時間帯のため、終わり次第送信します" : "確認待ちとして登録しました") : `送信できません: ${result.message}`);
  return c.redirect(`/admin/engagements/${id}`, 303);
});

/** A blocked automatic message the operators decided not to send (the case closes; the audit log keeps why). */
sessionPages.post("/engagements/:id/messages/:messageId/withdraw", async (c) => {
  const id = c.req.param("id");
  const f = await c.req.parseBody();
  const note = typeof f.note === "string" ? f.note.trim().slice(0, 500) : "";
  const result = await reservationStub(c.env, id).withdrawMessage({ messageId: c.req.param("messageId"), by: c.get("operator"), ...(note ? { note } : {}) });
  setFlash(c, result.ok ? "ok" : "error", result.ok ? "取り下げました" : `できませんでした: ${result.message}`);
  return c.redirect(`/admin/engagements/${id}`, 303);
});

sessionPages.post("/engagements/:id/messages/:messageId/check", async (c) => {
  const id = c.req.param("id");
  const f = await c.req.parseBody();
  const result = await reservationStub(c.env, id).checkMessage({ messageId: c.req.param("messageId"), by: c.get("operator"), role: "operator", approve: f.approve === "1" });
  setFlash(c, result.ok ? "ok" : "error", result.ok ? (result.status === "rejected" ? "差し戻しました" : "確認しました") : `できませんでした: ${result.message}`);
  return c.redirect(`/admin/engagements/${id}`, 303);
});

sessionPages.post("/engagements/:id/crm", async (c) => {
  const f = await c.req.parseBody();
  return operatorEvent(c, c.req.param("id"), { type: "set_crm", crm: f.crm === "paused" ? "paused" : "active", operator: c.get("operator") });
});

sessionPages.post("/engagements/:id/note", async (c) => {
  const f = await c.req.parseBody();
  return operatorEvent(c, c.req.param("id"), { type: "operator_note", operator: c.get("operator"), note: String(f.note ?? "").slice(0, 2000) });
});

// ---------------------------------------------------------------- coaches' settings

const coachForm = z.object({
  name: z.string().trim().min(1, "名前を入れてください").max(100),
  phone: z.string().trim().min(1, "携帯電話番号を入れてください"),
  email: z.string().trim().max(254).default(""),
  bio: z.string().trim().max(2000).default(""),
  meeting_mode: z.enum(["fixed", "per_session"], { message: "会議URLの作り方を選んでください" }),
  meeting_url: z.url({ message: "会議URLは https:// から始まるURLにしてください" }).refine((u) => u.startsWith("https://"), "会議URLは https:// から始まるURLにしてください"),
  trial_offered: z.string().optional(),
  active: z.string().optional(),
});

sessionPages.get("/coaches", async (c) => {
  const db = createDb(c.env.DB);
  const list = await allCoaches(db);
  return c.html(
    <AdminPage c={c} title="コーチ設定" section="sessions">
      <h1>コーチ設定</h1>
      <SessionNav on="/admin/coaches" />
      <div class="card">
        <table class="data" id="coaches">
          <tbody>
            {list.map((x) => (
              <tr>
                <td>
                  <a href={`/admin/coaches/${x.id}`}>{x.name}</a>
                </td>
                <td>{x.phone}</td>
                <td>{x.meetingMode === "fixed" ? "固定URL" : "毎回発行"}</td>
                <td>{x.trialOffered ? "無料体験あり" : ""}</td>
                <td>{x.active ? "" : "停止中"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CoachForm c={c} action="/admin/coaches" />
    </AdminPage>,
  );
});

function CoachForm(props: { c: Context<AdminEnv>; action: string; coach?: typeof coaches.$inferSelect; errors?: string[] }) {
  const x = props.coach;
  return (
    <form class="card" method="post" action={props.action} id="coach-form">
      <h2>{x ? "プロフィール・会議URL" : "コーチを追加"}</h2>
      <FormErrors errors={props.errors} />
      <Csrf c={props.c} />
      <div class="field">
        <label>名前</label>
        <input name="name" value={x?.name ?? ""} required />
      </div>
      <div class="field">
        <label>携帯電話番号（コーチポータルのサインインに使います）</label>
        <input name="phone" value={x?.phone ?? ""} required />
      </div>
      <div class="field">
        <label>メール</label>
        <input name="email" value={x?.email ?? ""} />
      </div>
      <div class="field">
        <label>紹介文</label>
        <textarea name="bio">{x?.bio ?? ""}</textarea>
      </div>
      <div class="field">
        <label>会議URLの作り方</label>
        <select name="meeting_mode">
          <option value="fixed" selected={x?.meetingMode !== "per_session"}>
            固定の個人ルームURL
          </option>
          <option value="per_session" selected={x?.meetingMode === "per_session"}>
            毎回新しいURL（このURLの下に発行）
          </option>
        </select>
      </div>
      <div class="field">
        <label>会議URL</label>
        <input name="meeting_url" value={x?.meetingUrl ?? "https://"} required />
      </div>
      <p>
        <label>
          <input type="checkbox" name="trial_offered" value="1" checked={x?.trialOffered ?? false} /> 無料体験を提供する
        </label>{" "}
        <label>
          <input type="checkbox" name="active" value="1" checked={x?.active ?? true} /> 受付中
        </label>
      </p>
      <button type="submit">保存</button>
    </form>
  );
}

function parseCoach(form: Record<string, unknown>): { ok: true; values: Omit<typeof coaches.$inferInsert, "id" | "createdAt" | "updatedAt"> } | { ok: false; errors: string[] } {
  const parsed = coachForm.safeParse(form);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
  const phone = normalizePhone(parsed.data.phone);
  if (!phone.ok) return { ok: false, errors: [`携帯電話番号: ${phone.reason}`] };
  const v = parsed.data;
  return { ok: true, values: { name: v.name, phone: phone.e164, email: v.email || null, bio: v.bio, meetingMode: v.meeting_mode, meetingUrl: v.meeting_url, trialOffered: v.trial_offered === "1", active: v.active === "1" } };
}

sessionPages.post("/coaches", async (c) => {
  const db = createDb(c.env.DB);
  const parsed = parseCoach(await c.req.parseBody());
  if (!parsed.ok) {
    return c.html(
      <AdminPage c={c} title="コーチ設定" section="sessions">
        <CoachForm c={c} action="/admin/coaches" errors={parsed.errors} />
      </AdminPage>,
      400,
    );
  }
  const now = Date.now();
  const id = newId("coach", now);
  try {
    await db.insert(coaches).values({ id, ...parsed.values, createdAt: now, updatedAt: now });
  } catch {
    setFlash(c, "error", "この電話番号のコーチはすでにいます");
    return c.redirect("/admin/coaches", 303);
  }
  setFlash(c, "ok", `${parsed.values.name} を追加しました。メニュー・規約・空き枠を設定してください。`);
  return c.redirect(`/admin/coaches/${id}`, 303);
});

sessionPages.get("/coaches/:id", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  if (!coach) return c.notFound();
  const [menus, docs, availability] = await Promise.all([menusOf(db, coach.id), currentDocuments(db, coach.id), getAvailability(db, coach.id)]);
  return c.html(
    <AdminPage c={c} title={coach.name} section="sessions">
      <h1>{coach.name}</h1>
      <p class="muted">
        <a href={`/admin/coaches/${coach.id}/audit.csv`} id="audit-csv">
          監査ログ（CSV、保存期間内）
        </a>{" "}
        · <a href="#governance">対応目標（SLA）・保存期間</a>{" "}
        · <a href="/admin/session-audit">週次サンプル監査</a>{" "}
        · <a href={`/admin/coaches/${coach.id}/templates`} id="templates-link">
          メッセージテンプレート
        </a>
      </p>
      <SessionNav on="/admin/coaches" />
      <CoachForm c={c} action={`/admin/coaches/${coach.id}`} coach={coach} />
      <div class="card" id="menus">
        <h2>メニュー</h2>
        <table class="data">
          <tbody>
            {menus.map((m) => (
              <tr>
                <td>{m.name}</td>
                <td class="n">{formatJpy(m.priceJpy)}</td>
                <td>{m.minutes}分</td>
                <td>{m.sessions}回</td>
                <td>{m.trial ? "体験可" : ""}</td>
                <td>{m.outOfScope ? `対象外: ${m.outOfScope}` : ""}</td>
                <td>
                  <form method="post" action={`/admin/coaches/${coach.id}/menus/${m.id}/toggle`} class="inline">
                    <Csrf c={c} />
                    <button type="submit">{m.active ? "停止" : "再開"}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action={`/admin/coaches/${coach.id}/menus`} class="stack" id="menu-form">
          <h3>メニューを追加</h3>
          <Csrf c={c} />
          <div class="row">
            <input name="name" placeholder="名前" required />
            <input name="price_jpy" type="number" min={0} placeholder="料金（円）" required />
            <input name="minutes" type="number" min={15} max={480} placeholder="分" required />
            <input name="sessions" type="number" min={1} max={50} value="1" required />
          </div>
          <div class="field">
            <label>対象外（やってはいけない領域）</label>
            <input name="out_of_scope" />
          </div>
          <p>
            <label>
              <input type="checkbox" name="trial" value="1" /> 無料体験の対象
            </label>
          </p>
          <button type="submit">追加</button>
        </form>
      </div>
      <div class="card" id="documents">
        <h2>規約・契約書</h2>
        {(["terms", "contract"] as const).map((kind) => {
          const d = docs[kind];
          return (
            <form method="post" action={`/admin/coaches/${coach.id}/documents/${kind}`} class="stack">
              <h3>
                {kind === "terms" ? "利用規約" : "契約書"} {d ? <span class="muted">現在 第{d.version}版（{jst(d.createdAt)}・{d.createdBy}）</span> : <span class="tag bad">未設定</span>}
              </h3>
              <Csrf c={c} />
              <div class="field">
                <label>題名</label>
                <input name="title" value={d?.title ?? (kind === "terms" ? "利用規約" : "契約書")} required />
              </div>
              <div class="field">
                <label>本文</label>
                <textarea name="body" required rows={8}>
                  {d?.body ?? ""}
                </textarea>
              </div>
              <button type="submit">新しい版として保存</button>
            </form>
          );
        })}
        <p class="muted">保存すると新しい版になります。送付済みの受講者は送付時の版のまま同意します。</p>
      </div>
      <AvailabilityForm action={`/admin/coaches/${coach.id}/availability`} hidden={<Csrf c={c} />} a={availability} />
      <GovernanceSettings c={c} coachId={coach.id} />
    </AdminPage>,
  );
});

sessionPages.post("/coaches/:id", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  if (!coach) return c.notFound();
  const parsed = parseCoach(await c.req.parseBody());
  if (!parsed.ok) {
    setFlash(c, "error", parsed.errors.join(" / "));
    return c.redirect(`/admin/coaches/${coach.id}`, 303);
  }
  await db.update(coaches).set({ ...parsed.values, updatedAt: Date.now() }).where(eq(coaches.id, coach.id));
  setFlash(c, "ok", "保存しました");
  return c.redirect(`/admin/coaches/${coach.id}`, 303);
});

const menuForm = z.object({
  name: z.string().trim().min(1, "メニュー名を入れてください").max(100),
  price_jpy: z.coerce.number().int("料金は整数の円で").min(0).max(10_000_000),
  minutes: z.coerce.number().int().min(15, "15分以上").max(480),
  sessions: z.coerce.number().int().min(1).max(50),
  out_of_scope: z.string().trim().max(1000).default(""),
  trial: z.string().optional(),
});

sessionPages.post("/coaches/:id/menus", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  if (!coach) return c.notFound();
  const parsed = menuForm.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    setFlash(c, "error", parsed.error.issues.map((i) => i.message).join(" / "));
    return c.redirect(`/admin/coaches/${coach.id}`, 303);
  }
  const now = Date.now();
  const v = parsed.data;
  await db.insert(sessionMenus).values({ id: newId("menu", now), coachId: coach.id, name: v.name, priceJpy: v.price_jpy, minutes: v.minutes, sessions: v.sessions, outOfScope: v.out_of_scope, trial: v.trial === "1", createdAt: now, updatedAt: now });
  setFlash(c, "ok", `メニュー「${v.name}」を追加しました`);
  return c.redirect(`/admin/coaches/${coach.id}`, 303);
});

sessionPages.post("/coaches/:id/menus/:menuId/toggle", async (c) => {
  const db = createDb(c.env.DB);
  const menus = await menusOf(db, c.req.param("id"));
  const m = menus.find((x) => x.id === c.req.param("menuId"));
  if (!m) return c.notFound();
  await db.update(sessionMenus).set({ active: !m.active, updatedAt: Date.now() }).where(eq(sessionMenus.id, m.id));
  return c.redirect(`/admin/coaches/${c.req.param("id")}`, 303);
});

sessionPages.post("/coaches/:id/documents/:kind", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  const kind = c.req.param("kind");
  if (!coach || (kind !== "terms" && kind !== "contract")) return c.notFound();
  const f = await c.req.parseBody();
  const title = String(f.title ?? "").trim().slice(0, 200);
  const body = String(f.body ?? "").trim().slice(0, 50_000);
  if (!title || !body) {
    setFlash(c, "error", "題名と本文を入れてください");
    return c.redirect(`/admin/coaches/${coach.id}`, 303);
  }
  const version = await addDocumentVersion(db, coach.id, kind, title, body, c.get("operator"));
  setFlash(c, "ok", `第${version}版を保存しました`);
  return c.redirect(`/admin/coaches/${coach.id}`, 303);
});

sessionPages.post("/coaches/:id/availability", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  if (!coach) return c.notFound();
  const current = await getAvailability(db, coach.id);
  const { availability, errors } = availabilityFromForm((await c.req.parseBody()) as Record<string, unknown>, current.stepMinutes ?? 30);
  if (errors.length) {
    setFlash(c, "error", errors.join(" / "));
    return c.redirect(`/admin/coaches/${coach.id}`, 303);
  }
  await saveAvailability(db, coach.id, availability, c.get("operator"));
  setFlash(c, "ok", "空き枠を保存しました");
  return c.redirect(`/admin/coaches/${coach.id}`, 303);
});
