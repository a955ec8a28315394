// /r/:token: the requester's pages behind the SMS links. The token (256 bits) is looked up by
// its hash; a reservation id alone opens nothing. The page reads D1; every change (cancel) is
// an event sent to the reservation's Durable Object, POSTed with a CSRF token and answered
// with a redirect (POST-redirect-GET), so a reload or a second tab repeats nothing.
//   GET  /r/:token               the reservation at a glance (live: polls status.json)
//   GET  /r/:token/status.json   { status, version } for the poll
//   GET  /r/:token/calendar.ics  a confirmed booking for the phone's calendar
//   GET  /r/:token/cancel        what cancelling would do, and the button
//   POST /r/:token/cancel        cancel (idempotent per rendered form)
//   POST /r/:token/change        approve or decline a change the shop proposed (names its approval hash)
//   GET|POST /r/:token/support   the support form, tied to this reservation
import type { Context } from "hono";
import { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { findByGuestTokenHash, listEvents } from "../db/reservations.ts";
import { icsEvent } from "../domain/calendar.ts";
import { sha256Hex } from "../domain/ids.ts";
import { formatJpy } from "../domain/money.ts";
import { guestLinkValid, policy } from "../domain/policy.ts";
import type { Lang, ReservationRecord, Status } from "../domain/reservation/types.ts";
import { reservationView, type ReservationView } from "../domain/reservation/view.ts";
import { formatClock, formatDateTime } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import { copy, nextSteps, type Support } from "./copy.ts";
import { CSRF_FIELD, csrfToken, csrfValid, formNonce } from "./csrf.ts";
import { pageLanguage, rememberLanguage } from "./language.tsx";
import { RequesterPage, SupportContact, privatePage } from "./requester-layout.tsx";
import { formLimit, renderSupport, submitSupport, type SupportContext } from "./support.tsx";

export const guest = new Hono<{ Bindings: Env }>();

guest.use("*", rememberLanguage);
guest.use("*", privatePage);

const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;
/** The shop's service length is not known; an hour holds the place in the calendar. */
const CALENDAR_EVENT_MS = 60 * 60_000;

type AppContext = Context<{ Bindings: Env }>;
type Found = { record: ReservationRecord; base: string } | { missing: "unknown" | "expired" };

async function find(c: AppContext): Promise<Found> {
  const token = c.req.param("token") ?? "";
  const record = TOKEN.test(token) ? await findByGuestTokenHash(createDb(c.env.DB), await sha256Hex(token)) : null;
  if (!record) return { missing: "unknown" };
  if (!guestLinkValid(record.startAt, Date.now())) return { missing: "expired" };
  return { record, base: `/r/${token}` };
}

function supportOf(env: Env): Support {
  const cfg = config(env);
  return { phone: cfg.supportPhone, email: cfg.supportEmail };
}

/** Unknown or expired links get a page a person can act on, never an error dump. */
function missingPage(c: AppContext, why: "unknown" | "expired") {
  const lang = pageLanguage(c);
  const t = copy(lang);
  const text = why === "unknown" ? t.notFound : t.expired;
  return c.html(
    <RequesterPage title={`${text.title} · QRV`} lang={lang} path={c.req.path}>
      <div class="card" id="missing">
        <h1>{text.title}</h1>
        <p>{text.body}</p>
        <SupportContact lang={lang} support={supportOf(c.env)} formHref="/support" />
      </div>
    </RequesterPage>,
    why === "unknown" ? 404 : 410,
  );
}

function formExpiredPage(c: AppContext, lang: Lang, back: string) {
  const t = copy(lang);
  return c.html(
    <RequesterPage title={`${t.formExpired.title} · QRV`} lang={lang} path={back}>
      <div class="card" id="form-expired">
        <h1>{t.formExpired.title}</h1>
        <p>{t.formExpired.body}</p>
        <a class="button block" href={back}>
          {t.formExpired.back}
        </a>
      </div>
    </RequesterPage>,
    403,
  );
}

async function viewOf(c: AppContext, record: ReservationRecord, lang: Lang, now: number): Promise<ReservationView> {
  const events = await listEvents(createDb(c.env.DB), record.id);
  return reservationView(record, events.map((e) => ({ at: e.createdAt, note: JSON.parse(e.note), ignored: e.ignored })), lang, now, supportOf(c.env));
}

const ACTIVE: Status[] = ["requested", "calling", "calling_success", "payment_pending"];
/** Waiting for an operator: something may still change, rarely. A confirmed booking is watched only while a late cancellation is open. */
const WATCHED: Status[] = ["pending_shop_response", "change_requested", "no_shop_available"];

/** Seconds between polls: often while something is about to happen, rarely while settled, never when done. */
function pollSeconds(r: ReservationRecord, returningFromPayment: boolean): number {
  const refund = r.data.payment?.refund?.status;
  if (ACTIVE.includes(r.status) || refund === "requested" || refund === "pending") return 3;
  if (returningFromPayment && r.status !== "confirmed") return 3;
  const awaitingOperator = r.status === "confirmed" && (r.openCases ?? []).some((c) => c.case === "late_cancellation");
  return WATCHED.includes(r.status) || awaitingOperator ? 30 : 0;
}

/** Cancelling is offered while it can still do something for the requester. */
function cancelOffered(r: ReservationRecord, view: ReservationView): boolean {
  return view.cancellation.allowed && r.status !== "payment_timeout";
}

type CancelFlag = "cancelled" | "already" | "refused" | "not_cancellable";
type ChangeFlag = "approved" | "declined" | "stale";

/** The change waiting for the requester's approval, while it still can be approved. */
function proposalOf(r: ReservationRecord) {
  return r.status === "change_requested" ? r.data.proposedChange : undefined;
}

function Banner(props: { r: ReservationRecord; view: ReservationView; lang: Lang; payment?: string | undefined; cancel?: string | undefined; change?: string | undefined }) {
  const { r, view } = props;
  const t = copy(props.lang).banner;
  const refund = r.data.payment?.refund;
  const change = props.change as ChangeFlag | undefined;
  if (change === "approved" && r.data.approval?.approvedVia && !proposalOf(r)) return <p class="banner ok" id="banner">{t.changeApproved}</p>;
  if (change === "declined" && r.status === "cancelled") return <p class="banner ok" id="banner">{t.changeDeclined}</p>;
  if (change === "stale" && proposalOf(r)) return <p class="banner warn" id="banner">{t.changeStale}</p>;
  if (props.cancel) {
    const flag = props.cancel as CancelFlag;
    if (flag === "cancelled" && r.status === "cancelled") {
      return <p class="banner ok" id="banner">{r.data.cancellation?.refund && refund ? t.cancelledRefund(refund.amountJpy) : t.cancelledFree}</p>;
    }
    if (flag === "already" && r.status === "cancelled") return <p class="banner info" id="banner">{t.already}</p>;
    if (flag === "refused" && r.status === "confirmed") return <p class="banner bad" id="banner">{copy(props.lang).cancel.tooLate}</p>;
    if (flag === "not_cancellable") return <p class="banner info" id="banner">{t.notCancellable}</p>;
  }
  if (props.payment === "success") {
    if (r.status === "confirmed" || r.status === "completed") return <p class="banner ok" id="banner">{t.paid}</p>;
    if (r.data.payment?.latePayment) return <p class="banner warn" id="banner">{t.paidLate}</p>;
    if (r.status === "payment_pending" || r.status === "calling_success") return <p class="banner info" id="banner">{t.checking}</p>;
  }
  if (props.payment === "cancel" && view.payment_url && r.data.payment?.deadlineAt) {
    return <p class="banner warn" id="banner">{t.notPaid(formatClock(r.data.payment.deadlineAt))}</p>;
  }
  return null;
}

function Details(props: { r: ReservationRecord; view: ReservationView; lang: Lang }) {
  const { r, view, lang } = props;
  const t = copy(lang);
  const booked = r.status === "confirmed" || r.status === "completed";
  return (
    <dl>
      <dt>{t.when}</dt>
      <dd id="when">{formatDateTime(r.startAt, lang)}</dd>
      <dt>{t.service}</dt>
      <dd>
        {view.service}（{view.area}）
      </dd>
      <dt>{t.party}</dt>
      <dd>{t.party_n(view.party_size)}</dd>
      {view.shop ? (
        <>
          <dt>{t.shop}</dt>
          <dd id="shop">
            {view.shop.name}
            {booked && view.shop.address ? (
              <div class="muted">
                {view.shop.address}{" "}
                <a class="map-link" href={`https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(`${view.shop.address} ${view.shop.name}`)}`} rel="noopener noreferrer" target="_blank">
                  {t.openMap}
                </a>
              </div>
            ) : null}
          </dd>
        </>
      ) : null}
      {view.amount_jpy !== undefined ? (
        <>
          <dt>{t.amount}</dt>
          <dd>{formatJpy(view.amount_jpy)}</dd>
        </>
      ) : null}
      <dt>{t.reservationId}</dt>
      <dd>{view.reservation_id}</dd>
      {view.approval ? (
        <>
          <dt>{t.approval}</dt>
          <dd id="approval">
            {t.approvalUpTo(formatJpy(view.approval.snapshot.price_jpy.max))}
            <br />
            <code>{view.approval.hash}</code>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** A shop's change an operator accepted: old against new, and the requester approves or declines it here. */
function ChangeCard(props: { r: ReservationRecord; lang: Lang; base: string; csrf: string }) {
  const { r, lang } = props;
  const p = proposalOf(r);
  if (!p) return null;
  const t = copy(lang);
  const c = t.change;
  const shop = p.approval.snapshot.shop ?? "";
  // Before this change nothing was priced exactly: what the requester approved is an upper bound.
  const currentAmount = r.amountJpy !== undefined ? formatJpy(r.amountJpy) : r.data.approval ? t.approvalUpTo(formatJpy(r.data.approval.snapshot.price_jpy.max)) : "—";
  const rows: [string, string, string][] = [
    [t.when, formatDateTime(r.startAt, lang), formatDateTime(p.startAt, lang)],
    [t.party, t.party_n(r.partySize), t.party_n(p.partySize)],
    [c.menu, r.data.menu ?? r.data.service, p.menu ?? r.data.menu ?? r.data.service],
    [t.amount, currentAmount, formatJpy(p.amountJpy)],
  ];
  return (
    <div class="card" id="change">
      <h2>{c.title}</h2>
      <p>{c.intro(shop)}</p>
      <table class="compare">
        <thead>
          <tr>
            <th scope="col">{c.item}</th>
            <th scope="col">{c.now}</th>
            <th scope="col">{c.proposed}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, before, after]) => (
            <tr class={before === after ? "" : "changed"}>
              <th scope="row">{label}</th>
              <td>{before}</td>
              <td>
                <strong>{after}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p id="change-cap">{c.amountCap(formatJpy(p.amountJpy))}</p>
      <p class="muted">
        {c.record}: <code id="change-hash">{p.approval.hash}</code>
      </p>
      <form class="stack" method="post" action={`${props.base}/change`} data-once>
        <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
        <input type="hidden" name="form" value={formNonce()} />
        <input type="hidden" name="hash" value={p.approval.hash} />
        <button type="submit" name="decision" value="approve" class="block" id="change-approve">
          {c.approve}
        </button>
        <button type="submit" name="decision" value="decline" class="block outline" id="change-decline">
          {c.decline}
        </button>
        <p class="muted">{c.declineNote}</p>
      </form>
    </div>
  );
}

function PaymentCard(props: { r: ReservationRecord; view: ReservationView; lang: Lang; now: number }) {
  const { r, view, lang } = props;
  const t = copy(lang).pay;
  if (r.status === "calling_success") {
    return (
      <div class="card pay-card">
        <h2>{t.title}</h2>
        <p>{t.preparing}</p>
      </div>
    );
  }
  if (r.status !== "payment_pending") return null;
  const deadline = r.data.payment?.deadlineAt;
  if (!view.payment_url || !deadline) {
    return (
      <div class="card pay-card">
        <h2>{t.title}</h2>
        <p>{t.deadlinePassed}</p>
      </div>
    );
  }
  const left = Math.max(0, Math.ceil((deadline - props.now) / 1000));
  return (
    <div class="card pay-card" id="payment" data-deadline={String(deadline)} data-now={String(props.now)}>
      <h2>{t.title}</h2>
      <p class="amount">{formatJpy(view.amount_jpy ?? 0)}</p>
      <p class="countdown" role="timer" aria-live="off">
        <span class="muted">{t.left}</span>
        <strong data-remaining>{`${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`}</strong>
      </p>
      <p class="pay">{t.by(formatClock(deadline))}</p>
      <a class="button block pay" href={view.payment_url} id="pay">
        {t.button(view.amount_jpy ?? 0)}
      </a>
      <p class="muted pay">{t.note}</p>
      <p class="pay-expired notice">{t.deadlinePassed}</p>
    </div>
  );
}

function CancelCard(props: { r: ReservationRecord; view: ReservationView; lang: Lang; base: string; support: Support }) {
  const { r, view, lang, base } = props;
  const t = copy(lang).cancel;
  if (cancelOffered(r, view)) {
    const refund = view.cancellation.allowed && view.cancellation.refund;
    // After "no shop available" there is no booking to cancel, only a request staff may still work on.
    const w = r.status === "no_shop_available" ? copy(lang).withdraw : undefined;
    return (
      <div class="card" id="cancel">
        <h2>{w ? w.title : t.title}</h2>
        <p>{w ? w.text : view.cancellation.message}</p>
        {refund ? <p class="muted">{t.deadline(formatDateTime(r.startAt - policy.cancelDeadlineMs, lang))}</p> : null}
        <a class="button block outline" href={`${base}/cancel`} id="cancel-start">
          {w ? w.button : t.button}
        </a>
      </div>
    );
  }
  if (r.status === "confirmed") {
    // Less than 48 hours before the start: no button, the seed's message and the way to support.
    return (
      <div class="card" id="cancel">
        <h2>{t.title}</h2>
        <p class="banner warn" id="too-late">
          {t.tooLate}
        </p>
        <p>{t.tooLateDetail}</p>
        <SupportContact lang={lang} support={props.support} formHref={`${base}/support`} />
      </div>
    );
  }
  return null;
}

function GuestPage(props: { r: ReservationRecord; view: ReservationView; lang: Lang; base: string; now: number; support: Support; payment?: string | undefined; cancel?: string | undefined; change?: string | undefined; csrf: string; path: string }) {
  const { r, view, lang, base } = props;
  const t = copy(lang);
  const interval = pollSeconds(r, props.payment === "success");
  const reminder = r.status === "confirmed" ? r.timers.find((x) => x.type === "reminder") : undefined;
  const refund = r.data.payment?.refund;
  const steps = nextSteps(lang, r.status, { shop: view.shop?.name, changeProposed: Boolean(proposalOf(r)) });
  return (
    <RequesterPage title={`${view.status_label} · ${view.reservation_id} · QRV`} lang={lang} path={props.path} supportHref={`${base}/support`} noscriptRefreshSeconds={interval ? Math.max(interval, 10) : undefined}>
      <div data-live={`${base}/status.json`} data-version={String(r.version)} data-interval={String(interval)}>
        <Banner r={r} view={view} lang={lang} payment={props.payment} cancel={props.cancel} change={props.change} />
        <div class="card">
          <h1>
            <span class={`status ${view.status}`} id="status" data-status={view.status}>
              {view.status_label}
            </span>
          </h1>
          <Details r={r} view={view} lang={lang} />
        </div>
        <ChangeCard r={r} lang={lang} base={base} csrf={props.csrf} />
        <PaymentCard r={r} view={view} lang={lang} now={props.now} />
        {r.status === "confirmed" ? (
          <p class="calendar">
            <a class="button block secondary" href={`${base}/calendar.ics`} id="calendar" download={`${r.id}.ics`}>
              {t.calendar} (.ics)
            </a>
          </p>
        ) : null}
        <div class="card" id="next">
          <h2>{t.next}</h2>
          <ul class="steps">
            {steps.map((s) => (
              <li>{s}</li>
            ))}
            {reminder ? <li>{t.steps.reminder(formatDateTime(reminder.at, lang))}</li> : null}
            {refund ? <li id="refund">{t.refund(refund.amountJpy, refund.status)}</li> : null}
          </ul>
        </div>
        <CancelCard r={r} view={view} lang={lang} base={base} support={props.support} />
        <div class="card">
          <h2>{t.timeline}</h2>
          <ol class="timeline plain">
            {view.timeline.map((line) => (
              <li>{line}</li>
            ))}
          </ol>
        </div>
        {interval ? <p class="muted live-note">{t.live}</p> : null}
      </div>
    </RequesterPage>
  );
}

guest.get("/:token", async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  const { record, base } = found;
  const lang = pageLanguage(c, record.requester.language);
  const now = Date.now();
  const view = await viewOf(c, record, lang, now);
  const csrf = proposalOf(record) ? csrfToken(c) : "";
  return c.html(<GuestPage r={record} view={view} lang={lang} base={base} now={now} support={supportOf(c.env)} payment={c.req.query("payment")} cancel={c.req.query("cancel")} change={c.req.query("change")} csrf={csrf} path={c.req.path} />);
});

guest.get("/:token/status.json", async (c) => {
  const found = await find(c);
  if ("missing" in found) return c.json({ error: found.missing === "unknown" ? "not found" : "expired" }, found.missing === "unknown" ? 404 : 410);
  return c.json({ status: found.record.status, version: found.record.version });
});

guest.get("/:token/calendar.ics", async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  const { record: r, base } = found;
  const lang = pageLanguage(c, r.requester.language);
  const t = copy(lang);
  const shop = r.data.shop;
  if (r.status !== "confirmed" || !shop) {
    return c.html(
      <RequesterPage title="QRV" lang={lang} path={c.req.path}>
        <div class="card">
          <p>{t.calendarNotYet}</p>
          <a class="button block" href={base}>
            {t.formExpired.back}
          </a>
        </div>
      </RequesterPage>,
      404,
    );
  }
  const ics = icsEvent({
    uid: `${r.id}@${new URL(config(c.env).publicUrl).hostname}`,
    start: r.startAt,
    end: r.startAt + CALENDAR_EVENT_MS,
    stamp: Date.now(),
    summary: `${r.data.service} · ${shop.name}`,
    location: shop.address ? `${shop.name}, ${shop.address}` : shop.name,
    description: [
      `${t.reservationId}: ${r.id}`,
      `${t.party}: ${t.party_n(r.partySize)}`,
      ...(r.amountJpy !== undefined ? [`${t.amount}: ${formatJpy(r.amountJpy)}`] : []),
      t.cancel.deadline(formatDateTime(r.startAt - policy.cancelDeadlineMs, lang)),
      "QRV (Qualfia Reservation)",
    ].join("\n"),
  });
  return c.body(ics, 200, { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": `attachment; filename="${r.id}.ics"` });
});

guest.get("/:token/cancel", async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  const { record: r, base } = found;
  const lang = pageLanguage(c, r.requester.language);
  const view = await viewOf(c, r, lang, Date.now());
  // Nothing to confirm (too late, already cancelled, ...): the reservation page says why.
  if (!cancelOffered(r, view) || !view.cancellation.allowed) return c.redirect(base, 303);
  const t = copy(lang);
  const refundJpy = view.cancellation.refund ? (r.data.payment?.amountJpy ?? r.amountJpy ?? 0) : undefined;
  const title = r.status === "no_shop_available" ? t.withdraw.confirmTitle : t.cancel.confirmTitle;
  return c.html(
    <RequesterPage title={`${title} · QRV`} lang={lang} path={c.req.path} supportHref={`${base}/support`}>
      <div class="card" id="cancel-confirm">
        <h1>{title}</h1>
        <Details r={r} view={view} lang={lang} />
      </div>
      <form class="card stack" method="post" action={`${base}/cancel`} data-once>
        <h2>{t.cancel.effectTitle}</h2>
        <p id="cancel-effect">{refundJpy !== undefined ? t.cancel.confirmRefund(refundJpy) : t.cancel.confirmFree}</p>
        <input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />
        <input type="hidden" name="form" value={formNonce()} />
        <button type="submit" class="block danger" id="cancel-confirm-button">
          {t.cancel.confirmButton}
        </button>
        <a class="button block secondary" href={base}>
          {t.cancel.back}
        </a>
      </form>
    </RequesterPage>,
  );
});

const FORM_NONCE = /^[A-Za-z0-9_-]{16,64}$/;

guest.post("/:token/cancel", formLimit, async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  const { record, base } = found;
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return formExpiredPage(c, pageLanguage(c, record.requester.language), base);
  // The same rendered form sent twice (a double tap, a resubmitted POST) is one request.
  const nonce = typeof form.form === "string" && FORM_NONCE.test(form.form) ? form.form : undefined;
  const result = await reservationStub(c.env, record.id).dispatch({ type: "cancel", by: "requester" }, "requester", nonce ? `guest-cancel:${nonce}` : undefined);
  let flag: CancelFlag | undefined;
  const outcome = result.outcome;
  if (outcome?.type === "cancel") {
    flag = { cancelled_free: "cancelled", cancelled_refund: "cancelled", already_cancelled: "already", refused_deadline: "refused", not_cancellable: "not_cancellable" }[outcome.result] as CancelFlag;
  } else if (result.duplicate && result.status === "cancelled") {
    flag = "cancelled";
  }
  console.log(JSON.stringify({ msg: "guest cancel", reservation: record.id, outcome: outcome?.type === "cancel" ? outcome.result : null, duplicate: result.duplicate ?? false, status: result.status }));
  return c.redirect(flag ? `${base}?cancel=${flag}` : base, 303);
});

const HASH = /^sha256:[0-9a-f]{64}$/;

guest.post("/:token/change", formLimit, async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  const { record, base } = found;
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return formExpiredPage(c, pageLanguage(c, record.requester.language), base);
  const decision = form.decision === "approve" || form.decision === "decline" ? form.decision : undefined;
  const hash = typeof form.hash === "string" && HASH.test(form.hash) ? form.hash : undefined;
  if (!decision || !hash) return c.redirect(base, 303);
  // The same rendered form sent twice (a double tap) is one answer; a second form is ignored by the machine.
  const nonce = typeof form.form === "string" && FORM_NONCE.test(form.form) ? form.form : undefined;
  const event = decision === "approve" ? ({ type: "approve_change", hash } as const) : ({ type: "decline_change", hash } as const);
  const result = await reservationStub(c.env, record.id).dispatch(event, "requester", nonce ? `guest-change:${nonce}` : undefined);
  const stale = !result.applied && !result.duplicate && proposalOf(record) !== undefined && proposalOf(record)!.approval.hash !== hash;
  const flag: ChangeFlag | undefined = stale ? "stale" : result.applied || result.duplicate ? (decision === "approve" ? "approved" : "declined") : undefined;
  console.log(JSON.stringify({ msg: "guest change", reservation: record.id, decision, applied: result.applied, duplicate: result.duplicate ?? false, status: result.status }));
  return c.redirect(flag ? `${base}?change=${flag}` : base, 303);
});

function guestSupport(c: AppContext, record: ReservationRecord, base: string): SupportContext {
  return { lang: pageLanguage(c, record.requester.language), path: `${base}/support`, support: supportOf(c.env), reservation: { id: record.id, pageHref: base } };
}

guest.get("/:token/support", async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  return renderSupport(c, guestSupport(c, found.record, found.base));
});

guest.post("/:token/support", formLimit, async (c) => {
  const found = await find(c);
  if ("missing" in found) return missingPage(c, found.missing);
  return submitSupport(c, guestSupport(c, found.record, found.base));
});
