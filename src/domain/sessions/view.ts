// What a client (on their page or through an AI client) sees of an engagement: the status in
// words, what happens next, the booked session, and what they may do now.
import type { Lang } from "../reservation/types.ts";
import { sessionsRemaining, type EngagementRecord, type SessionStatus } from "../reservation/session-machine.ts";

const LABELS: Record<SessionStatus, Record<Lang, string>> = {
  inquiry: { ja: "お問い合わせ（情報をお待ちしています）", en: "Inquiry (waiting for details)" },
  trial_invited: { ja: "無料体験のご案内中", en: "Free trial: pick a time" },
  trial_scheduled: { ja: "無料体験の予約済み", en: "Free trial booked" },
  trial_in_session: { ja: "無料体験セッション中", en: "Free trial in progress" },
  trial_undecided: { ja: "無料体験後・ご検討中", en: "After the trial: deciding" },
  contract_sent: { ja: "規約・契約書のご確認待ち", en: "Terms and contract to agree" },
  payment_pending: { ja: "お支払い待ち", en: "Waiting for payment" },
  scheduling: { ja: "日時の選択待ち", en: "Pick a time" },
  scheduled: { ja: "セッション予約済み", en: "Session booked" },
  in_session: { ja: "セッション中", en: "Session in progress" },
  held: { ja: "セッション完了", en: "Session held" },
  no_show: { ja: "ご欠席", en: "Missed session" },
  followed_up: { ja: "フォローアップ済み", en: "Followed up" },
  dropped: { ja: "お申し込み見送り", en: "Not continuing" },
  cancelled: { ja: "取り消し済み", en: "Cancelled" },
};

export function engagementStatusLabel(status: SessionStatus, lang: Lang): string {
  return LABELS[status][lang];
}

const NEXT: Partial<Record<SessionStatus, Record<Lang, string>>> = {
  inquiry: { ja: "ページから不足している情報をお知らせください。", en: "Give the missing details on the page." },
  trial_invited: { ja: "ページで無料体験の日時を選んでください。", en: "Pick a time for the free trial on the page." },
  trial_undecided: { ja: "継続される場合はページから規約・契約書へお進みください。", en: "To continue, go on to the terms and contract on the page." },
  contract_sent: { ja: "ページで規約と契約書を確認し、同意してお申し込みください。", en: "Read the terms and contract on the page, agree and apply." },
  payment_pending: { ja: "ページのお支払いボタン（またはSMSのリンク）からお支払いください。", en: "Pay with the button on the page (or the link in the SMS)." },
  scheduling: { ja: "ページ（または book_session_slot）で日時を選んでください。", en: "Pick a time on the page (or with book_session_slot)." },
  scheduled: { ja: "前日と1時間前にリマインドが届きます。", en: "Reminders come the day before and one hour before." },
  trial_scheduled: { ja: "前日と1時間前にリマインドが届きます。", en: "Reminders come the day before and one hour before." },
  followed_up: { ja: "次回の日時を選ぶか、アンケートにお答えください。", en: "Pick the next time, or answer the short survey." },
};

export function nextStep(r: EngagementRecord, lang: Lang): string {
  if (r.status === "followed_up" && sessionsRemaining(r) === 0) return lang === "ja" ? "パックのセッションはすべて終了しました。継続はページからお申し込みいただけます。" : "Every session of the package is used; continue from the page.";
  return NEXT[r.status]?.[lang] ?? "";
}

/** Whether the client may book a time now (the machine decides in the end). */
export function canPickTime(r: EngagementRecord): boolean {
  return r.status === "trial_invited" || r.status === "scheduling" || (r.status === "followed_up" && sessionsRemaining(r) > 0);
}

/** Whether the booked session can still be moved or cancelled by the client. */
export function canChangeSession(r: EngagementRecord, now: number): boolean {
  return (r.status === "scheduled" || r.status === "trial_scheduled") && Boolean(r.data.current && r.data.current.start > now);
}
