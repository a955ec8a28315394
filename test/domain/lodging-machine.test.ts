// The lodging-order machine (seed 004 §3(3)1), walked like the shop machine: every status ×
// every event either does what the table says or is ignored, and the paths from the seed.
import { describe, expect, it } from "vitest";
import { CALENDAR_SYNC_DELAY_MS, LODGING_TRANSITIONS, cancelledLines, createLodgingOrder, decideLodging, pendingCancellation, type LodgingRequest } from "../../src/domain/reservation/lodging-machine.ts";
import { LODGING_STATUSES, type DecideContext, type LodgingRecord, type ReservationEvent } from "../../src/domain/reservation/types.ts";

const now = Date.UTC(2026, 11, 1, 3, 0);
const ctx = (balance: number, at = now): DecideContext => ({ now: at, publicUrl: "https://qrv.test", roundDelayMs: 0, guestUrl: "{guest_url}", supportPhone: "03-0000-0000", supportEmail: "s@qrv.test", pointsBalance: balance, topUpUrl: "https://qrv.test/member/points?need=1", lodgingPaymentWindowMs: 30 * 60_000 });

const req: LodgingRequest = {
  id: "QRL-ABCDEFGH",
  memberId: "mem_1",
  requester: { name: "山田 花子", phone: "+819012345678", email: "h@example.jp", language: "ja" },
  lines: [
    { lineNo: 1, roomId: "rom_1", roomNumber: "201", roomTypeId: "rty_t", roomTypeName: "ツイン", checkIn: "2026-12-24", checkOut: "2026-12-26", nightly: [{ date: "2026-12-24", points: 12_000, birthday: false }, { date: "2026-12-25", points: 14_000, birthday: true }], subtotal: 26_000, discount: 700, total: 25_300 },
    { lineNo: 2, roomId: "rom_2", roomNumber: "301", roomTypeId: "rty_s", roomTypeName: "スイート", checkIn: "2026-12-24", checkOut: "2026-12-25", nightly: [{ date: "2026-12-24", points: 30_000, birthday: false }], subtotal: 30_000, discount: 0, total: 30_000 },
  ],
};
const TOTAL = 55_300;

const samples: ReservationEvent[] = [{ type: "points_added" }, { type: "payment_deadline" }, { type: "calendar_sync", ok: true }, { type: "calendar_sync", ok: false }, { type: "cancel", by: "requester" }, { type: "start" }, { type: "reminder" }, { type: "lodging_cancel_request", requestId: "lcr_t" }];

function inStatus(status: LodgingRecord["status"]): LodgingRecord {
  const r = createLodgingOrder(req, ctx(0)).next;
  return { ...r, status };
}

describe("lodging machine table", () => {
  for (const status of LODGING_STATUSES) {
    for (const e of samples) {
      it(`${status} × ${e.type}${e.type === "calendar_sync" ? `(${e.ok})` : ""}`, () => {
        const d = decideLodging(inStatus(status), e, ctx(1_000_000));
        expect(d.kind).toBe(LODGING_TRANSITIONS[status][e.type] ? "apply" : "ignore");
      });
    }
  }
});

describe("a member's contact on their orders", () => {
  it("forget_requester: every status forgets the name, phone and email once, and nothing else changes", () => {
    for (const status of LODGING_STATUSES) {
      const r = inStatus(status);
      const d = decideLodging(r, { type: "forget_requester", operator: "op" }, ctx(0));
      if (d.kind !== "apply") throw new Error(`${status}: not applied`);
      expect(d.next.requester).toEqual({ name: "退会済み会員", phone: "", language: "ja" });
      expect(d.effects).toEqual([]);
      expect({ ...d.next, requester: r.requester, version: r.version, updatedAt: r.updatedAt }).toEqual(r);
      expect(decideLodging(d.next, { type: "forget_requester", operator: "op" }, ctx(0)).kind).toBe("ignore");
    }
  });

  it("member_contact_changed: an order still to be lived takes the member's contact from the context, never from the event", () => {
    const contact = { name: "山田 花子", phone: "+819099998888", email: "new@example.jp" };
    for (const status of LODGING_STATUSES) {
      const d = decideLodging(inStatus(status), { type: "member_contact_changed", operator: "op" }, { ...ctx(0), memberContact: contact });
      const open = status === "awaiting_payment" || status === "confirmed";
      expect(d.kind).toBe(open ? "apply" : "ignore");
      if (d.kind === "apply") expect(d.next.requester).toEqual({ ...contact, language: "ja" });
    }
    expect(decideLodging(inStatus("confirmed"), { type: "member_contact_changed", operator: "op" }, ctx(0)).kind).toBe("ignore");
  });
});

