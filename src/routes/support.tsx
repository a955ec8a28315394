// The support form (seed 000 §3.1.2, §7.1): contact details and hours, and a form that records
// an inquiry classified as a question, a bug or a request (seed 003) for operators. It is
// served at /support and, already tied to the reservation, at /r/:token/support.
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { inquiriesFrom, recordInquiry } from "../db/inquiries.ts";
import { sha256Hex } from "../domain/ids.ts";
import { INQUIRY_CATEGORIES, INQUIRY_LIMITS, INQUIRY_RATE, validateInquiry, type InquiryCategory, type InquiryError, type InquiryField } from "../domain/inquiries.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { copy, type Support } from "./copy.ts";
import { CSRF_FIELD, csrfToken, csrfValid } from "./csrf.ts";
import { RequesterPage, SupportContact } from "./requester-layout.tsx";

const TEXT = {
  ja: {
    title: "お問い合わせ",
    intro: "ご予約やお支払い、このサービスについてのご質問・不具合・ご要望をお寄せください。お急ぎの場合はお電話ください。",
    faqFirst: "よくある質問で解決することもあります。",
    response: "メールでのお問い合わせには、営業時間内2時間以内の返信を目安にしています。",
    formTitle: "フォームで問い合わせる",
    category: "お問い合わせの種類",
    categories: {
      question: ["質問", "使い方や予約の流れ、お支払いについて知りたい"],
      bug: ["不具合", "ページ・SMS・お支払いが正しく動かない"],
      request: ["要望", "「こうしてほしい」という改善のご提案"],
    } satisfies Record<InquiryCategory, [string, string]>,
    name: "お名前",
    contact: "ご連絡先（メールアドレスまたは電話番号）",
    contactHint: "担当者からの返信に使います。",
    reservationId: "予約ID（お持ちの場合）",
    reservationIdHint: "例: QRV-AB23CD（SMSに記載されています）",
    linked: (id: string) => `予約 ${id} についてのお問い合わせとして送信します。`,
    message: "内容",
    messageHint: "不具合の場合は、何をしたときに、どのような表示になったかをお書きください（機種やブラウザの情報は自動で添えられます）。",
    send: "送信する",
    thanksTitle: "お問い合わせを受け付けました",
    thanks: "内容を確認し、担当者からご連絡します。ご要望は記録し、実現した際にお知らせします。",
    back: "予約ページに戻る",
    fix: "入力内容をご確認ください。",
    tooMany: "短い時間に多くのお問い合わせをいただいたため、いったん受付を止めています。しばらくしてからもう一度お送りいただくか、お電話・メールでご連絡ください。",
    errors: {
      category: { required: "種類を選んでください。", invalid: "種類を選んでください。", too_long: "" },
      name: { required: "お名前を入力してください。", too_long: `${INQUIRY_LIMITS.name}文字以内で入力してください。`, invalid: "見えない書式文字（右から左への切り替えなど）は使えません。" },
      contact: { required: "ご連絡先を入力してください。", too_long: `${INQUIRY_LIMITS.contact}文字以内で入力してください。`, invalid: "メールアドレスか電話番号（例: 090-1234-5678）を入力してください。" },
      reservation_id: { required: "", too_long: "", invalid: "予約IDは「QRV-」と6文字の英数字です（例: QRV-AB23CD）。" },
      message: { required: "内容を入力してください。", too_long: `${INQUIRY_LIMITS.message}文字以内で入力してください。`, invalid: "" },
    } satisfies Record<InquiryField, Record<InquiryError, string>>,
  },
  en: {
    title: "Contact support",
    intro: "Send us your questions, problems or suggestions about your booking, payment or this service. If it is urgent, please call.",
    faqFirst: "The FAQ may already have the answer.",
    response: "We aim to answer emails within 2 business hours.",
    formTitle: "Write to us",
    category: "What is it about?",
    categories: {
      question: ["Question", "How booking, SMS or payment works"],
      bug: ["Something is not working", "A page, an SMS or a payment did not work as it should"],
      request: ["Suggestion", "Something you would like us to change or add"],
    },
    name: "Your name",
    contact: "How to reach you (email or phone number)",
    contactHint: "We use it only to answer you.",
    reservationId: "Reservation ID (if you have one)",
    reservationIdHint: "e.g. QRV-AB23CD (it is in our SMS)",
    linked: (id: string) => `This message will be about reservation ${id}.`,
    message: "Your message",
    messageHint: "For a problem, please say what you did and what you saw (your device and browser are added automatically).",
    send: "Send",
    thanksTitle: "Thank you, we received your message",
    thanks: "Our staff will read it and get back to you. Suggestions are recorded and we will tell you when one ships.",
    back: "Back to the reservation",
    fix: "Please check the form.",
    tooMany: "We received many messages from you in a short time, so the form is paused for now. Please try again later, or call or email us.",
    errors: {
      category: { required: "Please choose one.", invalid: "Please choose one.", too_long: "" },
      name: { required: "Please enter your name.", too_long: `At most ${INQUIRY_LIMITS.name} characters.`, invalid: "Invisible formatting characters (such as right-to-left overrides) cannot be used." },
      contact: { required: "Please enter an email address or phone number.", too_long: `At most ${INQUIRY_LIMITS.contact} characters.`, invalid: "Please enter an email address or a phone number (e.g. 090-1234-5678)." },
      reservation_id: { required: "", too_long: "", invalid: "A reservation ID is QRV- and 6 letters or digits (e.g. QRV-AB23CD)." },
      message: { required: "Please write your message.", too_long: `At most ${INQUIRY_LIMITS.message} characters.`, invalid: "" },
    },
  },
} satisfies Record<Lang, unknown>;

