// Guides for operators (seed 000 §3.3.2): the operations manual, incident response, reading
// the logs (Workers Logs) and the list of Slack notifications. Japanese, like the runbook
// (docs/operations.md) they summarise. The Slack list and the manual cases are read from the
// rules themselves (src/domain/cases.ts, alert-rules.ts), so the guide cannot drift from them.
import type { Block } from "../documents/model.ts";
import { SYSTEM_ALERTS } from "../domain/alert-rules.ts";
import { MANUAL_CASES, PRIORITY_LABELS, PRIORITY_ORDER } from "../domain/cases.ts";
import { japaneseGuide, type Guide, type GuideContext } from "./types.ts";

function target(minutes: number): string {
  return minutes >= 60 ? `${minutes / 60}時間以内` : `${minutes}分以内`;
}

const operatorGuide = (slug: string, title: string, minutes: number, blocks: (ctx: GuideContext) => Block[]): Guide => japaneseGuide("operators", slug, title, minutes, blocks);

const cases = Object.values(MANUAL_CASES).sort((a, b) => PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority));

const manual = operatorGuide("operations-manual", "運用マニュアル", 30, (ctx) => [
  { h2: "システム概要" },
  {
    p: "QRVは、AIアシスタント（MCPクライアント）からの予約依頼を受け、提携店に自動音声で電話し（最大2周）、SMSで決済リンクを送り、お支払いで予約を確定します。Cloudflare Workers上で動き、予約ごとにDurable Objectが状態を持ち、SMS・電話・決済・メール・Slackはキュー経由で送られます。",
  },
  { h2: "運営コンソール" },
  { p: `${ctx.publicUrl}/admin を開きます（本番はCloudflare Accessでログイン）。操作はすべて予約ごとの監査ログに「誰が・いつ・何を」とともに残ります。` },
  {
    table: {
      head: ["メニュー", "用途"],
      rows: [
        ["キュー", "手動対応が必要な案件（優先度順）"],
        ["予約", "検索と1件ごとの経過"],
        ["提携店", "一覧・編集・停止・CSV"],
        ["ダッシュボード", "運営（5分ごと）と経営（夜間集計）"],
        ["問い合わせ", "依頼者からの質問・不具合・要望、KPI、FAQへの反映"],
        ["レポート", "週次運用レポート・月次経営レポート・月次点検"],
        ["インシデント", "インシデント記録"],
      ],
    },
  },
  { h2: "毎日の確認（10:00）" },
  { ol: ["運営ダッシュボードで今日の予約と今週の成功率を見る。", "Slack #qrv-alerts とキューを確認し、目標超過の案件から対応する。", "アラート画面で継続中のアラートと止まった処理が0件か確認する。", "問い合わせの未対応を確認する。"] },
  { h2: "手動対応の案件" },
  { table: { head: ["案件", "優先度", "目標", "対応"], rows: cases.map((c) => [c.title, PRIORITY_LABELS[c.priority], target(c.targetMinutes), c.todo]) } },
  { h2: "定期作業" },
  {
    table: {
      head: ["作業", "いつ"],
      rows: [
        ["週次運用レポートの確認・共有", "金曜（自動作成）"],
        ["ログ確認", "月曜"],
        ["月次経営レポートの確認", "月初5営業日以内（自動作成）"],
        ["バックアップ確認・脆弱性スキャン（月次点検）", "月初"],
      ],
    },
  },
  { p: "詳しい手順は運用手順書（docs/operations.md）にあります。" },
]);

