// The service catalogue (seed 002: the first of the four documents every service needs): each
// service QRV runs, what it does, for whom, when, what is automated and what is manual, its
// targets, what it depends on and who owns it. Targets are read from the rules (manual-case
// response times, support KPIs), so the catalogue states what the system measures. It is a
// guide for operators (/guides/service-catalogue, PDF) and docs/service-catalogue.md is
// generated from it (npm run docs:catalogue). Lodging and sessions quote their own rules.
import type { Block, Doc } from "../documents/model.ts";
import { MANUAL_CASES, PRIORITY_LABELS } from "../domain/cases.ts";
import { lodgingPolicy } from "../domain/lodging/policy.ts";
import { DEFAULT_CANCELLATION_POLICY } from "../domain/lodging/refund.ts";
import { DEFAULT_COACH_POLICY, EXCEPTION_KINDS, EXCEPTION_LABELS } from "../domain/sessions/policy.ts";
import { policy } from "../domain/policy.ts";
import { SUPPORT_TARGETS } from "../domain/support-kpis.ts";
import type { Guide } from "./types.ts";

interface CatalogueEntry {
  name: string;
  what: string;
  who: string;
  hours: string;
  automated: string;
  manual: string;
  targets: string;
  dependencies: string;
  owner: string;
}

const h = (ms: number) => `${ms / 3_600_000}時間`;
const caseTargets = Object.values(MANUAL_CASES)
  .map((c) => `${c.title} ${PRIORITY_LABELS[c.priority]}・${c.targetMinutes >= 60 ? `${c.targetMinutes / 60}時間` : `${c.targetMinutes}分`}以内`)
  .join("、");

const refundTable = DEFAULT_CANCELLATION_POLICY.rows.map((r) => `${r.minDaysBefore}日以上前${r.percent}%`).join("・");
const coachSla = EXCEPTION_KINDS.map((k) => `${EXCEPTION_LABELS[k].ja}${DEFAULT_COACH_POLICY.slaMinutes[k] / 60}時間`).join("、");