describe("lodging order paths", () => {
  it("points cover the total: confirmed at once, charged once in the same commit, rooms to be booked", () => {
    const d = createLodgingOrder(req, ctx(TOTAL));
    expect(d.next).toMatchObject({ status: "confirmed", version: 1, data: { total: TOTAL, calendar: "booked", checkIn: "2026-12-24", checkOut: "2026-12-26" } });
    expect(d.charge).toEqual({ memberId: "mem_1", points: TOTAL, ref: "order:QRL-ABCDEFGH:payment" });
    expect(d.effects.map((e) => e.kind)).toEqual(["sms.send", "email.send"]);
    expect(d.effects[0]).toMatchObject({ template: "lodging_confirmed" });
    expect(d.next.timers).toEqual([{ type: "calendar_sync", key: "calendar_sync", at: now + CALENDAR_SYNC_DELAY_MS }]);
  });

  it("points short: awaiting_payment with the shortfall, the top-up link and a 30-minute window; nothing charged", () => {
    const d = createLodgingOrder(req, ctx(5_300));
    expect(d.next).toMatchObject({ status: "awaiting_payment", data: { calendar: "held", payment: { shortfall: 50_000, deadlineAt: now + 30 * 60_000 } } });
    expect(d.charge).toBeUndefined();
    expect((d.effects[0] as { body: string }).body).toContain("50,000ポイント不足");
    expect((d.effects[0] as { body: string }).body).toContain("https://qrv.test/member/points");
  });

  it("a top-up that does not cover it changes nothing; one that does pays once; the deadline then does nothing", () => {
    const waiting = createLodgingOrder(req, ctx(0)).next;
    expect(decideLodging(waiting, { type: "points_added" }, ctx(TOTAL - 1)).kind).toBe("ignore");
    const paid = decideLodging(waiting, { type: "points_added" }, ctx(TOTAL));
    if (paid.kind !== "apply") throw new Error("not paid");
    expect(paid.next).toMatchObject({ status: "confirmed", version: 2, data: { calendar: "booked", payment: { paidAt: now } } });
    expect(paid.next.timers.map((t) => t.type)).toEqual(["calendar_sync"]);
    expect(paid.charge?.points).toBe(TOTAL);
    expect(decideLodging(paid.next, { type: "points_added" }, ctx(TOTAL)).kind).toBe("ignore");
    expect(decideLodging(paid.next, { type: "payment_deadline" }, ctx(TOTAL)).kind).toBe("ignore");
  });

  it("the window passes: expired, rooms to be released, the member told", () => {
    const waiting = createLodgingOrder(req, ctx(0)).next;
    const d = decideLodging(waiting, { type: "payment_deadline" }, ctx(0, now + 30 * 60_000));
    if (d.kind !== "apply") throw new Error("not expired");
    expect(d.next).toMatchObject({ status: "expired", data: { calendar: "released" } });
    expect(d.charge).toBeUndefined();
    expect(d.effects.map((e) => (e as { template: string }).template)).toEqual(["lodging_expired", "lodging_expired"]);
  });

  it("a calendar that could not be reached is tried again a minute later", () => {
    const confirmed = createLodgingOrder(req, ctx(TOTAL)).next;
    const later = now + 5 * 60_000;
    const d = decideLodging(confirmed, { type: "calendar_sync", ok: false }, ctx(0, later));
    if (d.kind !== "apply") throw new Error("not applied");
    expect(d.next.timers).toEqual([{ type: "calendar_sync", key: "calendar_sync", at: later + CALENDAR_SYNC_DELAY_MS }]);
    const ok = decideLodging(confirmed, { type: "calendar_sync", ok: true }, ctx(0, later));
    if (ok.kind !== "apply") throw new Error("not applied");
    expect(ok.next.timers).toEqual([]);
  });
});

