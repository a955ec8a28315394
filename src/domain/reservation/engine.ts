// The generic engine: which machine decides for which kind of reservation. Lodging and
// 1-on-1 sessions will add their machines here; the Durable Object only talks to this.
import { decideShop } from "./shop-machine.ts";
import type { DecideContext, Decision, ReservationEvent, ReservationRecord } from "./types.ts";

export function decide(record: ReservationRecord, event: ReservationEvent, ctx: DecideContext): Decision {
  switch (record.kind) {
    case "shop":
      return decideShop(record, event, ctx);
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
    case "start_passed":
      return { type: timer.type };
  }
}
