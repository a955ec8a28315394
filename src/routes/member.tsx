// /member: a lodging member's own pages (seed 004), phone-sized, Japanese first with English.
// Signed in through /account (phone number → SMS code); the member record is looked up by the
// person's users.id. Register, balance and history, top up (Stripe Checkout), search with live
// availability and a cart of lines (room type, dates, quantity), place one order, and find
// orders by number or check-in date. Every change is a POST with a CSRF token, then a redirect.
import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { requireAccount, type AccountVariables } from "../auth/account.ts";
import { config } from "../config.ts";
import { createDb, type Db } from "../db/client.ts";
import { linesOf, ordersOfMember } from "../db/lodging-orders.ts";
import { AlreadyMember, createMember, ledgerOf, memberByUser, type MemberRow } from "../db/members.ts";
import { LODGING_ORDER_ID_PATTERN } from "../domain/ids.ts";
import { isDate } from "../domain/lodging/dates.ts";
import { maskIdNumber, validateMember } from "../domain/lodging/members.ts";
import { lodgingStatusLabel } from "../domain/lodging/messages.ts";
import { checkTopUp, formatPoints } from "../domain/lodging/points.ts";
import { lodgingPolicy } from "../domain/lodging/policy.ts";
import { displayPhone } from "../domain/phone.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { formatDateTime } from "../domain/time.ts";
import { allRoomTypes, quoteFor, searchAvailability } from "../lodging/inventory.ts";
import { bookRooms, checkStay, todayJst, type AskedLine } from "../lodging/orders.ts";
import { quoteCancellation, requestCancellation } from "../lodging/cancellation.ts";
import { startTopUp } from "../lodging/points.ts";
import { AccountBar } from "./account.tsx";
import { CSRF_FIELD, csrfValid, formNonce } from "./csrf.ts";
import { isHttps, pageLanguage, rememberLanguage } from "./language.tsx";
import { Csrf, privatePage, RequesterPage } from "./requester-layout.tsx";

type E = { Bindings: Env; Variables: AccountVariables };
type C = Context<E>;

export const member = new Hono<E>();
member.use("*", privatePage, rememberLanguage, requireAccount());

