// The console's front desk (seed 004 §3(1)3, §3(3)5–6): the room board (every room's status and
// guest, and the lists below it: today's arrivals and departures, who is in, cancellations
// waiting, housekeeping; all refreshed every few seconds by a small script polling its JSON), check-in and check-out, housekeeping, rooms out of service, and the queue of
// cancellations waiting for staff with their quote and the policy row that applied.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { ROOM_STATUSES, ROOM_STATUS_LABELS, manualActions } from "../../domain/lodging/room-status.ts";
import { addDays } from "../../domain/lodging/dates.ts";
import { newSecretToken } from "../../domain/ids.ts";
import { pendingCancellation } from "../../domain/reservation/lodging-machine.ts";
import { reservationStub } from "../../durable/client.ts";
import { decideCancellation, pendingCancellationSummaries, pendingCancellations, type PendingCancellationSummary } from "../../lodging/cancellation.ts";
import { checkIn, checkOut, roomBoard, simpleMove, takeOutOfService, type Board } from "../../lodging/front-desk.ts";
import { AdminPage, Csrf, jst, setFlash } from "./layout.tsx";

export const lodgingDesk = new Hono<AdminEnv>();

export const BOARD_CSS = `
.board{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.room{border:1px solid var(--line);border-left:6px solid #bdc1c6;border-radius:8px;padding:8px 10px;background:#fff}
.room b{font-size:1.1rem}.room .st{display:block;font-weight:600;font-size:.85rem}.room .g{display:block;font-size:.85rem;color:var(--muted);min-height:1.2em}
.room.available{border-left-color:#1e8e3e}.room.reserved{border-left-color:#1a73e8}.room.occupied{border-left-color:#9334e6;background:#f8f1fe}
.room.cleaning{border-left-color:#f9ab00;background:#fef7e0}.room.maintenance{border-left-color:#d93025;background:#fce8e6}.room.unavailable{border-left-color:#5f6368;background:#f1f3f4}
.legend span{display:inline-block;margin:0 6px 6px 0;padding:2px 8px;font-size:.85rem}
form.inline{display:inline-flex;gap:6px;flex-wrap:wrap;align-items:center;margin:0}
form.inline input{width:9em}
[hidden]{display:none!important}
`;

/**
 * Polls the board's JSON every 3 seconds and redraws the rooms and the lists below them (no
 * inline script: CSP). Each list row is a clone of a <template> the server drew with the same
 * component as the first rows; the script only fills it: [data-f] gets text (textContent,
 * never HTML), [data-v] a form value, [data-show] shows or hides, [data-action] a form's URL.
 * Rows are kept by key, so a form someone is typing in stays as it is.
 */
export const BOARD_JS = `(() => {
  const root = document.getElementById("board");
  if (!root) return;
  const text = (el, v) => { if (el && el.textContent !== v) el.textContent = v; };
  function fill(el, item) {
    for (const n of el.querySelectorAll("[data-f]")) text(n, String(item[n.dataset.f] ?? ""));
    for (const n of el.querySelectorAll("[data-v]")) { const v = String(item[n.dataset.v] ?? ""); if (n.value !== v) n.value = v; }
    for (const n of el.querySelectorAll("[data-show]")) { const on = !!item[n.dataset.show]; n.hidden = !on; if (n.tagName === "OPTION") n.disabled = !on; }
    for (const n of el.querySelectorAll("[data-action]")) n.setAttribute("action", n.dataset.action.replace("{key}", encodeURIComponent(item.key)));
  }
  function renderList(name, items) {
    const body = document.querySelector('[data-list="' + name + '"]');
    const tpl = document.querySelector('template[data-row="' + name + '"]');
    if (!body || !tpl) return;
    const proto = tpl.content.firstElementChild;
    const keyAttr = proto.dataset.keyattr;
    const old = new Map([...body.children].map((el) => [el.getAttribute(keyAttr), el]));
    let prev = null;
    for (const item of items) {
      let el = old.get(item.key);
      if (el) old.delete(item.key);
      else {
        el = proto.cloneNode(true);
        el.setAttribute(keyAttr, item.key);
        for (const n of el.querySelectorAll('input[name="_nonce"]')) n.value = crypto.randomUUID();
      }
      fill(el, item);
      const at = prev ? prev.nextElementSibling : body.firstElementChild;
      if (at !== el) body.insertBefore(el, at);
      prev = el;
    }
    for (const el of old.values()) el.remove();
    const table = body.closest("table");
    if (table) table.hidden = items.length === 0;
    for (const e of document.querySelectorAll('[data-empty="' + name + '"]')) e.hidden = items.length > 0;
    text(document.querySelector('[data-count="' + name + '"]'), String(items.length));
  }
  async function tick() {
    try {
      const res = await fetch("/admin/lodging/board.json", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!res.ok) return;
      const b = await res.json();
      for (const r of b.rooms) {
        const el = root.querySelector('[data-room="' + CSS.escape(r.id) + '"]');
        if (!el) continue;
        el.className = "room " + r.status;
        el.dataset.status = r.status;
        text(el.querySelector(".st"), r.label);
        text(el.querySelector(".g"), r.guest || (r.reason ? r.reason + (r.until ? " (〜" + r.until + ")" : "") : ""));
      }
      for (const [name, items] of Object.entries(b.lists || {})) renderList(name, items);
      const counts = document.getElementById("board-counts");
      if (counts) text(counts, " 到着 " + b.arrivals.filter((a) => !a.checkedIn).length + " / 出発 " + b.departures.filter((d) => !d.checkedOut).length);
      text(document.getElementById("board-at"), new Date(b.at).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo" }));
    } catch {}
  }
  setInterval(tick, 3000);
})();`;

