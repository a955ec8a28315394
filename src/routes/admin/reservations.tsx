// Reservations in the console: search (id, phone's last digits, status, service, date) and
// one reservation's whole story: the audit log with who did what, each call, every message
// with its delivery status, payments and refunds, and the forms for what is still open.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { reservationTimeline, searchReservations, serviceNames, shopsForService, type ReservationFilter } from "../../db/console.ts";
import { loadRecord, rowToRecord } from "../../db/reservations.ts";
import type { OutboxRow } from "../../db/outbox.ts";
import { MANUAL_CASES, isQueued } from "../../domain/cases.ts";
import { RESERVATION_ID_PATTERN } from "../../domain/ids.ts";
import { renderNote, statusLabel } from "../../domain/messages.ts";
import { formatJpy } from "../../domain/money.ts";
import { displayPhone } from "../../domain/phone.ts";
import { notesOf, paymentLinkRefusal } from "../../domain/reservation/shop-machine.ts";
import { policy } from "../../domain/policy.ts";
import { STATUSES, type Note, type ReservationRecord } from "../../domain/reservation/types.ts";
import { AdminPage, Csrf, PriorityBadge, StatusBadge, callResultLabel, duration, jst, jstSeconds, toLocalInput } from "./layout.tsx";
import { CaseActions, CaseContext } from "./queue.tsx";
import { ACTION_LABELS } from "./actions.ts";
import { newSecretToken } from "../../domain/ids.ts";
import { visibleText } from "../../domain/text.ts";

export const reservationPages = new Hono<AdminEnv>();

const ACTORS_JA: Record<string, string> = { requester: "依頼者", system: "システム", provider: "外部サービス", operator: "担当者", shop: "店舗" };

