// Every text QRV sends to a person: SMS and email to the requester (Japanese first, English
// when asked), email to shops (Japanese), and the timeline lines. Seed 000 wording is kept
// where the seed gives one.
import { formatJpy } from "./money.ts";
import { formatClock, formatDateTime, formatShort, jstDay } from "./time.ts";
import type { Lang, Note, ProposedChange, ReservationRecord, ShopRef } from "./reservation/types.ts";

const BRAND = "QRV";

export interface MessageContext {
  record: ReservationRecord;
  guestUrl: string;
  supportPhone: string;
  supportEmail: string;
}

function when(r: ReservationRecord, lang: Lang): string {
  return formatDateTime(r.startAt, lang);
}

function party(n: number, lang: Lang): string {
  return lang === "ja" ? `${n}名` : n === 1 ? "1 person" : `${n} people`;
}

// ---------------------------------------------------------------- SMS to the requester

/** A proposed change in one line: time, party, menu and amount. */
function changeLine(p: ProposedChange, lang: Lang): string {
  const parts = [formatDateTime(p.startAt, lang), party(p.partySize, lang), ...(p.menu ? [p.menu] : []), formatJpy(p.amountJpy)];
  return parts.join(lang === "ja" ? "、" : ", ");
}

export const sms = {
  /** A shop's change, accepted by an operator, waits for the requester's approval on their page. */
  changeProposed(c: MessageContext, shop: ShopRef, p: ProposedChange): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】${shop.name}から予約内容の変更のご提案があります（${changeLine(p, "ja")}）。こちらで内容をご確認のうえ、承認またはお断りを選んでください。承認いただくまで決済リンクは届かず、料金もかかりません: ${c.guestUrl}`
      : `[${BRAND}] ${shop.name} proposes a change to your booking (${changeLine(p, "en")}). Please review it and approve or decline here. No payment link is sent and nothing is charged until you approve: ${c.guestUrl}`;
  },
  /** The requester declined the shop's change: the request is closed, with thanks. */
  changeDeclined(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】変更のご提案をお断りいただいたため、今回のご依頼は終了しました。料金はかかりません。ご利用ありがとうございました。またのご依頼をお待ちしております。予約ID: ${r.id}`
      : `[${BRAND}] You declined the proposed change, so this request is now closed. You have not been charged. Thank you for using QRV; we hope to help you again. ID: ${r.id}`;
  },
  received(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】${r.data.service}のご予約リクエストを受け付けました（${when(r, "ja")}、${party(r.partySize, "ja")}）。提携店に確認中です。予約ID: ${r.id}\n状況の確認・キャンセル: ${c.guestUrl}`
      : `[${BRAND}] We received your ${r.data.service} request (${when(r, "en")}, ${party(r.partySize, "en")}) and are calling partner shops. ID: ${r.id}\nStatus and cancellation: ${c.guestUrl}`;
  },
  paymentLink(c: MessageContext, shop: ShopRef, url: string, deadlineAt: number): string {
    const r = c.record;
    const amount = formatJpy(r.amountJpy ?? 0);
    return r.requester.language === "ja"
      ? `【${BRAND}】${shop.name}でご予約を仮押さえしました（${when(r, "ja")}、${party(r.partySize, "ja")}）。${formatClock(deadlineAt)}まで（10分以内）に${amount}をお支払いいただくと確定します: ${url}`
      : `[${BRAND}] ${shop.name} can take you (${when(r, "en")}, ${party(r.partySize, "en")}). Pay ${amount} by ${formatClock(deadlineAt)} JST (within 10 minutes) to confirm: ${url}`;
  },
  confirmed(c: MessageContext, shop: ShopRef): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】ご予約が確定しました。${shop.name} ${when(r, "ja")} ${party(r.partySize, "ja")}。予約ID: ${r.id}\n詳細・キャンセル: ${c.guestUrl}`
      : `[${BRAND}] Your booking is confirmed: ${shop.name}, ${when(r, "en")}, ${party(r.partySize, "en")}. ID: ${r.id}\nDetails and cancellation: ${c.guestUrl}`;
  },
  /** Seed 000 §2.2.3. */
  paymentTimeout(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】決済期限が切れました。再度予約をお願いします。（予約ID: ${r.id}）`
      : `[${BRAND}] The payment deadline has passed. Please make a new request. (ID: ${r.id})`;
  },
  /** Seed 000 §2.2.1. */
  noShopAvailable(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】現在、予約できませんでした。別の日時をご検討いただくか、カスタマーサポートまでご連絡ください（${c.supportPhone}）。予約ID: ${r.id}`
      : `[${BRAND}] We could not make this booking. Please consider another date or time, or contact customer support (${c.supportPhone}). ID: ${r.id}`;
  },
  /** A request parked for an operator reached its start time without a booking. */
  closedAtStart(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】ご希望の日時（${when(r, "ja")}）までに予約を確定できなかったため、このご依頼を終了しました。料金はかかりません。お手数ですが、必要であれば改めてご依頼ください。予約ID: ${r.id}`
      : `[${BRAND}] We could not confirm a booking before the requested time (${when(r, "en")}), so this request is closed. You have not been charged; please ask again if you still need one. ID: ${r.id}`;
  },
  cancelled(c: MessageContext, refundJpy: number | undefined): string {
    const r = c.record;
    const lang = r.requester.language;
    if (refundJpy) {
      return lang === "ja"
        ? `【${BRAND}】予約 ${r.id} をキャンセルしました。${formatJpy(refundJpy)}を全額返金します（カード会社により反映まで日数がかかります）。`
        : `[${BRAND}] Booking ${r.id} is cancelled. ${formatJpy(refundJpy)} will be refunded in full (your card issuer may take a few days).`;
    }
    return lang === "ja"
      ? `【${BRAND}】予約 ${r.id} をキャンセルしました。料金はかかりません。`
      : `[${BRAND}] Booking ${r.id} is cancelled. You have not been charged.`;
  },
  /** The evening before ("明日") or, for late bookings, the same day ("本日"). */
  reminder(c: MessageContext, shop: ShopRef, now: number): string {
    const r = c.record;
    const ja = r.requester.language === "ja";
    const days = jstDay(r.startAt) - jstDay(now);
    const day = days === 0 ? (ja ? "本日" : "today") : days === 1 ? (ja ? "明日" : "tomorrow") : "";
    const place = shop.address ? (ja ? `（${shop.address}）` : ` (${shop.address})`) : "";
    return ja
      ? `【${BRAND}】リマインダー: ${day}${when(r, "ja")}、${shop.name}${place}でのご予約です（${party(r.partySize, "ja")}）。予約ID: ${r.id}\n詳細: ${c.guestUrl}`
      : `[${BRAND}] Reminder: your booking ${day ? `${day}, ` : ""}${when(r, "en")} at ${shop.name}${place} (${party(r.partySize, "en")}). ID: ${r.id}\nDetails: ${c.guestUrl}`;
  },
  latePaymentRefunded(c: MessageContext, amountJpy: number): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】お支払いが決済期限後（またはキャンセル後）だったため、${formatJpy(amountJpy)}を全額返金します。予約は成立していません。予約ID: ${r.id}`
      : `[${BRAND}] Your payment arrived after the deadline (or after cancellation), so ${formatJpy(amountJpy)} will be refunded in full. The booking was not made. ID: ${r.id}`;
  },
  /** Seed 000 §2.2.1: the requester agreed on the phone to another date and time. */
  newTime(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】お電話でご相談した日時（${when(r, "ja")}、${party(r.partySize, "ja")}）で、提携店にもう一度確認します。予約ID: ${r.id}\n状況の確認: ${c.guestUrl}`
      : `[${BRAND}] As agreed on the phone, we are calling partner shops again for ${when(r, "en")} (${party(r.partySize, "en")}). ID: ${r.id}\nStatus: ${c.guestUrl}`;
  },
  /** Seed 000 §2.2.5: the change the shop asked for, as agreed with the requester. */
  detailsChanged(c: MessageContext, confirmed: boolean): string {
    const r = c.record;
    const ja = r.requester.language === "ja";
    const next = confirmed ? (ja ? "ご予約は変更後の内容で確定しています。" : "Your booking stands with these details.") : ja ? "まもなく決済リンクをお送りします。" : "The payment link follows shortly.";
    return ja
      ? `【${BRAND}】ご予約内容を変更しました（${when(r, "ja")}、${party(r.partySize, "ja")}）。${next}予約ID: ${r.id}`
      : `[${BRAND}] Your booking details have changed (${when(r, "en")}, ${party(r.partySize, "en")}). ${next} ID: ${r.id}`;
  },
  /** Seed 000 §2.2.6: cancelled by support after the deadline, without a refund. */
  /**
   * An operator cancelled a paid booking without a refund. After the deadline that is the
   * reason; before it the operator's own reason is what the requester is told.
   */
  cancelledNoRefund(c: MessageContext, why: { late: boolean; reason: string }): string {
    const r = c.record;
    if (!why.late) {
      return r.requester.language === "ja"
        ? `【${BRAND}】予約 ${r.id} をキャンセルしました。理由: ${why.reason}。返金はございません。ご不明な点はカスタマーサポート（${c.supportPhone}）までご連絡ください。`
        : `[${BRAND}] Booking ${r.id} is cancelled. Reason: ${why.reason}. There is no refund; for questions, contact customer support (${c.supportPhone}).`;
    }
    return r.requester.language === "ja"
      ? `【${BRAND}】予約 ${r.id} をキャンセルしました。キャンセル期限（48時間前）を過ぎているため、返金はございません。`
      : `[${BRAND}] Booking ${r.id} is cancelled. As the cancellation deadline (48 hours before) had passed, there is no refund.`;
  },
  /** Seed 000 §2.2.6: a late cancellation that the shop did not accept. */
  cancellationRefused(c: MessageContext): string {
    const r = c.record;
    return r.requester.language === "ja"
      ? `【${BRAND}】キャンセルのご依頼について店舗と確認しましたが、今回はお受けできませんでした。ご予約（${when(r, "ja")}）は引き続き有効です。予約ID: ${r.id}`
      : `[${BRAND}] We checked your cancellation request with the shop, but it could not be accepted. Your booking (${when(r, "en")}) still stands. ID: ${r.id}`;
  },
};

/** Seed 000 §2.2.6: shown instead of the cancel button, and returned by cancel_reservation. */
/** The seed's words when a cancellation comes too late (seed 000 §2.2.6). */
export const LATE_CANCELLATION: Record<Lang, string> = {
  ja: "キャンセル期限を過ぎています。カスタマーサポートまでご連絡ください",
  en: "The cancellation deadline has passed. Please contact customer support",
};

export function lateCancellationMessage(lang: Lang, supportPhone: string, supportEmail: string): string {
  return lang === "ja" ? `${LATE_CANCELLATION.ja}（電話 ${supportPhone} / ${supportEmail}）。` : `${LATE_CANCELLATION.en} (phone ${supportPhone} / ${supportEmail}).`;
}

// ---------------------------------------------------------------- Email

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function linkify(line: string): string {
  return escapeHtml(line).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

/** One layout for every email: the same lines as plain text and as simple, mobile-safe HTML. */
export function email(subject: string, lines: string[], lang: Lang): EmailContent {
  const footer =
    lang === "ja"
      ? "このメールは QRV（Qualfia Reservation）から自動送信されています。"
      : "This email was sent automatically by QRV (Qualfia Reservation).";
  const text = [...lines, "", "--", footer].join("\n");
  const body = lines.map((l) => (l === "" ? "<br>" : `<p style="margin:0 0 8px">${linkify(l)}</p>`)).join("\n");
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head><body style="font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;line-height:1.6;color:#1a1a1a;max-width:560px;margin:0 auto;padding:16px">\n${body}\n<hr style="border:none;border-top:1px solid #ddd;margin:16px 0"><p style="font-size:12px;color:#666">${escapeHtml(footer)}</p></body></html>`;
  return { subject: `[${BRAND}] ${subject}`, text, html };
}

