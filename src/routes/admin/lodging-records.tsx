// The console's lodging records (seed 004 §3(3)2–4): members (search, view with ledger and
// orders, edit at the front desk, manual point adjustments with a reason, deletion that
// anonymises), orders (search by member name, order number or check-in date; detail with rooms,
// nightly prices, ledger entries and the timeline) and the rates calendar. Rooms and room types
// are in lodging-rooms.tsx.
import { Hono, type Context } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { upsertUser } from "../../auth/sign-in.ts";
import { createDb } from "../../db/client.ts";
import { linesOf, ordersOfMember } from "../../db/lodging-orders.ts";
import { rateUpsertStatements } from "../../db/lodging-statements.ts";
import { AlreadyMember, createMember, ledgerOf } from "../../db/members.ts";
import { LODGING_AUDIT_LABELS, lodgingAuditStatement, lodgingHistory } from "../../db/lodging-audit.ts";
import { toCsv } from "../../domain/csv.ts";
import { RATE_CSV_COLUMNS, parseRateCsv } from "../../domain/lodging/rates-csv.ts";
import { newSecretToken } from "../../domain/ids.ts";
import { addDays, datesMatching, isDate, weekday } from "../../domain/lodging/dates.ts";
import { validateMember } from "../../domain/lodging/members.ts";
import { lodgingStatusLabel } from "../../domain/lodging/messages.ts";
import { displayPhone, normalizePhone } from "../../domain/phone.ts";
import { MEMBER_FIELD_LABELS, adjustPoints, deleteMember, editMember, searchMembers, searchOrders } from "../../lodging/members-admin.ts";
import { todayJst } from "../../lodging/orders.ts";
import { CsvErrors, readCsvUpload } from "./csv-upload.tsx";
import { AdminPage, Csrf, csvResponse, jst, setFlash } from "./layout.tsx";

export const lodgingRecords = new Hono<AdminEnv>();

const str = (v: unknown, max = 200) => (typeof v === "string" ? v.slice(0, max) : "");
const pts = (n: number) => n.toLocaleString("ja-JP");

export function SubNav() {
  return (
    <p class="muted">
      <a href="/admin/lodging">宿泊フロント</a> · <a href="/admin/lodging/cancellations">キャンセル承認</a> · <a href="/admin/lodging/rooms">客室</a> · <a href="/admin/lodging/room-types">部屋タイプ</a> · <a href="/admin/lodging/rates">料金</a> · <a href="/admin/lodging/members">会員</a> · <a href="/admin/lodging/orders">注文</a> · <a href="/admin/lodging/dashboard">ダッシュボード</a>
    </p>
  );
}

