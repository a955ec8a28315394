// /s/:token: a 1-on-1 session client's own pages behind the SMS links (seed 001). The token (256
// bits) is looked up by its hash, as on the guest page. Pages read D1; every change is an event
// (or a booking) sent to the engagement's object, POSTed with a CSRF token and a one-time form
// value, and answered with a redirect, so a reload or a second tab repeats nothing.
//   GET       /s/:token               status, what happens next, the session info
//   GET       /s/:token/status.json   { status, version } for the live poll
//   GET|POST  /s/:token/info          missing details
//   GET|POST  /s/:token/terms         the terms and contract: read, agree and apply
//   GET|POST  /s/:token/book          pick a time (or move the booked one: ?move=1)
//   POST      /s/:token/cancel        cancel the booked session (or, before payment, the inquiry)
//   POST      /s/:token/survey        0–10 and a comment after a session
//   POST      /s/:token/continue      after a trial, or once a package is used up: on to the contract
// And the public inquiry form: GET /sessions (coaches), GET|POST /sessions/:coachId.
import type { Context } from "hono";
import { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { loadAnyRecord } from "../db/reservations.ts";
import { documentVersion, engagementTokenOwner, getCoach, listActiveCoaches, menusOf } from "../db/sessions.ts";
import { sha256Hex } from "../domain/ids.ts";
import { formatJpy } from "../domain/money.ts";
import { normalizePhone, textable } from "../domain/phone.ts";
import { bookingLimits } from "../domain/policy.ts";
import { nameProblem } from "../domain/text.ts";
import { takeAll } from "../db/rate-limits.ts";
import { sessionPolicy, sessionsRemaining, type EngagementRecord, type SessionEvent } from "../domain/reservation/session-machine.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { jstDate } from "../domain/sessions/availability.ts";
import { canChangeSession, canPickTime, engagementStatusLabel, nextStep } from "../domain/sessions/view.ts";
import { formatClock, formatDateTime } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import { requestEngagement } from "../durable/engagement-client.ts";
import { freeSlots } from "../durable/engagement.ts";
import { CSRF_FIELD, csrfToken, csrfValid, formNonce } from "./csrf.ts";
import { pageLanguage, rememberLanguage } from "./language.tsx";
import { RequesterPage, privatePage } from "./requester-layout.tsx";
import { formLimit } from "./support.tsx";

export const client = new Hono<{ Bindings: Env }>();
client.use("*", rememberLanguage);
client.use("*", privatePage);

type AppContext = Context<{ Bindings: Env }>;
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;
const FORM_NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const DAY = 86_400_000;

// ---------------------------------------------------------------- words (ja first, en)

const W = {
  ja: {
    brand: "QRV セッション",
    coach: "コーチ",
    menu: "メニュー",
    price: "料金",
    remaining: (n: number) => `残り ${n} 回`,
    next: "次のステップ",
    session: "セッションのご案内",
    when: "日時",
    url: "参加URL",
    prepare: "ご準備いただくこと",
    prepareText: "話したいテーマ、質問したいこと、目標を簡単にメモしておいてください。",
    policies: "ご注意",
    policiesText: "日程変更・キャンセルは開始前までこのページから行えます。セッションの内容は守秘義務の対象です。",
    connection: "接続テスト",
    connectionText: "前日までに上のURLを開き、カメラとマイクが使えるか確かめてください。",
    notes: "振り返りメモ",
    giveInfo: "情報を送る",
    infoTitle: "ご相談内容をお知らせください",
    name: "お名前",
    topic: "ご相談内容（テーマ・質問・目標）",
    preferred: "ご希望の日時（例: 平日の夜、土曜の午前）",
    readTerms: "規約と契約書を確認する",
    termsTitle: "規約と契約書",
    version: (v: number) => `第${v}版`,
    agreeTerms: "利用規約に同意します",
    agreeContract: "契約書の内容で申し込みます",
    signName: "お名前（署名）",
    apply: "同意して申し込む",
    pay: "お支払いへ進む",
    payPreparing: "お支払いリンクを準備しています…",
    payBy: (when: string) => `お支払い期限: ${when}（期限を過ぎると催促のうえ、お申し込みが取り消しになることがあります）`,
    pickTime: "日時を選ぶ",
    moveTime: "日時を変更する",
    pickTitle: "セッションの日時を選ぶ",
    noSlots: "2週間以内に空いている枠がありません。サポートにご連絡ください。",
    bookThis: "この日時で予約する",
    cancelSession: "このセッションを取り消す",
    cancelInquiry: "お申し込みを取り消す",
    surveyTitle: "アンケート（1分）",
    score: "このセッションをご友人に勧める可能性は？（0〜10）",
    comment: "ご感想（任意）",
    send: "送信する",
    continue: "継続を申し込む",
    done: {
      info: "ありがとうございます。内容を受け付けました。",
      agreed: "お申し込みを受け付けました。お支払いへお進みください。",
      booked: "ご予約が確定しました。ご案内をSMSでお送りしました。",
      moved: "日時を変更しました。",
      cancelled: "取り消しました。",
      survey: "ご回答ありがとうございました。",
      continued: "規約と契約書をお送りしました。",
    } as Record<string, string>,
    refused: "この操作は今はできません: ",
    taken: "その枠は埋まってしまいました。別の日時をお選びください。",
    formExpired: "フォームの有効期限が切れました。もう一度お試しください。",
    missing: "このリンクは無効です。SMSのリンクをご確認ください。",
    back: "戻る",
    inquiryTitle: "1on1セッションのお問い合わせ",
    inquirySent: "お問い合わせを受け付けました。SMSでお客様専用ページのリンクをお送りしました。",
    phone: "携帯電話番号（SMSが届く番号）",
    email: "メールアドレス（任意）",
    trial: "まず無料体験を希望する",
    choose: "選ぶ",
    inquire: "問い合わせる",
    outOfScope: "対象外",
    minutes: (n: number) => `${n}分`,
    sessions: (n: number) => (n > 1 ? `${n}回パック` : "1回"),
  },
  en: {
    brand: "QRV sessions",
    coach: "Coach",
    menu: "Menu",
    price: "Price",
    remaining: (n: number) => `${n} left`,
    next: "What happens next",
    session: "Your session",
    when: "When",
    url: "Meeting link",
    prepare: "Please prepare",
    prepareText: "A short note of your themes, your questions and your goals.",
    policies: "Policies",
    policiesText: "You can move or cancel the session on this page until it starts. What you share is kept confidential.",
    connection: "Connection test",
    connectionText: "Open the link above the day before and check your camera and microphone.",
    notes: "Reflection notes",
    giveInfo: "Send details",
    infoTitle: "Tell us what you would like to talk about",
    name: "Your name",
    topic: "What to talk about (themes, questions, goals)",
    preferred: "Times that suit you (e.g. weekday evenings, Saturday mornings)",
    readTerms: "Read the terms and contract",
    termsTitle: "Terms and contract",
    version: (v: number) => `version ${v}`,
    agreeTerms: "I agree to the terms",
    agreeContract: "I apply under this contract",
    signName: "Your name (signature)",
    apply: "Agree and apply",
    pay: "Go to payment",
    payPreparing: "Preparing your payment link…",
    payBy: (when: string) => `Please pay by ${when}; after that you will get a reminder, and the application may be cancelled.`,
    pickTime: "Pick a time",
    moveTime: "Move the session",
    pickTitle: "Pick a time for your session",
    noSlots: "No free times in the next two weeks. Please contact support.",
    bookThis: "Book this time",
    cancelSession: "Cancel this session",
    cancelInquiry: "Withdraw my application",
    surveyTitle: "One-minute survey",
    score: "How likely are you to recommend this session to a friend? (0–10)",
    comment: "Comments (optional)",
    send: "Send",
    continue: "Continue with the coach",
    done: {
      info: "Thank you, we have your details.",
      agreed: "Application received. Please go on to payment.",
      booked: "Your session is booked. We texted you the details.",
      moved: "Your session has moved.",
      cancelled: "Cancelled.",
      survey: "Thank you for your answer.",
      continued: "We sent you the terms and contract.",
    } as Record<string, string>,
    refused: "Not possible now: ",
    taken: "That time was just taken. Please pick another.",
    formExpired: "This form has expired. Please try again.",
    missing: "This link does not work. Please check the link in your SMS.",
    back: "Back",
    inquiryTitle: "1-on-1 session inquiry",
    inquirySent: "Thank you. We texted you a link to your own page.",
    phone: "Mobile number (for SMS)",
    email: "Email (optional)",
    trial: "I would like a free trial first",
    choose: "Choose",
    inquire: "Send inquiry",
    outOfScope: "Not covered",
    minutes: (n: number) => `${n} min`,
    sessions: (n: number) => (n > 1 ? `${n}-session package` : "single session"),
  },
};

// ---------------------------------------------------------------- lookup

type Found = { r: EngagementRecord; base: string; lang: Lang };

async function find(c: AppContext): Promise<Found | null> {
  const token = c.req.param("token") ?? "";
  if (!TOKEN.test(token)) return null;
  const db = createDb(c.env.DB);
  const id = await engagementTokenOwner(db, await sha256Hex(token));
  const r = id ? await loadAnyRecord(db, id) : null;
  if (!r || r.kind !== "session") return null;
  const last = Math.max(r.startAt, r.updatedAt);
  if (Date.now() > last + sessionPolicy.pageValidAfterLastSessionMs) return null;
  return { r, base: `/s/${token}`, lang: pageLanguage(c, r.requester.language) };
}

function missing(c: AppContext) {
  const lang = pageLanguage(c);
  return c.html(
    <RequesterPage title={`${W[lang].brand}`} lang={lang} path={c.req.path}>
      <div class="card" id="missing">
        <p>{W[lang].missing}</p>
      </div>
    </RequesterPage>,
    404,
  );
}

/** Reads a POSTed form, checks its CSRF token, and returns it with the one-time key. */
async function postedForm(c: AppContext): Promise<{ form: Record<string, string | File | (string | File)[]>; key?: string } | null> {
  const form = await c.req.parseBody({ all: true });
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return null;
  const nonce = typeof form.form === "string" && FORM_NONCE.test(form.form) ? form.form : undefined;
  return { form, ...(nonce ? { key: `client:${nonce}` } : {}) };
}

const str = (v: unknown, max = 2000) => (typeof v === "string" ? v.trim().slice(0, max) : "");

function FormKeys(props: { c: AppContext }) {
  return (
    <>
      <input type="hidden" name={CSRF_FIELD} value={csrfToken(props.c)} />
      <input type="hidden" name="form" value={formNonce()} />
    </>
  );
}

function Summary(props: { r: EngagementRecord; lang: Lang }) {
  const { r, lang } = props;
  const w = W[lang];
  return (
    <dl>
      <dt>{w.coach}</dt>
      <dd>{r.data.coach.name}</dd>
      <dt>{w.menu}</dt>
      <dd>
        {r.data.menu.name}（{w.minutes(r.data.menu.minutes)}・{w.sessions(r.data.menu.sessions)}）
      </dd>
      <dt>{w.price}</dt>
      <dd>{formatJpy(r.data.menu.priceJpy)}</dd>
      {r.data.sessionsBought > 0 ? (
        <>
          <dt />
          <dd id="remaining">{w.remaining(sessionsRemaining(r))}</dd>
        </>
      ) : null}
    </dl>
  );
}

// ---------------------------------------------------------------- the page

client.get("/:token", async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const { r, base, lang } = found;
  const w = W[lang];
  const now = Date.now();
  const done = c.req.query("done");
  const refused = c.req.query("refused");
  const current = r.data.current && !r.data.current.outcome ? r.data.current : undefined;
  const lastHeld = r.data.history.at(-1);
  const surveyOpen = r.status === "followed_up" && lastHeld && (lastHeld.outcome === "held" || lastHeld.outcome === "no_show") && !r.data.surveys.some((s) => s.sessionNo === lastHeld.no);
  const waitingForLink = r.status === "payment_pending" && !r.data.payment?.url;
  const interval = waitingForLink || c.req.query("payment") === "success" ? 3 : 30;
  return c.html(
    <RequesterPage title={`${engagementStatusLabel(r.status, lang)} · ${w.brand}`} lang={lang} path={c.req.path} noscriptRefreshSeconds={Math.max(interval, 10)}>
      <div data-live={`${base}/status.json`} data-version={String(r.version)} data-interval={String(interval)}>
        {done && w.done[done] ? (
          <p class="banner ok" id="done">
            {w.done[done]}
          </p>
        ) : null}
        {refused ? (
          <p class="banner bad" id="refused">
            {w.refused}
            {refused}
          </p>
        ) : null}
        <div class="card">
          <h1>
            <span class={`status ${r.status}`} id="status" data-status={r.status}>
              {engagementStatusLabel(r.status, lang)}
            </span>
          </h1>
          <Summary r={r} lang={lang} />
        </div>
        {nextStep(r, lang) ? (
          <div class="card" id="next">
            <h2>{w.next}</h2>
            <p>{nextStep(r, lang)}</p>
            {r.status === "inquiry" ? (
              <a class="button block" href={`${base}/info`} id="give-info">
                {w.giveInfo}
              </a>
            ) : null}
            {r.status === "contract_sent" ? (
              <a class="button block" href={`${base}/terms`} id="read-terms">
                {w.readTerms}
              </a>
            ) : null}
            {r.status === "payment_pending" ? (
              r.data.payment?.url ? (
                <a class="button block" href={r.data.payment.url} id="pay">
                  {w.pay}（{formatJpy(r.data.payment.amountJpy)}）
                </a>
              ) : (
                <p class="muted" id="pay-preparing">
                  {w.payPreparing}
                </p>
              )
            ) : null}
            {r.status === "payment_pending" && r.data.payment?.deadlineAt ? (
              <p class="muted" id="pay-deadline">
                {w.payBy(formatDateTime(r.data.payment.deadlineAt, lang))}
              </p>
            ) : null}
            {canPickTime(r) ? (
              <a class="button block" href={`${base}/book`} id="pick-time">
                {w.pickTime}
              </a>
            ) : null}
            {r.status === "trial_undecided" || (r.status === "followed_up" && sessionsRemaining(r) === 0) ? (
              <form method="post" action={`${base}/continue`} data-once>
                <FormKeys c={c} />
                <button type="submit" class="block" id="continue">
                  {w.continue}
                </button>
              </form>
            ) : null}
          </div>
        ) : null}
        {current ? (
          <div class="card" id="session-info">
            <h2>{w.session}</h2>
            <dl>
              <dt>{w.when}</dt>
              <dd id="session-when">{formatDateTime(current.start, lang)}</dd>
              <dt>{w.url}</dt>
              <dd>
                <a href={current.meetingUrl} id="meeting-url" rel="noreferrer">
                  {current.meetingUrl}
                </a>
              </dd>
            </dl>
            <h3>{w.prepare}</h3>
            <p>{w.prepareText}</p>
            <h3>{w.policies}</h3>
            <p>{w.policiesText}</p>
            <h3>{w.connection}</h3>
            <p>{w.connectionText}</p>
            {canChangeSession(r, now) ? (
              <div class="stack">
                <a class="button block secondary" href={`${base}/book?move=1`} id="move">
                  {w.moveTime}
                </a>
                <form method="post" action={`${base}/cancel`} data-once>
                  <FormKeys c={c} />
                  <button type="submit" class="block outline" id="cancel">
                    {w.cancelSession}
                  </button>
                </form>
              </div>
            ) : null}
          </div>
        ) : null}
        {lastHeld?.notes && r.status === "followed_up" ? (
          <div class="card" id="reflection">
            <h2>{w.notes}</h2>
            <p>{lastHeld.notes}</p>
          </div>
        ) : null}
        {surveyOpen ? (
          <form class="card" method="post" action={`${base}/survey`} id="survey" data-once>
            <h2>{w.surveyTitle}</h2>
            <fieldset class="field">
              <legend>{w.score}</legend>
              <div class="row">
                {Array.from({ length: 11 }, (_, n) => (
                  <label class="choice">
                    <input type="radio" name="score" value={String(n)} required />
                    <span>{n}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <div class="field">
              <label for="comment">{w.comment}</label>
              <textarea id="comment" name="comment" maxlength={2000}></textarea>
            </div>
            <FormKeys c={c} />
            <button type="submit" class="block" id="survey-send">
              {w.send}
            </button>
          </form>
        ) : null}
        {["inquiry", "contract_sent", "payment_pending", "trial_invited"].includes(r.status) ? (
          <form method="post" action={`${base}/cancel`} data-once>
            <FormKeys c={c} />
            <button type="submit" class="block secondary" id="withdraw">
              {w.cancelInquiry}
            </button>
          </form>
        ) : null}
      </div>
    </RequesterPage>,
  );
});

client.get("/:token/status.json", async (c) => {
  const found = await find(c);
  if (!found) return c.json({ error: "not found" }, 404);
  return c.json({ status: found.r.status, version: found.r.version });
});

/** Sends an event to the engagement's object and redirects to the page with the result. */
async function act(c: AppContext, found: Found, event: SessionEvent, key: string | undefined, done: string) {
  const result = await reservationStub(c.env, found.r.id).dispatch(event, "requester", key);
  const outcome = result.outcome as { type: string; reason?: string } | undefined;
  if (!result.applied && !result.duplicate && outcome?.type === "refused") return c.redirect(`${found.base}?refused=${encodeURIComponent(outcome.reason ?? "")}`, 303);
  return c.redirect(`${found.base}?done=${done}`, 303);
}

function expired(c: AppContext, found: Found) {
  return c.html(
    <RequesterPage title={W[found.lang].brand} lang={found.lang} path={found.base}>
      <div class="card" id="form-expired">
        <p>{W[found.lang].formExpired}</p>
        <a class="button block" href={found.base}>
          {W[found.lang].back}
        </a>
      </div>
    </RequesterPage>,
    403,
  );
}

// ---------------------------------------------------------------- missing details

client.get("/:token/info", async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const { r, base, lang } = found;
  const w = W[lang];
  return c.html(
    <RequesterPage title={`${w.infoTitle} · ${w.brand}`} lang={lang} path={c.req.path}>
      <form class="card" method="post" action={`${base}/info`} data-once>
        <h1>{w.infoTitle}</h1>
        <div class="field">
          <label for="name">{w.name}</label>
          <input type="text" id="name" name="name" value={r.requester.name} maxlength={100} required />
        </div>
        <div class="field">
          <label for="topic">{w.topic}</label>
          <textarea id="topic" name="topic" maxlength={1000} required>
            {r.data.topic ?? ""}
          </textarea>
        </div>
        <div class="field">
          <label for="preferred">{w.preferred}</label>
          <input type="text" id="preferred" name="preferred" value={r.data.preferredTimes.join(", ")} maxlength={200} required />
        </div>
        <FormKeys c={c} />
        <button type="submit" class="block">
          {w.send}
        </button>
      </form>
    </RequesterPage>,
  );
});

client.post("/:token/info", formLimit, async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const posted = await postedForm(c);
  if (!posted) return expired(c, found);
  const f = posted.form;
  const preferred = str(f.preferred, 200);
  const problem = nameProblem(str(f.name, 100));
  if (problem) return c.redirect(`${found.base}?refused=${encodeURIComponent(problem)}`, 303);
  return act(c, found, { type: "provide_info", name: str(f.name, 100), topic: str(f.topic, 1000), preferredTimes: preferred ? [preferred] : [] }, posted.key, "info");
});

// ---------------------------------------------------------------- terms and contract

client.get("/:token/terms", async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const { r, base, lang } = found;
  const w = W[lang];
  if (r.status !== "contract_sent" || !r.data.documents) return c.redirect(base, 303);
  const db = createDb(c.env.DB);
  const [terms, contract] = await Promise.all([documentVersion(db, r.data.coach.id, "terms", r.data.documents.terms), documentVersion(db, r.data.coach.id, "contract", r.data.documents.contract)]);
  return c.html(
    <RequesterPage title={`${w.termsTitle} · ${w.brand}`} lang={lang} path={c.req.path}>
      <div class="card">
        <h1>{w.termsTitle}</h1>
        <Summary r={r} lang={lang} />
      </div>
      {[terms, contract].map((d) =>
        d ? (
          <div class="card" id={`doc-${d.kind}`}>
            <h2>
              {d.title} <span class="muted">{w.version(d.version)}</span>
            </h2>
            <pre>{d.body}</pre>
          </div>
        ) : null,
      )}
      <form class="card" method="post" action={`${base}/terms`} data-once id="agree-form">
        <input type="hidden" name="terms_version" value={String(r.data.documents.terms)} />
        <input type="hidden" name="contract_version" value={String(r.data.documents.contract)} />
        <div class="field">
          <label class="choice">
            <input type="checkbox" name="agree_terms" value="1" id="agree-terms" required />
            <span>{w.agreeTerms}</span>
          </label>
          <label class="choice">
            <input type="checkbox" name="agree_contract" value="1" id="agree-contract" required />
            <span>{w.agreeContract}</span>
          </label>
        </div>
        <div class="field">
          <label for="sign-name">{w.signName}</label>
          <input type="text" id="sign-name" name="name" value={r.requester.name} maxlength={100} required />
        </div>
        <FormKeys c={c} />
        <button type="submit" class="block" id="apply">
          {w.apply}
        </button>
      </form>
    </RequesterPage>,
  );
});

