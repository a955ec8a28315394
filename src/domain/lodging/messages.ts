// What a lodging member is told, Japanese first (seed 004): the order placed and paid, placed
// and waiting for points (how many are missing, where to top up, until when), paid later, and
// expired. The same layout as every other QRV email.
import { email, type EmailContent } from "../messages.ts";
import type { Lang, LodgingCancellation, LodgingRecord } from "../reservation/types.ts";
import { formatClock } from "../time.ts";
import { formatPoints } from "./points.ts";

function roomsLine(r: LodgingRecord, lang: Lang): string {
  return r.data.lines.map((l) => (lang === "ja" ? `${l.roomNumber}号室（${l.roomTypeName}）${l.checkIn}〜${l.checkOut}` : `Room ${l.roomNumber} (${l.roomTypeName}) ${l.checkIn} to ${l.checkOut}`)).join(lang === "ja" ? "、" : "; ");
}

function details(r: LodgingRecord, lang: Lang): string[] {
  const d = r.data;
  return lang === "ja"
    ? [`オーダー番号: ${r.id}`, `日程: ${d.checkIn} 〜 ${d.checkOut}`, `客室: ${roomsLine(r, "ja")}`, `小計: ${formatPoints(d.subtotal, "ja")}`, `バースデー割引: -${formatPoints(d.discount, "ja")}`, `合計: ${formatPoints(d.total, "ja")}`]
    : [`Order number: ${r.id}`, `Dates: ${d.checkIn} to ${d.checkOut}`, `Rooms: ${roomsLine(r, "en")}`, `Subtotal: ${formatPoints(d.subtotal, "en")}`, `Birthday discount: -${formatPoints(d.discount, "en")}`, `Total: ${formatPoints(d.total, "en")}`];
}

export const lodgingSms = {
  cancelled(r: LodgingRecord, c: LodgingCancellation): string {
    return r.requester.language === "ja"
      ? `【QRV】キャンセルを承認しました（${r.id}、${c.roomNumbers.join("、")}号室）。${formatPoints(c.refund, "ja")}を返金しました。`
      : `[QRV] Cancellation approved (${r.id}, rooms ${c.roomNumbers.join(", ")}). ${formatPoints(c.refund, "en")} refunded.`;
  },
  cancelRefused(r: LodgingRecord, c: LodgingCancellation): string {
    return r.requester.language === "ja"
      ? `【QRV】キャンセルのご依頼（${r.id}、${c.roomNumbers.join("、")}号室）はお受けできませんでした。ご予約はそのままです。`
      : `[QRV] Your cancellation (${r.id}, rooms ${c.roomNumbers.join(", ")}) was not accepted; the order stands.`;
  },
  confirmed(r: LodgingRecord): string {
    return r.requester.language === "ja"
      ? `【QRV】ご予約が確定しました（${r.id}）。${r.data.checkIn}〜${r.data.checkOut} ${roomsLine(r, "ja")}。${formatPoints(r.data.total, "ja")}をお支払いいただきました。`
      : `[QRV] Your stay is confirmed (${r.id}): ${r.data.checkIn} to ${r.data.checkOut}, ${roomsLine(r, "en")}. ${formatPoints(r.data.total, "en")} paid.`;
  },
  awaitingPayment(r: LodgingRecord): string {
    const p = r.data.payment;
    const until = p.deadlineAt ? formatClock(p.deadlineAt) : "";
    return r.requester.language === "ja"
      ? `【QRV】ご注文を承りました（${r.id}）。ポイントが${formatPoints(p.shortfall ?? 0, "ja")}不足しています。${until}までにチャージしてください: ${p.topUpUrl ?? ""}`
      : `[QRV] Order received (${r.id}). You are ${formatPoints(p.shortfall ?? 0, "en")} short. Top up by ${until} JST: ${p.topUpUrl ?? ""}`;
  },
  paid(r: LodgingRecord): string {
    return r.requester.language === "ja"
      ? `【QRV】お支払いを確認し、ご予約が確定しました（${r.id}）。${roomsLine(r, "ja")}`
      : `[QRV] Payment received; your stay is confirmed (${r.id}). ${roomsLine(r, "en")}`;
  },
  expired(r: LodgingRecord): string {
    return r.requester.language === "ja"
      ? `【QRV】お支払い期限が過ぎたため、ご注文（${r.id}）は取り消されました。お部屋の確保も解除しました。`
      : `[QRV] The payment window passed, so order ${r.id} has expired and its rooms were released.`;
  },
};

