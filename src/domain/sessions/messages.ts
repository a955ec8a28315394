// What QRV sends a 1-on-1 session client (seed 001: 一次返信, 不足情報回収, 規約・契約書送付,
// 決済リンク, 事前案内, リマインド, フォローアップ, 無料体験の案内, 成約フォロー), Japanese first
// with English. Every message links to the client's own page; stored texts carry the link
// placeholder, which the queue fills in when sending.
import { formatJpy } from "../money.ts";
import { formatDateTime } from "../time.ts";
import type { Lang } from "../reservation/types.ts";
import { EXCEPTION_LABELS, type ExceptionKind } from "./policy.ts";

const BRAND = "QRV";

export interface SessionMessageContext {
  lang: Lang;
  clientName: string;
  coachName: string;
  menuName: string;
  /** The client's page (a placeholder in stored texts). */
  pageUrl: string;
}

const tag = (lang: Lang) => (lang === "ja" ? `【${BRAND}】` : `[${BRAND}] `);

export const sessionSms = {
  /** To the coach: an exception outside their policy waits for their decision (コーチへ判断依頼). */
  coachApproval(coachName: string, clientName: string, kind: ExceptionKind, url: string): string {
    return `${tag("ja")}${coachName}さん、${clientName}さんの「${EXCEPTION_LABELS[kind].ja}」がポリシー外のため、ご判断をお願いします / Your decision is needed: ${EXCEPTION_LABELS[kind].en}\n${url}`;
  },
  missingInfo(c: SessionMessageContext, missing: string[]): string {
    return c.lang === "ja"
      ? `${tag("ja")}${c.coachName}さんへのお問い合わせありがとうございます。お手数ですが次の情報をお知らせください: ${missing.join("、")}\n${c.pageUrl}`
      : `${tag("en")}Thank you for contacting ${c.coachName}. Please tell us: ${missing.join(", ")}\n${c.pageUrl}`;
  },
  termsAndContract(c: SessionMessageContext): string {
    return c.lang === "ja"
      ? `${tag("ja")}${c.coachName}さんの「${c.menuName}」お申し込みの規約と契約書をお送りします。内容をご確認のうえ、同意してお申し込みください。\n${c.pageUrl}`
      : `${tag("en")}Here are the terms and the contract for "${c.menuName}" with ${c.coachName}. Please read them, agree and apply on your page.\n${c.pageUrl}`;
  },
  trialInvitation(c: SessionMessageContext): string {
    return c.lang === "ja"
      ? `${tag("ja")}${c.coachName}さんの無料体験セッションのご案内です。ご都合のよい日時をお選びください。\n${c.pageUrl}`
      : `${tag("en")}You are invited to a free trial session with ${c.coachName}. Pick a time that suits you.\n${c.pageUrl}`;
  },
  paymentLink(c: SessionMessageContext, amountJpy: number, url: string): string {
    return c.lang === "ja"
      ? `${tag("ja")}お申し込みありがとうございます。${formatJpy(amountJpy)}のお支払いはこちらから: ${url}\nお支払い後、日時をお選びいただけます。`
      : `${tag("en")}Thank you for applying. Pay ${formatJpy(amountJpy)} here: ${url}\nThen pick a time on your page.`;
  },
  /** 入金催促: the payment is not confirmed after the deadline; a fresh link waits on the client's page. */
  paymentReminder(c: SessionMessageContext, amountJpy: number): string {
    return c.lang === "ja"
      ? `${tag("ja")}${c.coachName}さんの「${c.menuName}」のお支払い（${formatJpy(amountJpy)}）がまだ確認できていません。こちらのページからお支払いください。期限を過ぎるとお申し込みは取り消しになります。\n${c.pageUrl}`
      : `${tag("en")}We have not yet received your payment of ${formatJpy(amountJpy)} for "${c.menuName}" with ${c.coachName}. Please pay on your page; otherwise the application will be cancelled.\n${c.pageUrl}`;
  },
  paid(c: SessionMessageContext): string {
    return c.lang === "ja"
      ? `${tag("ja")}お支払いを確認しました。セッションの日時をお選びください。\n${c.pageUrl}`
      : `${tag("en")}Payment received. Please pick a time for your session.\n${c.pageUrl}`;
  },
  /** 事前案内: the meeting URL, date and time, what to prepare, the policies and a connection test. */
  preSession(c: SessionMessageContext, start: number, meetingUrl: string, trial: boolean): string {
    const kind = trial ? (c.lang === "ja" ? "無料体験セッション" : "free trial session") : c.lang === "ja" ? "セッション" : "session";
    return c.lang === "ja"
      ? `${tag("ja")}${c.coachName}さんとの${kind}は ${formatDateTime(start, "ja")} に決まりました。\nURL: ${meetingUrl}\n話したいテーマ・質問・目標をご準備ください。前日までに接続テストをお願いします。キャンセルポリシーと守秘義務はこちら: ${c.pageUrl}`
      : `${tag("en")}Your ${kind} with ${c.coachName} is set for ${formatDateTime(start, "en")}.\nURL: ${meetingUrl}\nPlease prepare your themes, questions and goals, and test your connection the day before. Cancellation policy and confidentiality: ${c.pageUrl}`;
  },
  reminder(c: SessionMessageContext, start: number, meetingUrl: string, which: "day_before" | "hour_before"): string {
    const when = which === "day_before" ? (c.lang === "ja" ? "明日" : "tomorrow") : c.lang === "ja" ? "1時間後" : "in one hour";
    return c.lang === "ja"
      ? `${tag("ja")}リマインド: ${c.coachName}さんとのセッションは${when}（${formatDateTime(start, "ja")}）です。URL: ${meetingUrl}\n${c.pageUrl}`
      : `${tag("en")}Reminder: your session with ${c.coachName} is ${when} (${formatDateTime(start, "en")}). URL: ${meetingUrl}\n${c.pageUrl}`;
  },
  rescheduled(c: SessionMessageContext, start: number): string {
    return c.lang === "ja"
      ? `${tag("ja")}セッションの日時を ${formatDateTime(start, "ja")} に変更しました。\n${c.pageUrl}`
      : `${tag("en")}Your session now starts ${formatDateTime(start, "en")}.\n${c.pageUrl}`;
  },
  sessionCancelled(c: SessionMessageContext): string {
    return c.lang === "ja"
      ? `${tag("ja")}セッションの予約を取り消しました。改めて日時をお選びいただけます。\n${c.pageUrl}`
      : `${tag("en")}Your session booking is cancelled. You can pick another time on your page.\n${c.pageUrl}`;
  },
  engagementCancelled(c: SessionMessageContext): string {
    return c.lang === "ja" ? `${tag("ja")}${c.coachName}さんへのお申し込みを取り消しました。料金はかかりません。` : `${tag("en")}Your application to ${c.coachName} is cancelled. You have not been charged.`;
  },
  /** フォローアップ: thanks, the reflection notes, the next booking and the survey. */
  followUp(c: SessionMessageContext, remaining: number, noShow: boolean): string {
    const next =
      remaining > 0
        ? c.lang === "ja"
          ? `次回のご予約（残り${remaining}回）`
          : `your next booking (${remaining} left)`
        : c.lang === "ja"
          ? "継続のお申し込み"
          : "continuing";
    if (noShow) {
      return c.lang === "ja"
        ? `${tag("ja")}本日のセッションにご参加いただけなかったようです。${next}はこちらから: ${c.pageUrl}`
        : `${tag("en")}We missed you at today's session. For ${next}: ${c.pageUrl}`;
    }
    return c.lang === "ja"
      ? `${tag("ja")}本日はありがとうございました。振り返りメモ、${next}、アンケート（1分）はこちら: ${c.pageUrl}`
      : `${tag("en")}Thank you for today's session. Your reflection notes, ${next} and a one-minute survey: ${c.pageUrl}`;
  },
  trialFollowUp(c: SessionMessageContext, day: number): string {
    return c.lang === "ja"
      ? `${tag("ja")}先日は無料体験にご参加いただきありがとうございました${day > 1 ? "（再送）" : ""}。継続をご検討の方は、こちらから規約と契約書をご確認いただけます: ${c.pageUrl}`
      : `${tag("en")}Thank you for joining the free trial${day > 1 ? " (a gentle reminder)" : ""}. If you would like to continue, the terms and contract are here: ${c.pageUrl}`;
  },
  dropped(c: SessionMessageContext): string {
    return c.lang === "ja" ? `${tag("ja")}無料体験へのご参加ありがとうございました。またのご縁をお待ちしています。` : `${tag("en")}Thank you for joining the free trial. We hope to see you again.`;
  },
};