/** Forms on requester pages are small; anything bigger is refused before it is parsed. */
export const formLimit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text("送信内容が大きすぎます / The form is too large.", 413) });

export interface SupportContext {
  lang: Lang;
  /** The form's own path (it posts to itself, and the language switch stays on it). */
  path: string;
  support: Support;
  /** Set on /r/:token/support: the guest link proved which reservation this is about. */
  reservation?: { id: string; pageHref: string };
}

type Values = Partial<Record<InquiryField, string>>;

function SupportPage(props: SupportContext & { csrf: string; values?: Values; errors?: Partial<Record<InquiryField, InquiryError>>; expired?: boolean; limited?: boolean; sent?: boolean }) {
  const x = TEXT[props.lang];
  const t = copy(props.lang);
  const values = props.values ?? {};
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const err = (f: InquiryField) => (errors[f] ? <p class="error">{x.errors[f][errors[f]!]}</p> : null);
  const cls = (f: InquiryField) => (errors[f] ? "field invalid" : "field");
  return (
    <RequesterPage title={`${x.title} · QRV`} lang={props.lang} path={props.path} supportHref={props.path}>
      {props.sent ? (
        <div class="card" id="inquiry-sent">
          <h1>{x.thanksTitle}</h1>
          <p>{x.thanks}</p>
          {props.reservation ? (
            <a class="button block" href={props.reservation.pageHref}>
              {x.back}
            </a>
          ) : null}
        </div>
      ) : null}
      {props.expired ? <p class="banner warn">{t.formExpired.body}</p> : null}
      {props.limited ? (
        <p class="banner warn" id="inquiry-limited">
          {x.tooMany}
        </p>
      ) : null}
      {hasErrors ? <p class="banner bad">{x.fix}</p> : null}
      <div class="card">
        <h1>{x.title}</h1>
        <p>{x.intro}</p>
        <p>
          <a href="/faq">{x.faqFirst}</a>
        </p>
        <SupportContact lang={props.lang} support={props.support} formHref="#inquiry" />
        <p class="muted">{x.response}</p>
      </div>
      {props.sent ? null : (
        <form class="card" method="post" action={props.path} id="inquiry" data-once novalidate>
          <h2>{x.formTitle}</h2>
          <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
          {props.reservation ? <p class="muted">{x.linked(props.reservation.id)}</p> : null}
          <fieldset class={cls("category")}>
            <legend>{x.category}</legend>
            {INQUIRY_CATEGORIES.map((c) => (
              <label class="choice">
                <input type="radio" name="category" value={c} checked={values.category === c} required />
                <span>
                  {x.categories[c][0]}
                  <small>{x.categories[c][1]}</small>
                </span>
              </label>
            ))}
            {err("category")}
          </fieldset>
          <div class={cls("name")}>
            <label for="f-name">{x.name}</label>
            <input type="text" id="f-name" name="name" value={values.name ?? ""} maxlength={INQUIRY_LIMITS.name} autocomplete="name" required />
            {err("name")}
          </div>
          <div class={cls("contact")}>
            <label for="f-contact">{x.contact}</label>
            <input type="text" id="f-contact" name="contact" value={values.contact ?? ""} maxlength={INQUIRY_LIMITS.contact} autocomplete="email" required />
            <p class="hint">{x.contactHint}</p>
            {err("contact")}
          </div>
          {props.reservation ? null : (
            <div class={cls("reservation_id")}>
              <label for="f-rid">{x.reservationId}</label>
              <input type="text" id="f-rid" name="reservation_id" value={values.reservation_id ?? ""} maxlength={12} autocapitalize="characters" autocomplete="off" />
              <p class="hint">{x.reservationIdHint}</p>
              {err("reservation_id")}
            </div>
          )}
          <div class={cls("message")}>
            <label for="f-message">{x.message}</label>
            <textarea id="f-message" name="message" maxlength={INQUIRY_LIMITS.message} required>
              {values.message ?? ""}
            </textarea>
            <p class="hint">{x.messageHint}</p>
            {err("message")}
          </div>
          <div class="hp" aria-hidden="true">
            <label>
              Website <input type="text" name="website" tabindex={-1} autocomplete="off" />
            </label>
          </div>
          <button type="submit" class="block" id="inquiry-send">
            {x.send}
          </button>
        </form>
      )}
    </RequesterPage>
  );
}

