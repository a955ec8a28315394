// The manual-operation queue (seed 000 §2.2): every open case with its priority and response
// target (§2.3.2), its age against the target, what to do, and the forms that settle it.
// Every form posts an operator event to the reservation's Durable Object, which applies it
// under the same rules as everything else and records who did it.
import type { Context } from "hono";
import { Hono } from "hono";
import { createDb, type Db } from "../../db/client.ts";
import { loadRecord } from "../../db/reservations.ts";
import { getShop, reservationsWithOpenCases, shopAuditStatement, shopByPhone, shopsForService, toShopRef, type ShopRow } from "../../db/console.ts";
import { shopUpsertStatements } from "../../db/shop-statements.ts";
import type { AdminEnv } from "../../auth/admin.ts";
import { MANUAL_CASES, PRIORITY_ORDER, isQueued } from "../../domain/cases.ts";
import { newId, newSecretToken, RESERVATION_ID_PATTERN } from "../../domain/ids.ts";
import { formatJpy } from "../../domain/money.ts";
import { displayPhone } from "../../domain/phone.ts";
import { statusLabel } from "../../domain/messages.ts";
import type { OpenCase, OperatorEvent, ReservationRecord } from "../../domain/reservation/types.ts";
import { validateRow } from "../../domain/shops-csv.ts";
import { reservationStub } from "../../durable/client.ts";
import { ACTION_LABELS, newShopForm, parseAction } from "./actions.ts";
import { inquiryCounts } from "./inquiries.tsx";
import { AdminPage, Csrf, PriorityBadge, StatusBadge, callResultLabel, duration, jst, setFlash, toLocalInput } from "./layout.tsx";
import { visibleText } from "../../domain/text.ts";
import { agedExceptions } from "../../db/governance.ts";
import { coachNames } from "../../db/sessions.ts";
import { EXCEPTION_LABELS, type ExceptionKind } from "../../domain/sessions/policy.ts";

export const queue = new Hono<AdminEnv>();

/** Session exception cases still open (waiting for the coach, or approved and not yet carried out), aged against the coach's targets. */
async function sessionExceptionItems(db: Db, now: number) {
  const items = await agedExceptions(db, now);
  const names = await coachNames(db, [...new Set(items.map((i) => i.row.coachId))]);
  return items.map((i) => ({ ...i, coach: names.get(i.row.coachId) ?? i.row.coachId }));
}