export const SERVICES: CatalogueEntry[] = [
  {
    name: "店舗予約代行（ショップ予約）",
    what: `AIアシスタント（MCP）からの予約依頼を受け、提携店に自動音声で電話し（最大${policy.maxCallRounds}周）、SMSで決済リンクを送り、${policy.paymentWindowMs / 60_000}分以内のお支払いで予約を確定する。予約ページ（SMSのリンク）で状況確認・支払い・キャンセル（${h(policy.cancelDeadlineMs)}前まで全額返金）。`,
    who: "依頼者（AIアシスタントの利用者）、AIクライアント・連携事業者（APIキー）、提携店、運営担当者",
    hours: "受付・電話・決済・通知は24時間自動。人の対応は平日9:00〜18:00（運営担当者）、土日祝・夜間はオンコール（輪番）",
    automated: "予約受付、提携店への電話（最大2周）、SMS（受付・決済リンク・確定・リマインダー）、Stripe決済と返金、メール（依頼者・提携店）、失敗時の自動リトライ、Slackアラート",
    manual: "全店予約NG、SMS送信失敗、決済期限切れ（問い合わせ時のみ）、店舗の曖昧な回答、店舗からの変更依頼、キャンセル期限超過後のキャンセル依頼、システムの失敗で人が必要な案件（運営コンソールのキュー）",
    targets: `手動対応の対応時間（seed 000 §2.3.2）: ${caseTargets}。監視: キュー長100件超、直近5分のエラー率5%超でアラート`,
    dependencies: "Cloudflare（Workers、D1、Durable Objects、Queues、Workers Logs、Email Service、Access）、Twilio（SMS）、Bland.ai（自動音声電話）、Stripe（決済）、Slack（通知）",
    owner: "Qualfia 運営チーム（運営担当者）。システムは開発チーム",
  },
  {
    name: "カスタマーサポート（お問い合わせ窓口）",
    what: "依頼者からの質問・不具合・要望を受け付け（/support、電話、Email）、回答し、FAQに反映し、要望が実現したら依頼者に知らせる。不具合はインシデントに紐づける。",
    who: "依頼者、カスタマーサポート担当、運営担当者",
    hours: "平日9:00〜18:00（祝日を除く）。FAQ（/faq）とガイド（/guides）は24時間",
    automated: "フォームの受付と分類、2時間未対応でSlackアラート、KPI（初回応答・解決時間を営業時間で計測）、完了時のお知らせと満足度アンケート、要望が実現したときの一斉連絡（1人1回）",
    manual: "回答、FAQへの反映（質問と回答を編集して掲載）、要望の予定・実現の判断、不具合のインシデント化",
    targets: `初回応答 ${h(SUPPORT_TARGETS.firstResponseMs)}以内（営業時間）、解決 ${h(SUPPORT_TARGETS.resolutionMs)}以内（営業時間）、顧客満足度 ${SUPPORT_TARGETS.satisfaction.toFixed(1)}以上（5段階）`,
    dependencies: "Cloudflare（Workers、D1、Queues、Email Service）、Twilio（SMS）",
    owner: "カスタマーサポート担当（Qualfia 運営チーム）",
  },
  {
    name: "宿泊予約（ポイント会員）",
    what: `会員がプリペイドポイント（1ポイント＝1円、カードで${lodgingPolicy.minTopUpPoints.toLocaleString("ja-JP")}ポイントから購入）で客室を予約する。会員ページ（/member）またはAIアシスタント（MCP）から空室検索・カート・注文・キャンセル依頼。ポイント不足の注文は${lodgingPolicy.paymentWindowMs / 60_000}分間部屋を確保し、チャージで自動決済。誕生日の前後${lodgingPolicy.birthdayWindowDays}日の泊は${lodgingPolicy.birthdayDiscountPercent}%割引。フロントはコンソールのルームボードでチェックイン（本人確認書類の番号を照合）・チェックアウト・清掃・販売停止・キャンセル承認を行う。`,
    who: "宿泊会員、フロントスタッフ、運営担当者（料金・客室・会員の管理）",
    hours: "空室検索・予約・チャージ・キャンセル依頼は24時間。チェックイン・チェックアウト・キャンセル承認はフロントの勤務時間（チェックイン時刻15:00）。運営担当者は平日9:00〜18:00",
    automated: "空室と料金の計算（日別料金・バースデー割引）、部屋の割り当て（二重販売なし）、ポイントの台帳と決済、ポイント不足の注文の期限切れと部屋の解放、返金額の見積、承認時の返金と泊の解放、本日到着の部屋を予約済に、SMS・メール（確定・支払い待ち・期限切れ・キャンセル承認／お断り）",
    manual: "チェックイン（書類番号の照合）とチェックアウト、清掃完了、メンテナンス・利用不可の設定と再開、キャンセルの承認・お断り、会員の窓口での登録・情報の変更・ポイント手動調整・削除、部屋タイプ・客室・料金の登録（コンソールのCSV取り込み）",
    targets: `返金の規定（標準）: チェックインの${refundTable}、不泊${DEFAULT_CANCELLATION_POLICY.noShowPercent}%（LODGING_CANCELLATION_POLICYで変更可）。キャンセル承認の対応時間の目標は未設定（承認待ちの件数を宿泊フロントに表示）`,
    dependencies: "Cloudflare（Workers、D1、Durable Objects、Queues、R2（客室写真）、Email Service、Access）、Stripe（ポイント購入）、Twilio（SMS）、Slack（通知）",
    owner: "宿泊施設のフロント責任者（日々の運用）、Qualfia 運営チーム（料金・客室・会員の管理）。システムは開発チーム",
  },
  {
    name: "1on1コーチセッション",
    what: "コーチの1on1セッションの問い合わせから契約・決済・予約・リマインド・実施報告・フォローアップまでを、受講者専用ページ（SMSのリンク）とAIアシスタント（MCP）で進める。無料体験とパック（複数回）に対応。日程変更・キャンセル・返金などの例外はコーチごとの例外ポリシー（版管理）で判定し、範囲外はコーチポータル（/coach）でコーチが判断する。",
    who: "受講者、コーチ、運営担当者（セッション運用・監査）",
    hours: "問い合わせ・同意・決済・予約・変更は24時間（セッションの時間はコーチの空き枠、日本時間）。運営担当者は平日9:00〜18:00。運営のメッセージはコーチの送信しない時間帯（標準21:00〜9:00）を避けて送る",
    automated: "不足情報の依頼、規約・契約書の送付と同意の記録（版つき）、Stripe決済、空き枠の計算と予約（休憩・締切つき）、前日と1時間前のリマインド、実施報告後のフォローアップとアンケート、無料体験後のフォロー（1日後・5日後）、ポリシー内の変更・キャンセル・返金、未払いの催促と取消（コーチの設定どおり）、ポリシー外の件のコーチへのSMS、対応目標超過のSlackアラート、コーチへの週次レポート（毎週月曜17時にPDFをメール）、監査ログ（保存期間を過ぎたら夜間に削除）",
    manual: "コーチ: 実施報告、空き枠の設定、例外ポリシーの設定、ポリシー外の件の判断（承認・却下・指示）、テンプレートの版と返金・クレームに関わるメッセージの承認。運営: 自由文・テンプレート変更のメッセージの二重チェック、返金の受付、週次サンプル監査",
    targets: `例外の対応目標（標準、コンソールで変更可）: ${coachSla}。週次レポート（コーチポータル）で実施数・無断欠席・体験の成約・アンケート・例外・監査結果を確認`,
    dependencies: "Cloudflare（Workers、D1、Durable Objects、Queues、Access）、Stripe（決済・返金）、Twilio（SMS）、Slack（通知）、コーチが指定するオンライン会議のURL",
    owner: "各コーチ（セッションの内容と例外の判断）、Qualfia 運営チーム（運用と監査）。システムは開発チーム",
  },
];