describe("lodging cancellation: requested, quoted, decided by staff", () => {
  const DAY = 86_400_000;
  // Check-in 2026-12-24 15:00 JST; 10 days before → 100 %, 5 days before → 50 %.
  const checkInAt = Date.UTC(2026, 11, 24, 6, 0);
  const op = { operator: "desk@qrv.test" };
  const paid = () => createLodgingOrder(req, ctx(TOTAL)).next;
  function step(r: LodgingRecord, e: ReservationEvent, at: number) {
    const d = decideLodging(r, e, ctx(0, at));
    if (d.kind !== "apply") throw new Error(`${e.type} ignored: ${d.reason}`);
    return d;
  }

  it("a partial request waits with its quote and the policy row; nothing moves until approval", () => {
    const d = step(paid(), { type: "lodging_cancel_request", requestId: "lcr_1", rooms: ["301"] }, checkInAt - 5 * DAY);
    expect(d.next.status).toBe("confirmed");
    expect(d.charge).toBeUndefined();
    expect(d.credit).toBeUndefined();
    expect(pendingCancellation(d.next)).toMatchObject({ id: "lcr_1", roomNumbers: ["301"], refund: 15_000, paid: 30_000, percent: 50, full: false, status: "pending" });
    expect(pendingCancellation(d.next)?.policyRow.en).toBe("3+ days before check-in (5 left): 50 % back");
    expect(d.outcome).toMatchObject({ type: "lodging_cancel", result: "pending" });
    // A second request while one waits is refused with a reason.
    const again = decideLodging(d.next, { type: "lodging_cancel_request", requestId: "lcr_2" }, ctx(0, checkInAt - 5 * DAY));
    expect(again).toMatchObject({ kind: "ignore", outcome: { result: "refused" } });
  });

  it("approving twice refunds once; partial then full add up to at most what was paid; the last rooms cancel the order", () => {
    let r = step(paid(), { type: "lodging_cancel_request", requestId: "lcr_1", rooms: ["301"] }, checkInAt - 5 * DAY).next;
    const first = step(r, { type: "approve_cancellation", ...op }, checkInAt - 5 * DAY);
    expect(first.credit).toEqual({ memberId: "mem_1", points: 15_000, ref: "order:QRL-ABCDEFGH:refund:lcr_1" });
    expect(first.next).toMatchObject({ status: "confirmed", data: { calendar: "booked" } });
    expect(cancelledLines(first.next)).toEqual([2]);
    expect(first.effects.map((e) => (e as { template: string }).template)).toEqual(["lodging_cancelled", "lodging_cancelled"]);
    expect(decideLodging(first.next, { type: "approve_cancellation", ...op }, ctx(0, checkInAt - 5 * DAY)).kind).toBe("ignore");
    // The same room again is refused; the rest at 100 % (an earlier moment is not possible, so 50 % here).
    expect(decideLodging(first.next, { type: "lodging_cancel_request", requestId: "lcr_2", rooms: ["301"] }, ctx(0, checkInAt - 4 * DAY))).toMatchObject({ kind: "ignore", outcome: { result: "refused", message: { en: "Already cancelled: 301" } } });
    r = step(first.next, { type: "lodging_cancel_request", requestId: "lcr_2" }, checkInAt - 4 * DAY).next;
    expect(pendingCancellation(r)).toMatchObject({ roomNumbers: ["201"], full: true, refund: 12_650 });
    const second = step(r, { type: "approve_cancellation", ...op }, checkInAt - 4 * DAY);
    expect(second.next).toMatchObject({ status: "cancelled", data: { calendar: "released" } });
    expect(first.credit!.points + second.credit!.points).toBeLessThanOrEqual(TOTAL);
    expect(decideLodging(second.next, { type: "approve_cancellation", ...op }, ctx(0, checkInAt)).kind).toBe("ignore");
  });

  it("staff refuse: the order stands, the member is told, no points move", () => {
    const r = step(paid(), { type: "lodging_cancel_request", requestId: "lcr_1" }, checkInAt - 10 * DAY).next;
    expect(pendingCancellation(r)).toMatchObject({ refund: TOTAL, full: true, percent: 100 });
    const d = step(r, { type: "refuse_cancellation", reason: "当日のため", ...op }, checkInAt - 10 * DAY);
    expect(d.next.status).toBe("confirmed");
    expect(d.credit).toBeUndefined();
    expect(pendingCancellation(d.next)).toBeUndefined();
    expect(d.next.data.cancellations?.[0]).toMatchObject({ status: "refused", reason: "当日のため", operator: "desk@qrv.test" });
    expect(decideLodging(d.next, { type: "approve_cancellation", ...op }, ctx(0, checkInAt - 10 * DAY)).kind).toBe("ignore");
  });
});
