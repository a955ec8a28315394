// Guides for requesters (seed 000 §3.1.2): quick start, sample conversations per service,
// how to cancel. Japanese and English: requesters may be visitors to Japan.
import type { Doc } from "../documents/model.ts";
import { LATE_CANCELLATION } from "../domain/messages.ts";
import { policy } from "../domain/policy.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { FLOW_IN_TWO_SENTENCES } from "./flow.ts";
import type { Guide, GuideContext } from "./types.ts";

const minutes = policy.paymentWindowMs / 60_000;
const hours = policy.cancelDeadlineMs / 3_600_000;
const rounds = policy.maxCallRounds;

const quickStart: Guide = {
  slug: "quick-start",
  audience: "requesters",
  minutes: 5,
  langs: ["ja", "en"],
  title: { ja: "クイックスタートガイド", en: "Quick start" },
  doc(lang: Lang, ctx: GuideContext): Doc {
    if (lang === "en")
      return {
        title: "Quick start",
        subtitle: "For requesters · 5 minutes",
        lang,
        blocks: [
          { note: FLOW_IN_TWO_SENTENCES.en },
          { h2: "What you need" },
          { ul: ["An AI assistant that can use QRV (Claude, ChatGPT or another MCP client).", "A mobile phone that receives SMS (a Japanese 070/080/090 number).", "A credit card."] },
          { h2: "Booking, step by step" },
          {
            ol: [
              "Tell your assistant what you want: the service, the area, the date and time, and how many people. For example: \"Book a haircut in Shibuya tomorrow at 3pm.\"",
              "The first time, the assistant opens a sign-in page: type your mobile number and the six-digit code we text you.",
              "We text you that the request was received, with a link to your own reservation page.",
              `An automated voice agent phones partner shops one by one (at most ${rounds} rounds through the list). Your page shows each call.`,
              `When a shop accepts, we text you a payment link. Pay by card within ${minutes} minutes: the booking is confirmed and we text and email you.`,
              "The evening before (18:00), or two hours before for a late booking, we text you a reminder.",
            ],
          },
          { h2: "The SMS you will get" },
          {
            table: {
              head: ["When", "What it says"],
              rows: [
                ["Request received", "A link to your reservation page"],
                ["A shop accepted", `The payment link (${minutes} minutes)`],
                ["Paid", "Confirmed, with the shop"],
                ["The evening before", "A reminder"],
                ["No shop could take you", "Nothing is charged; try another time or contact support"],
              ],
            },
          },
          { h2: "Paying" },
          { p: `The link opens Stripe's secure checkout. Pay within ${minutes} minutes; after that the shop's hold is released and nothing is charged. A payment that arrives too late is refunded in full automatically.` },
          { h2: "Help" },
          { p: `FAQ: ${ctx.publicUrl}/faq · Support (weekdays 9:00-18:00 JST): ${ctx.supportPhone} / ${ctx.supportEmail}` },
        ],
      };
    return {
      title: "クイックスタートガイド",
      subtitle: "依頼者向け・所要5分",
      lang,
      blocks: [
        { note: FLOW_IN_TWO_SENTENCES.ja },
        { h2: "必要なもの" },
        { ul: ["QRVを使えるAIアシスタント（Claude、ChatGPTなどのMCPクライアント）", "SMSを受信できる携帯電話（070/080/090の番号）", "クレジットカード"] },
        { h2: "予約の流れ" },
        {
          ol: [
            "AIアシスタントに、サービス・場所・日時・人数を伝えます。例:「明日の15時に渋谷でカットを予約して」",
            "初回は、AIアシスタントがサインインのページを開きます。携帯電話番号と、SMSで届く6桁のコードを入力してください。",
            "受付のSMSが届きます。SMSのリンクから、あなた専用の予約ページを開けます。",
            `自動音声が提携店に順番にお電話します（リストを最大${rounds}周）。電話の状況は予約ページに表示されます。`,
            `予約が取れたら、SMSで決済リンクが届きます。${minutes}分以内にカードでお支払いいただくと予約が確定し、SMSとメールでお知らせします。`,
            "前日の18:00（それ以降のご予約は2時間前）にリマインダーのSMSが届きます。",
          ],
        },
        { h2: "届くSMS" },
        {
          table: {
            head: ["タイミング", "内容"],
            rows: [
              ["受付時", "予約ページのリンク"],
              ["店舗がOKしたとき", `決済リンク（${minutes}分以内）`],
              ["お支払い後", "予約確定・店舗のご案内"],
              ["前日", "リマインダー"],
              ["予約が取れなかったとき", "料金はかかりません。別の日時で再度ご依頼いただくか、サポートへ"],
            ],
          },
        },
        { h2: "お支払い" },
        { p: `決済リンクを開くとStripeの安全な決済ページが表示されます。${minutes}分以内にお支払いください。期限を過ぎると店舗の仮押さえは解除され、料金はかかりません。期限後にお支払いがあった場合は自動で全額返金します。` },
        { h2: "困ったときは" },
        { p: `よくある質問: ${ctx.publicUrl}/faq ・カスタマーサポート（平日9:00〜18:00）: 電話 ${ctx.supportPhone} / ${ctx.supportEmail}` },
      ],
    };
  },
};