function detailLines(c: MessageContext, lang: Lang, shop?: ShopRef): string[] {
  const r = c.record;
  const rows =
    lang === "ja"
      ? [`予約ID: ${r.id}`, `サービス: ${r.data.service}（${r.data.area}）`, ...(r.data.menu ? [`メニュー: ${r.data.menu}`] : []), `日時: ${when(r, "ja")}`, `人数: ${party(r.partySize, "ja")}`]
      : [`Reservation ID: ${r.id}`, `Service: ${r.data.service} (${r.data.area})`, ...(r.data.menu ? [`Menu: ${r.data.menu}`] : []), `Date and time: ${when(r, "en")}`, `Party: ${party(r.partySize, "en")}`];
  if (shop) {
    rows.push(lang === "ja" ? `店舗: ${shop.name}` : `Shop: ${shop.name}`);
    if (shop.address) rows.push(lang === "ja" ? `住所: ${shop.address}` : `Address: ${shop.address}`);
  }
  if (r.amountJpy !== undefined && shop) rows.push(lang === "ja" ? `金額: ${formatJpy(r.amountJpy)}` : `Amount: ${formatJpy(r.amountJpy)}`);
  return rows;
}

export const requesterEmail = {
  changeProposed(c: MessageContext, shop: ShopRef, p: ProposedChange): EmailContent {
    const r = c.record;
    return r.requester.language === "ja"
      ? email("予約内容の変更のご確認", [`${r.requester.name} 様`, "", `${shop.name}から予約内容の変更のご提案がありました。`, "", `現在: ${when(r, "ja")}、${party(r.partySize, "ja")}`, `変更後: ${changeLine(p, "ja")}`, "", "下のページで内容をご確認のうえ、承認またはお断りを選んでください。承認いただくまで決済リンクはお送りせず、料金もかかりません。お支払いは承認いただいた金額を超えることはありません。", "", `確認・承認: ${c.guestUrl}`], "ja")
      : email("Please review a change to your booking", [`Dear ${r.requester.name},`, "", `${shop.name} proposes a change to your booking.`, "", `Now: ${when(r, "en")}, ${party(r.partySize, "en")}`, `Proposed: ${changeLine(p, "en")}`, "", "Please review it on the page below and approve or decline. We send no payment link and charge nothing until you approve, and the payment never exceeds the amount you approve.", "", `Review and approve: ${c.guestUrl}`], "en");
  },
  received(c: MessageContext): EmailContent {
    const lang = c.record.requester.language;
    return lang === "ja"
      ? email("予約リクエストを受け付けました", [`${c.record.requester.name} 様`, "", "ご予約リクエストを受け付けました。提携店に順にお電話して確認しています。結果はSMSでお知らせします。", "", ...detailLines(c, "ja"), "", `状況の確認・キャンセル: ${c.guestUrl}`], "ja")
      : email("We received your request", [`Dear ${c.record.requester.name},`, "", "We received your request and are calling partner shops one by one. We will text you the result.", "", ...detailLines(c, "en"), "", `Status and cancellation: ${c.guestUrl}`], "en");
  },
  confirmed(c: MessageContext, shop: ShopRef): EmailContent {
    const lang = c.record.requester.language;
    return lang === "ja"
      ? email("ご予約が確定しました", [`${c.record.requester.name} 様`, "", "お支払いを確認し、ご予約が確定しました。", "", ...detailLines(c, "ja", shop), "", "キャンセルは予約日時の48時間前まで無料（全額返金）です。それ以降はカスタマーサポートへご連絡ください。", `詳細・キャンセル: ${c.guestUrl}`], "ja")
      : email("Your booking is confirmed", [`Dear ${c.record.requester.name},`, "", "We received your payment and your booking is confirmed.", "", ...detailLines(c, "en", shop), "", "You can cancel free of charge (full refund) until 48 hours before the start; after that please contact customer support.", `Details and cancellation: ${c.guestUrl}`], "en");
  },
  cancelled(c: MessageContext, refundJpy: number | undefined): EmailContent {
    const lang = c.record.requester.language;
    const refundLine =
      refundJpy !== undefined
        ? lang === "ja"
          ? `${formatJpy(refundJpy)}を全額返金します。カード会社により反映まで数日かかることがあります。`
          : `${formatJpy(refundJpy)} will be refunded in full; your card issuer may take a few days.`
        : lang === "ja"
          ? "料金は発生していません。"
          : "You have not been charged.";
    return lang === "ja"
      ? email("ご予約をキャンセルしました", [`${c.record.requester.name} 様`, "", "ご予約をキャンセルしました。", refundLine, "", ...detailLines(c, "ja")], "ja")
      : email("Your booking is cancelled", [`Dear ${c.record.requester.name},`, "", "Your booking is cancelled.", refundLine, "", ...detailLines(c, "en")], "en");
  },
  /** Seed 000 §2.2.2: what an SMS could not deliver, by email. */
  smsFallback(c: MessageContext, smsBody: string): EmailContent {
    const lang = c.record.requester.language;
    return lang === "ja"
      ? email("SMSをお届けできませんでした", [`${c.record.requester.name} 様`, "", "ご登録の電話番号にSMSをお送りできなかったため、同じ内容をメールでお送りします。", "", ...smsBody.split("\n")], "ja")
      : email("We could not reach you by SMS", [`Dear ${c.record.requester.name},`, "", "We could not deliver a text message to your phone number, so here is the same message by email.", "", ...smsBody.split("\n")], "en");
  },
  detailsChanged(c: MessageContext): EmailContent {
    const lang = c.record.requester.language;
    const shop = c.record.data.shop;
    return lang === "ja"
      ? email("ご予約内容を変更しました", [`${c.record.requester.name} 様`, "", "店舗とのご相談のとおり、ご予約内容を変更しました。変更後の内容は以下のとおりです。", "", ...detailLines(c, "ja", shop), "", `詳細: ${c.guestUrl}`], "ja")
      : email("Your booking details have changed", [`Dear ${c.record.requester.name},`, "", "As agreed with the shop, your booking details have changed. The booking now reads:", "", ...detailLines(c, "en", shop), "", `Details: ${c.guestUrl}`], "en");
  },
  cancelledNoRefund(c: MessageContext, why: { late: boolean; reason: string }): EmailContent {
    const lang = c.record.requester.language;
    if (!why.late) {
      return lang === "ja"
        ? email("ご予約をキャンセルしました", [`${c.record.requester.name} 様`, "", `ご予約をキャンセルしました。理由: ${why.reason}`, "返金はございません。ご不明な点はカスタマーサポートまでご連絡ください。", "", ...detailLines(c, "ja")], "ja")
        : email("Your booking is cancelled", [`Dear ${c.record.requester.name},`, "", `Your booking is cancelled. Reason: ${why.reason}`, "There is no refund. For questions, please contact customer support.", "", ...detailLines(c, "en")], "en");
    }
    return lang === "ja"
      ? email("ご予約をキャンセルしました", [`${c.record.requester.name} 様`, "", "ご依頼によりご予約をキャンセルしました。キャンセル期限（予約日時の48時間前）を過ぎているため、返金はございません。", "", ...detailLines(c, "ja")], "ja")
      : email("Your booking is cancelled", [`Dear ${c.record.requester.name},`, "", "At your request your booking is cancelled. As the cancellation deadline (48 hours before the start) had passed, there is no refund.", "", ...detailLines(c, "en")], "en");
  },
  cancellationRefused(c: MessageContext): EmailContent {
    const lang = c.record.requester.language;
    const shop = c.record.data.shop;
    return lang === "ja"
      ? email("キャンセルのご依頼について", [`${c.record.requester.name} 様`, "", "キャンセルのご依頼について店舗と確認しましたが、今回はお受けできませんでした。ご予約は引き続き有効です。", "", ...detailLines(c, "ja", shop), "", `詳細: ${c.guestUrl}`], "ja")
      : email("About your cancellation request", [`Dear ${c.record.requester.name},`, "", "We checked your cancellation request with the shop, but it could not be accepted. Your booking still stands.", "", ...detailLines(c, "en", shop), "", `Details: ${c.guestUrl}`], "en");
  },
  paymentTimeout(c: MessageContext): EmailContent {
    const lang = c.record.requester.language;
    return lang === "ja"
      ? email("決済期限が切れました", [`${c.record.requester.name} 様`, "", "決済期限（決済リンク送信から10分）が切れたため、仮押さえを解除しました。再度予約をお願いします。", "", ...detailLines(c, "ja")], "ja")
      : email("The payment deadline has passed", [`Dear ${c.record.requester.name},`, "", "The payment window (10 minutes from the payment link) has closed, so the tentative booking was released. Please make a new request.", "", ...detailLines(c, "en")], "en");
  },
};