reservationPages.get("/", async (c) => {
  const db = createDb(c.env.DB);
  const q = c.req.query();
  const filter: ReservationFilter = {
    ...(q.id?.trim() ? { id: q.id.trim() } : {}),
    ...(q.phone?.trim() ? { phoneTail: q.phone.trim() } : {}),
    ...(q.status && (STATUSES as readonly string[]).includes(q.status) ? { status: q.status } : {}),
    ...(q.service ? { service: q.service } : {}),
    ...(q.date && /^\d{4}-\d{2}-\d{2}$/.test(q.date) ? { date: q.date } : {}),
  };
  if (filter.id && RESERVATION_ID_PATTERN.test(filter.id.toUpperCase())) {
    const exact = await loadRecord(db, filter.id.toUpperCase());
    if (exact) return c.redirect(`/admin/reservations/${exact.id}`, 302);
  }
  const [rows, services] = await Promise.all([searchReservations(db, filter), serviceNames(db)]);
  return c.html(
    <AdminPage c={c} title="予約の検索" section="reservations">
      <h1>予約</h1>
      <form class="search card" method="get" action="/admin/reservations">
        <label>
          予約ID
          <input name="id" value={q.id ?? ""} placeholder="QRV-" size={10} />
        </label>
        <label>
          電話番号（下4桁など）
          <input name="phone" value={q.phone ?? ""} inputmode="numeric" size={10} />
        </label>
        <label>
          状態
          <select name="status">
            <option value="">すべて</option>
            {STATUSES.map((s) => (
              <option value={s} selected={q.status === s}>
                {statusLabel(s, "ja")}（{s}）
              </option>
            ))}
          </select>
        </label>
        <label>
          サービス
          <select name="service">
            <option value="">すべて</option>
            {services.map((s) => (
              <option value={s} selected={q.service === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          予約日
          <input type="date" name="date" value={q.date ?? ""} />
        </label>
        <button type="submit">検索</button>
      </form>
      <div class="card">
        <p class="muted">{rows.length}件{rows.length === 100 ? "（新しい順に100件まで）" : ""}</p>
        <table class="data">
          <thead>
            <tr>
              <th>予約ID</th>
              <th>状態</th>
              <th>サービス</th>
              <th>日時</th>
              <th>依頼者</th>
              <th>電話</th>
              <th>受付</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const r = rowToRecord(row);
              return (
                <tr>
                  <td>
                    <a href={`/admin/reservations/${r.id}`}>{r.id}</a> {r.openCases?.some(isQueued) ? <span class="tag bad">要対応</span> : null}
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    {r.data.service}（{r.data.area}）
                  </td>
                  <td>{jst(r.startAt)}</td>
                  <td>{visibleText(r.requester.name)}</td>
                  <td>{displayPhone(r.requester.phone)}</td>
                  <td>{jst(r.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});

function noteText(raw: string): string {
  try {
    return notesOf(JSON.parse(raw) as Note)
      .filter((n) => n.code !== "timer_ignored")
      .map((n) => (n.code === "ignored" ? `無視: ${String(n.params?.reason ?? "")}` : renderNote(n, "ja")))
      .join(" / ");
  } catch {
    return raw;
  }
}

function eventDetail(raw: string): { operator?: string; text?: string } {
  try {
    const d = JSON.parse(raw) as Record<string, unknown>;
    const text = [d.note, d.reason, d.answer ? `回答: ${d.answer}` : undefined, d.refund !== undefined && d.type === "operator_cancel" ? (d.refund ? "返金あり" : "返金なし") : undefined].filter((v): v is string => typeof v === "string" && v !== "").join(" / ");
    // Who acted: the operator's name, or the API key / signed-in person behind an MCP request.
    const who = typeof d.operator === "string" ? d.operator : typeof d.via === "string" ? d.via : undefined;
    return { ...(who ? { operator: who } : {}), ...(text ? { text } : {}) };
  } catch {
    return {};
  }
}

function jobStatusTag(job: OutboxRow) {
  const cls = job.status === "done" ? "ok" : job.status === "failed" || job.status === "dead" ? "bad" : "warn";
  return <span class={`tag ${cls}`}>{job.status}</span>;
}

function deliveryTag(status: string | null) {
  if (!status) return <span class="muted">—</span>;
  const cls = status === "delivered" || status === "sent" ? "ok" : status === "undelivered" || status === "failed" ? "bad" : "warn";
  return <span class={`tag ${cls}`}>{status}</span>;
}

function payloadOf(job: OutboxRow): Record<string, unknown> {
  try {
    return JSON.parse(job.payload) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * §2.2.3: a payment timeout opens no case; when the requester asks for the same booking again
 * and the shop agrees, the operator sends a fresh payment link from here. Not for a start that
 * has passed or is too close to pay and reach the shop (the machine refuses it too).
 */
function ReopenPayment(props: { c: Context<AdminEnv>; record: ReservationRecord; now: number }) {
  const r = props.record;
  if (r.status !== "payment_timeout" || !r.data.shop) return null;
  const refusal = paymentLinkRefusal(r.startAt, props.now);
  if (refusal) {
    const why = r.startAt <= props.now ? "予約日時を過ぎている" : `予約日時まで${policy.minLeadTimeMs / 60_000}分を切っている`;
    return (
      <div id="reopen-payment-closed">
        <h3>{ACTION_LABELS.reopen_payment}</h3>
        <p class="muted">{why}ため、決済リンクは再発行できません。依頼者には別の日時での再予約を案内してください。</p>
      </div>
    );
  }
  return (
    <form method="post" action={`/admin/reservations/${r.id}/actions`} data-action="reopen_payment">
      <h3>依頼者の依頼で決済リンクを再発行</h3>
      <Csrf c={props.c} />
      <input type="hidden" name="_nonce" value={newSecretToken()} />
      <input type="hidden" name="action" value="reopen_payment" />
      <input type="hidden" name="return_to" value={`/admin/reservations/${r.id}`} />
      <p class="muted">
        {r.data.shop.name} ・ {r.amountJpy !== undefined ? formatJpy(r.amountJpy) : "—"} ・ 期限切れ {jst(r.data.payment?.deadlineAt)}
      </p>
      <label>
        <input type="checkbox" name="confirm" value="yes" required /> 店舗が同じ内容で再度仮押さえに応じることを電話で確認した
      </label>
      <label>メモ（任意）</label>
      <textarea name="note" maxlength={1000}></textarea>
      <button type="submit">新しい決済リンクを送る</button>
    </form>
  );
}

/** Operations that fit any open reservation (the case forms cover the rest). */
function GeneralActions(props: { c: Context<AdminEnv>; record: ReservationRecord; now: number }) {
  const { c, record: r } = props;
  const back = `/admin/reservations/${r.id}`;
  const hidden = (action: string) => (
    <>
      <Csrf c={c} />
      <input type="hidden" name="_nonce" value={newSecretToken()} />
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="return_to" value={back} />
    </>
  );
  const open = r.status !== "cancelled" && r.status !== "completed";
  return (
    <div class="actions">
      <ReopenPayment c={c} record={r} now={props.now} />
      <form method="post" action={`${back}/actions`} data-action="operator_note">
        <h3>{ACTION_LABELS.operator_note}</h3>
        {hidden("operator_note")}
        <label>対応内容（電話の記録など）</label>
        <textarea name="note" required maxlength={1000}></textarea>
        <button type="submit" class="secondary">記録する</button>
      </form>
      <form method="post" action={`${back}/actions`} data-action="correct_phone">
        <h3>電話番号を訂正</h3>
        {hidden("correct_phone")}
        <label>正しい電話番号</label>
        <input name="phone" inputmode="tel" required value={displayPhone(r.requester.phone)} />
        <button type="submit" class="secondary">訂正する</button>
      </form>
      {r.status === "confirmed" ? (
        <form method="post" action={`${back}/actions`} data-action="accept_change">
          <h3>確定済み予約の内容変更（店舗・依頼者の合意済み）</h3>
          {hidden("accept_change")}
          <label>日時</label>
          <input type="datetime-local" name="start" required value={toLocalInput(r.startAt)} />
          <label>人数</label>
          <input type="number" name="party_size" min={1} max={20} required value={String(r.partySize)} />
          <button type="submit" class="secondary">変更して通知する</button>
        </form>
      ) : null}
      {open ? (
        <form method="post" action={`${back}/actions`} data-action="operator_cancel">
          <h3>担当者がキャンセル</h3>
          {hidden("operator_cancel")}
          {r.status === "confirmed" ? (
            <>
              <label>返金</label>
              <select name="refund">
                <option value="yes">全額返金する</option>
                <option value="no">返金しない</option>
              </select>
            </>
          ) : (
            <input type="hidden" name="refund" value="no" />
          )}
          <label>理由</label>
          <textarea name="reason" required maxlength={500}></textarea>
          <button type="submit" class="danger">キャンセルする</button>
        </form>
      ) : null}
    </div>
  );
}

reservationPages.get("/:id", async (c) => {
  const id = c.req.param("id").toUpperCase();
  const db = createDb(c.env.DB);
  const r = RESERVATION_ID_PATTERN.test(id) ? await loadRecord(db, id) : null;
  // A session engagement's case (a blocked message, from an alert's link) is worked on its own page.
  if ((r?.kind as string | undefined) === "session") return c.redirect(`/admin/engagements/${id}`, 302);
  if (!r) {
    return c.html(
      <AdminPage c={c} title="予約が見つかりません" section="reservations">
        <div class="card">
          <h1>予約 {id} は見つかりません</h1>
          <p>
            <a href="/admin/reservations">予約の検索へ</a>
          </p>
        </div>
      </AdminPage>,
      404,
    );
  }
  const now = Date.now();
  const { events, jobs, alerts } = await reservationTimeline(db, r.id);
  const shopsForAssign = r.openCases?.some((o) => o.case === "no_shop_available") ? await shopsForService(db, r.data.service, r.data.area) : [];
  const messages = jobs.filter((j) => j.kind === "sms.send" || j.kind === "email.send" || j.kind === "alert.send");
  const paymentJobs = jobs.filter((j) => j.kind.startsWith("payment."));
  const stuck = jobs.filter((j) => j.status === "dead" || j.status === "failed");
  const p = r.data.payment;
  return c.html(
    <AdminPage c={c} title={r.id} section="reservations">
      <h1>
        {r.id} <StatusBadge status={r.status} /> <span class="muted">{r.status} · v{r.version}</span>
      </h1>
      <div class="grid">
        <div class="card">
          <h2>予約内容</h2>
          <dl>
            <dt>サービス</dt>
            <dd>
              {r.data.service}（{r.data.area}）
            </dd>
            <dt>日時</dt>
            <dd>{jst(r.startAt)}</dd>
            <dt>人数</dt>
            <dd>{r.partySize}名</dd>
            <dt>ご要望</dt>
            <dd>{r.data.notes ?? "—"}</dd>
            <dt>店舗</dt>
            <dd>{r.data.shop ? `${r.data.shop.name} ${displayPhone(r.data.shop.phone)}` : "—"}</dd>
            <dt>金額</dt>
            <dd>{r.amountJpy !== undefined ? formatJpy(r.amountJpy) : "—"}</dd>
            <dt>受付</dt>
            <dd>{jst(r.createdAt)}</dd>
            <dt>次の予定</dt>
            <dd>{r.timers.length ? r.timers.map((t) => `${t.type} ${jst(t.at)}`).join("、") : "—"}</dd>
          </dl>
        </div>
        <div class="card">
          <h2>依頼者</h2>
          <dl>
            <dt>お名前</dt>
            <dd>{visibleText(r.requester.name)}</dd>
            <dt>電話</dt>
            <dd>{displayPhone(r.requester.phone)}</dd>
            <dt>メール</dt>
            <dd>{r.requester.email ?? "—"}</dd>
            <dt>言語</dt>
            <dd>{r.requester.language}</dd>
          </dl>
        </div>
      </div>

      {(r.openCases ?? []).map((open) => {
        const def = MANUAL_CASES[open.case];
        const age = now - open.at;
        return (
          <div class={`card item ${def.priority}`} data-case={open.case}>
            <h2>
              <PriorityBadge priority={def.priority} /> {def.title}
            </h2>
            <p>
              <span class={`age ${age > def.targetMinutes * 60_000 ? "over" : ""}`}>
                {duration(age)}経過 / 目標{duration(def.targetMinutes * 60_000)}
              </span>
            </p>
            <CaseContext record={r} open={open} now={now} />
            <p class="todo">対応: {def.todo}</p>
            <CaseActions c={c} record={r} open={open} shops={shopsForAssign} returnTo={`/admin/reservations/${r.id}`} />
          </div>
        );
      })}

      <div class="card">
        <h2>経過（監査ログ）</h2>
        <table class="data">
          <thead>
            <tr>
              <th>時刻</th>
              <th>イベント</th>
              <th>誰が</th>
              <th>状態</th>
              <th>内容</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => {
              const d = eventDetail(e.data);
              return (
                <tr>
                  <td>{jstSeconds(e.createdAt)}</td>
                  <td>
                    {e.type} {e.ignored ? <span class="tag">無視</span> : null}
                  </td>
                  <td>
                    {ACTORS_JA[e.actor] ?? e.actor}
                    {d.operator ? <div class="muted">{d.operator}</div> : null}
                  </td>
                  <td>{e.fromStatus && e.fromStatus !== e.toStatus ? `${e.fromStatus} → ${e.toStatus}` : (e.toStatus ?? "")}</td>
                  <td>
                    {noteText(e.note)}
                    {d.text ? <div class="muted">{d.text}</div> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div class="card">
        <h2>電話</h2>
        {r.data.attempts.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>周</th>
                <th>店舗</th>
                <th>発信</th>
                <th>終了</th>
                <th>結果</th>
                <th>要約・変更内容</th>
              </tr>
            </thead>
            <tbody>
              {r.data.attempts.map((a) => (
                <tr>
                  <td class="n">{a.round}</td>
                  <td>{a.shopName}</td>
                  <td>{jstSeconds(a.startedAt)}</td>
                  <td>{a.endedAt ? jstSeconds(a.endedAt) : "—"}</td>
                  <td>{callResultLabel(a.result)}</td>
                  <td>
                    {a.summary ?? ""}
                    {a.proposedChange ? <div>変更内容: {a.proposedChange}</div> : null}
                    {a.providerCallId ? <div class="muted">{a.providerCallId}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">まだ電話していません。</p>
        )}
      </div>

      <div class="card">
        <h2>メッセージ</h2>
        <table class="data">
          <thead>
            <tr>
              <th>作成</th>
              <th>種類</th>
              <th>宛先</th>
              <th>内容</th>
              <th>処理</th>
              <th>配信</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((j) => {
              const m = payloadOf(j);
              const channel = j.kind === "sms.send" ? "SMS" : j.kind === "email.send" ? "メール" : "Slack";
              return (
                <tr>
                  <td>{jstSeconds(j.createdAt)}</td>
                  <td>{channel}</td>
                  <td>{j.kind === "alert.send" ? "#qrv-alerts" : String(m.to ?? "")}</td>
                  <td>
                    <details>
                      <summary>{String(m.subject ?? m.template ?? m.case ?? "")}</summary>
                      <pre>{String(m.body ?? m.text ?? "")}</pre>
                    </details>
                  </td>
                  <td>
                    {jobStatusTag(j)} <span class="muted">{j.attempts}回</span>
                    {j.lastError ? <div class="muted">{j.lastError}</div> : null}
                  </td>
                  <td>{deliveryTag(j.deliveryStatus)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div class="card">
        <h2>決済・返金</h2>
        <dl>
          <dt>金額</dt>
          <dd>{p ? formatJpy(p.amountJpy) : "—"}</dd>
          <dt>Checkout Session</dt>
          <dd>{p?.sessionId ?? "—"}</dd>
          <dt>決済期限</dt>
          <dd>{jst(p?.deadlineAt)}</dd>
          <dt>支払い</dt>
          <dd>{p?.paidAt ? `${jst(p.paidAt)}（${p.paymentIntentId}）` : "未払い"}</dd>
          <dt>返金</dt>
          <dd>{p?.refund ? `${formatJpy(p.refund.amountJpy)} ${p.refund.status}${p.refund.refundId ? `（${p.refund.refundId}）` : ""} ${jst(p.refund.requestedAt)}` : "—"}</dd>
          {p?.latePayment ? (
            <>
              <dt>期限後の支払い</dt>
              <dd>
                {formatJpy(p.latePayment.amountJpy)} {jst(p.latePayment.at)}（{p.latePayment.paymentIntentId}）
              </dd>
            </>
          ) : null}
          {r.data.cancellation ? (
            <>
              <dt>キャンセル</dt>
              <dd>
                {jst(r.data.cancellation.at)} {ACTORS_JA[r.data.cancellation.by] ?? r.data.cancellation.by} {r.data.cancellation.refund ? "返金あり" : "返金なし"} {r.data.cancellation.reason ?? ""}
              </dd>
            </>
          ) : null}
        </dl>
        {paymentJobs.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>作成</th>
                <th>処理</th>
                <th>金額</th>
                <th>状態</th>
                <th>参照</th>
              </tr>
            </thead>
            <tbody>
              {paymentJobs.map((j) => {
                const m = payloadOf(j);
                return (
                  <tr>
                    <td>{jstSeconds(j.createdAt)}</td>
                    <td>{j.kind}</td>
                    <td class="n">{typeof m.amountJpy === "number" ? formatJpy(m.amountJpy) : ""}</td>
                    <td>
                      {jobStatusTag(j)}
                      {j.lastError ? <div class="muted">{j.lastError}</div> : null}
                    </td>
                    <td>{j.providerRef ?? ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </div>

      {stuck.length ? <DeadJobs c={c} jobs={stuck} returnTo={`/admin/reservations/${r.id}`} /> : null}

      <div class="card">
        <h2>その他の操作</h2>
        <GeneralActions c={c} record={r} now={now} />
      </div>

      {alerts.length ? (
        <div class="card">
          <h2>アラート</h2>
          <ul>
            {alerts.map((a) => (
              <li>
                {jst(a.createdAt)} {MANUAL_CASES[a.case as keyof typeof MANUAL_CASES]?.title ?? a.case} {a.sentAt ? "送信済み" : "未送信"} {a.resolvedAt ? `・解消 ${jst(a.resolvedAt)}` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </AdminPage>,
  );
});

/** Jobs in the dead-letter queue, with what an operator can do about each. */
export function DeadJobs(props: { c: Context<AdminEnv>; jobs: OutboxRow[]; returnTo: string }) {
  return (
    <div class="card">
      <h2>止まった処理（失敗・デッドレターキュー）</h2>
      <table class="data">
        <thead>
          <tr>
            <th>予約</th>
            <th>処理</th>
            <th>状態</th>
            <th>エラー</th>
            <th>時刻</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((j) => (
            <tr>
              <td>
                <a href={`/admin/reservations/${j.reservationId}`}>{j.reservationId}</a>
              </td>
              <td>{j.kind}</td>
              <td>{j.status === "dead" ? "リトライ上限" : "失敗"}</td>
              <td>{j.lastError ?? ""}</td>
              <td>{jst(j.updatedAt)}</td>
              <td>
                <form method="post" action={`/admin/jobs/${j.id}/requeue`} class="inline">
                  <Csrf c={props.c} />
                  <input type="hidden" name="return_to" value={props.returnTo} />
                  <button type="submit" class="secondary">
                    再実行
                  </button>
                </form>{" "}
                <form method="post" action={`/admin/jobs/${j.id}/dismiss`} class="inline">
                  <Csrf c={props.c} />
                  <input type="hidden" name="return_to" value={props.returnTo} />
                  <button type="submit" class="secondary">
                    手動対応済み
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