interface Sample {
  service: { ja: string; en: string };
  talk: { ja: [string, string][]; en: [string, string][] };
}

const SAMPLES: Sample[] = [
  {
    service: { ja: "ヘアサロン（カット）", en: "Hair salon (haircut)" },
    talk: {
      ja: [
        ["あなた", "明日の15時に渋谷でカットを予約して。1人です。"],
        ["AI", "QRVで渋谷のカットを明日15:00、1名で依頼します。よろしいですか？"],
        ["あなた", "お願い。"],
        ["AI", "依頼しました（予約ID QRV-XXXXXX）。提携店に順番に電話しています。予約が取れるとSMSで決済リンクが届くので、10分以内にお支払いください。"],
        ["あなた", "どうなった？"],
        ["AI", "2軒目のサロンがOKしました。SMSの決済リンクからお支払いいただくと確定します。"],
      ],
      en: [
        ["You", "Book me a haircut in Shibuya tomorrow at 3pm, just me."],
        ["AI", "I'll ask QRV for a haircut in Shibuya tomorrow at 15:00 for one person. Shall I go ahead?"],
        ["You", "Yes, please."],
        ["AI", "Requested (reservation QRV-XXXXXX). QRV is phoning salons one by one. When one accepts you'll get a payment link by SMS; please pay within 10 minutes."],
        ["You", "Any news?"],
        ["AI", "The second salon accepted. Pay from the link in the SMS to confirm."],
      ],
    },
  },
  {
    service: { ja: "レストラン（ディナー）", en: "Restaurant (dinner)" },
    talk: {
      ja: [
        ["あなた", "土曜の19時、新宿でディナーを4人で取りたい。"],
        ["AI", "新宿のディナーを土曜19:00、4名で依頼します。ご要望はありますか？"],
        ["あなた", "個室だとうれしい。"],
        ["AI", "「個室希望」を添えて依頼しました。お店の回答がはっきりしない場合は、担当者が確認してSMSでお知らせします。"],
      ],
      en: [
        ["You", "A table for four in Shinjuku on Saturday at 7pm."],
        ["AI", "I'll request dinner in Shinjuku on Saturday at 19:00 for four. Anything the restaurant should know?"],
        ["You", "A private room if possible."],
        ["AI", "Requested with \"private room if possible\". If a restaurant gives an unclear answer, QRV's staff check with them and text you."],
      ],
    },
  },
  {
    service: { ja: "整体・マッサージ", en: "Body care and massage" },
    talk: {
      ja: [
        ["あなた", "梅田で整体、あさっての11時。"],
        ["AI", "梅田の整体をあさって11:00、1名で依頼しました。"],
        ["AI", "お店から「11:30からなら可能」と変更のご提案がありました。担当者からお電話で確認があります。"],
      ],
      en: [
        ["You", "Body care in Umeda, the day after tomorrow at 11."],
        ["AI", "Requested body care in Umeda at 11:00 the day after tomorrow, for one."],
        ["AI", "The shop offered 11:30 instead. QRV's staff will call you to check whether that suits you."],
      ],
    },
  },
  {
    service: { ja: "キャンセル", en: "Cancelling" },
    talk: {
      ja: [
        ["あなた", "QRV-XXXXXXの予約をキャンセルしたい。"],
        ["AI", `予約日時の${hours}時間以上前なので、キャンセルすると全額返金されます。キャンセルしますか？`],
        ["あなた", "お願い。"],
        ["AI", "キャンセルしました。返金の反映にはカード会社により数日かかることがあります。"],
      ],
      en: [
        ["You", "Cancel QRV-XXXXXX."],
        ["AI", `It is more than ${hours} hours before the start, so cancelling refunds you in full. Cancel it?`],
        ["You", "Yes."],
        ["AI", "Cancelled. Your card issuer may take a few days to show the refund."],
      ],
    },
  },
];

