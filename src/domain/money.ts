// Money is integer JPY (Stripe's zero-decimal currency). Prices and refunds are computed here only.

export const CURRENCY = "jpy";

export function assertJpy(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not a JPY amount: ${amount}`);
  return amount;
}

/** What the requester pays online for a shop booking: the shop's listed price. */
export function shopBookingPrice(shopPriceJpy: number): number {
  return assertJpy(shopPriceJpy);
}

/** A cancellation that qualifies for a refund returns everything that was paid. */
export function fullRefund(paidJpy: number): number {
  return assertJpy(paidJpy);
}

/**
 * Every yen amount a person reads (pages, SMS, email, MCP text, PDFs, the console): `6,600円`,
 * in Japanese and in English alike, as the seed writes prices.
 */
export function formatJpy(amount: number): string {
  return `${GROUPED.format(Math.round(amount))}円`;
}
// One formatter per isolate: toLocaleString builds a new ICU formatter on every call.
const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