const W = {
  ja: {
    home: "会員ページ",
    register: "会員登録",
    registerLead: "宿泊のご予約には会員登録が必要です。お支払いはプリペイドポイントのみです（1ポイント＝1円）。",
    name: "お名前",
    idNumber: "身分証番号",
    idHint: "チェックイン時に照合します。番号そのものは保存せず、照合用の値と末尾4桁だけを保存します。",
    email: "メールアドレス",
    birthDate: "生年月日",
    birthHint: "お誕生日の前後3日間のご宿泊は5%割引になります。",
    mobile: "携帯電話番号",
    submit: "登録する",
    balance: "ポイント残高",
    history: "ご利用履歴",
    topUp: "ポイントをチャージ",
    amount: "チャージするポイント",
    pay: "カードで支払う",
    topUpDone: "お支払いを受け付けました。確認でき次第、ポイントが加算されます。",
    topUpCancel: "チャージは取り消されました。",
    search: "空室検索",
    checkIn: "チェックイン",
    checkOut: "チェックアウト",
    find: "検索",
    available: (n: number) => `空室 ${n}室`,
    perRoom: "1室あたり",
    discount: "バースデー割引",
    quantity: "部屋数",
    add: "カートに入れる",
    cart: "カート",
    cartEmpty: "カートは空です。",
    remove: "削除",
    subtotal: "小計",
    total: "合計",
    order: "注文する（ポイントで支払う）",
    short: (n: number) => `ポイントが${formatPoints(n, "ja")}不足します。注文後30分以内にチャージすると自動で支払われます。`,
    orders: "ご注文",
    findOrder: "オーダー番号またはチェックイン日（YYYY-MM-DD）",
    noOrders: "ご注文はまだありません。",
    orderNo: "オーダー番号",
    status: "状態",
    rooms: "客室",
    room: (n: string, t: string) => `${n}号室（${t}）`,
    nightly: "1泊ごとの料金",
    paid: "支払済み",
    unpaid: "未払い",
    deadline: "お支払い期限",
    missing: "不足ポイント",
    noRoom: (t: string, n: number, want: number) => `${t}は全日程で空いているお部屋が${n}室しかありません（ご希望 ${want}室）。`,
    expired: "このページは期限切れです。もう一度お試しください。",
    member: "会員",
    registered: "会員登録が完了しました。",
    back: "会員ページへ",
  },
  en: {
    home: "Member page",
    register: "Become a member",
    registerLead: "Booking a stay needs a membership. Stays are paid only with prepaid points (1 point = 1 yen).",
    name: "Name",
    idNumber: "ID document number",
    idHint: "Checked at check-in. The number itself is not kept: only a value to match it and its last 4 characters.",
    email: "Email",
    birthDate: "Date of birth",
    birthHint: "Nights within 3 days of your birthday are 5% off.",
    mobile: "Mobile number",
    submit: "Register",
    balance: "Points balance",
    history: "History",
    topUp: "Top up points",
    amount: "Points to buy",
    pay: "Pay by card",
    topUpDone: "Payment received. The points are added as soon as it is confirmed.",
    topUpCancel: "The top-up was cancelled.",
    search: "Find rooms",
    checkIn: "Check-in",
    checkOut: "Check-out",
    find: "Search",
    available: (n: number) => `${n} free`,
    perRoom: "per room",
    discount: "Birthday discount",
    quantity: "Rooms",
    add: "Add to cart",
    cart: "Cart",
    cartEmpty: "Your cart is empty.",
    remove: "Remove",
    subtotal: "Subtotal",
    total: "Total",
    order: "Place order (pay with points)",
    short: (n: number) => `You are ${formatPoints(n, "en")} short. Top up within 30 minutes of ordering and the order pays itself.`,
    orders: "Orders",
    findOrder: "Order number or check-in date (YYYY-MM-DD)",
    noOrders: "No orders yet.",
    orderNo: "Order number",
    status: "Status",
    rooms: "Rooms",
    room: (n: string, t: string) => `Room ${n} (${t})`,
    nightly: "Nightly prices",
    paid: "Paid",
    unpaid: "Unpaid",
    deadline: "Pay by",
    missing: "Points missing",
    noRoom: (t: string, n: number, want: number) => `Only ${n} ${t} room(s) are free for every night (${want} wanted).`,
    expired: "This page has expired. Please try again.",
    member: "Member",
    registered: "You are now a member.",
    back: "Member page",
  },
};

function Nav(props: { lang: Lang }) {
  const w = W[props.lang];
  return (
    <p class="member-nav">
      <a href="/member">{w.home}</a> · <a href="/member/search">{w.search}</a> · <a href="/member/cart">{w.cart}</a> · <a href="/member/orders">{w.orders}</a> · <a href="/member/points">{w.balance}</a>
    </p>
  );
}

function Shell(props: { c: C; lang: Lang; title: string; path: string; children: Child; banner?: { kind: "ok" | "info" | "warn" | "bad"; text: string } | undefined }) {
  return (
    <RequesterPage title={props.title} lang={props.lang} path={props.path}>
      <AccountBar c={props.c} lang={props.lang} />
      <Nav lang={props.lang} />
      <h1>{props.title}</h1>
      {props.banner ? <p class={`banner ${props.banner.kind}`}>{props.banner.text}</p> : null}
      {props.children}
    </RequesterPage>
  );
}

async function memberOr(c: C): Promise<{ db: Db; m: MemberRow } | Response> {
  const db = createDb(c.env.DB);
  const m = await memberByUser(db, c.get("account").userId);
  if (!m) return c.redirect("/member/register", 303);
  return { db, m };
}

async function formOk(c: C): Promise<Record<string, string | File> | null> {
  const form = await c.req.parseBody();
  return csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl) ? form : null;
}

const str = (v: unknown, max = 200) => (typeof v === "string" ? v.slice(0, max) : "");

// ---------------------------------------------------------------- home and registration

