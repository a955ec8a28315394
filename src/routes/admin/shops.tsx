// Partner shops in the console: the list, editing one shop, pausing it or marking it
// do-not-call, and the CSV in and out in the format of `npm run shops:import` (the same parser
// and the same upsert statements): a file with any bad row imports nothing.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { getShop, listShops, setShopFlag, shopAuditStatement, shopByPhone, shopHistory, updateShop, type ShopRow } from "../../db/console.ts";
import { shopUpsertStatements } from "../../db/shop-statements.ts";
import { forgetCatalog } from "../../db/shops.ts";
import { newId } from "../../domain/ids.ts";
import { formatJpy } from "../../domain/money.ts";
import { describeHours } from "../../domain/opening-hours.ts";
import { displayPhone } from "../../domain/phone.ts";
import { SANDBOX_ANSWER_VALUES, SHOP_CSV_COLUMNS, SHOP_CSV_OPTIONAL, parseShopCsv, toShopCsv, validateRow, type CsvRowError } from "../../domain/shops-csv.ts";
import { CsvErrors, readCsvUpload } from "./csv-upload.tsx";
import { AdminPage, Csrf, FormErrors, csvResponse, jst, setFlash } from "./layout.tsx";

export const shopPages = new Hono<AdminEnv>();

function ShopList(props: { c: Context<AdminEnv>; shops: ShopRow[]; q: string; errors?: CsvRowError[]; fileName?: string }) {
  const { c } = props;
  return (
    <AdminPage c={c} title="提携店" section="shops">
      <h1>提携店 <span class="muted">{props.shops.length}店</span></h1>
      {props.errors ? <CsvErrors errors={props.errors} fileName={props.fileName ?? "—"} /> : null}
      <div class="grid">
        <div class="card">
          <h2>CSVアップロード</h2>
          <form method="post" action="/admin/shops/import" enctype="multipart/form-data">
            <Csrf c={c} />
            <p>
              <input type="file" name="file" accept=".csv,text/csv" required />
            </p>
            <button type="submit">取り込む</button>
          </form>
          <p class="muted">
            列: <code>{[...SHOP_CSV_COLUMNS, ...SHOP_CSV_OPTIONAL].join(",")}</code>（1行目は見出し、UTF-8）。同じ電話番号の店舗は更新されます。停止・電話禁止の設定はそのまま残ります。
          </p>
        </div>
        <div class="card">
          <h2>ダウンロード・追加</h2>
          <p>
            <a class="button secondary" href="/admin/shops.csv">
              CSVをダウンロード
            </a>
          </p>
          <p>
            <a class="button secondary" href="/admin/shops/new">
              店舗を1件追加
            </a>
          </p>
          <form method="get" action="/admin/shops" class="search">
            <label>
              絞り込み（店名・エリア・電話）
              <input name="q" value={props.q} />
            </label>
            <button type="submit" class="secondary">
              検索
            </button>
          </form>
        </div>
      </div>
      <div class="card">
        <table class="data">
          <thead>
            <tr>
              <th>エリア</th>
              <th class="n">順</th>
              <th>店舗</th>
              <th>サービス</th>
              <th>電話</th>
              <th class="n">料金</th>
              <th>営業時間</th>
              <th>状態</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.shops.map((s) => (
              <tr>
                <td>{s.area}</td>
                <td class="n">{s.priority}</td>
                <td>
                  <a href={`/admin/shops/${s.id}`}>{s.name}</a>
                </td>
                <td>{s.services.join("、")}</td>
                <td>{displayPhone(s.phone)}</td>
                <td class="n">{formatJpy(s.priceJpy)}</td>
                <td>{s.openingHours ? describeHours(s.openingHours, "ja") : <span class="muted">登録なし</span>}</td>
                <td>
                  {s.paused ? <span class="tag warn">停止中</span> : null}
                  {s.doNotCall ? <span class="tag bad">電話禁止</span> : null}
                  {!s.paused && !s.doNotCall ? <span class="tag ok">稼働</span> : null}
                </td>
                <td>
                  <FlagButton c={c} shop={s} flag="paused" />
                  <FlagButton c={c} shop={s} flag="do_not_call" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>
  );
}

function FlagButton(props: { c: Context<AdminEnv>; shop: ShopRow; flag: "paused" | "do_not_call" }) {
  const on = props.flag === "paused" ? props.shop.paused : props.shop.doNotCall;
  const label = props.flag === "paused" ? (on ? "再開" : "停止") : on ? "電話禁止を解除" : "電話禁止";
  return (
    <form method="post" action={`/admin/shops/${props.shop.id}/flags`} class="inline">
      <Csrf c={props.c} />
      <input type="hidden" name="flag" value={props.flag} />
      <input type="hidden" name="value" value={on ? "0" : "1"} />
      <button type="submit" class="secondary">
        {label}
      </button>{" "}
    </form>
  );
}

shopPages.get("/shops", async (c) => {
  const q = c.req.query("q") ?? "";
  return c.html(<ShopList c={c} shops={await listShops(createDb(c.env.DB), q)} q={q} />);
});

shopPages.get("/shops.csv", async (c) => {
  const rows = await listShops(createDb(c.env.DB));
  const csv = toShopCsv(rows.map((s) => ({ name: s.name, phone: s.phone, email: s.email, services: s.services, area: s.area, priority: s.priority, priceJpy: s.priceJpy, sandboxAnswer: s.sandboxAnswer as (typeof SANDBOX_ANSWER_VALUES)[number], address: s.address, hours: s.openingHours })));
  const day = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
  return csvResponse(c, `qrv-shops-${day}.csv`, csv);
});

shopPages.post("/shops/import", async (c) => {
  const body = await c.req.parseBody();
  const db = createDb(c.env.DB);
  const fail = async (errors: CsvRowError[], name: string) => c.html(<ShopList c={c} shops={await listShops(db)} q="" errors={errors} fileName={name} />, 400);
  const upload = await readCsvUpload(body.file);
  if (!upload.ok) return fail(upload.errors, upload.name);
  const { text, name: fileName } = upload;
  const result = parseShopCsv(text);
  if (!result.ok) return fail(result.errors, fileName);
  const now = Date.now();
  const statements = shopUpsertStatements(result.rows, now, () => newId("shp", now));
  const audit = shopAuditStatement(c.env.DB, { operator: c.get("operator"), action: "imported", detail: { file: fileName, shops: result.rows.length, phones: result.rows.map((r) => r.phone) } }, now);
  await c.env.DB.batch([...statements.map((s) => c.env.DB.prepare(s.sql).bind(...s.params)), audit]);
  forgetCatalog();
  console.log(JSON.stringify({ msg: "shops imported from the console", count: result.rows.length, operator: c.get("operator") }));
  setFlash(c, "ok", `${fileName} から ${result.rows.length} 店を取り込みました`);
  return c.redirect("/admin/shops", 303);
});

type AuditRow = Awaited<ReturnType<typeof shopHistory>>[number];

const AUDIT_LABELS: Record<string, string> = { edited: "編集", paused: "停止", resumed: "再開", do_not_call: "電話禁止", callable: "電話禁止を解除", added: "追加", imported: "CSV取り込み" };

/** Who changed this shop and when (newest first). */
function ShopHistory(props: { rows: AuditRow[] }) {
  if (!props.rows.length) return null;
  return (
    <div class="card">
      <h2>変更履歴</h2>
      <table class="data">
        <tbody>
          {props.rows.map((a) => (
            <tr>
              <td>{jst(a.at)}</td>
              <td>{AUDIT_LABELS[a.action] ?? a.action}</td>
              <td>{a.operator}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ShopForm(props: { c: Context<AdminEnv>; shop?: ShopRow; values: Record<string, string>; errors?: string[]; history?: AuditRow[] }) {
  const { c, values: v } = props;
  const field = (name: string, label: string, extra: Record<string, unknown> = {}) => (
    <div class="field">
      <label for={name}>{label}</label>
      <input id={name} name={name} value={v[name] ?? ""} {...extra} />
    </div>
  );
  return (
    <AdminPage c={c} title={props.shop ? props.shop.name : "店舗の追加"} section="shops">
      <p>
        <a href="/admin/shops">← 提携店一覧</a>
      </p>
      <h1>{props.shop ? props.shop.name : "店舗の追加"}</h1>
      <FormErrors errors={props.errors} />
      <form method="post" action={props.shop ? `/admin/shops/${props.shop.id}` : "/admin/shops/new"} class="card">
        <Csrf c={c} />
        {field("name", "店舗名", { required: true, maxlength: 100 })}
        {field("phone", "電話番号", { required: true, inputmode: "tel" })}
        {field("email", "メール（仮予約・確定の連絡先）", { type: "email" })}
        {field("services", "サービス（| 区切り。例: カット|カラー）", { required: true })}
        {field("area", "エリア", { required: true })}
        {field("priority", "電話の順番（小さいほど先）", { required: true, inputmode: "numeric" })}
        {field("price_jpy", "料金（円）", { required: true, inputmode: "numeric" })}
        <div class="field">
          <label for="sandbox_answer">サンドボックスでの回答（本番の電話では使いません）</label>
          <select id="sandbox_answer" name="sandbox_answer">
            {SANDBOX_ANSWER_VALUES.map((a) => (
              <option value={a} selected={(v.sandbox_answer || "accepted") === a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        {field("address", "住所（確定後に依頼者へ表示）", { maxlength: 200 })}
        {field("hours", "営業時間（例: 月-金 10:00-20:00; 土 10:00-18:00。空欄は登録なし＝いつでも電話）", { maxlength: 300 })}
        {props.shop ? (
          <p class="muted">
            登録 {jst(props.shop.createdAt)} · 更新 {jst(props.shop.updatedAt)} · 停止・電話禁止は一覧のボタンで切り替えます
          </p>
        ) : null}
        <button type="submit">保存</button>
      </form>
      {props.history ? <ShopHistory rows={props.history} /> : null}
    </AdminPage>
  );
}

function formValues(s: ShopRow): Record<string, string> {
  return { name: s.name, phone: s.phone, email: s.email ?? "", services: s.services.join("|"), area: s.area, priority: String(s.priority), price_jpy: String(s.priceJpy), sandbox_answer: s.sandboxAnswer, address: s.address ?? "", hours: s.openingHours ?? "" };
}

function posted(body: Record<string, unknown>): Record<string, string> {
  const keys = ["name", "phone", "email", "services", "area", "priority", "price_jpy", "sandbox_answer", "address", "hours"];
  return Object.fromEntries(keys.map((k) => [k, typeof body[k] === "string" ? (body[k] as string) : ""]));
}

/** The same checks as a CSV row. */
function validate(v: Record<string, string>) {
  return validateRow([v.name!, v.phone!, v.email!, v.services!, v.area!, v.priority!, v.price_jpy!, v.sandbox_answer!, v.address!, v.hours!], 1);
}

shopPages.get("/shops/new", (c) => c.html(<ShopForm c={c} values={{ priority: "10", sandbox_answer: "accepted" }} />));

shopPages.post("/shops/new", async (c) => {
  const v = posted(await c.req.parseBody());
  const { row, errors } = validate(v);
  const db = createDb(c.env.DB);
  if (!row) return c.html(<ShopForm c={c} values={v} errors={errors} />, 400);
  const existing = await shopByPhone(db, row.phone);
  if (existing) return c.html(<ShopForm c={c} values={v} errors={[`この電話番号は「${existing.name}」で登録済みです`]} />, 409);
  const now = Date.now();
  const id = newId("shp", now);
  const statements = shopUpsertStatements([row], now, () => id);
  await c.env.DB.batch([...statements.map((s) => c.env.DB.prepare(s.sql).bind(...s.params)), shopAuditStatement(c.env.DB, { operator: c.get("operator"), action: "added", shopId: id, detail: row }, now)]);
  forgetCatalog();
  setFlash(c, "ok", `${row.name} を追加しました`);
  return c.redirect("/admin/shops", 303);
});

shopPages.get("/shops/:id", async (c) => {
  const db = createDb(c.env.DB);
  const shop = await getShop(db, c.req.param("id"));
  if (!shop) return c.notFound();
  return c.html(<ShopForm c={c} shop={shop} values={formValues(shop)} history={await shopHistory(db, shop.id)} />);
});

shopPages.post("/shops/:id", async (c) => {
  const db = createDb(c.env.DB);
  const shop = await getShop(db, c.req.param("id"));
  if (!shop) return c.notFound();
  const v = posted(await c.req.parseBody());
  const { row, errors } = validate(v);
  if (!row) return c.html(<ShopForm c={c} shop={shop} values={v} errors={errors} />, 400);
  const other = await shopByPhone(db, row.phone);
  if (other && other.id !== shop.id) return c.html(<ShopForm c={c} shop={shop} values={v} errors={[`この電話番号は「${other.name}」で登録済みです`]} />, 409);
  await updateShop(c.env.DB, shop.id, row, Date.now(), c.get("operator"));
  console.log(JSON.stringify({ msg: "shop edited", shop: shop.id, operator: c.get("operator") }));
  setFlash(c, "ok", `${row.name} を保存しました`);
  return c.redirect("/admin/shops", 303);
});

shopPages.post("/shops/:id/flags", async (c) => {
  const body = await c.req.parseBody();
  const flag = body.flag === "paused" ? "paused" : body.flag === "do_not_call" ? "doNotCall" : null;
  if (!flag) return c.text("flag must be paused or do_not_call", 400);
  const value = body.value === "1";
  const db = createDb(c.env.DB);
  const shop = await getShop(db, c.req.param("id"));
  if (!shop || !(await setShopFlag(c.env.DB, shop.id, flag, value, Date.now(), c.get("operator")))) return c.notFound();
  console.log(JSON.stringify({ msg: "shop flag", shop: shop.id, flag, value, operator: c.get("operator") }));
  const what = flag === "paused" ? (value ? "停止しました" : "再開しました") : value ? "電話禁止にしました" : "電話禁止を解除しました";
  setFlash(c, "ok", `${shop.name} を${what}（進行中の予約では次の電話から反映）`);
  return c.redirect("/admin/shops", 303);
});