client.post("/:token/terms", formLimit, async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const posted = await postedForm(c);
  if (!posted) return expired(c, found);
  const f = posted.form;
  if (f.agree_terms !== "1" || f.agree_contract !== "1") return c.redirect(`${found.base}/terms`, 303);
  const problem = nameProblem(str(f.name, 100));
  if (problem) return c.redirect(`${found.base}?refused=${encodeURIComponent(problem)}`, 303);
  return act(c, found, { type: "agree", termsVersion: Number(f.terms_version), contractVersion: Number(f.contract_version), by: str(f.name, 100) }, posted.key, "agreed");
});

// ---------------------------------------------------------------- pick a time

client.get("/:token/book", async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const { r, base, lang } = found;
  const w = W[lang];
  const move = c.req.query("move") === "1";
  if (move ? !canChangeSession(r, Date.now()) : !canPickTime(r)) return c.redirect(base, 303);
  const now = Date.now();
  const db = createDb(c.env.DB);
  const ownKey = move && r.data.current ? r.data.current.calendarKey : undefined;
  const slots = await freeSlots(c.env, db, r.data.coach.id, r.data.menu.minutes, now, now + 14 * DAY, now, { limit: 120, ...(ownKey ? { ownKey } : {}) });
  const days = new Map<string, typeof slots>();
  for (const s of slots) days.set(jstDate(s.start), [...(days.get(jstDate(s.start)) ?? []), s]);
  return c.html(
    <RequesterPage title={`${w.pickTitle} · ${w.brand}`} lang={lang} path={c.req.path}>
      {c.req.query("taken") ? (
        <p class="banner bad" id="taken">
          {w.taken}
        </p>
      ) : null}
      <form class="card" method="post" action={`${base}/book`} data-once id="book-form">
        <h1>{w.pickTitle}</h1>
        {move ? <input type="hidden" name="move" value="1" /> : null}
        {slots.length ? null : <p id="no-slots">{w.noSlots}</p>}
        {[...days.entries()].map(([day, list], i) => (
          <details class="day" open={i < 2}>
            <summary>
              {formatDateTime(list[0]!.start, lang).replace(/\s*\d{1,2}:\d{2}.*$/, "")} <span class="muted">{list.length}</span>
            </summary>
            <fieldset class="field slots">
              {list.map((s) => (
                <label class="choice" data-day={day}>
                  <input type="radio" name="start" value={String(s.start)} required />
                  <span>{formatClock(s.start)}</span>
                </label>
              ))}
            </fieldset>
          </details>
        ))}
        <FormKeys c={c} />
        {slots.length ? (
          <button type="submit" class="block" id="book">
            {w.bookThis}
          </button>
        ) : null}
      </form>
    </RequesterPage>,
  );
});