member.get("/", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const { db, m } = got;
  const w = W[lang];
  const recent = await ordersOfMember(db, m.id, { limit: 3 });
  return c.html(
    <Shell c={c} lang={lang} title={w.home} path="/member" banner={c.req.query("registered") ? { kind: "ok", text: w.registered } : undefined}>
      <div class="card">
        <p class="muted">{w.member}</p>
        <p>
          <strong>{m.name}</strong> · {displayPhone(m.phone)} · {w.idNumber} {maskIdNumber(m.idNumberLast4)}
        </p>
        <p class="muted">{w.balance}</p>
        <p class="points" id="balance">
          {formatPoints(m.pointsBalance, lang)}
        </p>
        <a class="button" href="/member/search">
          {w.search}
        </a>{" "}
        <a class="button secondary" href="/member/points">
          {w.topUp}
        </a>
      </div>
      {recent.length ? (
        <div class="card">
          <h2>{w.orders}</h2>
          <OrderList lang={lang} rows={recent} />
        </div>
      ) : null}
    </Shell>,
  );
});

function RegisterForm(props: { c: C; lang: Lang; values: Record<string, string>; errors: Partial<Record<string, string>> }) {
  const w = W[props.lang];
  const field = (name: string, label: string, type: string, hint?: string, extra: Record<string, string> = {}) => (
    <div class={`field${props.errors[name] ? " invalid" : ""}`}>
      <label for={name}>{label}</label>
      <input type={type} id={name} name={name} value={props.values[name] ?? ""} required {...extra} />
      {hint ? <p class="hint">{hint}</p> : null}
      {props.errors[name] ? <p class="error">{props.errors[name]}</p> : null}
    </div>
  );
  return (
    <form method="post" action="/member/register" class="card">
      <Csrf c={props.c} />
      <p>{w.registerLead}</p>
      <p class="muted">
        {w.mobile}: {displayPhone(props.c.get("account").phone)}
      </p>
      {field("name", w.name, "text", undefined, { autocomplete: "name", maxlength: "100" })}
      {field("idNumber", w.idNumber, "text", w.idHint, { autocomplete: "off", maxlength: "40" })}
      {field("email", w.email, "email", undefined, { autocomplete: "email" })}
      {field("birthDate", w.birthDate, "date", w.birthHint, { max: todayJst() })}
      <button type="submit" class="block" id="register">
        {w.submit}
      </button>
    </form>
  );
}

member.get("/register", async (c) => {
  const lang = pageLanguage(c);
  if (await memberByUser(createDb(c.env.DB), c.get("account").userId)) return c.redirect("/member", 303);
  return c.html(
    <Shell c={c} lang={lang} title={W[lang].register} path="/member/register">
      <RegisterForm c={c} lang={lang} values={{}} errors={{}} />
    </Shell>,
  );
});

member.post("/register", async (c) => {
  const lang = pageLanguage(c);
  const form = await formOk(c);
  const w = W[lang];
  if (!form) return c.html(<Shell c={c} lang={lang} title={w.register} path="/member/register" banner={{ kind: "bad", text: w.expired }}><RegisterForm c={c} lang={lang} values={{}} errors={{}} /></Shell>, 403);
  const values = { name: str(form.name, 100), idNumber: str(form.idNumber, 40), email: str(form.email, 254), birthDate: str(form.birthDate, 10) };
  const account = c.get("account");
  const checked = validateMember({ ...values, phone: account.phone }, todayJst());
  // The document number is never sent back to the page.
  const shown = { ...values, idNumber: "" };
  if (!checked.ok) {
    const errors = Object.fromEntries(checked.errors.map((e) => [e.field, e.message[lang]]));
    return c.html(<Shell c={c} lang={lang} title={w.register} path="/member/register"><RegisterForm c={c} lang={lang} values={shown} errors={errors} /></Shell>, 400);
  }
  try {
    await createMember(c.env, createDb(c.env.DB), account.userId, checked.value, "online");
  } catch (err) {
    if (!(err instanceof AlreadyMember)) throw err;
  }
  return c.redirect("/member?registered=1", 303);
});

// ---------------------------------------------------------------- points

