// The lodging product's named rules (seed 004), in one place so a person can check them
// against the source document and tests refer to the same numbers.

const MINUTE = 60_000;

export const lodgingPolicy = {
  /** Birthday benefit (seed 004 §3(2)3): 5 % off (×0.95) the nights near the member's birthday. */
  birthdayDiscountPercent: 5,
  /** ±N days around the birthday count; the operator may set another N (LODGING_BIRTHDAY_WINDOW_DAYS). */
  birthdayWindowDays: 3,
  /** An order short of points keeps its rooms held this long for a top-up (LODGING_PAYMENT_WINDOW_MINUTES). */
  paymentWindowMs: 30 * MINUTE,
  /** Holds outlive the payment window by this much, so the order decides before its rooms go. */
  holdGraceMs: 5 * MINUTE,
  /** The longest stay one order line may cover. */
  maxNights: 30,
  /** How far ahead a stay may start (rates are loaded this far by the demo). */
  maxAdvanceDays: 365,
  /** Rooms of one type in one order line. */
  maxRoomsPerLine: 10,
  /** Lines in one cart. */
  maxLines: 10,
  /** Top-ups: Stripe's smallest JPY charge is 50; a top-up is at least 1,000 points. */
  minTopUpPoints: 1_000,
  maxTopUpPoints: 1_000_000,
  /** How many other rooms an order tries when the one it picked is taken in a race. */
  maxRoomRetries: 20,
} as const;

export type LodgingPolicy = typeof lodgingPolicy;
