// The generic engine: which machine decides for which kind of reservation (shop bookings,
// lodging orders, 1-on-1 session engagements). The Durable Object only talks to this.
import { decideLodging } from "./lodging-machine.ts";
import { decideSession, sessionTimerEvent, type EngagementRecord, type SessionDecision, type SessionEvent, type SessionTimer } from "./session-machine.ts";
import { decideShop } from "./shop-machine.ts";
import type { DecideContext, Decision, LodgingRecord, ReservationEvent, ReservationRecord, Timer } from "./types.ts";

/** Any record a reservation's object may own. */
export type AnyRecord = ReservationRecord | LodgingRecord | EngagementRecord;
/** Shop and lodging events share one union; sessions have their own. */
export type AnyEvent = ReservationEvent | SessionEvent;
export type AnyDecision = Decision<ReservationRecord> | Decision<LodgingRecord> | SessionDecision;
export type AnyTimer = Timer | SessionTimer;

export function decide(record: AnyRecord, event: AnyEvent, ctx: DecideContext): AnyDecision {
  switch (record.kind) {
    case "shop":
      return decideShop(record, event as ReservationEvent, ctx);
    case "lodging":
      return decideLodging(record, event as ReservationEvent, ctx);
    case "session":
      return decideSession(record, event as SessionEvent, { now: ctx.now, pageUrl: ctx.guestUrl, ...(ctx.sessionMessaging ? { messaging: ctx.sessionMessaging } : {}) });
  }
}

/** Timer types become events of the same name; the attempt id rides along for call timeouts. */
export function timerEvent(timer: AnyTimer): AnyEvent {
  switch (timer.type) {
    case "call_timeout":
      return { type: "call_timeout", attemptId: timer.attemptId ?? "" };
    case "start":
    case "next_round":
    case "payment_deadline":
    case "reminder":
    case "complete":
    case "start_passed":
      return { type: timer.type };
    case "calendar_sync":
      // The object makes the calendars match first and reports whether they do (see #reconcile).
      return { type: "calendar_sync", ok: false };
    case "reminder_day_before":
    case "reminder_hour_before":
    case "session_start":
    case "follow_up":
    case "trial_follow_up":
    case "message_due":
    case "unpaid_check":
      return sessionTimerEvent(timer);
  }
}
