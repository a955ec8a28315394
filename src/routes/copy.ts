// The words on the requester's pages (guest page, cancellation, FAQ, support), Japanese first
// and English. SMS and email texts live in src/domain/messages.ts; the seed's own wording is
// used where it gives one.
import { LATE_CANCELLATION } from "../domain/messages.ts";
import { formatJpy } from "../domain/money.ts";
import type { Lang, Status } from "../domain/reservation/types.ts";

export interface Support {
  phone: string;
  email: string;
}

type RefundStatus = "requested" | "pending" | "succeeded" | "failed";

const ja = {
  faq: "よくある質問",
  guides: "ガイド",
  support: "お問い合わせ",
  supportHours: "平日 9:00〜18:00",
  call: "電話する",
  mail: "メールする",
  form: "問い合わせフォーム",
  live: "このページは自動で更新されます。",
  reservationId: "予約ID",
  approval: "ご依頼内容の記録",
  approvalUpTo: (max: string) => `お支払いは${max}まで`,
  service: "サービス",
  when: "日時",
  party: "人数",
  shop: "店舗",
  amount: "金額",
  openMap: "地図で見る",
  party_n: (n: number) => `${n}名`,
  pay: {
    title: "お支払い",
    by: (clock: string) => `${clock}までにお支払いください`,
    left: "残り",
    button: (amount: number) => `${formatJpy(amount)}を支払う`,
    note: "カード決済の安全なページ（Stripe）に移動します。お支払いで予約が確定します。",
    expired: "期限切れ",
    deadlinePassed: "決済期限を過ぎました。状況を確認しています…",
    preparing: "決済リンクを準備しています。数秒お待ちください…",
  },
  banner: {
    checking: "お支払いを確認しています。このままお待ちください…",
    paid: "お支払いを確認しました。ご予約が確定しました。",
    notPaid: (clock: string) => `お支払いは完了していません。${clock}までなら、もう一度お支払いいただけます。`,
    paidLate: "お支払いが期限後だったため、全額返金します。予約は成立していません。",
    cancelledFree: "キャンセルしました。料金はかかりません。",
    cancelledRefund: (amount: number) => `キャンセルしました。${formatJpy(amount)}を全額返金します。`,
    already: "この予約はすでにキャンセルされています。",
    notCancellable: "ご利用日時を過ぎた予約はキャンセルできません。",
    changeApproved: "変更を承認しました。まもなく決済リンクをお送りします。",
    changeDeclined: "変更をお断りし、今回のご依頼を終了しました。料金はかかりません。ご利用ありがとうございました。",
    changeStale: "ご提案の内容が更新されています。最新の内容をご確認ください。",
  },
  change: {
    title: "予約内容の変更のご確認",
    intro: (shop: string) => `${shop}から、次の内容への変更のご提案がありました。ご確認のうえ、承認またはお断りを選んでください。`,
    item: "項目",
    now: "現在",
    proposed: "変更後",
    menu: "メニュー",
    amountCap: (amount: string) => `承認いただくと${amount}の決済リンクをSMSでお送りします。お支払いがこの金額を超えることはありません。承認までは料金はかかりません。`,
    record: "この変更の記録",
    approve: "この内容で承認する",
    decline: "お断りして依頼を終了する",
    declineNote: "お断りいただくと今回のご依頼は終了します（料金はかかりません）。",
  },
  calendar: "カレンダーに追加",
  next: "この後の流れ",
  timeline: "経過",
  cancel: {
    title: "キャンセル",
    button: "予約をキャンセルする",
    deadline: (when: string) => `キャンセル期限: ${when}`,
    confirmTitle: "予約をキャンセルしますか？",
    effectTitle: "キャンセルすると",
    confirmFree: "お支払い前のため、料金はかかりません。店舗への確認や仮押さえも取り消します。",
    confirmRefund: (amount: number) => `お支払いいただいた${formatJpy(amount)}を全額返金します。店舗にはメールで、お客様にはSMSでお知らせします。返金の反映にはカード会社により数日かかることがあります。`,
    confirmButton: "キャンセルを確定する",
    back: "キャンセルせずに戻る",
    // Seed 000 §2.2.6, word for word.
    tooLate: LATE_CANCELLATION.ja,
    tooLateDetail: "予約日時の48時間前を過ぎたため、このページからはキャンセルできません。病気や事故などの事情がある場合は、担当者が店舗と相談します。",
  },
  withdraw: {
    title: "リクエストの取り下げ",
    text: "担当者が引き続き店舗を探すことがあります。ご不要になった場合は取り下げてください（料金はかかりません）。",
    button: "リクエストを取り下げる",
    confirmTitle: "リクエストを取り下げますか？",
  },
  refund: (amount: number, status: RefundStatus) =>
    `返金 ${formatJpy(amount)}: ${{ requested: "手続き中", pending: "手続き中", succeeded: "返金済み（カード会社により反映まで数日かかることがあります）", failed: "失敗しました（担当者が対応します）" }[status]}`,
  steps: {
    searching: [
      "ご希望の条件で、提携店に順番に自動音声でお電話しています（リストを最大2周）。",
      "予約が取れたら、SMSで決済リンクをお送りします。10分以内にお支払いいただくと確定します。",
      "予約が取れなかった場合もSMSでお知らせします。料金はかかりません。",
    ],
    accepted: (shop: string) => [`${shop}が予約を受けてくれました。決済リンクを準備しています。`, "10分以内にお支払いいただくと予約が確定します。"],
    paymentPending: ["お支払いで予約が確定し、確定のSMSが届きます。", "期限を過ぎると仮押さえは解除されます（料金はかかりません）。"],
    pendingShop: ["店舗の回答がはっきりしなかったため、担当者が店舗に確認しています（受付時間内なら1時間以内が目安）。", "結果はSMSでお知らせします。それまで料金はかかりません。"],
    changeRequested: ["店舗から日時や内容の変更の希望がありました。担当者からお電話でご相談します。", "ご承諾いただけた場合は、決済リンクをお送りします。"],
    changeProposed: ["店舗からの変更のご提案を上に表示しています。承認いただくと決済リンクをSMSでお送りします。", "お断りいただいた場合は、今回のご依頼を終了します（料金はかかりません）。"],
    noShop: ["ご希望の日時で予約できる店舗が見つかりませんでした。料金はかかっていません。", "別の日時でAIアシスタントから改めてご依頼いただくか、カスタマーサポートまでご連絡ください。"],
    paymentTimeout: ["決済期限が切れたため、仮押さえを解除しました。料金はかかっていません。", "もう一度、AIアシスタントから予約をご依頼ください。"],
    confirmed: ["ご予約が確定しました。当日は店舗へ直接お越しください。"],
    reminder: (when: string) => `${when}にリマインダーのSMSをお送りします。`,
    completed: ["ご利用ありがとうございました。"],
    cancelled: ["この予約はキャンセルされました。"],
  },
  notFound: { title: "予約が見つかりません", body: "リンクが正しいか、SMSのリンクをもう一度開いてご確認ください。" },
  expired: { title: "このリンクは有効期限が切れています", body: "ご予約日時から30日を過ぎたため、このページは表示できません。ご不明な点はカスタマーサポートまでお問い合わせください。" },
  formExpired: { title: "ページの有効期限が切れました", body: "安全のため、この操作は受け付けられませんでした。ページを開き直して、もう一度お試しください。", back: "予約ページに戻る" },
  calendarNotYet: "カレンダーへの追加は、予約の確定後にご利用いただけます。",
};

