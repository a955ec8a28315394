// The console's front desk (seed 004 §3(1)3, §3(3)5–6): the room board (every room's status and
// guest, today's arrivals and departures, refreshed every few seconds by a small script polling
// its JSON), check-in and check-out, housekeeping, rooms out of service, and the queue of
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
import { decideCancellation, pendingCancellations } from "../../lodging/cancellation.ts";
import { checkIn, checkOut, roomBoard, simpleMove, takeOutOfService, type Board } from "../../lodging/front-desk.ts";
import { AdminPage, Csrf, jst, setFlash } from "./layout.tsx";

export const lodgingDesk = new Hono<AdminEnv>();

export const BOARD_CSS = `
.board{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.room{border:1px solid var(--line);border-left:6px solid #bdc1c6;border-radius:8px;padding:8px 10px;background:#fff}
.room b{font-size:1.1rem}.room .st{display:block;font-weight:600;font-size:.85rem}.room .g{display:block;font-size:.85rem;color:var(--muted);min-height:1.2em}
.room.available{border-left-color:#1e8e3e}.room.reserved{border-left-color:#1a73e8}.room.occupied{border-left-color:#9334e6;background:#f8f1fe}
.room.cleaning{border-left-color:#f9ab00;background:#fef7e0}.room.maintenance{border-left-color:#d93025;background:#fce8e6}.room.unavailable{border-left-color:#5f6368;background:#f1f3f4}
.legend span{margin-right:10px;font-size:.85rem}
form.inline{display:inline-flex;gap:6px;flex-wrap:wrap;align-items:center;margin:0}
form.inline input{width:9em}
`;

/** Polls the board's JSON every 3 seconds and redraws the rooms and today's lists (no inline script: CSP). */
export const BOARD_JS = `(() => {
  const root = document.getElementById("board");
  if (!root) return;
  const text = (el, v) => { if (el && el.textContent !== v) el.textContent = v; };
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
      const counts = document.getElementById("board-counts");
      if (counts) text(counts, "到着 " + b.arrivals.filter((a) => !a.checkedIn).length + " / 出発 " + b.departures.filter((d) => !d.checkedOut).length);
      text(document.getElementById("board-at"), new Date(b.at).toLocaleTimeString("ja-JP", { timeZone: "Asia/Tokyo" }));
    } catch {}
  }
  setInterval(tick, 3000);
})();`;

lodgingDesk.get("/lodging/board.json", async (c) => {
  const board = await roomBoard(c.env.DB);
  return c.json(board, 200, { "Cache-Control": "no-store" });
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

function DeskForm(props: { c: Context<AdminEnv>; action: string; children: unknown; button: string; danger?: boolean }) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf c={props.c} />
      <input type="hidden" name="_nonce" value={newSecretToken()} />
      {props.children as never}
      <button type="submit" class={props.danger ? "danger" : ""}>
        {props.button}
      </button>
    </form>
  );
}

