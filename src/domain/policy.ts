// Every rule that depends on time or counts is a named value here, so a person can check it
// against the source documents (seed 000 §2) and tests can refer to the same numbers.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const policy = {
  /** The requester pays within 10 minutes of the payment link (seed 000 §2.2.3). */
  paymentWindowMs: 10 * MINUTE,
  /** Free cancellation with full refund until 48 hours before the start (seed 000 §2.2.6). */
  cancelDeadlineMs: 48 * HOUR,
  /** At most two rounds through the shop list (seed 000 §2.1). */
  maxCallRounds: 2,
  /** How long one call may take before QRV asks the provider and moves on. */
  callAttemptTimeoutMs: 10 * MINUTE,
  /** Default pause between the first and second round (CALL_ROUND_DELAY_SECONDS overrides). */
  defaultRoundDelayMs: 60_000,
  /** A confirmed reservation becomes `completed` this long after its start time. */
  completeAfterStartMs: 2 * HOUR,
  /** A request must leave time to phone shops: the start is at least this far ahead... */
  minLeadTimeMs: 30 * MINUTE,
  /** ...and at most this far ahead. */
  maxAdvanceMs: 180 * 24 * HOUR,
  /** Party size accepted for a shop booking. */
  maxPartySize: 20,
  /** Reminder SMS at this hour (Japan time) on the evening before the appointment... */
  reminderEveningHourJst: 18,
  /** ...or, for a booking confirmed after that evening, this long before the start. */
  reminderLateLeadMs: 2 * HOUR,
  /** The guest link keeps working until this long after the appointment; then it shows a friendly "expired" page. */
  guestLinkValidAfterStartMs: 30 * 24 * HOUR,
  /** An identical request_reservation from the same caller within this long returns the first reservation. */
  duplicateRequestWindowMs: 10 * MINUTE,
  /** An idempotency_key given with request_reservation is remembered this long. */
  idempotencyKeyTtlMs: 24 * HOUR,
  /** How often an AI client is asked to poll get_reservation while QRV phones shops. */
  pollIntervalSeconds: 30,
} as const;

export type Policy = typeof policy;

/** A rate limit: at most `max` actions counted against `key` within `windowMs`. */
export interface Limit {
  key: string;
  windowMs: number;
  max: number;
}

/**
 * Each booking request texts a number and phones shops, so requests are limited per caller
 * (API key or signed-in person), per number texted and per shop phoned. A request over any
 * limit sends nothing.
 */
export const requestLimits = {
  perCaller: [
    { windowMs: 10 * MINUTE, max: 20 },
    { windowMs: 24 * HOUR, max: 200 },
  ],
  perPhone: [
    { windowMs: 10 * MINUTE, max: 3 },
    { windowMs: 24 * HOUR, max: 10 },
  ],
  perShop: [{ windowMs: HOUR, max: 12 }],
} as const;

type Windows = readonly { windowMs: number; max: number }[];

export function bookingLimits(request: { caller: string; phone: string; shopIds: string[] }, limits: { perCaller: Windows; perPhone: Windows; perShop: Windows } = requestLimits): Limit[] {
  return [
    ...limits.perCaller.map((l) => ({ key: `booking:caller:${request.caller}`, ...l })),
    ...limits.perPhone.map((l) => ({ key: `booking:phone:${request.phone}`, ...l })),
    ...request.shopIds.flatMap((id) => limits.perShop.map((l) => ({ key: `booking:shop:${id}`, ...l }))),
  ];
}

export type CancellationTier =
  | { tier: "free" } // nothing paid yet
  | { tier: "full_refund" } // confirmed, at least 48 hours before the start
  | { tier: "too_late" }; // confirmed, less than 48 hours before the start

/**
 * Which cancellation rule applies. `paid` is whether money was taken; the boundary is
 * inclusive: exactly 48 hours before the start still cancels with a refund.
 */
export function cancellationTier(paid: boolean, startAt: number, now: number): CancellationTier {
  if (!paid) return { tier: "free" };
  return startAt - now >= policy.cancelDeadlineMs ? { tier: "full_refund" } : { tier: "too_late" };
}

const DAY = 24 * HOUR;
const JST_OFFSET = 9 * HOUR;

/**
 * When to send the reminder SMS: 18:00 Japan time the day before the start; for a booking
 * confirmed after that, two hours before the start; none if that has passed too.
 */
export function reminderAt(startAt: number, confirmedAt: number): number | null {
  const startDayJst = Math.floor((startAt + JST_OFFSET) / DAY) * DAY;
  const previousEvening = startDayJst - DAY + policy.reminderEveningHourJst * HOUR - JST_OFFSET;
  if (confirmedAt < previousEvening) return previousEvening;
  const late = startAt - policy.reminderLateLeadMs;
  return confirmedAt < late ? late : null;
}

/** Whether a guest link still opens its reservation. */
export function guestLinkValid(startAt: number, now: number): boolean {
  return now <= startAt + policy.guestLinkValidAfterStartMs;
}