function entryBlocks(e: CatalogueEntry): Block[] {
  return [
    { h2: e.name },
    {
      table: {
        head: ["項目", "内容"],
        rows: [
          ["概要", e.what],
          ["利用者", e.who],
          ["提供時間", e.hours],
          ["自動化されていること", e.automated],
          ["手動で行うこと", e.manual],
          ["目標", e.targets],
          ["依存サービス", e.dependencies],
          ["責任者", e.owner],
        ],
      },
    },
  ];
}

export function catalogueDoc(): Doc {
  return {
    title: "サービスカタログ",
    subtitle: "QRVが提供するサービスの一覧（運営担当者向け）",
    lang: "ja",
    blocks: [
      { p: "QRVが運用しているサービスごとに、内容・利用者・提供時間・自動と手動の範囲・目標・依存サービス・責任者をまとめたものです。手順は運用手順書（docs/operations.md）、アラートとエスカレーションは同書の4章・5章にあります。" },
      ...SERVICES.flatMap(entryBlocks),
      { note: "利用者向けの手順は /guides のガイド（宿泊会員ガイド、フロント業務マニュアル、1on1セッション ご利用ガイド、コーチ向けガイド）にあります。" },
    ],
  };
}

export const CATALOGUE_GUIDE: Guide = {
  slug: "service-catalogue",
  audience: "operators",
  minutes: 10,
  langs: ["ja"],
  title: { ja: "サービスカタログ" },
  doc: () => catalogueDoc(),
};

/** The line under the title in docs/service-catalogue.md. */
export const CATALOGUE_PREFACE =
  "*English summary: the service catalogue (seed 002). For each service QRV runs: what it does, who uses it, hours, what is automated and what is manual, targets, dependencies and the owner. Generated from `src/guides/catalogue.ts` by `npm run docs:catalogue`; also at `/guides/service-catalogue` (page and PDF) and linked from the console's レポート page.*";