// ---------------------------------------------------------------- the lists below the room cards

/** One row of each list as the page and the poll draw it: a key, the texts, and what to show. */
export interface BoardLists {
  arrivals: { key: string; orderId: string; lineNo: string; room: string; roomOnly: string; guest: string; checkedIn: boolean; waiting: boolean }[];
  inHouse: { key: string; room: string; guest: string; orderId: string; leavesToday: boolean; staysOn: boolean }[];
  departures: { key: string; room: string; guest: string; orderId: string; left: boolean; stillIn: boolean }[];
  pending: { key: string; orderId: string; guest: string; dates: string; rooms: string; scope: string; refund: string }[];
  service: { key: string; room: string; label: string; canClean: boolean; canReopen: boolean; canTakeOut: boolean; canMaintenance: boolean; canUnavailable: boolean }[];
}

const points = (n: number) => n.toLocaleString("ja-JP");

export function boardLists(board: Board, pending: PendingCancellationSummary[]): BoardLists {
  return {
    arrivals: board.arrivals.map((a) => ({ key: `${a.orderId}:${a.lineNo}`, orderId: a.orderId, lineNo: String(a.lineNo), room: a.room, roomOnly: `${a.room}号室のみ`, guest: a.guest, checkedIn: a.checkedIn, waiting: !a.checkedIn })),
    inHouse: board.rooms
      .filter((r) => r.status === "occupied")
      .map((r) => {
        const leavesToday = board.departures.some((d) => d.room === r.number && d.orderId === r.orderId);
        return { key: r.id, room: r.number, guest: r.guest ?? "", orderId: r.orderId ?? "", leavesToday, staysOn: !leavesToday };
      }),
    departures: board.departures.map((d) => ({ key: `${d.orderId}:${d.lineNo}`, room: d.room, guest: d.guest, orderId: d.orderId, left: d.checkedOut, stillIn: !d.checkedOut })),
    pending: pending.map((p) => ({ key: p.orderId, orderId: p.orderId, guest: p.memberName, dates: `${p.checkIn} 〜 ${p.checkOut}`, rooms: p.roomNumbers.join("、"), scope: p.full ? "全室" : "一部", refund: `${points(p.refund)} / ${points(p.paid)} ポイント（${p.percent}%）` })),
    service: board.rooms.map((r) => {
      const actions = manualActions(r.status);
      return { key: r.id, room: r.number, label: r.label, canClean: actions.includes("cleaned"), canReopen: actions.includes("reopen"), canTakeOut: actions.includes("set_maintenance") || actions.includes("set_unavailable"), canMaintenance: actions.includes("set_maintenance"), canUnavailable: actions.includes("set_unavailable") };
    }),
  };
}

async function boardWithLists(d1: D1Database): Promise<Board & { lists: BoardLists }> {
  const [board, pending] = await Promise.all([roomBoard(d1), pendingCancellationSummaries(d1)]);
  return { ...board, lists: boardLists(board, pending) };
}

lodgingDesk.get("/lodging/board.json", async (c) => {
  return c.json(await boardWithLists(c.env.DB), 200, { "Cache-Control": "no-store" });
});