member.get("/points", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const { db, m } = got;
  const w = W[lang];
  const ledger = await ledgerOf(db, m.id, 50);
  const need = Number(c.req.query("need"));
  const suggested = Number.isSafeInteger(need) && need > 0 ? Math.max(lodgingPolicy.minTopUpPoints, Math.ceil(need / 1000) * 1000) : 10_000;
  const topup = c.req.query("topup");
  const kinds: Record<string, { ja: string; en: string }> = { topup: { ja: "チャージ", en: "Top-up" }, order_payment: { ja: "ご利用", en: "Stay" }, refund: { ja: "返還", en: "Refund" }, adjustment: { ja: "調整", en: "Adjustment" } };
  return c.html(
    <Shell c={c} lang={lang} title={w.balance} path="/member/points" banner={topup === "success" ? { kind: "ok", text: w.topUpDone } : topup === "cancel" ? { kind: "warn", text: w.topUpCancel } : undefined}>
      <div class="card">
        <p class="points" id="balance">
          {formatPoints(m.pointsBalance, lang)}
        </p>
        <form method="post" action="/member/points/top-up">
          <Csrf c={c} />
          <div class="field">
            <label for="amount">{w.amount}</label>
            <input type="number" id="amount" name="amount" min={String(lodgingPolicy.minTopUpPoints)} max={String(lodgingPolicy.maxTopUpPoints)} step="1000" value={String(suggested)} required />
          </div>
          <button type="submit" class="block" id="top-up">
            {w.pay}
          </button>
        </form>
      </div>
      <div class="card">
        <h2>{w.history}</h2>
        <table id="ledger">
          <tbody>
            {ledger.map((l) => (
              <tr>
                <td>{formatDateTime(l.createdAt, lang)}</td>
                <td>
                  {kinds[l.kind]?.[lang] ?? l.kind}
                  {l.orderId ? (
                    <>
                      {" "}
                      <a href={`/member/orders/${l.orderId}`}>{l.orderId}</a>
                    </>
                  ) : null}
                </td>
                <td class="num">{`${l.amount > 0 ? "+" : ""}${l.amount.toLocaleString("ja-JP")}`}</td>
                <td class="num muted">{l.balanceAfter.toLocaleString("ja-JP")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Shell>,
  );
});

member.post("/points/top-up", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const form = await formOk(c);
  if (!form) return c.redirect("/member/points", 303);
  const checked = checkTopUp(Number(str(form.amount, 12)));
  if (!checked.ok) return c.html(<Shell c={c} lang={lang} title={W[lang].balance} path="/member/points" banner={{ kind: "bad", text: checked.message[lang] }}><p><a href="/member/points">{W[lang].topUp}</a></p></Shell>, 400);
  const started = await startTopUp(c.env, got.db, got.m, checked.points, lang);
  return c.redirect(started.paymentUrl, 303);
});

// ---------------------------------------------------------------- search and cart

const CART_COOKIE = "qrv_cart";

function readCart(c: C): AskedLine[] {
  try {
    const raw = JSON.parse(getCookie(c, CART_COOKIE) ?? "[]") as unknown;
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((l): l is AskedLine => typeof l === "object" && l !== null && typeof l.roomType === "string" && isDate(l.checkIn) && isDate(l.checkOut) && Number.isSafeInteger(l.quantity))
      .slice(0, lodgingPolicy.maxLines);
  } catch {
    return [];
  }
}

function writeCart(c: C, lines: AskedLine[]): void {
  if (!lines.length) {
    deleteCookie(c, CART_COOKIE, { path: "/member" });
    return;
  }
  setCookie(c, CART_COOKIE, JSON.stringify(lines), { path: "/member", httpOnly: true, sameSite: "Lax", secure: isHttps(c), maxAge: 24 * 3600 });
}

member.get("/search", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const w = W[lang];
  const checkIn = c.req.query("check_in") ?? "";
  const checkOut = c.req.query("check_out") ?? "";
  const asked = checkIn && checkOut;
  const problem = asked ? checkStay(checkIn, checkOut) : null;
  const results = asked && !problem ? await searchAvailability(c.env, got.db, checkIn, checkOut) : [];
  const quotes = await Promise.all(results.map((r) => quoteFor(c.env, got.db, r.type, checkIn, checkOut, 1, got.m.birthDate)));
  return c.html(
    <Shell c={c} lang={lang} title={w.search} path="/member/search" banner={problem ? { kind: "bad", text: problem[lang] } : undefined}>
      <form method="get" action="/member/search" class="card">
        <div class="field">
          <label for="check_in">{w.checkIn}</label>
          <input type="date" id="check_in" name="check_in" value={checkIn} min={todayJst()} required />
        </div>
        <div class="field">
          <label for="check_out">{w.checkOut}</label>
          <input type="date" id="check_out" name="check_out" value={checkOut} min={todayJst()} required />
        </div>
        <button type="submit" class="block" id="search">
          {w.find}
        </button>
      </form>
      {results.map((r, i) => {
        const q = quotes[i]!;
        return (
          <div class="card room-type" data-room-type={r.type.name}>
            <h2>
              {lang === "en" && r.type.nameEn ? r.type.nameEn : r.type.name} <span class={`tag ${r.available ? "ok" : "bad"}`}>{w.available(r.available)}</span>
            </h2>
            <p>
              {formatPoints(q.total, lang)} <span class="muted">{w.perRoom}</span>
              {q.discount ? <span class="muted"> ({w.discount} -{formatPoints(q.discount, lang)})</span> : null}
            </p>
            <p class="muted">{q.nightly.map((n) => `${n.date.slice(5)} ${n.points.toLocaleString("ja-JP")}`).join(" / ")}</p>
            {r.available ? (
              <form method="post" action="/member/cart/add">
                <Csrf c={c} />
                <input type="hidden" name="roomType" value={r.type.id} />
                <input type="hidden" name="checkIn" value={checkIn} />
                <input type="hidden" name="checkOut" value={checkOut} />
                <label>
                  {w.quantity}{" "}
                  <select name="quantity">
                    {Array.from({ length: Math.min(r.available, lodgingPolicy.maxRoomsPerLine) }, (_, k) => (
                      <option value={String(k + 1)}>{k + 1}</option>
                    ))}
                  </select>
                </label>{" "}
                <button type="submit" class="add-to-cart">
                  {w.add}
                </button>
              </form>
            ) : null}
          </div>
        );
      })}
    </Shell>,
  );
});

member.post("/cart/add", async (c) => {
  const form = await formOk(c);
  if (!form) return c.redirect("/member/search", 303);
  const line = { roomType: str(form.roomType, 60), checkIn: str(form.checkIn, 10), checkOut: str(form.checkOut, 10), quantity: Number(str(form.quantity, 3)) };
  const lines = readCart(c);
  if (lines.length < lodgingPolicy.maxLines) lines.push(line);
  writeCart(c, lines);
  return c.redirect("/member/cart", 303);
});

member.post("/cart/remove", async (c) => {
  const form = await formOk(c);
  if (form) {
    const i = Number(str(form.index, 3));
    writeCart(c, readCart(c).filter((_, k) => k !== i));
  }
  return c.redirect("/member/cart", 303);
});

member.get("/cart", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const w = W[lang];
  const lines = readCart(c);
  const types = await allRoomTypes(got.db);
  const priced = await Promise.all(
    lines.map(async (l) => {
      const type = types.find((t) => t.id === l.roomType);
      if (!type || checkStay(l.checkIn, l.checkOut)) return null;
      const [avail] = (await searchAvailability(c.env, got.db, l.checkIn, l.checkOut)).filter((a) => a.type.id === type.id);
      return { line: l, type, available: avail?.available ?? 0, quote: await quoteFor(c.env, got.db, type, l.checkIn, l.checkOut, l.quantity, got.m.birthDate) };
    }),
  );
  const valid = priced.filter((p) => p !== null);
  const subtotal = valid.reduce((s, p) => s + p.quote.subtotal, 0);
  const discount = valid.reduce((s, p) => s + p.quote.discount, 0);
  const total = subtotal - discount;
  const short = Math.max(0, total - got.m.pointsBalance);
  const error = c.req.query("error");
  return c.html(
    <Shell c={c} lang={lang} title={w.cart} path="/member/cart" banner={error ? { kind: "bad", text: error.slice(0, 300) } : undefined}>
      {valid.length ? (
        <>
          {priced.map((p, i) =>
            p ? (
              <div class="card cart-line">
                <p>
                  <strong>{lang === "en" && p.type.nameEn ? p.type.nameEn : p.type.name}</strong> × {p.line.quantity} · {p.line.checkIn} 〜 {p.line.checkOut}{" "}
                  <span class={`tag ${p.available >= p.line.quantity ? "ok" : "bad"}`}>{w.available(p.available)}</span>
                </p>
                <p>
                  {formatPoints(p.quote.total, lang)}
                  {p.quote.discount ? <span class="muted"> ({w.discount} -{formatPoints(p.quote.discount, lang)})</span> : null}
                </p>
                <form method="post" action="/member/cart/remove">
                  <Csrf c={c} />
                  <input type="hidden" name="index" value={String(i)} />
                  <button type="submit" class="secondary">
                    {w.remove}
                  </button>
                </form>
              </div>
            ) : null,
          )}
          <div class="card">
            <table>
              <tbody>
                <tr>
                  <th>{w.subtotal}</th>
                  <td class="num">{formatPoints(subtotal, lang)}</td>
                </tr>
                <tr>
                  <th>{w.discount}</th>
                  <td class="num">{discount ? `-${formatPoints(discount, lang)}` : formatPoints(0, lang)}</td>
                </tr>
                <tr>
                  <th>{w.total}</th>
                  <td class="num" id="cart-total">
                    {formatPoints(total, lang)}
                  </td>
                </tr>
                <tr>
                  <th>{w.balance}</th>
                  <td class="num">{formatPoints(got.m.pointsBalance, lang)}</td>
                </tr>
              </tbody>
            </table>
            {short ? <p class="banner warn">{w.short(short)}</p> : null}
            <form method="post" action="/member/cart/order">
              <Csrf c={c} />
              <input type="hidden" name="nonce" value={formNonce()} />
              <button type="submit" class="block" id="place-order">
                {w.order}
              </button>
            </form>
          </div>
        </>
      ) : (
        <p class="card">
          {w.cartEmpty} <a href="/member/search">{w.search}</a>
        </p>
      )}
    </Shell>,
  );
});