const conversations: Guide = {
  slug: "sample-conversations",
  audience: "requesters",
  minutes: 3,
  langs: ["ja", "en"],
  title: { ja: "サンプル対話例", en: "Sample conversations" },
  doc(lang: Lang): Doc {
    const ja = lang === "ja";
    return {
      title: ja ? "サンプル対話例" : "Sample conversations",
      subtitle: ja ? "依頼者向け・所要3分・AIアシスタントとの対話（サービスごと）" : "For requesters · 3 minutes · talking to your AI assistant, per service",
      lang,
      blocks: [
        { p: ja ? "AIアシスタントには、ふだんの言葉で話しかけてください。サービス・場所・日時・人数がそろえば依頼できます。" : "Talk to your assistant in your own words. A service, an area, a date and time and the number of people are enough." },
        ...SAMPLES.flatMap((s) => [{ h2: s.service[lang] }, { talk: s.talk[lang].map(([who, says]) => ({ who, says })) }]),
      ],
    };
  },
};

const cancelling: Guide = {
  slug: "cancel",
  audience: "requesters",
  minutes: 2,
  langs: ["ja", "en"],
  title: { ja: "キャンセル手順", en: "How to cancel" },
  doc(lang: Lang, ctx: GuideContext): Doc {
    if (lang === "en")
      return {
        title: "How to cancel",
        subtitle: "For requesters · 2 minutes",
        lang,
        blocks: [
          { h2: "From the link in your SMS" },
          { ol: ["Open the link in any SMS from QRV: it opens your reservation page.", "Press \"Cancel this booking\". The page says what cancelling will do.", "Press \"Confirm cancellation\". You get an SMS, and the shop is told by email."] },
          { p: "You can also ask your AI assistant to cancel." },
          { h2: "What it costs" },
          {
            table: {
              head: ["When", "Result"],
              rows: [
                ["Before payment", "Free"],
                [`Paid, ${hours} hours or more before the start`, "Cancelled, full refund"],
                [`Paid, less than ${hours} hours before`, "The page cannot cancel: contact support"],
              ],
            },
          },
          { note: LATE_CANCELLATION.en },
          { p: `Support (weekdays 9:00-18:00 JST): ${ctx.supportPhone} / ${ctx.supportEmail}. If something serious happened (illness, an accident), our staff talk to the shop for you.` },
        ],
      };
    return {
      title: "キャンセル手順",
      subtitle: "依頼者向け・所要2分",
      lang,
      blocks: [
        { h2: "SMSのリンクから" },
        { ol: ["QRVから届いたSMSのリンクを開きます（あなたの予約ページが開きます）。", "「予約をキャンセルする」を押します。キャンセルするとどうなるかが表示されます。", "「キャンセルを確定する」を押します。SMSでお知らせし、店舗にはメールで連絡します。"] },
        { p: "AIアシスタントに「キャンセルして」と頼むこともできます。" },
        { h2: "キャンセル料" },
        {
          table: {
            head: ["タイミング", "結果"],
            rows: [
              ["お支払い前", "無料"],
              [`お支払い後、予約日時の${hours}時間前まで`, "キャンセル・全額返金"],
              [`予約日時の${hours}時間前を過ぎた後`, "ページからはキャンセルできません（サポートへ）"],
            ],
          },
        },
        { note: LATE_CANCELLATION.ja },
        { p: `カスタマーサポート（平日9:00〜18:00）: 電話 ${ctx.supportPhone} / ${ctx.supportEmail}。病気や事故などの事情がある場合は、担当者が店舗と相談します。` },
      ],
    };
  },
};

export const REQUESTER_GUIDES: Guide[] = [quickStart, conversations, cancelling];