const incidents = operatorGuide("incident-response", "インシデント対応手順書", 20, () => [
  { h2: "レベル" },
  {
    table: {
      head: ["レベル", "定義", "対応目標", "報告"],
      rows: [
        ["Critical", "システム全体停止、決済システム障害", "30分以内", "即座に経営陣へ"],
        ["High", "一部機能停止、外部API障害", "1時間以内", "2時間以内に経営陣へ"],
        ["Medium", "性能劣化、マニュアルオペ多発", "2時間以内", "24時間以内"],
        ["Low", "軽微な不具合、一時的なエラー", "24時間以内", "週次報告"],
      ],
    },
  },
  { h2: "Critical の流れ" },
  {
    ol: [
      "検知（0分）: 外部の死活監視が /healthz の失敗を検知、Slackに通知。",
      "初動（5分以内）: オンコール担当がWorkers Logsを確認し、原因を初期判断（デプロイ、D1、外部API）。",
      "応急処置（30分以内）: 直前のデプロイが原因なら前のバージョンへ戻す。",
      "復旧確認（45分以内）: /healthz が200を返すこと、サンドボックスまたは実際の予約で通しの確認。",
      "事後: 経営陣へ報告し、24時間以内にポストモーテムを作成。",
    ],
  },
  { code: "npx wrangler rollback" },
  { h2: "High の流れ（外部サービス障害）" },
  { ol: ["ログと各社のステータスページ（Twilio、Bland.ai、Stripe、Cloudflare）を確認（15分以内）。", "外部障害なら復旧を待ち、影響を受けた依頼者に状況をご案内。QRV側の問題なら修正してデプロイ（1時間以内）。", "機能確認の後、2時間以内に経営陣へ報告、48時間以内にインシデントレポート。"] },
  { h2: "記録" },
  { p: "Medium以上は必ずコンソールの「インシデント」に記録します: 発生日時、レベル、影響範囲、原因、対応内容、復旧日時、再発防止策。依頼者の不具合報告がインシデントになったときは、問い合わせ画面からそのインシデントに紐づけます。" },
  { h2: "当番" },
  { p: "平日9:00〜18:00は運営担当者、土日祝・夜間はオンコール担当（輪番）が対応します。" },
]);

const logs = operatorGuide("reading-logs", "ログ確認ガイド", 15, () => [
  { p: "QRVのログはCloudflareのWorkers Logsに残ります（ダッシュボード → Workers → qrv → Logs）。1行1件のJSONで、電話番号・メールアドレス・予約ページのリンクは出力しません。予約IDで検索してください。" },
  { h2: "流れているログを見る" },
  { code: "npx wrangler tail qrv --format pretty --search QRV-XXXXXX" },
  { h2: "Workers Logs で探す" },
  { ol: ["期間を選ぶ（アラートの時刻の前後15分）。", "検索欄に予約ID（QRV-XXXXXX）またはrequestIdを入れる。", "msg・kind・errorのフィールドで絞り込む。"] },
  { h2: "主なメッセージ" },
  {
    table: {
      head: ["msg", "意味・見ること"],
      rows: [
        ["transition", "ステータスが変わった（from → to、きっかけのevent）"],
        ["event ignored", "今のステータスに当てはまらない出来事を無視した（重複通知などで普通に起きる）"],
        ["job failed", "SMS・電話・決済などが失敗。kind、permanent、errorを確認"],
        ["operator action", "コンソールでの操作（action、operator）"],
        ["alert rules", "Slackへの通知（posted）と解消（resolved）"],
        ["health check failed", "/healthz でD1かキューが失敗"],
        ["unhandled error", "想定外のエラー。requestIdを開発チームへ"],
      ],
    },
  },
  { note: "予約1件の経過は、ログよりもコンソールの予約詳細（監査ログ・電話・メッセージ・決済）が確実です。" },
]);

const slack = operatorGuide("slack-notifications", "Slack通知一覧", 10, () => [
  { p: "通知はすべてSlack #qrv-alerts に届きます。同じ状態につき1回だけ通知し、解消すると「解消」になります。" },
  { h2: "システムの通知" },
  { table: { head: ["通知", "優先度", "すること"], rows: Object.values(SYSTEM_ALERTS).map((a) => [a.headline, PRIORITY_LABELS[a.priority], SYSTEM_TODO[a.title] ?? ""]) } },
  { h2: "手動対応の通知（予約ごと）" },
  { table: { head: ["通知", "優先度・目標", "すること"], rows: cases.map((c) => [c.headline.replace("{id}", "QRV-XXXXXX"), `${PRIORITY_LABELS[c.priority]}・${target(c.targetMinutes)}`, c.todo]) } },
  { h2: "レポート" },
  { p: "週次運用レポート（金曜）と月次経営レポート（月初）ができると、コンソールの「レポート」に保存され、設定した宛先にPDFがメールで届きます。" },
]);

const SYSTEM_TODO: Record<string, string> = {
  キュー長超過: "外部サービスの障害を各ステータスページで確認。ログでjob failedが続いていないか見る。解消しなければHighのインシデント",
  エラー率高: "ログでjob failedのkindとerrorを見て、どの外部サービスかを特定。障害なら復旧を待ち依頼者に案内",
  デッドレターキュー: "アラート画面の「止まった処理」を確認し、再実行か手動対応済みにする",
  問い合わせ未対応: "問い合わせ画面で古いものから対応し、状態を対応中か完了にする",
};

export const OPERATOR_GUIDES: Guide[] = [manual, incidents, logs, slack];
