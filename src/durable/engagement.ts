// What an engagement's object needs from the coach's side to book a session: the coach's
// availability and meeting-room set-up from D1, and the coach's calendar object (resource
// `coach:<id>`), which is the only writer of the coach's time. A session holds
// `[start, end + buffer)`, so a coach is never double-booked and always gets the buffer.
import type { Db } from "../db/client.ts";
import { getAvailability, getCoach } from "../db/sessions.ts";
import { newSecretToken } from "../domain/ids.ts";
import type { EngagementRecord } from "../domain/reservation/session-machine.ts";
import { availableSlots, checkSlot, heldInterval, type Availability, type Interval } from "../domain/sessions/availability.ts";
import { calendarFor } from "./calendar-client.ts";

const DAY = 86_400_000;

export const coachResource = (coachId: string) => `coach:${coachId}`;

/** One calendar key per session number: a reschedule moves the same key's time. */
export const sessionCalendarKey = (engagementId: string, no: number) => `${engagementId}:${no}`;

/** `pending_approval`: out of the coach's policy; a case waits for the coach (`caseId`). */
export type BookRefusal = "refused" | "slot_taken" | "outside_hours" | "too_soon" | "pending_approval";

export type BookResult =
  | { ok: true; status: string; start: number; end: number; meetingUrl: string }
  | { ok: false; reason: BookRefusal; message: string; nextSlots?: Interval[]; caseId?: string };

/** Free slots for a coach and a session length, read from the coach's calendar (the key's own time counts as free). */
export async function freeSlots(env: Env, db: Db, coachId: string, minutes: number, from: number, to: number, now: number, opts: { limit?: number; ownKey?: string; availability?: Availability } = {}): Promise<Interval[]> {
  const availability = opts.availability ?? (await getAvailability(db, coachId));
  // A busy interval can reach back into the range by at most a session and a buffer.
  const reach = (minutes + availability.bufferMinutes) * 60_000;
  const entries = await calendarFor(env, coachResource(coachId)).entries(from - reach, to + reach);
  const busy = entries.filter((e) => e.key !== opts.ownKey);
  return availableSlots(availability, { minutes, from, to, now, busy, ...(opts.limit ? { limit: opts.limit } : {}) });
}

export function nextSlotsAfter(env: Env, db: Db, r: EngagementRecord, after: number, now: number, ownKey?: string): Promise<Interval[]> {
  const from = Math.max(after, now);
  return freeSlots(env, db, r.data.coach.id, r.data.menu.minutes, from, from + 14 * DAY, now, { limit: 5, ...(ownKey ? { ownKey } : {}) });
}

const REFUSAL_WORDS: Record<"outside_hours" | "too_soon" | "slot_taken", string> = {
  outside_hours: "that time is outside the coach's hours",
  too_soon: "that time is too soon (the coach needs more notice)",
  slot_taken: "slot taken: the coach is already booked at that time",
};

export function refusal(reason: keyof typeof REFUSAL_WORDS, nextSlots: Interval[]): BookResult {
  return { ok: false, reason, message: REFUSAL_WORDS[reason], nextSlots };
}

export interface SlotPlan {
  start: number;
  end: number;
  held: Interval;
  meetingUrl: string;
  availability: Availability;
}

/** Checks a start against the coach's availability and makes the meeting URL; the calendar decides the rest. */
export async function planSlot(db: Db, r: EngagementRecord, start: number, now: number, no: number): Promise<{ ok: true; plan: SlotPlan } | { ok: false; reason: "outside_hours" | "too_soon" }> {
  const [availability, coach] = await Promise.all([getAvailability(db, r.data.coach.id), getCoach(db, r.data.coach.id)]);
  const check = checkSlot(availability, start, r.data.menu.minutes, now, []);
  if (!check.ok) return { ok: false, reason: check.reason === "busy" ? "outside_hours" : check.reason };
  const room = coach?.meetingUrl ?? "";
  const meetingUrl = coach?.meetingMode === "per_session" ? `${room.replace(/\/+$/, "")}/${r.id.toLowerCase()}-${no}-${newSecretToken().slice(0, 10)}` : room;
  return { ok: true, plan: { start, end: start + r.data.menu.minutes * 60_000, held: heldInterval(availability, start, r.data.menu.minutes), meetingUrl, availability } };
}
