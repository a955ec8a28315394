// Prepaid points (seed 004 §3(2)2): bought with money, the only way to pay for a stay. The
// ledger is append-only; each entry has a kind and a reference that makes it happen once.
import { lodgingPolicy } from "./policy.ts";

export const LEDGER_KINDS = ["topup", "order_payment", "refund", "adjustment"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** The reference that makes an entry unique: one credit per payment, one charge per order. */
export const ledgerRef = {
  topup: (topUpId: string) => `topup:${topUpId}`,
  orderPayment: (orderId: string) => `order:${orderId}:payment`,
  refund: (orderId: string, refundId: string) => `order:${orderId}:refund:${refundId}`,
  adjustment: (adjustmentId: string) => `adjustment:${adjustmentId}`,
};

export type TopUpCheck = { ok: true; points: number } | { ok: false; message: { ja: string; en: string } };

export function checkTopUp(amount: unknown): TopUpCheck {
  const { minTopUpPoints: min, maxTopUpPoints: max } = lodgingPolicy;
  if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < min || amount > max) {
    return { ok: false, message: { ja: `チャージは${min.toLocaleString("ja-JP")}〜${max.toLocaleString("ja-JP")}ポイントの整数で指定してください。`, en: `A top-up is a whole number of points from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}.` } };
  }
  return { ok: true, points: amount };
}

/** Points missing for an order, 0 when the balance covers it. */
export function shortfall(balance: number, total: number): number {
  return Math.max(0, total - balance);
}

export function formatPoints(points: number, lang: "ja" | "en"): string {
  return lang === "ja" ? `${points.toLocaleString("ja-JP")}ポイント` : `${points.toLocaleString("en-US")} points`;
}