lodgingRecords.get("/lodging/members", async (c) => {
  const q = str(c.req.query("q"), 100);
  const rows = await searchMembers(c.env.DB, q);
  return c.html(
    <AdminPage c={c} title="会員" section="lodging">
      <h1>会員</h1>
      <SubNav />
      <form method="get" action="/admin/lodging/members" class="search card">
        <label>
          名前・電話・メール・会員ID
          <input name="q" value={q} maxlength={100} />
        </label>
        <button type="submit">検索</button>
      </form>
      <details class="card">
        <summary>フロントで会員登録する</summary>
        <form method="post" action="/admin/lodging/members" id="desk-register">
          <Csrf c={c} />
          <div class="field"><label>お名前</label><input name="name" required maxlength={100} /></div>
          <div class="field"><label>携帯電話番号</label><input name="phone" required maxlength={20} /></div>
          <div class="field"><label>本人確認書類の番号（照合用の値と末尾4桁だけを保存）</label><input name="id_number" required maxlength={40} autocomplete="off" /></div>
          <div class="field"><label>メールアドレス</label><input name="email" type="email" required maxlength={254} /></div>
          <div class="field"><label>生年月日</label><input name="birth_date" type="date" required /></div>
          <button type="submit">登録する</button>
        </form>
      </details>
      <div class="card">
        <table class="data">
          <thead>
            <tr><th>会員</th><th>電話</th><th>メール</th><th>書類末尾</th><th class="n">残高</th></tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr data-member={m.id}>
                <td><a href={`/admin/lodging/members/${m.id}`}>{m.name}</a> {m.deletedAt ? <span class="tag bad">削除済</span> : null}</td>
                <td>{m.phone}</td>
                <td>{m.email}</td>
                <td>{m.idLast4 ? `••••${m.idLast4}` : "—"}</td>
                <td class="n">{pts(m.balance)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});

lodgingRecords.get("/lodging/members/:id", async (c) => {
  const db = createDb(c.env.DB);
  const m = await db.query.members.findFirst({ where: (t, { eq }) => eq(t.id, c.req.param("id")) });
  if (!m) return c.notFound();
  const [ledger, orders, history] = await Promise.all([ledgerOf(db, m.id, 50), ordersOfMember(db, m.id, { limit: 50 }), lodgingHistory(c.env.DB, "member", m.id)]);
  return c.html(
    <AdminPage c={c} title={`会員 ${m.name}`} section="lodging">
      <h1>{m.name}</h1>
      <SubNav />
      <div class="card">
        <table class="data">
          <tbody>
            <tr><th>会員ID</th><td><code>{m.id}</code></td></tr>
            <tr><th>電話</th><td>{m.phone || "—"}</td></tr>
            <tr><th>メール</th><td>{m.email || "—"}</td></tr>
            <tr><th>生年月日</th><td>{m.registeredVia === "deleted" ? "—" : m.birthDate}</td></tr>
            <tr><th>本人確認書類</th><td>{m.idNumberLast4 ? `••••${m.idNumberLast4}` : "—"}</td></tr>
            <tr><th>残高</th><td id="member-balance">{pts(m.pointsBalance)} ポイント</td></tr>
            <tr><th>登録</th><td>{m.registeredVia} · {jst(m.createdAt)}</td></tr>
          </tbody>
        </table>
      </div>
      {m.registeredVia === "deleted" ? null : (
        <details class="card" id="member-edit">
          <summary>会員情報を変更する</summary>
          <form method="post" action={`/admin/lodging/members/${m.id}/edit`}>
            <Csrf c={c} />
            <div class="field"><label for="me-name">お名前</label><input id="me-name" name="name" required maxlength={100} value={m.name} /></div>
            <div class="field"><label for="me-phone">携帯電話番号（ログインに使う番号も変わります）</label><input id="me-phone" name="phone" type="tel" required maxlength={20} value={displayPhone(m.phone)} /></div>
            <div class="field"><label for="me-email">メールアドレス</label><input id="me-email" name="email" type="email" required maxlength={254} value={m.email} /></div>
            <div class="field"><label for="me-birth">生年月日</label><input id="me-birth" name="birth_date" type="date" required value={m.birthDate} /></div>
            <div class="field"><label for="me-id">本人確認書類の番号（変えるときだけ入力。照合用の値と末尾4桁だけを保存）</label><input id="me-id" name="id_number" maxlength={40} autocomplete="off" /></div>
            <button type="submit">変更を保存</button>
          </form>
        </details>
      )}
      <div class="actions">
        <form method="post" action={`/admin/lodging/members/${m.id}/adjust`}>
          <h3>ポイントを手動調整</h3>
          <Csrf c={c} />
          <input type="hidden" name="_nonce" value={newSecretToken()} />
          <label>ポイント（減らすときはマイナス）</label>
          <input name="amount" type="number" required step={1} />
          <label>理由（記録に残ります）</label>
          <input name="reason" required maxlength={200} />
          <button type="submit">調整する</button>
        </form>
        {m.registeredVia === "deleted" ? null : (
          <form method="post" action={`/admin/lodging/members/${m.id}/delete`}>
            <h3>会員を削除（個人情報を消去）</h3>
            <Csrf c={c} />
            <p class="muted">ポイント履歴と注文は匿名で残ります。未完了の注文がある会員は削除できません。</p>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> 削除します
            </label>
            <button type="submit" class="danger">削除する</button>
          </form>
        )}
      </div>
      <div class="card">
        <h2>注文</h2>
        <table class="data">
          <tbody>
            {orders.map((o) => (
              <tr>
                <td><a href={`/admin/lodging/orders/${o.id}`}>{o.id}</a></td>
                <td>{o.checkIn} 〜 {o.checkOut}</td>
                <td>{lodgingStatusLabel(o.status, "ja")}</td>
                <td class="n">{pts(o.totalPoints)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {history.length ? (
        <div class="card">
          <h2>変更履歴</h2>
          <table class="data" id="member-history">
            <tbody>
              {history.map((a) => (
                <tr>
                  <td>{jst(a.at)}</td>
                  <td>{LODGING_AUDIT_LABELS[a.action] ?? a.action}</td>
                  <td>{(JSON.parse(a.detail) as { fields?: string[] }).fields?.map((f) => MEMBER_FIELD_LABELS[f] ?? f).join("・") ?? ""}</td>
                  <td>{a.operator}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div class="card">
        <h2>ポイント履歴</h2>
        <table class="data">
          <thead>
            <tr><th>日時</th><th>種類</th><th class="n">ポイント</th><th class="n">残高</th><th>注文・担当・理由</th></tr>
          </thead>
          <tbody>
            {ledger.map((l) => (
              <tr>
                <td>{jst(l.createdAt)}</td>
                <td>{l.kind}</td>
                <td class="n">{l.amount > 0 ? `+${pts(l.amount)}` : pts(l.amount)}</td>
                <td class="n">{pts(l.balanceAfter)}</td>
                <td>{[l.orderId, l.operator, l.reason].filter(Boolean).join(" · ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});

lodgingRecords.post("/lodging/members/:id/adjust", async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const amount = Number(str(body.amount, 12));
  const r = await adjustPoints(c.env.DB, id, amount, str(body.reason), c.get("operator"), str(body._nonce, 64) || undefined);
  setFlash(c, r.ok ? "ok" : "error", r.ok ? `調整しました（残高 ${pts(r.balance)} ポイント）` : r.message.ja);
  return c.redirect(`/admin/lodging/members/${encodeURIComponent(id)}`, 303);
});

lodgingRecords.post("/lodging/members/:id/edit", async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  const r = await editMember(c.env, id, { name: str(body.name, 100), phone: str(body.phone, 20), email: str(body.email, 254), birthDate: str(body.birth_date, 10), idNumber: str(body.id_number, 40) }, c.get("operator"));
  setFlash(c, r.ok ? "ok" : "error", r.message.ja);
  return c.redirect(`/admin/lodging/members/${encodeURIComponent(id)}`, 303);
});

lodgingRecords.post("/lodging/members/:id/delete", async (c) => {
  const id = c.req.param("id");
  const body = await c.req.parseBody();
  if (body.confirm !== "yes") {
    setFlash(c, "error", "削除の確認にチェックを入れてください");
    return c.redirect(`/admin/lodging/members/${encodeURIComponent(id)}`, 303);
  }
  const r = await deleteMember(c.env, id, c.get("operator"));
  setFlash(c, r.ok ? "ok" : "error", r.ok ? `会員の個人情報を削除しました（ポイント履歴と注文${r.orders}件は匿名で残ります）` : r.message.ja);
  return c.redirect(`/admin/lodging/members/${encodeURIComponent(id)}`, 303);
});

lodgingRecords.get("/lodging/orders", async (c) => {
  const q = str(c.req.query("q"), 100);
  const checkIn = str(c.req.query("check_in"), 10);
  const rows = await searchOrders(c.env.DB, { q, ...(isDate(checkIn) ? { checkIn } : {}) });
  return c.html(
    <AdminPage c={c} title="宿泊の注文" section="lodging">
      <h1>宿泊の注文</h1>
      <SubNav />
      <form method="get" action="/admin/lodging/orders" class="search card">
        <label>
          会員名・注文番号
          <input name="q" value={q} maxlength={100} />
        </label>
        <label>
          チェックイン日
          <input type="date" name="check_in" value={isDate(checkIn) ? checkIn : ""} />
        </label>
        <button type="submit">検索</button>
      </form>
      <div class="card">
        <table class="data">
          <thead>
            <tr><th>注文</th><th>会員</th><th>日程</th><th>状態</th><th class="n">合計</th><th class="n">返金</th></tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr data-order={o.id}>
                <td><a href={`/admin/lodging/orders/${o.id}`}>{o.id}</a></td>
                <td><a href={`/admin/lodging/members/${o.memberId}`}>{o.memberName}</a></td>
                <td>{o.checkIn} 〜 {o.checkOut}</td>
                <td>{lodgingStatusLabel(o.status, "ja")} {o.pendingCancellation ? <span class="tag warn">キャンセル承認待ち</span> : null}</td>
                <td class="n">{pts(o.totalPoints)}</td>
                <td class="n">{o.refundedPoints ? pts(o.refundedPoints) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});

lodgingRecords.get("/lodging/orders/:id", async (c) => {
  const db = createDb(c.env.DB);
  const id = c.req.param("id").toUpperCase();
  const [o] = await searchOrders(c.env.DB, { q: id }, 1);
  if (!o || o.id !== id) return c.notFound();
  const [lines, ledger, events] = await Promise.all([
    linesOf(db, id),
    c.env.DB.prepare("SELECT kind, amount, balance_after AS balanceAfter, operator, reason, created_at AS createdAt FROM point_ledger WHERE order_id = ? ORDER BY id").bind(id).all<{ kind: string; amount: number; balanceAfter: number; operator: string | null; reason: string | null; createdAt: number }>(),
    c.env.DB.prepare("SELECT type, actor, from_status AS fromStatus, to_status AS toStatus, ignored, note, created_at AS createdAt FROM reservation_events WHERE reservation_id = ? ORDER BY id").bind(id).all<{ type: string; actor: string; fromStatus: string | null; toStatus: string | null; ignored: number; note: string; createdAt: number }>(),
  ]);
  return c.html(
    <AdminPage c={c} title={`注文 ${id}`} section="lodging">
      <h1>注文 {id}</h1>
      <SubNav />
      <div class="card">
        <p>
          <a href={`/admin/lodging/members/${o.memberId}`}>{o.memberName}</a> · {o.checkIn} 〜 {o.checkOut} · {lodgingStatusLabel(o.status, "ja")} · 合計 {pts(o.totalPoints)} ポイント{o.refundedPoints ? ` · 返金 ${pts(o.refundedPoints)}` : ""}
        </p>
      </div>
      <div class="card">
        <h2>客室と1泊ごとの料金</h2>
        <table class="data">
          <thead>
            <tr><th>部屋</th><th>日程</th><th>1泊ごと</th><th class="n">合計</th><th>状態</th><th>チェックイン / アウト</th></tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr>
                <td>{l.roomNumber}（{l.roomTypeName}）</td>
                <td>{l.checkIn} 〜 {l.checkOut}</td>
                <td>{(JSON.parse(l.nightly) as { date: string; points: number; birthday?: boolean }[]).map((n) => `${n.date.slice(5)} ${pts(n.points)}${n.birthday ? "（誕）" : ""}`).join(" / ")}</td>
                <td class="n">{pts(l.totalPoints)}</td>
                <td>{l.status === "cancelled" ? <span class="tag bad">キャンセル</span> : "有効"}</td>
                <td>{jst(l.checkedInAt)} / {jst(l.checkedOutAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>ポイントの動き</h2>
        <table class="data">
          <tbody>
            {ledger.results.map((l) => (
              <tr>
                <td>{jst(l.createdAt)}</td>
                <td>{l.kind}</td>
                <td class="n">{l.amount > 0 ? `+${pts(l.amount)}` : pts(l.amount)}</td>
                <td>{[l.operator, l.reason].filter(Boolean).join(" · ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>経緯</h2>
        <table class="data">
          <tbody>
            {events.results.map((e) => (
              <tr class={e.ignored ? "muted" : ""}>
                <td>{jst(e.createdAt)}</td>
                <td>{e.type}</td>
                <td>{e.actor}</td>
                <td>{e.fromStatus ?? ""} → {e.toStatus ?? ""}</td>
                <td><code>{e.note}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});


lodgingRecords.post("/lodging/members", async (c) => {
  const body = await c.req.parseBody();
  const phone = normalizePhone(str(body.phone, 20));
  const values = { name: str(body.name, 100), idNumber: str(body.id_number, 40), email: str(body.email, 254), birthDate: str(body.birth_date, 10), phone: phone.ok ? phone.e164 : "" };
  const checked = validateMember(values, todayJst());
  if (!checked.ok) {
    setFlash(c, "error", checked.errors.map((e) => e.message.ja).join(" "));
    return c.redirect("/admin/lodging/members", 303);
  }
  const db = createDb(c.env.DB);
  const user = await upsertUser(db, checked.value.phone, { name: checked.value.name, email: checked.value.email });
  try {
    const m = await createMember(c.env, db, user.id, checked.value, "front_desk");
    console.log(JSON.stringify({ msg: "member registered at the front desk", member: m.id, operator: c.get("operator") }));
    setFlash(c, "ok", `${m.name} 様を登録しました`);
    return c.redirect(`/admin/lodging/members/${m.id}`, 303);
  } catch (err) {
    if (!(err instanceof AlreadyMember)) throw err;
    setFlash(c, "error", "この電話番号の方はすでに会員です");
    return c.redirect(`/admin/lodging/members?q=${encodeURIComponent(checked.value.phone)}`, 303);
  }
});

// ---------------------------------------------------------------- rates calendar

const WEEKDAYS_JA = ["日", "月", "火", "水", "木", "金", "土"];

lodgingRecords.get("/lodging/rates", async (c) => {
  const { results: types } = await c.env.DB.prepare("SELECT id, name, default_points AS defaultPoints FROM room_types ORDER BY sort, name").all<{ id: string; name: string; defaultPoints: number }>();
  const type = types.find((t) => t.id === c.req.query("type")) ?? types[0];
  const month = /^\d{4}-\d{2}$/.test(str(c.req.query("month"), 7)) ? str(c.req.query("month"), 7) : todayJst().slice(0, 7);
  const first = `${month}-01`;
  const days = datesMatching(first, addDays(addDays(first, 31).slice(0, 7) + "-01", -1)) ?? [];
  const { results: rates } = type ? await c.env.DB.prepare("SELECT date, points FROM room_rates WHERE room_type_id = ? AND date >= ? AND date <= ?").bind(type.id, days[0], days.at(-1)).all<{ date: string; points: number }>() : { results: [] };
  const byDate = new Map(rates.map((r) => [r.date, r.points]));
  if (type && c.req.query("csv") === "1") return csvResponse(c, `qrv-rates-${month}.csv`, toCsv([["room_type", "date", "points"], ...days.map((d) => [type.name, d, byDate.get(d) ?? type.defaultPoints])]));
  const prev = addDays(first, -1).slice(0, 7);
  const next = addDays(first, 32).slice(0, 7);
  return c.html(
    <AdminPage c={c} title="料金カレンダー" section="lodging">
      <h1>料金カレンダー {type ? type.name : ""} {month}</h1>
      <SubNav />
      <p>
        {types.map((t) => (
          <a href={`/admin/lodging/rates?type=${t.id}&month=${month}`} class={`tag ${t.id === type?.id ? "ok" : ""}`}>
            {t.name}
          </a>
        ))}{" "}
        <a href={`/admin/lodging/rates?type=${type?.id ?? ""}&month=${prev}`}>← {prev}</a> · <a href={`/admin/lodging/rates?type=${type?.id ?? ""}&month=${next}`}>{next} →</a> · <a href={`/admin/lodging/rates?type=${type?.id ?? ""}&month=${month}&csv=1`}>CSVをダウンロード</a>
      </p>
      {type ? (
        <>
          <div class="card">
            <table class="data" id="rates">
              <thead>
                <tr><th>日付</th><th>曜日</th><th class="n">ポイント</th><th></th></tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr data-date={d}>
                    <td>{d}</td>
                    <td>{WEEKDAYS_JA[weekday(d)]}</td>
                    <td class="n">{pts(byDate.get(d) ?? type.defaultPoints)}</td>
                    <td>{byDate.has(d) ? "" : <span class="tag">基本料金</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form method="post" action="/admin/lodging/rates" class="card">
            <h2>料金を設定（1日・期間・曜日指定）</h2>
            <Csrf c={c} />
            <input type="hidden" name="type" value={type.id} />
            <div class="field"><label>開始日</label><input type="date" name="from" required value={first} /></div>
            <div class="field"><label>終了日（この日を含む。1日だけなら開始日と同じ）</label><input type="date" name="to" required value={first} /></div>
            <div class="field">
              <label>曜日（指定なしなら毎日）</label>
              {WEEKDAYS_JA.map((w, i) => (
                <label class="check">
                  <input type="checkbox" name="weekday" value={String(i)} /> {w}
                </label>
              ))}
            </div>
            <div class="field"><label>1泊のポイント</label><input type="number" name="points" min={0} max={1000000} required /></div>
            <button type="submit">設定する</button>
          </form>
          <RatesImportForm c={c} />
        </>
      ) : (
        <p class="card muted">部屋タイプがありません。</p>
      )}
    </AdminPage>,
  );
});

lodgingRecords.post("/lodging/rates", async (c) => {
  const body = await c.req.parseBody({ all: true });
  const typeId = str(body.type, 40);
  const type = await c.env.DB.prepare("SELECT id, name FROM room_types WHERE id = ?").bind(typeId).first<{ id: string; name: string }>();
  const raw = body.weekday;
  const weekdays = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => Number(v)).filter((n) => Number.isInteger(n) && n >= 0 && n <= 6);
  const points = Number(str(body.points, 8));
  const dates = isDate(str(body.from, 10)) && isDate(str(body.to, 10)) ? datesMatching(str(body.from, 10), str(body.to, 10), weekdays, 366) : null;
  const back = `/admin/lodging/rates?type=${encodeURIComponent(typeId)}&month=${str(body.from, 7)}`;
  if (!type || !dates || !Number.isSafeInteger(points) || points < 0 || points > 1_000_000) {
    setFlash(c, "error", !type ? "部屋タイプを選んでください" : !dates ? "期間を確認してください（開始日〜終了日、1年以内）" : "ポイントは0〜1,000,000の整数で入力してください");
    return c.redirect(back, 303);
  }
  if (!dates.length) {
    setFlash(c, "error", "その期間に指定の曜日はありません");
    return c.redirect(back, 303);
  }
  const now = Date.now();
  await c.env.DB.batch([
    ...rateUpsertStatements(dates.map((date) => ({ roomType: type.name, date, points })), now).map((s) => c.env.DB.prepare(s.sql).bind(...s.params)),
    lodgingAuditStatement(c.env.DB, { operator: c.get("operator"), action: "rates_set", subjectType: "room_type", subjectId: type.id, detail: { from: dates[0], to: dates.at(-1), nights: dates.length, weekdays, points } }, now),
  ]);
  setFlash(c, "ok", `${type.name}: ${dates.length}日分を${pts(points)}ポイントにしました`);
  return c.redirect(back, 303);
});

function RatesImportForm(props: { c: Context<AdminEnv> }) {
  return (
    <form method="post" action="/admin/lodging/rates/import" enctype="multipart/form-data" class="card" id="rates-import">
      <h2>CSVで取り込む</h2>
      <Csrf c={props.c} />
      <p>
        <input type="file" name="file" accept=".csv,text/csv" required aria-label="料金のCSVファイル" />
      </p>
      <button type="submit">取り込む</button>
      <p class="muted">
        列: <code>{RATE_CSV_COLUMNS.join(",")}</code>（ダウンロードしたCSVと同じ形式、UTF-8）。room_type はタイプ名。同じタイプと日付の料金は上書きします。1行でも問題があれば1件も取り込みません。
      </p>
    </form>
  );
}

lodgingRecords.post("/lodging/rates/import", async (c) => {
  const body = await c.req.parseBody();
  const upload = await readCsvUpload(body.file);
  const { results: types } = await c.env.DB.prepare("SELECT id, name FROM room_types").all<{ id: string; name: string }>();
  const parsed = upload.ok ? parseRateCsv(upload.text, types.map((t) => t.name)) : upload;
  if (!parsed.ok) {
    return c.html(
      <AdminPage c={c} title="料金の取り込み" section="lodging">
        <h1>料金の取り込み</h1>
        <SubNav />
        <CsvErrors errors={parsed.errors} fileName={upload.name} />
        <RatesImportForm c={c} />
      </AdminPage>,
      400,
    );
  }
  const now = Date.now();
  const byType = new Map<string, number>();
  for (const r of parsed.rows) byType.set(r.roomType, (byType.get(r.roomType) ?? 0) + 1);
  await c.env.DB.batch([
    ...rateUpsertStatements(parsed.rows, now).map((s) => c.env.DB.prepare(s.sql).bind(...s.params)),
    lodgingAuditStatement(c.env.DB, { operator: c.get("operator"), action: "rates_imported", subjectType: "rates", detail: { file: upload.name, rates: parsed.rows.length, byType: Object.fromEntries(byType) } }, now),
  ]);
  setFlash(c, "ok", `${upload.name} から ${parsed.rows.length}件の料金を取り込みました`);
  const first = types.find((t) => t.name === parsed.rows[0]!.roomType);
  return c.redirect(`/admin/lodging/rates?type=${first?.id ?? ""}&month=${parsed.rows[0]!.date.slice(0, 7)}`, 303);
});