function cancelLines(r: LodgingRecord, c: LodgingCancellation, lang: Lang): string[] {
  return lang === "ja"
    ? [`オーダー番号: ${r.id}`, `キャンセルした客室: ${c.roomNumbers.join("、")}号室`, `返金: ${formatPoints(c.refund, "ja")}（${c.policyRow.ja}）`]
    : [`Order number: ${r.id}`, `Rooms cancelled: ${c.roomNumbers.join(", ")}`, `Refund: ${formatPoints(c.refund, "en")} (${c.policyRow.en})`];
}

export const lodgingEmail = {
  cancelled(r: LodgingRecord, c: LodgingCancellation): EmailContent {
    const lang = r.requester.language;
    const rest = r.status === "cancelled" ? (lang === "ja" ? "ご予約はすべてキャンセルされました。" : "The whole order is now cancelled.") : lang === "ja" ? "そのほかのお部屋のご予約はそのままです。" : "The rest of the order stands.";
    return email(lang === "ja" ? `キャンセル承認 ${r.id}` : `Cancellation approved ${r.id}`, [lang === "ja" ? `${r.requester.name} 様` : `Dear ${r.requester.name},`, "", lang === "ja" ? "キャンセルのご依頼を承認し、ポイントを返金しました。" : "Your cancellation is approved and the points are back.", rest, "", ...cancelLines(r, c, lang)], lang);
  },
  cancelRefused(r: LodgingRecord, c: LodgingCancellation): EmailContent {
    const lang = r.requester.language;
    return email(lang === "ja" ? `キャンセルのご依頼について ${r.id}` : `About your cancellation ${r.id}`, [lang === "ja" ? `${r.requester.name} 様` : `Dear ${r.requester.name},`, "", lang === "ja" ? `キャンセルのご依頼はお受けできませんでした（${c.reason ?? ""}）。ご予約はそのままです。` : `Your cancellation could not be accepted (${c.reason ?? ""}). The order stands.`, "", ...cancelLines(r, c, lang)], lang);
  },
  confirmed(r: LodgingRecord): EmailContent {
    const lang = r.requester.language;
    return email(lang === "ja" ? `ご予約確定 ${r.id}` : `Stay confirmed ${r.id}`, [lang === "ja" ? `${r.requester.name} 様` : `Dear ${r.requester.name},`, "", lang === "ja" ? "ご予約が確定し、ポイントでお支払いいただきました。" : "Your stay is confirmed and paid with points.", "", ...details(r, lang)], lang);
  },
  awaitingPayment(r: LodgingRecord): EmailContent {
    const lang = r.requester.language;
    const p = r.data.payment;
    const until = p.deadlineAt ? formatClock(p.deadlineAt) : "";
    return email(
      lang === "ja" ? `お支払い待ち ${r.id}` : `Waiting for payment ${r.id}`,
      [
        lang === "ja" ? `${r.requester.name} 様` : `Dear ${r.requester.name},`,
        "",
        lang === "ja" ? `ポイントが${formatPoints(p.shortfall ?? 0, "ja")}不足しています。${until}までにチャージいただくと自動でお支払いが完了し、ご予約が確定します。それまでお部屋を確保しています。` : `You are ${formatPoints(p.shortfall ?? 0, "en")} short. Top up by ${until} JST and the order pays itself and is confirmed; the rooms are held until then.`,
        p.topUpUrl ?? "",
        "",
        ...details(r, lang),
      ],
      lang,
    );
  },
  paid(r: LodgingRecord): EmailContent {
    const lang = r.requester.language;
    return email(lang === "ja" ? `お支払い完了・ご予約確定 ${r.id}` : `Paid and confirmed ${r.id}`, [lang === "ja" ? `${r.requester.name} 様` : `Dear ${r.requester.name},`, "", lang === "ja" ? "チャージを確認し、ご注文のお支払いが完了しました。" : "Your top-up arrived and the order is paid.", "", ...details(r, lang)], lang);
  },
  expired(r: LodgingRecord): EmailContent {
    const lang = r.requester.language;
    return email(lang === "ja" ? `ご注文の期限切れ ${r.id}` : `Order expired ${r.id}`, [lang === "ja" ? `${r.requester.name} 様` : `Dear ${r.requester.name},`, "", lang === "ja" ? "お支払い期限が過ぎたため、ご注文は取り消され、お部屋の確保も解除されました。ポイントは使われていません。" : "The payment window passed, so the order expired and its rooms were released. No points were taken.", "", ...details(r, lang)], lang);
  },
};

export function lodgingStatusLabel(status: string, lang: Lang): string {
  const labels: Record<string, { ja: string; en: string }> = {
    awaiting_payment: { ja: "支払待ち", en: "Awaiting payment" },
    confirmed: { ja: "予約確定", en: "Confirmed" },
    expired: { ja: "期限切れ", en: "Expired" },
    cancelled: { ja: "キャンセル済み", en: "Cancelled" },
  };
  return labels[status]?.[lang] ?? status;
}