client.post("/:token/book", formLimit, async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const posted = await postedForm(c);
  if (!posted) return expired(c, found);
  const start = Number(posted.form.start);
  const move = posted.form.move === "1";
  if (!Number.isSafeInteger(start)) return c.redirect(`${found.base}/book${move ? "?move=1" : ""}`, 303);
  const result = await reservationStub(c.env, found.r.id).bookSession({ start, by: "requester", agreedBy: found.r.requester.name, ...(move ? { reschedule: true } : {}) });
  if (result.ok) return c.redirect(`${found.base}?done=${move ? "moved" : "booked"}`, 303);
  if (result.reason === "slot_taken" || result.reason === "too_soon" || result.reason === "outside_hours") return c.redirect(`${found.base}/book?taken=1${move ? "&move=1" : ""}`, 303);
  // Already booked by this same form (a double tap): the page shows the booking.
  const fresh = await loadAnyRecord(createDb(c.env.DB), found.r.id);
  if (fresh?.kind === "session" && fresh.data.current?.start === start) return c.redirect(`${found.base}?done=${move ? "moved" : "booked"}`, 303);
  return c.redirect(`${found.base}?refused=${encodeURIComponent(result.message)}`, 303);
});

// ---------------------------------------------------------------- cancel, survey, continue

client.post("/:token/cancel", formLimit, async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const posted = await postedForm(c);
  if (!posted) return expired(c, found);
  const result = await reservationStub(c.env, found.r.id).cancelSession("requester");
  const outcome = result.outcome;
  if (!result.applied && outcome?.type === "refused") return c.redirect(`${found.base}?refused=${encodeURIComponent(outcome.reason)}`, 303);
  return c.redirect(`${found.base}?done=cancelled`, 303);
});

