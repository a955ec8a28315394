// The six cases a machine cannot settle (seed 000 §2.2), with priority and response target
// (§2.3.2), plus the system cases that also need a person. Alerts and the operator queue use these,
// except the payment timeout (§2.2.3), which needs no one unless the requester asks: it raises no
// alert and no queue item (see RAISES_NO_CASE) and is handled from the reservation's page.

export type Priority = "urgent" | "high" | "medium" | "low";

export interface ManualCase {
  /** Short name in the operator console's queue. */
  title: string;
  priority: Priority;
  /** Response target in minutes (seed 000 §2.3.2). */
  targetMinutes: number;
  /** Slack/queue headline; "{id}" is the reservation id. Seed wording where the seed gives one. */
  headline: string;
  /** What the operator does, in order. */
  todo: string;
}

export const MANUAL_CASES = {
  no_shop_available: {
    title: "全店予約NG",
    priority: "high",
    targetMinutes: 60,
    headline: "予約ID: {id} が全店NG",
    todo: "予約内容を確認し、対応可能な店舗を手動で探す／依頼者に別日時を提案する／依頼者の希望でキャンセル（決済なし）",
  },
  sms_undeliverable: {
    title: "SMS送信失敗",
    priority: "urgent",
    targetMinutes: 30,
    headline: "予約ID: {id} のSMS送信が全て失敗",
    todo: "依頼者に電話で連絡し予約内容を確認。Emailで代替送信し、決済リンクがあればEmailで送る",
  },
  payment_timeout: {
    title: "決済期限切れ",
    priority: "low",
    targetMinutes: 24 * 60,
    headline: "予約ID: {id} の決済期限切れ",
    todo: "対応不要（Slack通知・キューなし。予約の経過とダッシュボードに残る）。依頼者から問い合わせがあれば予約ページで事情を確認し、店舗の了承を得て決済リンクを再発行するか、再予約を案内する",
  },
  ambiguous_answer: {
    title: "店舗の曖昧な回答",
    priority: "high",
    targetMinutes: 60,
    headline: "予約ID: {id} が曖昧な回答",
    todo: "1時間以内に該当店舗へ電話し確定回答を得る。OKなら決済リンク送信、NGなら次の店舗へ電話代行を再開",
  },
  change_requested: {
    title: "店舗からの変更依頼",
    priority: "medium",
    targetMinutes: 120,
    headline: "予約ID: {id} で変更依頼",
    todo: "依頼者に電話し変更内容を説明。承諾なら予約内容を更新して決済リンク送信、拒否なら店舗に断りを入れ次の店舗へ",
  },
  late_cancellation: {
    title: "キャンセル期限超過後のキャンセル依頼",
    priority: "medium",
    targetMinutes: 120,
    headline: "予約ID: {id} でキャンセル期限超過後のキャンセル依頼",
    todo: "依頼者の事情を確認。特別な事情があれば店舗と交渉し、承諾ならキャンセル＋返金、拒否なら返金なしで説明",
  },
  payment_system: {
    title: "決済リンク作成失敗",
    priority: "urgent",
    targetMinutes: 30,
    headline: "予約ID: {id} の決済リンクを作成できません",
    todo: "決済サービスの状態を確認し、復旧後に決済リンクを再発行する",
  },
  message_blocked: {
    title: "自動送信の停止（送信前チェック）",
    priority: "high",
    targetMinutes: 60,
    headline: "予約ID: {id} の受講者への自動メッセージが送信前チェックで止まりました",
    todo: "止まった理由（禁止表現・未入力の変数・宛先）を確認し、直した文面を非定型として登録して別の運営者の確認後に送る。不要なら取り下げる。テンプレ自体の問題ならテンプレの変更を提案しコーチの承認を得る",
  },
  job_dead: {
    title: "処理のリトライ上限",
    priority: "urgent",
    targetMinutes: 30,
    headline: "予約ID: {id} の処理がリトライ上限に達しました",
    todo: "ジョブの内容とエラーを確認し、必要なら手動で送信・再実行する",
  },
} as const satisfies Record<string, ManualCase>;

export type ManualCaseId = keyof typeof MANUAL_CASES;

/** Cases of seed 000 §2.2 that need no one unless the requester asks: no Slack alert, no queue item. */
export const RAISES_NO_CASE: readonly ManualCaseId[] = ["payment_timeout"];

/** Whether an open case belongs in the queue and the alerts (one opened before that rule may still sit on a record). */
export function isQueued(c: { case: ManualCaseId }): boolean {
  return !RAISES_NO_CASE.includes(c.case);
}

export function caseHeadline(caseId: ManualCaseId, reservationId: string): string {
  return MANUAL_CASES[caseId].headline.replace("{id}", reservationId);
}

/** The six cases of seed 000 §2.2, in the seed's order (the rest are system failures that also need a person). */
export const SEED_CASES = ["no_shop_available", "sms_undeliverable", "payment_timeout", "ambiguous_answer", "change_requested", "late_cancellation"] as const satisfies readonly ManualCaseId[];

export const PRIORITY_LABELS: Record<Priority, string> = { urgent: "緊急", high: "高", medium: "中", low: "低" };

/** Most pressing first. */
export const PRIORITY_ORDER: Priority[] = ["urgent", "high", "medium", "low"];

export function isManualCase(value: string): value is ManualCaseId {
  return Object.hasOwn(MANUAL_CASES, value);
}

/** One alert per case and reservation while the case is open (alerts.key). */
export function caseAlertKey(caseId: ManualCaseId, reservationId: string): string {
  return `${caseId}:${reservationId}`;
}

/** The Slack text for a case: the seed's headline, any detail, what to do, and the console link. */
export function caseAlertText(caseId: ManualCaseId, reservationId: string, publicUrl: string, detail?: string): string {
  const c = MANUAL_CASES[caseId];
  return [caseHeadline(caseId, reservationId), ...(detail ? [detail] : []), `対応: ${c.todo}`, `${publicUrl}/admin/reservations/${reservationId}`].join("\n");
}
