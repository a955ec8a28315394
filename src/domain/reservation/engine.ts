// The generic engine: which machine decides for which kind of reservation (shop bookings,
// lodging orders; 1-on-1 sessions will add theirs). The Durable Object only talks to this.
import { decideLodging } from "./lodging-machine.ts";
import { decideShop } from "./shop-machine.ts";
import type { AnyRecord, DecideContext, Decision, ReservationEvent, ReservationRecord } from "./types.ts";

export function decide(record: AnyRecord, event: ReservationEvent, ctx: DecideContext): Decision<AnyRecord> {
  switch (record.kind) {
    case "shop":
      return decideShop(record, event, ctx);
    case "lodging":
      return decideLodging(record, event, ctx);
  }
}

/** Timer types become events of the same name; the attempt id rides along for call timeouts. */
export function timerEvent(timer: ReservationRecord["timers"][number]): ReservationEvent {
  switch (timer.type) {
    case "call_timeout":
      return { type: "call_timeout", attemptId: timer.attemptId ?? "" };
    case "start":
    case "next_round":
    case "payment_deadline":
    case "reminder":
    case "complete":
      return { type: timer.type };
    case "calendar_sync":
      // The object makes the calendars match first and reports whether they do (see #reconcile).
      return { type: "calendar_sync", ok: false };
  }
}