client.post("/:token/survey", formLimit, async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const posted = await postedForm(c);
  if (!posted) return expired(c, found);
  const comment = str(posted.form.comment);
  return act(c, found, { type: "survey", score: Number(posted.form.score), ...(comment ? { comment } : {}) }, posted.key, "survey");
});

client.post("/:token/continue", formLimit, async (c) => {
  const found = await find(c);
  if (!found) return missing(c);
  const posted = await postedForm(c);
  if (!posted) return expired(c, found);
  const event: SessionEvent = found.r.status === "trial_undecided" ? { type: "convert", by: found.r.requester.name } : { type: "renew", by: found.r.requester.name };
  return act(c, found, event, posted.key, "continued");
});

// ---------------------------------------------------------------- public inquiry form

export const sessionsPublic = new Hono<{ Bindings: Env }>();
sessionsPublic.use("*", rememberLanguage);

sessionsPublic.get("/", async (c) => {
  const lang = pageLanguage(c);
  const w = W[lang];
  const list = await listActiveCoaches(createDb(c.env.DB));
  return c.html(
    <RequesterPage title={`${w.inquiryTitle} · QRV`} lang={lang} path={c.req.path}>
      <h1>{w.inquiryTitle}</h1>
      {list.map(({ coach, menus }) => (
        <div class="card" id={`coach-${coach.id}`}>
          <h2>{coach.name}</h2>
          <p class="muted">{coach.bio}</p>
          <ul class="steps">
            {menus.map((m) => (
              <li>
                {m.name}（{w.minutes(m.minutes)}・{formatJpy(m.priceJpy)}）
              </li>
            ))}
          </ul>
          <a class="button block" href={`/sessions/${encodeURIComponent(coach.id)}`}>
            {w.choose}
          </a>
        </div>
      ))}
    </RequesterPage>,
  );
});

