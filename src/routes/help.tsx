// /faq and /support for requesters (seed 000 §3.1.2): how booking works, SMS and payment,
// the cancellation policy, and how to reach customer support. Questions that come in through
// the support form are the source for new entries here (seed 003).
import { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { listFaqEntries, type FaqEntryRow } from "../db/knowledge.ts";
import { FAQ_SECTIONS, FAQ_SECTION_LABELS, type FaqSection } from "../domain/inquiries.ts";
import { formatJpy } from "../domain/money.ts";
import { policy } from "../domain/policy.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { copy } from "./copy.ts";
import { pageLanguage, rememberLanguage } from "./language.tsx";
import { RequesterPage, SupportContact, privatePage } from "./requester-layout.tsx";
import { formLimit, renderSupport, submitSupport } from "./support.tsx";

export const help = new Hono<{ Bindings: Env }>();

help.use("/faq", rememberLanguage);
help.use("/support", rememberLanguage);
help.use("/support", privatePage);

const minutes = policy.paymentWindowMs / 60_000;
const hours = policy.cancelDeadlineMs / 3_600_000;

interface Qa {
  q: string;
  a: string[];
}

interface Section {
  /** Where promoted entries of the same kind join this section (src/db/knowledge.ts). */
  key: FaqSection;
  title: string;
  /** The booking flow reads best as numbered steps. */
  steps?: string[];
  items: Qa[];
}

function faq(lang: Lang): Section[] {
  if (lang === "en") {
    return [
      {
        key: "booking",
        title: FAQ_SECTION_LABELS.booking.en,
        steps: [
          "Ask your AI assistant (Claude, ChatGPT, ...) for a booking: what, where, when and for how many people.",
          "We text you that the request was received, with a link to your reservation page.",
          "An automated voice agent phones partner shops one by one (at most two rounds through the list).",
          `When a shop accepts, we text you a payment link. Pay within ${minutes} minutes and the booking is confirmed.`,
          "We text you a reminder at 18:00 the evening before (two hours before for a booking made later).",
        ],
        items: [
          { q: "How long does it take?", a: ["Usually a few minutes. Your reservation page shows each call as it happens and updates by itself."] },
          { q: "What if no shop can take me?", a: ["We text you and you are not charged. Please ask again for another date or time, or contact support."] },
          { q: "What if the shop gives an unclear answer or asks for a change?", a: ["Our staff call the shop (or you) to settle it, usually within an hour during support hours (weekdays 9:00–18:00 Japan time), and text you the result."] },
        ],
      },
      {
        key: "sms",
        title: FAQ_SECTION_LABELS.sms.en,
        items: [
          { q: "Which messages will I get?", a: ["Request received, the payment link, the confirmation, a reminder the evening before, and a message if anything changes (cancellation, refund, no shop available)."] },
          { q: "I did not receive an SMS.", a: ["Check that the number you gave is a mobile number that accepts SMS, and your spam filter. If you gave an email address, we send the same content by email when an SMS cannot be delivered. You can also contact support."] },
          { q: "Can I share the link in the SMS?", a: ["Please do not: anyone with the link can see and cancel the reservation. It is yours alone."] },
        ],
      },
      {
        key: "payment",
        title: FAQ_SECTION_LABELS.payment.en,
        items: [
          { q: "How do I pay?", a: [`By card on Stripe's secure checkout page, from the link in the SMS or the "Pay" button on your reservation page. The amount is the shop's price, in yen (e.g. ${formatJpy(5500)}).`] },
          { q: `Why only ${minutes} minutes?`, a: ["The shop holds the slot for you while you pay. After the deadline the hold is released and nothing is charged; please book again."] },
          { q: "I paid after the deadline.", a: ["The payment is refunded in full automatically and we text you. The booking was not made."] },
        ],
      },
      {
        key: "cancellation",
        title: FAQ_SECTION_LABELS.cancellation.en,
        items: [
          { q: "How do I cancel?", a: ["Open the link in your SMS and press \"Cancel this booking\". The page tells you what cancelling would do before you confirm."] },
          {
            q: "Is there a fee?",
            a: [
              "Before payment: free.",
              `After payment, until ${hours} hours before the start: cancelled with a full refund (your card issuer may take a few days to show it).`,
              `Less than ${hours} hours before the start the page cannot cancel: please contact customer support. If something serious happened (illness, an accident), our staff will talk to the shop for you.`,
            ],
          },
        ],
      },
    ];
  }
  return [
    {
      key: "booking",
      title: FAQ_SECTION_LABELS.booking.ja,
      steps: [
        "AIアシスタント（Claude、ChatGPTなど）に、サービス・場所・日時・人数を伝えて予約を依頼します。",
        "受付のSMSが届きます。SMSのリンクから予約ページを開けます。",
        "自動音声が提携店に順番にお電話します（リストを最大2周）。",
        `予約が取れたら、SMSで決済リンクが届きます。${minutes}分以内にお支払いいただくと予約が確定します。`,
        "前日の18:00（それ以降のご予約は2時間前）にリマインダーのSMSが届きます。",
      ],
      items: [
        { q: "どのくらい時間がかかりますか？", a: ["通常は数分です。予約ページでは電話の状況が順に表示され、自動で更新されます。"] },
        { q: "予約が取れなかった場合は？", a: ["SMSでお知らせします。料金はかかりません。別の日時で改めてご依頼いただくか、カスタマーサポートまでご連絡ください。"] },
        { q: "店舗の回答がはっきりしない、変更を希望された場合は？", a: ["担当者が店舗（または依頼者の方）にお電話して確認します（受付時間内なら1時間以内が目安。受付時間は平日 9:00〜18:00）。結果はSMSでお知らせします。"] },
      ],
    },
    {
      key: "sms",
      title: FAQ_SECTION_LABELS.sms.ja,
      items: [
        { q: "どんなSMSが届きますか？", a: ["受付のお知らせ、決済リンク、予約確定、前日のリマインダー、そしてキャンセル・返金・予約できなかった場合のお知らせです。"] },
        { q: "SMSが届きません。", a: ["SMSを受信できる携帯電話の番号か、迷惑メッセージの設定をご確認ください。メールアドレスをお伝えいただいている場合、SMSが届かないときは同じ内容をメールでお送りします。カスタマーサポートにもお問い合わせいただけます。"] },
        { q: "SMSのリンクを人に教えてもよいですか？", a: ["お控えください。リンクを知っている人は予約の確認やキャンセルができます。あなた専用のリンクです。"] },
      ],
    },
    {
      key: "payment",
      title: FAQ_SECTION_LABELS.payment.ja,
      items: [
        { q: "支払い方法は？", a: [`クレジットカードで、Stripeの安全な決済ページからお支払いいただきます。SMSのリンクか、予約ページの「支払う」ボタンからお進みください。金額は店舗の料金です（例: ${formatJpy(5500)}）。`] },
        { q: `なぜ${minutes}分以内なのですか？`, a: ["お支払いの間、店舗が枠を仮押さえしているためです。期限を過ぎると仮押さえは解除され、料金はかかりません。お手数ですが再度ご予約ください。"] },
        { q: "期限を過ぎてから支払ってしまいました。", a: ["自動で全額返金し、SMSでお知らせします。予約は成立していません。"] },
      ],
    },
    {
      key: "cancellation",
      title: FAQ_SECTION_LABELS.cancellation.ja,
      items: [
        { q: "キャンセルの方法は？", a: ["SMSのリンクから予約ページを開き、「予約をキャンセルする」を押してください。確定の前に、キャンセルするとどうなるかが表示されます。"] },
        {
          q: "キャンセル料はかかりますか？",
          a: [
            "お支払い前: 無料でキャンセルできます。",
            `お支払い後、予約日時の${hours}時間前まで: キャンセルでき、全額返金します（カード会社により反映まで数日かかることがあります）。`,
            `予約日時の${hours}時間前を過ぎると、ページからはキャンセルできません。カスタマーサポートまでご連絡ください。病気や事故などの事情がある場合は、担当者が店舗と相談します。`,
          ],
        },
      ],
    },
  ];
}

/** The built-in sections with the entries operators promoted from inquiries added to theirs (seed 003). */
function withEntries(sections: Section[], entries: FaqEntryRow[], lang: Lang): Section[] {
  const out = sections.map((s) => ({ ...s, items: [...s.items] }));
  for (const e of entries) {
    const key = (FAQ_SECTIONS as readonly string[]).includes(e.section) ? (e.section as FaqSection) : "other";
    let section = out.find((s) => s.key === key);
    if (!section) out.push((section = { key, title: FAQ_SECTION_LABELS[key][lang], items: [] }));
    section.items.push(lang === "en" ? { q: e.questionEn, a: e.answerEn.split(/\n+/) } : { q: e.questionJa, a: e.answerJa.split(/\n+/) });
  }
  return out;
}

help.get("/faq", async (c) => {
  const lang = pageLanguage(c);
  const sections = withEntries(faq(lang), await listFaqEntries(createDb(c.env.DB)), lang);
  const cfg = config(c.env);
  const support = { phone: cfg.supportPhone, email: cfg.supportEmail };
  const t = copy(lang);
  return c.html(
    <RequesterPage title={`${t.faq} · QRV`} lang={lang} path="/faq" indexable>
      <h1>{t.faq}</h1>
      {sections.map((section) => (
        <section class="card">
          <h2>{section.title}</h2>
          {section.steps ? (
            <ol class="flow">
              {section.steps.map((s) => (
                <li>{s}</li>
              ))}
            </ol>
          ) : null}
          {section.items.map((item) => (
            <details class="qa">
              <summary>{item.q}</summary>
              {item.a.map((p) => (
                <p>{p}</p>
              ))}
            </details>
          ))}
        </section>
      ))}
      <section class="card">
        <h2>{t.support}</h2>
        <p>{lang === "ja" ? "お問い合わせフォームはいつでもご利用いただけます。" : "The contact form is open at any time."}</p>
        <SupportContact lang={lang} support={support} formHref="/support" />
      </section>
    </RequesterPage>,
  );
});

function supportContext(c: { env: Env }, lang: Lang) {
  const cfg = config(c.env);
  return { lang, path: "/support", support: { phone: cfg.supportPhone, email: cfg.supportEmail } };
}

help.get("/support", (c) => renderSupport(c, supportContext(c, pageLanguage(c))));
help.post("/support", formLimit, (c) => submitSupport(c, supportContext(c, pageLanguage(c))));