member.post("/cart/order", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const form = await formOk(c);
  if (!form) return c.redirect("/member/cart", 303);
  const lines = readCart(c);
  // The form's one-time value names the order: a double tap or a resent form is one order.
  const nonce = str(form.nonce, 64);
  const result = await bookRooms(c.env, got.db, got.m, lines, { language: lang, via: `user:${got.m.userId}`, ...(nonce ? { idempotencyKey: `page:${nonce}` } : {}) });
  if (!result.ok) {
    const text = result.reason === "invalid" ? result.message[lang] : W[lang].noRoom(result.roomTypeName, result.available, result.wanted);
    return c.redirect(`/member/cart?error=${encodeURIComponent(text)}`, 303);
  }
  writeCart(c, []);
  return c.redirect(`/member/orders/${result.orderId}`, 303);
});

// ---------------------------------------------------------------- orders

function OrderList(props: { lang: Lang; rows: Awaited<ReturnType<typeof ordersOfMember>> }) {
  return (
    <ul class="orders">
      {props.rows.map((o) => (
        <li>
          <a href={`/member/orders/${o.id}`}>{o.id}</a> {o.checkIn} 〜 {o.checkOut} · {lodgingStatusLabel(o.status, props.lang)} · {formatPoints(o.totalPoints, props.lang)}
        </li>
      ))}
    </ul>
  );
}