/** Shops are in Japan: their emails are Japanese. */
export const shopEmail = {
  tentative(c: MessageContext, shop: ShopRef): EmailContent {
    return email("仮予約のお知らせ", [`${shop.name} ご担当者様`, "", "先ほどお電話でお受けいただいたご予約の仮予約です。依頼者のお支払い（10分以内）をもって確定し、改めてご連絡します。", "", ...detailLines(c, "ja", shop), `お名前: ${c.record.requester.name} 様`, ...(c.record.data.notes ? [`ご要望: ${c.record.data.notes}`] : [])], "ja");
  },
  confirmed(c: MessageContext, shop: ShopRef): EmailContent {
    return email("予約確定のお知らせ", [`${shop.name} ご担当者様`, "", "以下のご予約が確定しました（お支払い済み）。当日はよろしくお願いいたします。", "", ...detailLines(c, "ja", shop), `お名前: ${c.record.requester.name} 様`, ...(c.record.data.notes ? [`ご要望: ${c.record.data.notes}`] : [])], "ja");
  },
  withdrawn(c: MessageContext, shop: ShopRef, reason: "payment_timeout" | "cancelled"): EmailContent {
    const why = reason === "payment_timeout" ? "依頼者のお支払いが期限内に完了しなかったため" : "依頼者のご都合により";
    return email("仮予約取り消しのお知らせ", [`${shop.name} ご担当者様`, "", `${why}、以下の仮予約を取り消します。お手数をおかけし申し訳ございません。`, "", ...detailLines(c, "ja", shop)], "ja");
  },
  /** Seed 000 §2.2.5: the requester did not accept the shop's change. */
  changeDeclined(c: MessageContext, shop: ShopRef): EmailContent {
    return email("ご提案いただいた変更について", [`${shop.name} ご担当者様`, "", "先ほどのお電話でご提案いただいた予約内容の変更について、依頼者のご都合が合わなかったため、今回のご予約は見送らせていただきます。ご対応いただきありがとうございました。", "", ...detailLines(c, "ja")], "ja");
  },
  detailsChanged(c: MessageContext, shop: ShopRef): EmailContent {
    return email("予約内容変更のお知らせ", [`${shop.name} ご担当者様`, "", "以下のご予約の内容が変更になりました（お支払い済み）。", "", ...detailLines(c, "ja", shop), `お名前: ${c.record.requester.name} 様`], "ja");
  },
  /** Seed 000 §2.2.6: cancelled after the deadline, as negotiated with the shop. */
  lateCancelled(c: MessageContext, shop: ShopRef, refund: boolean): EmailContent {
    const how = refund ? "ご相談のとおり、依頼者への返金を伴うキャンセルとして" : "キャンセル期限後のキャンセル（依頼者への返金なし）として";
    return email("予約キャンセルのお知らせ", [`${shop.name} ご担当者様`, "", `以下の確定済みのご予約が、依頼者のご事情によりキャンセルされました。${how}処理しています。`, "", ...detailLines(c, "ja", shop), `お名前: ${c.record.requester.name} 様`], "ja");
  },
  cancelled(c: MessageContext, shop: ShopRef): EmailContent {
    return email("予約キャンセルのお知らせ", [`${shop.name} ご担当者様`, "", "以下の確定済みのご予約が、依頼者のご都合によりキャンセルされました（キャンセル期限内）。", "", ...detailLines(c, "ja", shop), `お名前: ${c.record.requester.name} 様`], "ja");
  },
};