export function renderSupport(c: Context, s: SupportContext) {
  return c.html(<SupportPage {...s} csrf={csrfToken(c)} sent={c.req.query("sent") === "1"} />);
}

/** Records the inquiry (POST, then redirect to the thank-you view) or shows the form again with what to fix. */
/**
 * Who is posting, for the rate limit only: the address Cloudflare saw, hashed with a server
 * secret so the stored value cannot be turned back into an address.
 */
async function clientKey(c: Context<{ Bindings: Env }>): Promise<string> {
  return (await sha256Hex(`${c.env.SESSION_SECRET ?? ""}\u0000inquiry\u0000${c.req.header("CF-Connecting-IP") ?? "unknown"}`)).slice(0, 32);
}

export async function submitSupport(c: Context<{ Bindings: Env }>, s: SupportContext) {
  const form = await c.req.parseBody();
  const values: Values = {};
  for (const f of ["category", "name", "contact", "reservation_id", "message"] as const) {
    const v = form[f];
    if (typeof v === "string") values[f] = v.slice(0, 5000);
  }
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) {
    return c.html(<SupportPage {...s} csrf={csrfToken(c)} values={values} expired />, 403);
  }
  // A filled-in hidden field means a robot: look successful, keep nothing.
  if (typeof form.website === "string" && form.website.trim() !== "") return c.redirect(`${s.path}?sent=1`, 303);
  const checked = validateInquiry(s.reservation ? { ...values, reservation_id: "" } : values);
  if (!checked.ok) return c.html(<SupportPage {...s} csrf={csrfToken(c)} values={values} errors={checked.errors} />, 400);
  const db = createDb(c.env.DB);
  const sender = await clientKey(c);
  if ((await inquiriesFrom(db, sender, Date.now() - INQUIRY_RATE.windowMs)) >= INQUIRY_RATE.max) {
    console.warn(JSON.stringify({ msg: "inquiry refused: too many from one sender" }));
    return c.html(<SupportPage {...s} csrf={csrfToken(c)} values={values} limited />, 429);
  }
  const userAgent = c.req.header("User-Agent");
  const id = await recordInquiry(db, {
    ...checked.value,
    language: s.lang,
    source: s.reservation ? "guest_page" : "support_page",
    ...(s.reservation ? { verifiedReservationId: s.reservation.id } : {}),
    ...(userAgent ? { userAgent } : {}),
    clientKey: sender,
  });
  console.log(JSON.stringify({ msg: "inquiry recorded", inquiry: id, category: checked.value.category, reservation: s.reservation?.id ?? checked.value.reservationId ?? null }));
  return c.redirect(`${s.path}?sent=1`, 303);
}