function SessionExceptions(props: { items: Awaited<ReturnType<typeof sessionExceptionItems>> }) {
  if (!props.items.length) return null;
  return (
    <div class="card" id="session-exceptions">
      <h2>セッションの例外（コーチ判断待ち・対応待ち） {props.items.length}件</h2>
      <ul>
        {props.items.map((i) => (
          <li data-case={i.row.id}>
            <a href={`/admin/engagements/${i.row.engagementId}`}>{i.row.engagementId}</a> {EXCEPTION_LABELS[i.kind].ja}（{i.coach}）{i.row.status === "pending" ? "コーチ判断待ち" : i.row.openedBy === "system" ? "自動対応中（コーチのルール）" : "承認済み・対応待ち"} {i.row.rule}{" "}
            <span class={`age ${i.late ? "over" : ""}`}>
              {duration(i.ageMs)}経過 / 目標{duration(i.targetMs)}
              {i.late ? "（目標超過）" : ""}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface QueueItem {
  record: ReservationRecord;
  open: OpenCase;
  ageMs: number;
  targetMs: number;
}

/** Open cases, most pressing first: by priority, then the longest waiting. */
export function queueItems(records: ReservationRecord[], now: number): QueueItem[] {
  const items = records.flatMap((record) =>
    (record.openCases ?? []).filter(isQueued).map((open) => ({ record, open, ageMs: now - open.at, targetMs: MANUAL_CASES[open.case].targetMinutes * 60_000 })),
  );
  const rank = (i: QueueItem) => PRIORITY_ORDER.indexOf(MANUAL_CASES[i.open.case].priority);
  return items.sort((a, b) => rank(a) - rank(b) || b.ageMs - a.ageMs);
}

function ActionForm(props: { c: Context<AdminEnv>; record: ReservationRecord; action: keyof typeof ACTION_LABELS; title?: string; returnTo: string; children?: unknown; button?: string; danger?: boolean }) {
  return (
    <form method="post" action={`/admin/reservations/${props.record.id}/actions`} data-action={props.action}>
      <h3>{props.title ?? ACTION_LABELS[props.action]}</h3>
      <Csrf c={props.c} />
      <input type="hidden" name="_nonce" value={newSecretToken()} />
      <input type="hidden" name="action" value={props.action} />
      <input type="hidden" name="return_to" value={props.returnTo} />
      {props.children as never}
      {props.button === "" ? null : (
        <button type="submit" class={props.danger ? "danger" : ""}>
          {props.button ?? ACTION_LABELS[props.action]}
        </button>
      )}
    </form>
  );
}

/** The price of the shop that asked for the change (what the booking costs unless the change says otherwise). */
function lastPrice(r: ReservationRecord): number | undefined {
  const attempt = r.data.attempts.at(-1);
  return attempt ? r.data.plan.find((s) => s.id === attempt.shopId)?.priceJpy : undefined;
}

function Note(props: { label?: string; required?: boolean; name?: string; placeholder?: string }) {
  return (
    <>
      <label>{props.label ?? "メモ（任意）"}</label>
      <textarea name={props.name ?? "note"} required={props.required ?? false} maxlength={1000} placeholder={props.placeholder ?? ""}></textarea>
    </>
  );
}

/** The forms that settle one case. */
export function CaseActions(props: { c: Context<AdminEnv>; record: ReservationRecord; open: OpenCase; shops: ShopRow[]; returnTo: string }) {
  const { c, record: r, open, returnTo } = props;
  const common = { c, record: r, returnTo };
  switch (open.case) {
    case "no_shop_available":
      return (
        <div class="actions">
          <ActionForm {...common} action="assign_shop">
            <label>対応できる店舗（電話で確認済み）</label>
            <select name="shop_id">
              <option value="">— 一覧にない店舗は下に入力 —</option>
              {props.shops.map((s) => (
                <option value={s.id}>
                  {s.name}（{s.area}・{formatJpy(s.priceJpy)}）{s.paused ? " 停止中" : ""}
                </option>
              ))}
            </select>
            <details>
              <summary>一覧にない店舗を追加して手配</summary>
              <label>店舗名</label>
              <input name="new_name" maxlength={100} />
              <label>電話番号</label>
              <input name="new_phone" inputmode="tel" />
              <label>メール（仮予約の連絡先）</label>
              <input name="new_email" type="email" />
              <label>料金（円）</label>
              <input name="new_price" inputmode="numeric" />
              <label>住所</label>
              <input name="new_address" maxlength={200} />
            </details>
          </ActionForm>
          <ActionForm {...common} action="propose_new_time">
            <label>依頼者が了承した日時</label>
            <input type="datetime-local" name="start" required value={toLocalInput(r.startAt)} />
            <Note />
          </ActionForm>
          <ActionForm {...common} action="operator_cancel" title="依頼者の希望でキャンセル（決済なし）" danger>
            <input type="hidden" name="refund" value="no" />
            <Note name="reason" label="理由" required placeholder="依頼者の希望により" />
          </ActionForm>
        </div>
      );
    case "sms_undeliverable":
      return (
        <div class="actions">
          <ActionForm {...common} action="operator_note" title="電話で連絡した">
            <input type="hidden" name="resolves" value="sms_undeliverable" />
            <Note label="電話での確認内容" required placeholder="依頼者に電話し予約内容を確認した" />
          </ActionForm>
          <ActionForm {...common} action="resend_by_email">
            <label>送信先メールアドレス</label>
            <input type="email" name="email" required value={r.requester.email ?? ""} />
            <Note />
          </ActionForm>
          <ActionForm {...common} action="correct_phone">
            <label>正しい電話番号</label>
            <input name="phone" inputmode="tel" required value={displayPhone(r.requester.phone)} />
            <Note />
          </ActionForm>
        </div>
      );
    case "payment_timeout":
      return (
        <div class="actions">
          {/* Only a case opened before payment timeouts stopped opening one; reopening is on the reservation's page. */}
          <ActionForm {...common} action="operator_note" title="確認済み（対応不要）">
            <input type="hidden" name="resolves" value="payment_timeout" />
            <Note label="メモ" required placeholder="問い合わせなし／再予約を案内した" />
          </ActionForm>
        </div>
      );
    case "ambiguous_answer":
      return (
        <div class="actions">
          <ActionForm {...common} action="shop_answer" title="店舗に電話して得た確定回答" button="">
            <Note />
            <button type="submit" name="answer" value="accepted">
              予約OK → 決済リンクを送る
            </button>
            <button type="submit" name="answer" value="declined" class="secondary">
              予約NG → 次の店舗に電話
            </button>
          </ActionForm>
        </div>
      );
    case "change_requested":
      return (
        <div class="actions">
          <ActionForm {...common} action="accept_change" title="店舗の変更を受け入れ、依頼者の承認に回す（SMSで確認ページを送り、承認後に決済リンク）">
            <label>変更後の日時</label>
            <input type="datetime-local" name="start" required value={toLocalInput(r.startAt)} />
            <label>変更後の人数</label>
            <input type="number" name="party_size" min={1} max={20} required value={String(r.partySize)} />
            <label>変更後のメニュー（変わる場合）</label>
            <input type="text" name="menu" maxlength={100} placeholder={r.data.service} />
            <label>変更後の金額（円・変わる場合）</label>
            <input type="number" name="price_jpy" min={50} max={1000000} placeholder={String(lastPrice(r) ?? "")} />
            <Note />
          </ActionForm>
          <ActionForm {...common} action="reject_change" title="依頼者が変更を拒否">
            <Note />
          </ActionForm>
        </div>
      );
    case "late_cancellation":
      return (
        <div class="actions">
          <ActionForm {...common} action="operator_cancel" title="店舗が了承: キャンセル＋全額返金" button="キャンセルして返金する" danger>
            <input type="hidden" name="refund" value="yes" />
            <Note name="reason" label="理由（特別な事情・店舗の了承）" required />
          </ActionForm>
          <ActionForm {...common} action="operator_cancel" title="キャンセル（返金なし）" button="返金なしでキャンセル" danger>
            <input type="hidden" name="refund" value="no" />
            <Note name="reason" label="理由" required />
          </ActionForm>
          <ActionForm {...common} action="refuse_cancellation" title="キャンセルをお断り（予約は有効）">
            <Note name="reason" label="理由（依頼者に説明した内容）" required />
          </ActionForm>
        </div>
      );
    case "payment_system":
    case "job_dead":
      return (
        <div class="actions">
          <ActionForm {...common} action="operator_note" title="対応済みにする">
            <input type="hidden" name="resolves" value={open.case} />
            <Note label="対応内容" required />
          </ActionForm>
        </div>
      );
  }
}

/** What the operator needs to know about this case, from the record. */
export function CaseContext(props: { record: ReservationRecord; open: OpenCase; now: number }) {
  const { record: r, open } = props;
  const last = r.data.attempts.at(-1);
  const calls = r.data.attempts.map((a) => `${a.shopName}（${callResultLabel(a.result)}）`).join("、");
  switch (open.case) {
    case "no_shop_available":
      return <p class="muted">電話した店舗: {calls || "なし"}</p>;
    case "sms_undeliverable":
      return (
        <>
          <p>
            依頼者の電話: <strong>{displayPhone(r.requester.phone)}</strong>
            {r.requester.email ? ` ・ メール: ${r.requester.email}` : " ・ メール未登録"}
          </p>
          <details>
            <summary>届かなかったSMS（{open.messages?.length ?? 0}通）</summary>
            {(open.messages ?? []).map((m) => (
              <pre>{m}</pre>
            ))}
          </details>
        </>
      );
    case "payment_timeout":
      return (
        <p class="muted">
          店舗: {r.data.shop?.name ?? "—"} ・ 金額: {r.amountJpy !== undefined ? formatJpy(r.amountJpy) : "—"} ・ 決済期限: {jst(r.data.payment?.deadlineAt)}
        </p>
      );
    case "ambiguous_answer":
      return (
        <p>
          店舗: <strong>{last?.shopName ?? "—"}</strong>
          {last ? ` ${displayPhone(r.data.plan.find((s) => s.id === last.shopId)?.phone ?? "")}` : ""} ・ 回答の要約: {last?.summary ?? "（なし）"}
        </p>
      );
    case "change_requested":
      return (
        <p>
          店舗: <strong>{last?.shopName ?? "—"}</strong> ・ 変更内容: <strong>{last?.proposedChange ?? "（要確認）"}</strong>
        </p>
      );
    case "late_cancellation":
      return (
        <p>
          開始まで <strong>{duration(r.startAt - props.now)}</strong> ・ お支払い: {r.data.payment?.amountJpy !== undefined ? formatJpy(r.data.payment.amountJpy) : "—"} ・ 店舗: {r.data.shop?.name ?? "—"}
        </p>
      );
    default:
      return <p class="muted">予約ページの「処理」でエラーを確認してください。</p>;
  }
}

function QueueCard(props: { c: Context<AdminEnv>; item: QueueItem; shops: ShopRow[]; now: number }) {
  const { c, item } = props;
  const r = item.record;
  const def = MANUAL_CASES[item.open.case];
  const over = item.ageMs > item.targetMs;
  return (
    <div class={`card item ${def.priority}`} id={`case-${r.id}-${item.open.case}`} data-case={item.open.case} data-reservation={r.id}>
      <h2>
        <PriorityBadge priority={def.priority} /> {def.title} <a href={`/admin/reservations/${r.id}`}>{r.id}</a> <StatusBadge status={r.status} />
      </h2>
      <p>
        <span class={`age ${over ? "over" : ""}`}>
          {duration(item.ageMs)}経過 / 目標{duration(item.targetMs)}
          {over ? "（目標超過）" : ""}
        </span>{" "}
        <span class="muted">発生 {jst(item.open.at)}</span>
      </p>
      <p>
        {r.data.service}（{r.data.area}） {jst(r.startAt)} {r.partySize}名 ・ {visibleText(r.requester.name)} 様 {displayPhone(r.requester.phone)}
      </p>
      <CaseContext record={r} open={item.open} now={props.now} />
      <p class="todo">対応: {def.todo}</p>
      <CaseActions c={c} record={r} open={item.open} shops={props.shops} returnTo="/admin" />
    </div>
  );
}

queue.get("/", async (c) => {
  const db = createDb(c.env.DB);
  const now = Date.now();
  const withCases = await reservationsWithOpenCases(db);
  // Shop bookings' cases here; a session engagement's blocked messages have their own list.
  const items = queueItems(withCases.filter((r) => (r.kind as string) === "shop"), now);
  const blocked = withCases.filter((r) => (r.kind as string) === "session").flatMap((r) => (r.openCases ?? []).filter((o) => o.case === "message_blocked").map((open) => ({ id: r.id, ageMs: now - open.at, targetMs: MANUAL_CASES.message_blocked.targetMinutes * 60_000 })));
  const shopLists = new Map<string, ShopRow[]>();
  for (const item of items) {
    if (item.open.case !== "no_shop_available") continue;
    const key = `${item.record.data.service}\u0000${item.record.data.area}`;
    if (!shopLists.has(key)) shopLists.set(key, await shopsForService(db, item.record.data.service, item.record.data.area));
  }
  const overdue = items.filter((i) => i.ageMs > i.targetMs).length;
  const asked = await inquiryCounts(db);
  const exceptions = await sessionExceptionItems(db, now);
  return c.html(
    <AdminPage c={c} title="手動対応キュー" section="queue">
      <h1>
        手動対応キュー <span class="muted">{items.length}件{overdue ? `（うち目標超過 ${overdue}件）` : ""}</span>
      </h1>
      <p class="muted">
        {jst(now)} 時点 · <a href="/admin">更新</a> · 優先度と経過時間の順。対応すると一覧から消えます。
      </p>
      {asked.new ? (
        <p class="card" id="new-inquiries">
          <a href="/admin/inquiries?status=new&category=all">未対応のお問い合わせが {asked.new}件あります</a>
        </p>
      ) : null}
      <SessionExceptions items={exceptions} />
      {blocked.length ? (
        <div class="card" id="blocked-messages">
          <h2>送信前チェックで止まった自動メッセージ {blocked.length}件</h2>
          <ul>
            {blocked.map((b) => (
              <li data-engagement={b.id}>
                <a href={`/admin/engagements/${b.id}#client-messages`}>{b.id}</a> {MANUAL_CASES.message_blocked.todo}{" "}
                <span class={`age ${b.ageMs > b.targetMs ? "over" : ""}`}>
                  {duration(b.ageMs)}経過 / 目標{duration(b.targetMs)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {items.length ? (
        items.map((item) => <QueueCard c={c} item={item} now={now} shops={shopLists.get(`${item.record.data.service}\u0000${item.record.data.area}`) ?? []} />)
      ) : (
        <div class="card">
          <p>対応待ちはありません。</p>
        </div>
      )}
    </AdminPage>,
  );
});

// ------------------------------------------------------------------ the action endpoint

function backTo(value: unknown, id: string): string {
  const target = typeof value === "string" ? value : "";
  return /^\/admin(\/[\w\-/]*)?$/.test(target) ? target : `/admin/reservations/${id}`;
}

/** The shop for assign_shop: one from the list, or a new one added to the list first. */
async function assignedShop(c: Context<AdminEnv>, db: Db, r: ReservationRecord, body: Record<string, unknown>): Promise<{ ok: true; event: OperatorEvent } | { ok: false; message: string }> {
  const operator = c.get("operator");
  const shopId = typeof body.shop_id === "string" ? body.shop_id : "";
  if (shopId) {
    const shop = await getShop(db, shopId);
    if (!shop) return { ok: false, message: "選んだ店舗が見つかりません" };
    if (shop.doNotCall) return { ok: false, message: `${shop.name} は電話禁止に設定されています` };
    return { ok: true, event: { type: "assign_shop", shop: toShopRef(shop), operator } };
  }
  const form = newShopForm.safeParse(body);
  if (!form.success) return { ok: false, message: `一覧から店舗を選ぶか、新しい店舗を入力してください（${form.error.issues[0]?.message ?? ""}）` };
  const f = form.data;
  const { row, errors } = validateRow([f.new_name, f.new_phone, f.new_email, r.data.service, r.data.area, "99", f.new_price, "accepted", f.new_address], 1);
  if (!row) return { ok: false, message: `新しい店舗: ${errors.join(" / ")}` };
  const existing = await shopByPhone(db, row.phone);
  if (existing) return { ok: false, message: `この電話番号の店舗は登録済みです（${existing.name}）。一覧から選んでください` };
  if (r.status !== "no_shop_available") return { ok: false, message: `現在の状態（${statusLabel(r.status, "ja")}）では店舗を手配できません` };
  const now = Date.now();
  const newShopId = newId("shp", now);
  const statements = shopUpsertStatements([row], now, () => newShopId);
  await c.env.DB.batch([...statements.map((s) => c.env.DB.prepare(s.sql).bind(...s.params)), shopAuditStatement(c.env.DB, { operator, action: "added", shopId: newShopId, detail: { ...row, reservation: r.id } }, now)]);
  const created = await shopByPhone(db, row.phone);
  console.log(JSON.stringify({ msg: "shop added from the console", shop: created!.id, operator }));
  return { ok: true, event: { type: "assign_shop", shop: toShopRef(created!), operator } };
}

queue.post("/reservations/:id/actions", async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const returnTo = backTo(body.return_to, id);
  const db = createDb(c.env.DB);
  const record = RESERVATION_ID_PATTERN.test(id) ? await loadRecord(db, id) : null;
  if (!record) {
    setFlash(c, "error", `予約 ${id} が見つかりません`);
    return c.redirect("/admin", 303);
  }
  const parsed = body.action === "assign_shop" ? await assignedShop(c, db, record, body) : parseAction(body, c.get("operator"));
  if (!parsed.ok) {
    setFlash(c, "error", parsed.message);
    return c.redirect(returnTo, 303);
  }
  const nonce = typeof body._nonce === "string" && body._nonce ? body._nonce : newSecretToken();
  const result = await reservationStub(c.env, id).dispatch(parsed.event, "operator", `console:${nonce}`);
  const label = ACTION_LABELS[parsed.event.type];
  if (result.applied) {
    console.log(JSON.stringify({ msg: "operator action", reservation: id, action: parsed.event.type, operator: c.get("operator"), status: result.status }));
    setFlash(c, "ok", `${id}: ${label} — 反映しました（現在の状態: ${statusLabel(result.status ?? "", "ja")}）`);
  } else if (result.duplicate) {
    setFlash(c, "error", `${id}: この操作はすでに送信済みです`);
  } else {
    const why = result.reason?.includes("does not apply") ? `現在の状態（${statusLabel(result.status ?? "", "ja")}）ではこの操作はできません。ページを更新して確認してください。` : `反映されませんでした: ${result.reason ?? ""}`;
    setFlash(c, "error", `${id}: ${label} — ${why}`);
  }
  return c.redirect(returnTo, 303);
});
