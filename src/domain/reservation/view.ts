// What a requester (through an AI client or the guest page) sees of a reservation.
import { lateCancellationMessage, statusLabel, timelineLine } from "../messages.ts";
import { cancellationTier } from "../policy.ts";
import { toIsoTokyo } from "../time.ts";
import { notesOf } from "./shop-machine.ts";
import type { Lang, Note, ReservationRecord } from "./types.ts";

export interface TimelineEntry {
  at: number;
  note: Note;
  ignored: boolean;
}

/** Applied events as short lines; ignored events and bookkeeping stay in the audit log only. */
export function timeline(events: TimelineEntry[], lang: Lang): string[] {
  return events.filter((e) => !e.ignored).flatMap((e) => notesOf(e.note).filter((n) => n.code !== "timer_ignored").map((n) => timelineLine(e.at, n, lang)));
}

export type CancelPolicy =
  | { allowed: true; refund: boolean; message: string }
  | { allowed: false; message: string };

/** What cancelling now would do, in words, for the page and the AI client (in `lang`, the requester's language unless given). */
export function cancelPolicy(r: ReservationRecord, now: number, support: { phone: string; email: string }, lang: Lang = r.requester.language): CancelPolicy {
  const ja = lang === "ja";
  if (r.status === "cancelled") return { allowed: false, message: ja ? "キャンセル済みです。" : "Already cancelled." };
  if (r.status === "completed") return { allowed: false, message: ja ? "ご利用日時を過ぎています。" : "The appointment time has passed." };
  const paid = r.status === "confirmed";
  const tier = cancellationTier(paid, r.startAt, now);
  switch (tier.tier) {
    case "free":
      return { allowed: true, refund: false, message: ja ? "お支払い前のため、無料でキャンセルできます。" : "Nothing has been paid, so you can cancel free of charge." };
    case "full_refund":
      return { allowed: true, refund: true, message: ja ? "予約日時の48時間前まではキャンセルでき、全額返金します。" : "Until 48 hours before the start you can cancel with a full refund." };
    case "too_late":
      return { allowed: false, message: lateCancellationMessage(lang, support.phone, support.email) };
  }
}

/** A shop's change waiting for the requester's approval: what it is, and that no payment link goes out before it. */
function changeApproval(r: ReservationRecord, lang: Lang) {
  const p = r.status === "change_requested" ? r.data.proposedChange : undefined;
  if (!p) return {};
  const message =
    lang === "ja"
      ? "店舗の変更案を依頼者の承認待ちです。SMSで届いたリンク（予約ページ）で承認されるまで決済リンクは送られず、お支払いは承認された金額を超えません。お断りの場合はご依頼を終了します。"
      : "The shop's change waits for the requester's approval. No payment link is sent until they approve it on their page (linked in the SMS), and the payment never exceeds the approved amount. Declining closes the request.";
  return { change_approval: { status: "awaiting_requester" as const, hash: p.approval.hash, snapshot: p.approval.snapshot, amount_jpy: p.amountJpy, message } };
}

export function reservationView(r: ReservationRecord, events: TimelineEntry[], lang: Lang, now: number, support: { phone: string; email: string }) {
  const shop = r.data.shop;
  const payment = r.data.payment;
  const paymentOpen = r.status === "payment_pending" && payment?.url && payment.deadlineAt && payment.deadlineAt > now;
  return {
    reservation_id: r.id,
    kind: r.kind,
    status: r.status,
    status_label: r.status === "change_requested" && r.data.proposedChange ? (lang === "ja" ? "変更内容のご承認待ち" : "Waiting for your approval of a change") : statusLabel(r.status, lang),
    service: r.data.service,
    area: r.data.area,
    start: toIsoTokyo(r.startAt),
    party_size: r.partySize,
    ...(shop ? { shop: { name: shop.name, ...(shop.address ? { address: shop.address } : {}) } } : {}),
    ...(r.amountJpy !== undefined ? { amount_jpy: r.amountJpy } : {}),
    ...(paymentOpen ? { payment_url: payment!.url!, payment_deadline: toIsoTokyo(payment!.deadlineAt!) } : {}),
    ...(payment?.refund ? { refund: { amount_jpy: payment.refund.amountJpy, status: payment.refund.status } } : {}),
    cancellation: cancelPolicy(r, now, support, lang),
    ...(r.data.approval ? { approval: { hash: r.data.approval.hash, snapshot: r.data.approval.snapshot, ...(r.data.approval.approvedAt ? { approved_at: toIsoTokyo(r.data.approval.approvedAt) } : {}) } } : {}),
    ...changeApproval(r, lang),
    timeline: timeline(events, lang),
  };
}

export type ReservationView = ReturnType<typeof reservationView>;