member.get("/orders", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const w = W[lang];
  const q = (c.req.query("q") ?? "").trim().toUpperCase();
  const filter = LODGING_ORDER_ID_PATTERN.test(q) ? { orderId: q } : isDate(q) ? { checkIn: q } : {};
  const rows = await ordersOfMember(got.db, got.m.id, filter);
  return c.html(
    <Shell c={c} lang={lang} title={w.orders} path="/member/orders">
      <form method="get" action="/member/orders" class="card">
        <div class="field">
          <label for="q">{w.findOrder}</label>
          <input type="text" id="q" name="q" value={q} />
        </div>
        <button type="submit">{w.find}</button>
      </form>
      <div class="card">{rows.length ? <OrderList lang={lang} rows={rows} /> : <p>{w.noOrders}</p>}</div>
    </Shell>,
  );
});

member.get("/orders/:id", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const w = W[lang];
  const id = c.req.param("id").toUpperCase();
  const [o] = LODGING_ORDER_ID_PATTERN.test(id) ? await ordersOfMember(got.db, got.m.id, { orderId: id, limit: 1 }) : [];
  if (!o) return c.notFound();
  const lines = await linesOf(got.db, o.id);
  const missing = Math.max(0, o.totalPoints - got.m.pointsBalance);
  const note = str(c.req.query("note"), 300);
  const banner = o.pendingCancellation ? { kind: "info" as const, text: CANCEL_W[lang].pending } : note ? { kind: "ok" as const, text: note } : undefined;
  const open = lines.filter((l) => l.status !== "cancelled");
  return c.html(
    <Shell c={c} lang={lang} title={`${w.orderNo} ${o.id}`} path={`/member/orders/${o.id}`} banner={banner}>
      <div class="card">
        <p>
          <span class={`status tag ${o.status === "confirmed" ? "ok" : o.status === "awaiting_payment" ? "warn" : "bad"}`} id="order-status">
            {lodgingStatusLabel(o.status, lang)}
          </span>{" "}
          {o.paidAt ? w.paid : w.unpaid}
        </p>
        <p>
          {o.checkIn} 〜 {o.checkOut}
        </p>
        {o.status === "awaiting_payment" && o.paymentDeadline ? (
          <p class="banner warn">
            {w.missing}: {formatPoints(missing, lang)} · {w.deadline}: {formatDateTime(o.paymentDeadline, lang)}{" "}
            <a class="button" href={`/member/points?need=${missing}`}>
              {w.topUp}
            </a>
          </p>
        ) : null}
      </div>
      <div class="card">
        <h2>{w.rooms}</h2>
        {lines.map((l) => (
          <div class="order-line">
            <p class="room-number">
              <strong>{w.room(l.roomNumber, l.roomTypeName)}</strong> {l.checkIn} 〜 {l.checkOut} {l.status === "cancelled" ? <span class="tag bad">{CANCEL_W[lang].cancelled}</span> : null}
            </p>
            <p class="muted">
              {w.nightly}: {(JSON.parse(l.nightly) as { date: string; points: number }[]).map((n) => `${n.date.slice(5)} ${n.points.toLocaleString("ja-JP")}`).join(" / ")}
            </p>
          </div>
        ))}
        <table>
          <tbody>
            <tr>
              <th>{w.subtotal}</th>
              <td class="num">{formatPoints(o.subtotalPoints, lang)}</td>
            </tr>
            <tr>
              <th>{w.discount}</th>
              <td class="num">{o.discountPoints ? `-${formatPoints(o.discountPoints, lang)}` : formatPoints(0, lang)}</td>
            </tr>
            <tr>
              <th>{w.total}</th>
              <td class="num">{formatPoints(o.totalPoints, lang)}</td>
            </tr>
            {o.refundedPoints ? (
              <tr>
                <th>{CANCEL_W[lang].refunded}</th>
                <td class="num">{formatPoints(o.refundedPoints, lang)}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {o.status === "confirmed" && !o.pendingCancellation && open.length ? (
        <form method="get" action={`/member/orders/${o.id}/cancel`} class="card" id="cancel-form">
          <h2>{CANCEL_W[lang].title}</h2>
          <p class="muted">{CANCEL_W[lang].lead}</p>
          {open.map((l) => (
            <label class="check">
              <input type="checkbox" name="room" value={l.roomNumber} checked /> {w.room(l.roomNumber, l.roomTypeName)}
            </label>
          ))}
          <button type="submit">{CANCEL_W[lang].quote}</button>
        </form>
      ) : null}
      <p>
        <a href="/member">{w.back}</a>
      </p>
    </Shell>,
  );
});

const CANCEL_W = {
  ja: {
    title: "キャンセル",
    lead: "キャンセルするお部屋を選ぶと、返金されるポイントを表示します。ご依頼はフロントの承認後に確定します。",
    quote: "返金額を確認する",
    ask: "この内容でキャンセルを依頼する",
    refund: "返金されるポイント",
    policy: "適用される規定",
    pending: "キャンセルのご依頼を承りました。フロントの承認をお待ちください（承認後にSMSとメールでお知らせします）。",
    cancelled: "キャンセル済",
    refunded: "返金済みポイント",
  },
  en: {
    title: "Cancel",
    lead: "Choose the rooms to cancel to see the points that would come back. The front desk approves the request before it takes effect.",
    quote: "See the refund",
    ask: "Ask to cancel",
    refund: "Points back",
    policy: "Policy row",
    pending: "Your cancellation request is waiting for the front desk; you will be told by SMS and email.",
    cancelled: "Cancelled",
    refunded: "Points refunded",
  },
};

function roomsOf(c: C, form?: Record<string, string | File | (string | File)[]>): string[] {
  const raw = form ? form.room : c.req.queries("room");
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((v): v is string => typeof v === "string").map((v) => v.slice(0, 20)).slice(0, 100);
}

member.get("/orders/:id/cancel", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const id = c.req.param("id").toUpperCase();
  if (!LODGING_ORDER_ID_PATTERN.test(id)) return c.notFound();
  const rooms = roomsOf(c);
  const w = CANCEL_W[lang];
  const q = await quoteCancellation(c.env, got.db, got.m.id, id, rooms.length ? rooms : undefined);
  return c.html(
    <Shell c={c} lang={lang} title={`${w.title} ${id}`} path={`/member/orders/${id}/cancel`} banner={q.ok ? undefined : { kind: "bad", text: q.message[lang] }}>
      {q.ok ? (
        <form method="post" action={`/member/orders/${id}/cancel`} class="card" id="cancel-quote">
          <Csrf c={c} />
          <input type="hidden" name="nonce" value={formNonce()} />
          <table>
            <tbody>
              {q.quote.rooms.map((r) => (
                <tr>
                  <th>{lang === "ja" ? `${r.roomNumber}号室` : `Room ${r.roomNumber}`}</th>
                  <td class="num">
                    {formatPoints(r.refund, lang)} / {formatPoints(r.paid, lang)}
                  </td>
                </tr>
              ))}
              <tr>
                <th>{w.refund}</th>
                <td class="num" id="quote-refund">
                  {formatPoints(q.quote.refund, lang)}
                </td>
              </tr>
              <tr>
                <th>{w.policy}</th>
                <td>{q.quote.policyRow[lang]}</td>
              </tr>
            </tbody>
          </table>
          {q.quote.rooms.map((r) => (
            <input type="hidden" name="room" value={r.roomNumber} />
          ))}
          <button type="submit" class="danger">
            {w.ask}
          </button>
        </form>
      ) : null}
      <p>
        <a href={`/member/orders/${id}`}>{W[lang].back}</a>
      </p>
    </Shell>,
  );
});

member.post("/orders/:id/cancel", async (c) => {
  const lang = pageLanguage(c);
  const got = await memberOr(c);
  if (got instanceof Response) return got;
  const id = c.req.param("id").toUpperCase();
  if (!LODGING_ORDER_ID_PATTERN.test(id)) return c.notFound();
  const form = await c.req.parseBody({ all: true });
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect(`/member/orders/${id}`, 303);
  const rooms = roomsOf(c, form);
  const nonce = str(form.nonce, 64);
  const r = await requestCancellation(c.env, got.db, got.m.id, id, { ...(rooms.length ? { rooms } : {}), via: `user:${got.m.userId}`, ...(nonce ? { key: `page:${nonce}` } : {}) });
  return c.redirect(`/member/orders/${id}?note=${encodeURIComponent(r.message[lang])}`, 303);
});
