// /r/:token: the requester's page behind the SMS links. The token (256 bits) is looked up by
// its hash; a reservation id alone opens nothing.
import { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { findByGuestTokenHash, listEvents } from "../db/reservations.ts";
import { sha256Hex } from "../domain/ids.ts";
import { formatJpy } from "../domain/money.ts";
import { reservationView } from "../domain/reservation/view.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { formatDateTime, formatClock } from "../domain/time.ts";
import { Page } from "./layout.tsx";

export const guest = new Hono<{ Bindings: Env }>();

guest.use("*", async (c, next) => {
  await next();
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
  c.header("Cache-Control", "no-store");
});

const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

function NotFoundPage(props: { lang: Lang }) {
  const ja = props.lang === "ja";
  return (
    <Page title={ja ? "予約が見つかりません" : "Reservation not found"} lang={props.lang}>
      <div class="card">
        <h1>{ja ? "予約が見つかりません" : "Reservation not found"}</h1>
        <p>{ja ? "リンクが正しいか、SMSのリンクをもう一度開いてご確認ください。" : "Please check the link, or open the link in your SMS again."}</p>
      </div>
    </Page>
  );
}

guest.get("/:token", async (c) => {
  const token = c.req.param("token");
  const db = createDb(c.env.DB);
  const record = TOKEN.test(token) ? await findByGuestTokenHash(db, await sha256Hex(token)) : null;
  if (!record) return c.html(<NotFoundPage lang="ja" />, 404);
  const lang = record.requester.language;
  const ja = lang === "ja";
  const cfg = config(c.env);
  const events = await listEvents(db, record.id);
  const view = reservationView(record, events.map((e) => ({ at: e.createdAt, note: JSON.parse(e.note), ignored: e.ignored })), lang, Date.now(), { phone: cfg.supportPhone, email: cfg.supportEmail });
  const settled = ["confirmed", "completed", "cancelled", "no_shop_available", "payment_timeout"].includes(record.status);
  const returned = c.req.query("payment");
  return c.html(
    <Page title={`${view.reservation_id} · QRV`} lang={lang} refreshSeconds={settled ? 0 : 5}>
      {returned === "success" && !settled ? <p class="notice">{ja ? "お支払いを確認しています…" : "Checking your payment…"}</p> : null}
      {returned === "cancel" && record.status === "payment_pending" ? <p class="notice">{ja ? "お支払いは完了していません。期限内にもう一度お試しください。" : "The payment was not completed. You can try again before the deadline."}</p> : null}
      <div class="card">
        <h1>
          <span class={`status ${view.status}`}>{view.status_label}</span>
        </h1>
        <dl>
          <dt>{ja ? "予約ID" : "ID"}</dt>
          <dd>{view.reservation_id}</dd>
          <dt>{ja ? "サービス" : "Service"}</dt>
          <dd>
            {view.service}（{view.area}）
          </dd>
          <dt>{ja ? "日時" : "When"}</dt>
          <dd>{formatDateTime(record.startAt, lang)}</dd>
          <dt>{ja ? "人数" : "Party"}</dt>
          <dd>{view.party_size}</dd>
          {view.shop ? (
            <>
              <dt>{ja ? "店舗" : "Shop"}</dt>
              <dd>
                {view.shop.name}
                {view.shop.address ? <div class="muted">{view.shop.address}</div> : null}
              </dd>
            </>
          ) : null}
          {view.amount_jpy !== undefined ? (
            <>
              <dt>{ja ? "金額" : "Amount"}</dt>
              <dd>{formatJpy(view.amount_jpy, lang)}</dd>
            </>
          ) : null}
        </dl>
      </div>
      {view.payment_url ? (
        <div class="card">
          <p>{ja ? `${formatClock(record.data.payment!.deadlineAt!)}までにお支払いいただくと予約が確定します。` : `Pay by ${formatClock(record.data.payment!.deadlineAt!)} JST to confirm.`}</p>
          <a class="button" href={view.payment_url} id="pay">
            {ja ? "支払う" : "Pay"}
          </a>
        </div>
      ) : null}
      <div class="card">
        <h2>{ja ? "経過" : "Timeline"}</h2>
        <ol class="timeline">
          {view.timeline.map((line) => (
            <li>{line}</li>
          ))}
        </ol>
      </div>
      <p class="muted">{view.cancellation.message}</p>
    </Page>,
  );
});