// ---------------------------------------------------------------- Timeline

const NOTES: Record<string, { ja: string; en: string }> = {
  created: { ja: "予約リクエストを受け付けました", en: "Request received" },
  calling_started: { ja: "提携店への電話を開始しました", en: "Started calling partner shops" },
  call_started: { ja: "{shop} に電話しています（{round}周目）", en: "Calling {shop} (round {round})" },
  call_placed: { ja: "{shop} への発信を受け付けました", en: "Call to {shop} placed" },
  closed_at_start: { ja: "開始時刻までに予約を確定できなかったため終了しました（料金なし）", en: "Closed: no booking was made before the start time (no charge)" },
  call_stopped: { ja: "キャンセルのため {shop} への電話を切りました", en: "Hung up on {shop}: the booking was cancelled" },
  shop_told_cancelled: { ja: "キャンセル前に予約OKだった {shop} に取り消しを連絡しました", en: "{shop} said yes before the cancellation and was told it is off" },
  call_accepted: { ja: "{shop}: 予約OK", en: "{shop}: accepted" },
  call_declined: { ja: "{shop}: 予約NG", en: "{shop}: declined" },
  call_no_answer: { ja: "{shop}: 応答なし", en: "{shop}: no answer" },
  call_failed: { ja: "{shop}: 発信できませんでした", en: "{shop}: the call could not be made" },
  call_ambiguous: { ja: "{shop}: 曖昧な回答（担当者が確認します）", en: "{shop}: unclear answer (an operator will follow up)" },
  call_change_requested: { ja: "{shop}: 内容の変更を希望（担当者が確認します）", en: "{shop}: asked for a change (an operator will follow up)" },
  round_finished: { ja: "{round}周目が終わりました。{delay}秒後に次の周を始めます", en: "Round {round} finished; the next round starts in {delay} s" },
  no_shop_available: { ja: "全店で予約が取れませんでした", en: "No shop could take the booking" },
  payment_link_sent: { ja: "決済リンクを送りました（{deadline}まで）", en: "Payment link sent (pay by {deadline})" },
  payment_completed: { ja: "お支払いを確認しました。予約確定", en: "Payment received; booking confirmed" },
  payment_timeout: { ja: "決済期限が切れました", en: "The payment deadline passed" },
  late_payment_refund: { ja: "期限後のお支払いを全額返金します", en: "A late payment is being refunded in full" },
  refund_succeeded: { ja: "返金が完了しました", en: "Refund completed" },
  refund_failed: { ja: "返金に失敗しました（担当者が対応します）", en: "The refund failed (an operator will handle it)" },
  refund_pending: { ja: "返金を処理中です", en: "Refund in progress" },
  cancelled_free: { ja: "キャンセルしました（料金なし）", en: "Cancelled (no charge)" },
  cancelled_refund: { ja: "キャンセルしました（全額返金）", en: "Cancelled (full refund)" },
  cancel_refused: { ja: "キャンセル期限（48時間前）を過ぎているため自動キャンセルできません", en: "Cancellation refused: less than 48 hours before the start" },
  completed: { ja: "ご利用日時を過ぎました", en: "The appointment time has passed" },
  reminder_sent: { ja: "リマインダーをSMSで送りました", en: "Reminder sent by SMS" },
  payment_link_failed: { ja: "決済リンクを作成できませんでした（担当者が対応します）", en: "The payment link could not be created (an operator will handle it)" },
  message_failed: { ja: "メッセージを送れませんでした（担当者が対応します）", en: "A message could not be delivered (an operator will handle it)" },
  job_failed: { ja: "処理に失敗しました（担当者が対応します）", en: "A step failed (an operator will handle it)" },
  shop_assigned: { ja: "担当者が {shop} で予約を手配しました", en: "An operator arranged the booking with {shop}" },
  new_time: { ja: "担当者とご相談した日時（{start}）で電話を再開します", en: "Calling again for the time agreed with an operator ({start})" },
  cancelled_by_operator: { ja: "担当者がキャンセルしました（料金なし）", en: "Cancelled by an operator (no charge)" },
  cancelled_refund_by_operator: { ja: "担当者がキャンセルしました（全額返金）", en: "Cancelled by an operator (full refund)" },
  cancelled_no_refund: { ja: "担当者がキャンセルしました（期限後のため返金なし）", en: "Cancelled by an operator (after the deadline, no refund)" },
  operator_note: { ja: "担当者が対応を記録しました", en: "An operator recorded a follow-up" },
  resent_by_email: { ja: "届かなかったSMSの内容をメールで送りました", en: "The undelivered texts were sent by email" },
  phone_corrected: { ja: "電話番号を訂正しました", en: "The phone number was corrected" },
  payment_reopened: { ja: "新しい決済リンクを発行します", en: "A new payment link is being issued" },
  shop_confirmed_by_operator: { ja: "{shop}: 担当者の確認で予約OK", en: "{shop}: accepted (confirmed by an operator)" },
  shop_declined_by_operator: { ja: "{shop}: 担当者の確認で予約NG。次の店舗に電話します", en: "{shop}: declined (confirmed by an operator); calling the next shop" },
  change_accepted: { ja: "店舗の変更案を承諾し、予約内容を変更しました（{start}、{party}名）", en: "The shop's change was accepted and the booking updated ({start}, party of {party})" },
  change_proposed: { ja: "店舗の変更案（{start}、{party}名、{amount}）を依頼者の承認に回しました", en: "The shop's change ({start}, party of {party}, {amount}) was sent to the requester for approval" },
  change_approved: { ja: "依頼者が変更を承認しました（{start}、{party}名）", en: "The requester approved the change ({start}, party of {party})" },
  change_declined: { ja: "依頼者が変更をお断りになり、ご依頼を終了しました（料金なし）", en: "The requester declined the change; the request is closed (no charge)" },
  change_rejected: { ja: "店舗の変更案をお断りしました。次の店舗に電話します", en: "The shop's change was declined; calling the next shop" },
  job_requeued: { ja: "止まっていた送信処理を再実行しました", en: "A stalled step was run again" },
  job_dismissed: { ja: "止まっていた送信処理を担当者が対応しました", en: "An operator handled a stalled step" },
  cancellation_refused: { ja: "キャンセルのご依頼はお受けできませんでした。予約は有効です", en: "The cancellation request was declined; the booking stands" },
};