type Copy = typeof ja;

const en: Copy = {
  faq: "FAQ",
  guides: "Guides",
  support: "Contact support",
  supportHours: "Weekdays 9:00–18:00 (Japan time)",
  call: "Call",
  mail: "Email",
  form: "Contact form",
  live: "This page updates by itself.",
  reservationId: "Reservation ID",
  approval: "Record of your request",
  approvalUpTo: (max: string) => `you pay at most ${max}`,
  service: "Service",
  when: "Date and time",
  party: "Party",
  shop: "Shop",
  amount: "Amount",
  openMap: "Open in maps",
  party_n: (n: number) => (n === 1 ? "1 person" : `${n} people`),
  pay: {
    title: "Payment",
    by: (clock: string) => `Please pay by ${clock} (Japan time)`,
    left: "Time left",
    button: (amount: number) => `Pay ${formatJpy(amount)}`,
    note: "You will pay by card on Stripe's secure page. Paying confirms the booking.",
    expired: "Expired",
    deadlinePassed: "The payment deadline has passed. Checking the status…",
    preparing: "Preparing your payment link. One moment…",
  },
  banner: {
    checking: "Checking your payment. Please wait a moment…",
    paid: "Payment received. Your booking is confirmed.",
    notPaid: (clock: string) => `The payment was not completed. You can try again until ${clock}.`,
    paidLate: "Your payment arrived after the deadline, so it will be refunded in full. The booking was not made.",
    cancelledFree: "Cancelled. You have not been charged.",
    cancelledRefund: (amount: number) => `Cancelled. ${formatJpy(amount)} will be refunded in full.`,
    already: "This reservation is already cancelled.",
    notCancellable: "A reservation whose time has passed cannot be cancelled.",
    changeApproved: "You approved the change. The payment link follows shortly.",
    changeDeclined: "You declined the change, so this request is closed. You have not been charged. Thank you for using QRV.",
    changeStale: "The proposal has been updated. Please review the latest one.",
  },
  change: {
    title: "Please review a change to your booking",
    intro: (shop: string) => `${shop} proposes the change below. Please review it and approve or decline.`,
    item: "",
    now: "Now",
    proposed: "Proposed",
    menu: "Menu",
    amountCap: (amount: string) => `If you approve, we text you a payment link for ${amount}. The payment never exceeds this amount, and nothing is charged before you approve.`,
    record: "Record of this change",
    approve: "Approve this change",
    decline: "Decline and close the request",
    declineNote: "Declining closes this request (no charge).",
  },
  calendar: "Add to calendar",
  next: "What happens next",
  timeline: "Timeline",
  cancel: {
    title: "Cancellation",
    button: "Cancel this booking",
    deadline: (when: string) => `Cancel by: ${when}`,
    confirmTitle: "Cancel this booking?",
    effectTitle: "If you cancel",
    confirmFree: "Nothing has been paid, so there is no charge. We will also withdraw the request from the shop.",
    confirmRefund: (amount: number) => `The ${formatJpy(amount)} you paid will be refunded in full. We will tell the shop by email and you by SMS. Your card issuer may take a few days to show the refund.`,
    confirmButton: "Yes, cancel it",
    back: "Keep my booking",
    tooLate: `${LATE_CANCELLATION.en}.`,
    tooLateDetail: "It is less than 48 hours before the start, so this page can no longer cancel. If something serious happened (illness, an accident), our staff will talk to the shop for you.",
  },
  withdraw: {
    title: "Withdraw the request",
    text: "Our staff may still look for a shop for you. If you no longer need it, withdraw the request (no charge).",
    button: "Withdraw my request",
    confirmTitle: "Withdraw this request?",
  },
  refund: (amount: number, status: RefundStatus) =>
    `Refund ${formatJpy(amount)}: ${{ requested: "in progress", pending: "in progress", succeeded: "refunded (your card issuer may take a few days)", failed: "failed (our staff will handle it)" }[status]}`,
  steps: {
    searching: [
      "We are phoning partner shops one by one with an automated voice call (at most two rounds through the list).",
      "When a shop can take you, we text you a payment link. Pay within 10 minutes to confirm.",
      "If no shop can take you, we will text you too. You will not be charged.",
    ],
    accepted: (shop: string) => [`${shop} can take you. We are preparing your payment link.`, "Pay within 10 minutes to confirm the booking."],
    paymentPending: ["Paying confirms the booking, and we text you a confirmation.", "After the deadline the tentative booking is released (no charge)."],
    pendingShop: ["The shop's answer was unclear, so our staff are checking with them (usually within an hour during support hours, weekdays 9:00–18:00 Japan time).", "We will text you the result. Nothing is charged until then."],
    changeRequested: ["The shop asked to change the time or details. Our staff will call you to talk it over.", "If you agree, we will send you a payment link."],
    changeProposed: ["The shop's proposed change is shown above. If you approve it, we text you a payment link.", "If you decline, this request closes (no charge)."],
    noShop: ["No shop could take this booking at the time you asked. You have not been charged.", "Please ask your AI assistant again for another date or time, or contact customer support."],
    paymentTimeout: ["The payment deadline passed, so the tentative booking was released. You have not been charged.", "Please ask your AI assistant to book again."],
    confirmed: ["Your booking is confirmed. Please go straight to the shop at the time."],
    reminder: (when: string) => `We will text you a reminder on ${when}.`,
    completed: ["Thank you for using QRV."],
    cancelled: ["This reservation has been cancelled."],
  },
  notFound: { title: "Reservation not found", body: "Please check the link, or open the link in your SMS again." },
  expired: { title: "This link has expired", body: "It is more than 30 days after the appointment, so this page is no longer shown. If you have a question, please contact customer support." },
  formExpired: { title: "This page has expired", body: "For your safety we could not accept this action. Please open the page again and retry.", back: "Back to the reservation" },
  calendarNotYet: "You can add the booking to your calendar once it is confirmed.",
};

export function copy(lang: Lang): Copy {
  return lang === "ja" ? ja : en;
}

/** What happens next, in plain words, for a status. */
export function nextSteps(lang: Lang, status: Status, info: { shop?: string | undefined; changeProposed?: boolean }): string[] {
  const s = copy(lang).steps;
  switch (status) {
    case "requested":
    case "calling":
      return s.searching;
    case "calling_success":
      return s.accepted(info.shop ?? "");
    case "payment_pending":
      return s.paymentPending;
    case "pending_shop_response":
      return s.pendingShop;
    case "change_requested":
      return info.changeProposed ? s.changeProposed : s.changeRequested;
    case "no_shop_available":
      return s.noShop;
    case "payment_timeout":
      return s.paymentTimeout;
    case "confirmed":
      return s.confirmed;
    case "completed":
      return s.completed;
    case "cancelled":
      return s.cancelled;
  }
}