async function inquiryForm(c: AppContext, error?: string) {
  const lang = pageLanguage(c);
  const w = W[lang];
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("coachId") ?? "");
  if (!coach || !coach.active) return c.notFound();
  const menus = (await menusOf(db, coach.id)).filter((m) => m.active);
  return c.html(
    <RequesterPage title={`${coach.name} · ${w.inquiryTitle}`} lang={lang} path={c.req.path}>
      <form class="card" method="post" action={`/sessions/${encodeURIComponent(coach.id)}`} data-once id="inquiry-form">
        <h1>{coach.name}</h1>
        {error ? (
          <p class="banner bad" id="inquiry-error">
            {error}
          </p>
        ) : null}
        <fieldset class="field">
          <legend>{w.menu}</legend>
          {menus.map((m, i) => (
            <label class="choice">
              <input type="radio" name="menu" value={m.id} checked={i === 0} required />
              <span>
                {m.name}（{w.minutes(m.minutes)}・{w.sessions(m.sessions)}・{formatJpy(m.priceJpy)}）
                {m.outOfScope ? (
                  <small>
                    {w.outOfScope}: {m.outOfScope}
                  </small>
                ) : null}
              </span>
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="name">{w.name}</label>
          <input type="text" id="name" name="name" maxlength={100} required />
        </div>
        <div class="field">
          <label for="phone">{w.phone}</label>
          <input type="tel" id="phone" name="phone" maxlength={40} autocomplete="tel" required />
        </div>
        <div class="field">
          <label for="email">{w.email}</label>
          <input type="email" id="email" name="email" maxlength={254} />
        </div>
        <div class="field">
          <label for="topic">{w.topic}</label>
          <textarea id="topic" name="topic" maxlength={1000}></textarea>
        </div>
        <div class="field">
          <label for="preferred">{w.preferred}</label>
          <input type="text" id="preferred" name="preferred" maxlength={200} />
        </div>
        {coach.trialOffered ? (
          <div class="field">
            <label class="choice">
              <input type="checkbox" name="trial" value="1" />
              <span>{w.trial}</span>
            </label>
          </div>
        ) : null}
        <div class="hp" aria-hidden="true">
          <input type="text" name="website" tabindex={-1} autocomplete="off" />
        </div>
        <input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />
        <button type="submit" class="block" id="inquire">
          {w.inquire}
        </button>
      </form>
    </RequesterPage>,
    error ? 400 : 200,
  );
}

sessionsPublic.get("/:coachId", (c) => inquiryForm(c));

sessionsPublic.post("/:coachId", formLimit, async (c) => {
  const lang = pageLanguage(c);
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return inquiryForm(c, W[lang].formExpired);
  const done = () =>
    c.html(
      <RequesterPage title={`${W[lang].inquiryTitle} · QRV`} lang={lang} path={c.req.path}>
        <div class="card" id="inquiry-sent">
          <p>{W[lang].inquirySent}</p>
        </div>
      </RequesterPage>,
    );
  // A robot filling the hidden field gets the same answer and nothing happens.
  if (str(form.website)) return done();
  const parsed = normalizePhone(str(form.phone, 40));
  if (!parsed.ok) return inquiryForm(c, `${W[lang].phone}: ${parsed.reason}`);
  if (!textable(parsed.e164, config(c.env).smsPrefixes)) return inquiryForm(c, `${W[lang].phone}: ${lang === "ja" ? "SMSを受け取れる携帯電話番号を入力してください" : "a mobile number that can receive SMS is needed"}`);
  const name = str(form.name, 100);
  if (!name) return inquiryForm(c, `${W[lang].name}: ${lang === "ja" ? "必須です" : "required"}`);
  const bad = nameProblem(name);
  if (bad) return inquiryForm(c, `${W[lang].name}: ${bad}`);
  // The same counters as bookings: per sender address and per number texted; over a limit, nothing is sent.
  if (config(c.env).bookingRateLimits) {
    const limited = await takeAll(createDb(c.env.DB), bookingLimits({ caller: `form:${c.req.header("CF-Connecting-IP") ?? "unknown"}`, phone: parsed.e164, shopIds: [] }));
    if (!limited.ok) return inquiryForm(c, lang === "ja" ? "お問い合わせが多すぎます。しばらくしてからお試しください。" : "Too many inquiries. Please try again later.");
  }
  const email = str(form.email, 254);
  const topic = str(form.topic, 1000);
  const preferred = str(form.preferred, 200);
  const result = await requestEngagement(c.env, createDb(c.env.DB), {
    coachId: c.req.param("coachId"),
    menuId: str(form.menu, 100),
    name,
    phone: parsed.e164,
    ...(email && /^[^@\s]+@[^@\s]+$/.test(email) ? { email } : {}),
    ...(topic ? { topic } : {}),
    preferredTimes: preferred ? [preferred] : [],
    trial: form.trial === "1",
    language: lang,
  });
  if (!result.ok) return inquiryForm(c, result.error);
  return done();
});