lodgingDesk.get("/lodging", async (c) => {
  const board = await roomBoard(c.env.DB);
  const pending = await pendingCancellations(c.env.DB, 20);
  const today = board.date;
  return c.html(
    <AdminPage c={c} title="宿泊フロント" section="lodging">
      <h1>宿泊フロント {today}</h1>
      <p class="muted">
        ルームボード（3秒ごとに自動更新・最終更新 <span id="board-at">{jst(board.at)}</span>）<span id="board-counts"> 到着 {board.arrivals.filter((a) => !a.checkedIn).length} / 出発 {board.departures.filter((d) => !d.checkedOut).length}</span>
        {" "}
        · <a href="/admin/lodging/cancellations">承認待ちのキャンセル {pending.length}件</a> · <a href="/admin/lodging/members">会員</a> · <a href="/admin/lodging/orders">注文</a> · <a href="/admin/lodging/dashboard">ダッシュボード</a> · <a href="/guides/front-desk-manual">フロント業務マニュアル</a>
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

      <div class="card">
        <h2>本日の到着 Arrivals</h2>
        {board.arrivals.length ? (
          <table class="data">
            <thead>
              <tr><th>注文</th><th>部屋</th><th>会員</th><th>チェックイン（本人確認書類の番号を照合）</th></tr>
            </thead>
            <tbody>
              {board.arrivals.map((a) => (
                <tr data-arrival={`${a.orderId}:${a.lineNo}`}>
                  <td><code>{a.orderId}</code></td>
                  <td>{a.room}</td>
                  <td>{a.guest}</td>
                  <td>
                    {a.checkedIn ? (
                      <span class="tag ok">チェックイン済</span>
                    ) : (
                      <DeskForm c={c} action="/admin/lodging/check-in" button="チェックイン">
                        <input type="hidden" name="order_id" value={a.orderId} />
                        <select name="line_no" aria-label="部屋">
                          <option value={String(a.lineNo)}>{a.room}号室のみ</option>
                          <option value="all">この注文の全室</option>
                        </select>
                        <input name="id_number" required maxlength={30} placeholder="書類番号" aria-label="本人確認書類の番号" autocomplete="off" />
                      </DeskForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">本日の到着はありません。</p>
        )}
      </div>

      <div class="card">
        <h2>滞在中・本日の出発 In house and departures</h2>
        {board.rooms.some((r) => r.status === "occupied") ? (
          <table class="data">
            <thead>
              <tr><th>部屋</th><th>会員</th><th>注文</th><th></th></tr>
            </thead>
            <tbody>
              {board.rooms
                .filter((r) => r.status === "occupied")
                .map((r) => {
                  const dep = board.departures.find((d) => d.room === r.number && d.orderId === r.orderId);
                  return (
                    <tr data-occupied={r.id}>
                      <td>{r.number}</td>
                      <td>{r.guest}</td>
                      <td><code>{r.orderId}</code> {dep ? <span class="tag warn">本日出発</span> : <span class="tag">早期退室は残りの泊を解放</span>}</td>
                      <td>
                        <DeskForm c={c} action="/admin/lodging/check-out" button="チェックアウト">
                          <input type="hidden" name="order_id" value={r.orderId ?? ""} />
                          <input type="hidden" name="room_id" value={r.id} />
                        </DeskForm>
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        ) : (
          <p class="muted">滞在中の部屋はありません。</p>
        )}
      </div>

      <div class="card">
        <h2>客室の状態を変更 Housekeeping and service</h2>
        <table class="data">
          <thead>
            <tr><th>部屋</th><th>状態</th><th>操作</th></tr>
          </thead>
          <tbody>
            {board.rooms.map((r) => {
              const actions = manualActions(r.status);
              return (
                <tr data-service={r.id}>
                  <td>{r.number}</td>
                  <td>{r.label}</td>
                  <td>
                    {actions.includes("cleaned") ? (
                      <DeskForm c={c} action={`/admin/lodging/rooms/${r.id}/status`} button="清掃完了">
                        <input type="hidden" name="action" value="cleaned" />
                      </DeskForm>
                    ) : null}
                    {actions.includes("reopen") ? (
                      <DeskForm c={c} action={`/admin/lodging/rooms/${r.id}/status`} button="販売再開">
                        <input type="hidden" name="action" value="reopen" />
                      </DeskForm>
                    ) : null}
                    {actions.includes("set_maintenance") || actions.includes("set_unavailable") ? (
                      <details>
                        <summary>メンテナンス・利用不可にする</summary>
                        <DeskForm c={c} action={`/admin/lodging/rooms/${r.id}/status`} button="設定">
                          <select name="action" aria-label="状態">
                            {actions.includes("set_maintenance") ? <option value="set_maintenance">メンテナンス中</option> : null}
                            {actions.includes("set_unavailable") ? <option value="set_unavailable">利用不可</option> : null}
                          </select>
                          <input name="reason" required maxlength={200} placeholder="理由" aria-label="理由" />
                          <input type="date" name="from" required value={today} aria-label="開始日" />
                          <input type="date" name="until" required value={addDays(today, 1)} aria-label="終了日（この日の朝まで）" />
                        </DeskForm>
                      </details>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
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
