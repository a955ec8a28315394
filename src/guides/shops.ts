// Guides for partner shops (seed 000 §3.2.2): the manual, the phone script with example
// answers, an FAQ and troubleshooting. Japanese: the shops are in Japan. The script quotes the
// voice agent's own sentences (src/domain/call-script.ts), so the guide says what is said.
import type { Block } from "../documents/model.ts";
import { CLOSING_AMBIGUOUS, CLOSING_CHANGE, FIRST_SENTENCE } from "../domain/call-script.ts";
import { policy } from "../domain/policy.ts";
import { japaneseGuide, type Guide, type GuideContext } from "./types.ts";

const minutes = policy.paymentWindowMs / 60_000;
const hours = policy.cancelDeadlineMs / 3_600_000;

const shopGuide = (slug: string, title: string, minutes: number, blocks: (ctx: GuideContext) => Block[]): Guide => japaneseGuide("shops", slug, title, minutes, blocks);

const manual = shopGuide("shop-manual", "提携店向けマニュアル", 10, (ctx) => [
  { h2: "QRVとは" },
  { p: "QRV（Qualfia Reservation）は、お客様がAIアシスタントに頼んだ予約を、自動音声のお電話で貴店にお願いするサービスです。お客様はオンラインで事前にお支払いになるため、確定した予約は支払い済みです。" },
  { h2: "電話受付の流れ" },
  {
    ol: [
      "自動音声から「Qualfiaの予約代行」としてお電話します。サービス・日時・人数・お名前をお伝えします。",
      "お受けできるか、できないかをお答えください（答え方は「電話スクリプト例」をご覧ください）。",
      `お受けいただくと「仮予約のお知らせ」メールが届きます。お客様が${minutes}分以内にお支払いになると「予約確定」のメールが届きます。`,
      `${minutes}分以内にお支払いがなかった場合は「仮予約取り消し」のメールが届きます。枠を解放してください。`,
    ],
  },
  { h2: "回答方法" },
  {
    table: {
      head: ["お答え", "その後"],
      rows: [
        ["お受けできます", "仮予約のメール → お支払い後に確定のメール"],
        ["お受けできません", "お礼を言って終了。次のお店にお電話します"],
        ["検討します・後で連絡します", "自動音声が電話を終え、1時間以内にQualfiaの担当者からお電話します"],
        ["時間をずらせば可能、など", "内容を伺い、担当者がお客様に確認して折り返します"],
      ],
    },
  },
  { h2: "届くメール" },
  {
    table: {
      head: ["件名", "いつ", "すること"],
      rows: [
        ["[QRV] 仮予約のお知らせ", "お電話でお受けいただいた直後", `お客様のお支払い（${minutes}分以内）をお待ちください`],
        ["[QRV] 予約確定のお知らせ", "お客様のお支払い後", "予約台帳に記入してください"],
        ["[QRV] 仮予約取り消しのお知らせ", "お支払いがなかったとき", "枠を解放してください"],
        ["[QRV] 予約キャンセルのお知らせ", "お客様がキャンセルしたとき", `枠を解放してください（${hours}時間前まではお客様に全額返金されます）`],
      ],
    },
  },
  { h2: "お問い合わせ" },
  { p: `Qualfia担当（平日9:00〜18:00）: 電話 ${ctx.supportPhone} / ${ctx.supportEmail}。導入説明会（オンライン30分）を毎月開催しています。` },
]);