export function renderNote(note: Note, lang: Lang): string {
  const template = NOTES[note.code]?.[lang] ?? note.code;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(note.params?.[k] ?? ""));
}

export function timelineLine(at: number, note: Note, lang: Lang): string {
  return `${formatShort(at, lang)} ${renderNote(note, lang)}`;
}

export function statusLabel(status: string, lang: Lang): string {
  const labels: Record<string, { ja: string; en: string }> = {
    requested: { ja: "受付済み", en: "Request received" },
    calling: { ja: "提携店に確認中", en: "Calling shops" },
    calling_success: { ja: "予約OK・決済リンク準備中", en: "Shop accepted; preparing payment" },
    pending_shop_response: { ja: "店舗の回答を確認中", en: "Confirming the shop's answer" },
    change_requested: { ja: "店舗から変更の希望あり・確認中", en: "Shop asked for a change; we are checking" },
    no_shop_available: { ja: "予約できませんでした", en: "No shop available" },
    payment_pending: { ja: "お支払い待ち（10分以内）", en: "Waiting for payment (10 minutes)" },
    payment_timeout: { ja: "決済期限切れ", en: "Payment deadline passed" },
    confirmed: { ja: "予約確定", en: "Confirmed" },
    completed: { ja: "ご利用済み", en: "Completed" },
    cancelled: { ja: "キャンセル済み", en: "Cancelled" },
  };
  return labels[status]?.[lang] ?? status;
}