function backTo(value: unknown): string {
  return typeof value === "string" && /^\/admin\/lodging(\/[\w\-/]*)?$/.test(value) ? value : "/admin/lodging";
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function RoomCard(props: { r: Board["rooms"][number] }) {
  const r = props.r;
  return (
    <div class={`room ${r.status}`} data-room={r.id} data-status={r.status}>
      <b>{r.number}</b> <span class="muted">{r.type}</span>
      <span class="st">{r.label}</span>
      <span class="g">{r.guest ?? (r.reason ? `${r.reason}${r.until ? ` (〜${r.until})` : ""}` : "")}</span>
    </div>
  );
}

/** A form for one desk action; `show`: the flag the poll uses to show or hide it, `actionTemplate`: its URL with {key}. */
function DeskForm(props: { c: Context<AdminEnv>; action: string; children: unknown; button: string; danger?: boolean; show?: string; on?: boolean; actionTemplate?: string }) {
  return (
    <form method="post" action={props.action} class="inline" {...(props.show ? { "data-show": props.show, hidden: !props.on } : {})} {...(props.actionTemplate ? { "data-action": props.actionTemplate } : {})}>
      <Csrf c={props.c} />
      <input type="hidden" name="_nonce" value={newSecretToken()} />
      {props.children as never}
      <button type="submit" class={props.danger ? "danger" : ""}>
        {props.button}
      </button>
    </form>
  );
}

type Row<K extends keyof BoardLists> = BoardLists[K][number];

function ArrivalRow(props: { c: Context<AdminEnv>; a: Row<"arrivals"> }) {
  const a = props.a;
  return (
    <tr data-keyattr="data-arrival" data-arrival={a.key}>
      <td><code data-f="orderId">{a.orderId}</code></td>
      <td data-f="room">{a.room}</td>
      <td data-f="guest">{a.guest}</td>
      <td>
        <span class="tag ok" data-show="checkedIn" hidden={!a.checkedIn}>チェックイン済</span>
        <DeskForm c={props.c} action="/admin/lodging/check-in" button="チェックイン" show="waiting" on={a.waiting}>
          <input type="hidden" name="order_id" data-v="orderId" value={a.orderId} />
          <select name="line_no" aria-label="部屋">
            <option value={a.lineNo} data-v="lineNo" data-f="roomOnly">{a.roomOnly}</option>
            <option value="all">この注文の全室</option>
          </select>
          <input name="id_number" required maxlength={30} placeholder="書類番号" aria-label="本人確認書類の番号" autocomplete="off" />
        </DeskForm>
      </td>
    </tr>
  );
}

function InHouseRow(props: { c: Context<AdminEnv>; r: Row<"inHouse"> }) {
  const r = props.r;
  return (
    <tr data-keyattr="data-occupied" data-occupied={r.key}>
      <td data-f="room">{r.room}</td>
      <td data-f="guest">{r.guest}</td>
      <td>
        <code data-f="orderId">{r.orderId}</code> <span class="tag warn" data-show="leavesToday" hidden={!r.leavesToday}>本日出発</span>
        <span class="tag" data-show="staysOn" hidden={!r.staysOn}>早期退室は残りの泊を解放</span>
      </td>
      <td>
        <DeskForm c={props.c} action="/admin/lodging/check-out" button="チェックアウト">
          <input type="hidden" name="order_id" data-v="orderId" value={r.orderId} />
          <input type="hidden" name="room_id" data-v="key" value={r.key} />
        </DeskForm>
      </td>
    </tr>
  );
}

function DepartureRow(props: { d: Row<"departures"> }) {
  const d = props.d;
  return (
    <tr data-keyattr="data-departure" data-departure={d.key}>
      <td data-f="room">{d.room}</td>
      <td data-f="guest">{d.guest}</td>
      <td><code data-f="orderId">{d.orderId}</code></td>
      <td>
        <span class="tag ok" data-show="left" hidden={!d.left}>チェックアウト済</span>
        <span class="tag warn" data-show="stillIn" hidden={!d.stillIn}>チェックアウト待ち</span>
      </td>
    </tr>
  );
}

function PendingRow(props: { p: Row<"pending"> }) {
  const p = props.p;
  return (
    <tr data-keyattr="data-pending" data-pending={p.key}>
      <td><code data-f="orderId">{p.orderId}</code></td>
      <td data-f="guest">{p.guest}</td>
      <td data-f="dates">{p.dates}</td>
      <td><span class="tag" data-f="scope">{p.scope}</span> <span data-f="rooms">{p.rooms}</span></td>
      <td data-f="refund">{p.refund}</td>
      <td><a href="/admin/lodging/cancellations">承認・お断り</a></td>
    </tr>
  );
}

function ServiceRow(props: { c: Context<AdminEnv>; r: Row<"service">; today: string }) {
  const { r, c, today } = props;
  const action = `/admin/lodging/rooms/${r.key}/status`;
  const template = "/admin/lodging/rooms/{key}/status";
  return (
    <tr data-keyattr="data-service" data-service={r.key}>
      <td data-f="room">{r.room}</td>
      <td data-f="label">{r.label}</td>
      <td>
        <DeskForm c={c} action={action} actionTemplate={template} button="清掃完了" show="canClean" on={r.canClean}>
          <input type="hidden" name="action" value="cleaned" />
        </DeskForm>
        <DeskForm c={c} action={action} actionTemplate={template} button="販売再開" show="canReopen" on={r.canReopen}>
          <input type="hidden" name="action" value="reopen" />
        </DeskForm>
        <details data-show="canTakeOut" hidden={!r.canTakeOut}>
          <summary>メンテナンス・利用不可にする</summary>
          <DeskForm c={c} action={action} actionTemplate={template} button="設定">
            <select name="action" aria-label="状態">
              <option value="set_maintenance" data-show="canMaintenance" hidden={!r.canMaintenance} disabled={!r.canMaintenance}>メンテナンス中</option>
              <option value="set_unavailable" data-show="canUnavailable" hidden={!r.canUnavailable} disabled={!r.canUnavailable}>利用不可</option>
            </select>
            <input name="reason" required maxlength={200} placeholder="理由" aria-label="理由" />
            <input type="date" name="from" required value={today} aria-label="開始日" />
            <input type="date" name="until" required value={addDays(today, 1)} aria-label="終了日（この日の朝まで）" />
          </DeskForm>
        </details>
      </td>
    </tr>
  );
}

/** The blank row each list's <template> is drawn from (the poll fills in a copy). */
const BLANK: { [K in keyof BoardLists]: Row<K> } = {
  arrivals: { key: "", orderId: "", lineNo: "", room: "", roomOnly: "", guest: "", checkedIn: false, waiting: false },
  inHouse: { key: "", room: "", guest: "", orderId: "", leavesToday: false, staysOn: false },
  departures: { key: "", room: "", guest: "", orderId: "", left: false, stillIn: false },
  pending: { key: "", orderId: "", guest: "", dates: "", rooms: "", scope: "", refund: "" },
  service: { key: "", room: "", label: "", canClean: false, canReopen: false, canTakeOut: false, canMaintenance: false, canUnavailable: false },
};

/** A list below the room cards: its heading with a live count, the table, the empty line, the row template. */
function LiveList(props: { name: keyof BoardLists; title: string; count: number; empty: string; head: string[]; rows: unknown; template: unknown }) {
  return (
    <div class="card" id={`list-${props.name}`}>
      <h2>
        {props.title}（<span data-count={props.name}>{props.count}</span>）
      </h2>
      <table class="data" hidden={props.count === 0}>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody data-list={props.name}>{props.rows as never}</tbody>
      </table>
      <p class="muted" data-empty={props.name} hidden={props.count > 0}>
        {props.empty}
      </p>
      <template data-row={props.name}>{props.template as never}</template>
    </div>
  );
}

lodgingDesk.get("/lodging", async (c) => {
  const board = await boardWithLists(c.env.DB);
  const { lists } = board;
  const today = board.date;
  return c.html(
    <AdminPage c={c} title="宿泊フロント" section="lodging">
      <h1>宿泊フロント {today}</h1>
      <p class="muted">
        ルームボード（3秒ごとに自動更新・最終更新 <span id="board-at">{jst(board.at)}</span>）<span id="board-counts"> 到着 {board.arrivals.filter((a) => !a.checkedIn).length} / 出発 {board.departures.filter((d) => !d.checkedOut).length}</span>
        {" "}
        · <a href="/admin/lodging/cancellations">承認待ちのキャンセル</a> · <a href="/admin/lodging/members">会員</a> · <a href="/admin/lodging/orders">注文</a> · <a href="/admin/lodging/rooms">客室</a> · <a href="/admin/lodging/dashboard">ダッシュボード</a> · <a href="/guides/front-desk-manual">フロント業務マニュアル</a>
      </p>
      <p class="legend">
        {ROOM_STATUSES.map((s) => (
          <span class={`room ${s}`}>
            {ROOM_STATUS_LABELS[s].ja} {ROOM_STATUS_LABELS[s].en}
          </span>
        ))}
      </p>
      <div class="board card" id="board">
        {board.rooms.map((r) => (
          <RoomCard r={r} />
        ))}
      </div>

      <LiveList name="arrivals" title="本日の到着 Arrivals" count={lists.arrivals.length} empty="本日の到着はありません。" head={["注文", "部屋", "会員", "チェックイン（本人確認書類の番号を照合）"]} rows={lists.arrivals.map((a) => <ArrivalRow c={c} a={a} />)} template={<ArrivalRow c={c} a={BLANK.arrivals} />} />
      <LiveList name="inHouse" title="滞在中 In house" count={lists.inHouse.length} empty="滞在中の部屋はありません。" head={["部屋", "会員", "注文", ""]} rows={lists.inHouse.map((r) => <InHouseRow c={c} r={r} />)} template={<InHouseRow c={c} r={BLANK.inHouse} />} />
      <LiveList name="departures" title="本日の出発 Departures" count={lists.departures.length} empty="本日の出発はありません。" head={["部屋", "会員", "注文", "状態"]} rows={lists.departures.map((d) => <DepartureRow d={d} />)} template={<DepartureRow d={BLANK.departures} />} />
      <LiveList name="pending" title="承認待ちのキャンセル Pending cancellations" count={lists.pending.length} empty="承認待ちのキャンセルはありません。" head={["注文", "会員", "日程", "部屋", "返金（見積）", ""]} rows={lists.pending.map((p) => <PendingRow p={p} />)} template={<PendingRow p={BLANK.pending} />} />
      <LiveList name="service" title="客室の状態を変更 Housekeeping and service" count={lists.service.length} empty="客室がありません。" head={["部屋", "状態", "操作"]} rows={lists.service.map((r) => <ServiceRow c={c} r={r} today={today} />)} template={<ServiceRow c={c} r={BLANK.service} today={today} />} />
      <script src="/admin/assets/board.js" defer></script>
    </AdminPage>,
  );
});

lodgingDesk.post("/lodging/check-in", async (c) => {
  const body = await c.req.parseBody();
  const orderId = str(body.order_id);
  const line = str(body.line_no);
  const r = await checkIn(c.env, orderId, { idNumber: str(body.id_number), operator: c.get("operator"), ...(line && line !== "all" ? { lineNo: Number(line) } : {}) });
  setFlash(c, r.ok ? "ok" : "error", `${orderId}: ${r.message.ja}`);
  return c.redirect(backTo(body.return_to), 303);
});

lodgingDesk.post("/lodging/check-out", async (c) => {
  const body = await c.req.parseBody();
  const orderId = str(body.order_id);
  const roomId = str(body.room_id);
  const line = await c.env.DB.prepare("SELECT line_no AS n FROM lodging_order_lines WHERE order_id = ? AND room_id = ? AND checked_in_at IS NOT NULL AND checked_out_at IS NULL").bind(orderId, roomId).first<{ n: number }>();
  const r = line ? await checkOut(c.env, createDb(c.env.DB), orderId, line.n, c.get("operator")) : { ok: false, message: { ja: "この部屋はチェックイン中ではありません。", en: "" } };
  setFlash(c, r.ok ? "ok" : "error", `${orderId}: ${r.message.ja}`);
  return c.redirect(backTo(body.return_to), 303);
});

lodgingDesk.post("/lodging/rooms/:id/status", async (c) => {
  const body = await c.req.parseBody();
  const roomId = c.req.param("id");
  const action = str(body.action);
  const db = createDb(c.env.DB);
  const operator = c.get("operator");
  const r =
    action === "cleaned" || action === "reopen"
      ? await simpleMove(c.env, db, roomId, action, operator)
      : action === "set_maintenance" || action === "set_unavailable"
        ? await takeOutOfService(c.env, db, roomId, { action, reason: str(body.reason), from: str(body.from), until: str(body.until), operator })
        : { ok: false, message: { ja: "この操作はありません。", en: "" } };
  setFlash(c, r.ok ? "ok" : "error", r.message.ja);
  return c.redirect(backTo(body.return_to), 303);
});

// ---------------------------------------------------------------- cancellations waiting for staff

lodgingDesk.get("/lodging/cancellations", async (c) => {
  const rows = await pendingCancellations(c.env.DB);
  const items = await Promise.all(
    rows.map(async (row) => {
      const record = await reservationStub(c.env, row.orderId).snapshot();
      return { row, pending: record.kind === "lodging" ? pendingCancellation(record) : undefined, total: record.kind === "lodging" ? record.data.total : row.totalPoints };
    }),
  );
  return c.html(
    <AdminPage c={c} title="キャンセル承認" section="lodging">
      <h1>承認待ちのキャンセル（{rows.length}件）</h1>
      <p class="muted">
        <a href="/admin/lodging">← 宿泊フロント</a> · 承認するとポイントが1回だけ返金され、その部屋の泊が空室に戻り、会員にSMSとメールで通知されます。
      </p>
      {items.length ? null : <p class="card muted">承認待ちはありません。</p>}
      {items.map(({ row, pending, total }) =>
        pending ? (
          <div class="card item high" data-cancellation={row.orderId}>
            <h2>
              <code>{row.orderId}</code> {row.memberName} <span class="tag">{pending.full ? "全室" : "一部"}</span>
            </h2>
            <table class="data">
              <tbody>
                <tr><th>日程</th><td>{row.checkIn} 〜 {row.checkOut}</td></tr>
                <tr><th>キャンセルする部屋</th><td>{pending.roomNumbers.join("、")}</td></tr>
                <tr><th>返金（見積）</th><td>{pending.refund.toLocaleString("ja-JP")} / {pending.paid.toLocaleString("ja-JP")} ポイント（{pending.percent}%）・注文合計 {total.toLocaleString("ja-JP")}</td></tr>
                <tr><th>適用した規定</th><td>{pending.policyRow.ja}</td></tr>
                <tr><th>依頼日時</th><td>{jst(pending.requestedAt)}</td></tr>
              </tbody>
            </table>
            <div class="actions">
              <form method="post" action={`/admin/lodging/orders/${row.orderId}/cancellation`}>
                <h3>承認して返金</h3>
                <Csrf c={c} />
                <input type="hidden" name="_nonce" value={newSecretToken()} />
                <input type="hidden" name="decision" value="approve" />
                <button type="submit">承認する（{pending.refund.toLocaleString("ja-JP")}ポイント返金）</button>
              </form>
              <form method="post" action={`/admin/lodging/orders/${row.orderId}/cancellation`}>
                <h3>お断りする（予約は有効のまま）</h3>
                <Csrf c={c} />
                <input type="hidden" name="_nonce" value={newSecretToken()} />
                <input type="hidden" name="decision" value="refuse" />
                <label>理由（会員に伝わります）</label>
                <input name="reason" required maxlength={500} />
                <button type="submit" class="danger">お断りする</button>
              </form>
            </div>
          </div>
        ) : null,
      )}
    </AdminPage>,
  );
});

lodgingDesk.post("/lodging/orders/:id/cancellation", async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const operator = c.get("operator");
  const nonce = str(body._nonce) || newSecretToken();
  const decision = str(body.decision);
  const reason = str(body.reason).trim().slice(0, 500);
  if (decision === "refuse" && !reason) {
    setFlash(c, "error", `${id}: 理由を入力してください`);
    return c.redirect("/admin/lodging/cancellations", 303);
  }
  if (decision !== "approve" && decision !== "refuse") {
    setFlash(c, "error", "この操作はありません");
    return c.redirect("/admin/lodging/cancellations", 303);
  }
  const exists = await c.env.DB.prepare("SELECT 1 AS x FROM lodging_orders WHERE id = ?").bind(id).first();
  if (!exists) {
    setFlash(c, "error", `注文 ${id} が見つかりません`);
    return c.redirect("/admin/lodging/cancellations", 303);
  }
  const r = await decideCancellation(c.env, id, decision === "approve" ? { type: "approve_cancellation", operator } : { type: "refuse_cancellation", reason, operator }, `console:${nonce}`);
  setFlash(c, r.applied ? "ok" : "error", r.applied ? `${id}: ${decision === "approve" ? "キャンセルを承認し、返金しました" : "キャンセルをお断りしました"}` : `${id}: 承認待ちのキャンセルはありません（処理済みの可能性があります）`);
  return c.redirect("/admin/lodging/cancellations", 303);
});