const script = shopGuide("phone-script", "電話スクリプト例", 5, () => [
  { p: "自動音声がお話しする内容と、お答えの例です。ふだんお客様とお話しするのと同じ言葉でお答えください。" },
  { h2: "自動音声の最初のことば" },
  { talk: [{ who: "自動音声", says: FIRST_SENTENCE }, { who: "自動音声", says: "12月1日（火）15:00から、カットを1名様、山田様のお名前でお願いできますでしょうか。" }] },
  { h2: "お受けいただく場合" },
  { talk: [{ who: "お店", says: "はい、大丈夫です。" }, { who: "自動音声", says: "ありがとうございます。お支払いの確認後、メールで確定のご連絡をいたします。" }] },
  { h2: "お断りの場合" },
  { talk: [{ who: "お店", says: "その時間は埋まっています。" }, { who: "自動音声", says: "承知いたしました。お忙しいところありがとうございました。" }] },
  { h2: "すぐにお答えできない場合" },
  { talk: [{ who: "お店", says: "店長に確認して、後で連絡します。" }, { who: "自動音声", says: CLOSING_AMBIGUOUS }] },
  { note: "この後、Qualfiaの担当者から1時間以内にお電話で確認します。" },
  { h2: "変更をご提案いただく場合" },
  { talk: [{ who: "お店", says: "15時は難しいですが、15時半からなら可能です。" }, { who: "自動音声", says: CLOSING_CHANGE }] },
  { note: "自動音声はその場で変更を承諾しません。担当者がお客様に確認し、折り返しご連絡します。" },
  { h2: "自動音声がお伝えしないこと" },
  { ul: ["お客様の電話番号・メールアドレス・お支払い情報", "分からないご質問には「確認して折り返します」とお答えします"] },
]);

const faq = shopGuide("shop-faq", "提携店向けFAQ", 5, (ctx) => [
  { h3: "料金はいつ、どのように受け取れますか？" },
  { p: "お客様はQRVの決済ページで事前にお支払いになります。精算方法と時期はご契約内容をご確認ください。" },
  { h3: "確定前のお客様が来店しないことはありますか？" },
  { p: `仮予約はお支払い（${minutes}分以内）で確定します。確定のメールが届いた予約だけを台帳に記入してください。` },
  { h3: "お客様がキャンセルしたら？" },
  { p: `「予約キャンセルのお知らせ」メールが届きます。${hours}時間前を過ぎたキャンセルはQualfiaの担当者からご相談のお電話をすることがあります。` },
  { h3: "電話の時間帯や回数を変えたい。休業日は電話しないでほしい。" },
  { p: `Qualfia担当までご連絡ください。休業中は電話を止め、再開時にお知らせいただければ戻します（${ctx.supportPhone}）。` },
  { h3: "電話がかかってくる番号は？" },
  { p: "Qualfiaの予約代行の番号からおかけします。番号は契約時にお知らせします。" },
  { h3: "電話の順番はどう決まりますか？" },
  { p: `同じサービス・エリアの提携店に、契約時に決めた順番でおかけします（最大${policy.maxCallRounds}周）。` },
]);

const troubleshooting = shopGuide("shop-troubleshooting", "トラブルシューティング", 5, (ctx) => [
  {
    table: {
      head: ["困ったこと", "どうすればよいか"],
      rows: [
        ["電話が聞き取れなかった", "「もう一度お願いします」とお話しください。自動音声が繰り返します。それでも分からなければ「後で連絡します」とお答えください。担当者が1時間以内にお電話します。"],
        ["間違えて「お受けできます」と答えた", `すぐにQualfia担当（${ctx.supportPhone}）へご連絡ください。お支払い前なら担当者が取り消します。`],
        ["間違えてお断りした", "Qualfia担当へご連絡ください。まだ他のお店が決まっていなければ、担当者がお客様にご案内します。"],
        ["仮予約のメールが届かない", "迷惑メールフォルダをご確認ください。それでも届かなければ担当者にご連絡ください（メールアドレスの登録を確認します）。"],
        ["確定メールの内容と違うお客様が来た", "予約IDとお名前を確認し、Qualfia担当へご連絡ください。"],
        ["電話が多すぎる・営業時間外にかかってくる", "Qualfia担当へご連絡ください。電話の停止や順番を調整します。"],
      ],
    },
  },
  { p: `Qualfia担当（平日9:00〜18:00）: 電話 ${ctx.supportPhone} / ${ctx.supportEmail}` },
]);

export const SHOP_GUIDES: Guide[] = [manual, script, faq, troubleshooting];
