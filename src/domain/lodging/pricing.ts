// Prices of stays, in integer points (1 point = 1 yen). Rates are per room type and date
// (seed 004 §3(1)3, dynamic pricing) with a default per room type; the birthday discount
// (seed 004 §3(2)3) takes 5 % off the nights within ±N days of the member's birthday and is
// always its own line. Every total on a quote, an order or a refund comes from here.
import { dayNumber, isLeapYear } from "./dates.ts";
import { lodgingPolicy } from "./policy.ts";

/** One room type's prices: a rate per date where one is set, the default otherwise. */
export interface RateCard {
  defaultPoints: number;
  byDate: ReadonlyMap<string, number> | Record<string, number>;
}

export interface NightPrice {
  date: string;
  /** The rate for one room that night. */
  points: number;
  /** Whether the night falls in the birthday window. */
  birthday: boolean;
}

export interface LineQuote {
  nightly: NightPrice[];
  quantity: number;
  /** Rates × rooms, before the discount. */
  subtotal: number;
  /** The birthday discount (a positive number of points), 0 when none applies. */
  discount: number;
  total: number;
}

export interface OrderQuote {
  lines: LineQuote[];
  subtotal: number;
  discount: number;
  total: number;
}

function rateOn(card: RateCard, date: string): number {
  const v = card.byDate instanceof Map ? card.byDate.get(date) : (card.byDate as Record<string, number>)[date];
  return v ?? card.defaultPoints;
}

export function assertPoints(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a number of points: ${n}`);
  return n;
}

/**
 * The member's birthday in a given year. Someone born on 29 February celebrates on
 * 28 February in other years (the day their age changes under Japanese law).
 */
export function birthdayIn(year: number, birthDate: string): number {
  const [, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  const day = m === 2 && d === 29 && !isLeapYear(year) ? 28 : d;
  return Date.UTC(year, m - 1, day) / 86_400_000;
}

/**
 * Whether a night is within ±windowDays of the birthday. The birthday of the night's own
 * year and of the years either side are all checked, so a window crosses the new year both ways
 * (a 31 December birthday covers 3 January; a 1 January birthday covers 29 December).
 */
export function inBirthdayWindow(night: string, birthDate: string | null | undefined, windowDays: number = lodgingPolicy.birthdayWindowDays): boolean {
  if (!birthDate || dayNumber(birthDate) === null) return false;
  const n = dayNumber(night);
  if (n === null) return false;
  const year = Number(night.slice(0, 4));
  return [year - 1, year, year + 1].some((y) => Math.abs(n - birthdayIn(y, birthDate)) <= windowDays);
}

/** The discount on an amount: 5 % rounded up, so the guest pays the lower whole point. */
export function birthdayDiscount(points: number, percent: number = lodgingPolicy.birthdayDiscountPercent): number {
  assertPoints(points);
  return Math.ceil((points * percent) / 100);
}

export interface QuoteInput {
  nights: readonly string[];
  card: RateCard;
  quantity: number;
  birthDate?: string | null;
  windowDays?: number;
}

/** One order line: `quantity` rooms of one type for the same nights. */
export function quoteLine(input: QuoteInput): LineQuote {
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1) throw new RangeError(`quantity must be a whole number of rooms: ${input.quantity}`);
  const nightly = input.nights.map((date) => ({ date, points: assertPoints(rateOn(input.card, date)), birthday: inBirthdayWindow(date, input.birthDate, input.windowDays) }));
  const perRoom = nightly.reduce((s, n) => s + n.points, 0);
  const eligible = nightly.filter((n) => n.birthday).reduce((s, n) => s + n.points, 0);
  const subtotal = perRoom * input.quantity;
  // Rounded once per line on every eligible night of every room: the guest never pays a fraction.
  const discount = birthdayDiscount(eligible * input.quantity);
  return { nightly, quantity: input.quantity, subtotal, discount, total: subtotal - discount };
}

export function quoteOrder(lines: QuoteInput[]): OrderQuote {
  const quoted = lines.map(quoteLine);
  const subtotal = quoted.reduce((s, l) => s + l.subtotal, 0);
  const discount = quoted.reduce((s, l) => s + l.discount, 0);
  return { lines: quoted, subtotal, discount, total: subtotal - discount };
}
