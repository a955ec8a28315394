// Room statuses at the front desk (seed 004 §3(1)3): exactly six, and every status × action
// either moves as the table says or is refused with a reason.
import { describe, expect, it } from "vitest";
import { ROOM_ACTIONS, ROOM_STATUSES, ROOM_STATUS_LABELS, manualActions, moveRoom, type RoomAction, type RoomStatus } from "../../src/domain/lodging/room-status.ts";

// The expected table, written out cell by cell from the issue: `-` is a refusal.
const EXPECTED: Record<RoomStatus, Record<RoomAction, RoomStatus | "-">> = {
  available: { arrival_due: "reserved", arrival_cancelled: "-", check_in: "-", check_out: "-", cleaned: "-", set_maintenance: "maintenance", set_unavailable: "unavailable", reopen: "-" },
  reserved: { arrival_due: "-", arrival_cancelled: "available", check_in: "occupied", check_out: "-", cleaned: "-", set_maintenance: "-", set_unavailable: "-", reopen: "-" },
  occupied: { arrival_due: "-", arrival_cancelled: "-", check_in: "-", check_out: "cleaning", cleaned: "-", set_maintenance: "-", set_unavailable: "-", reopen: "-" },
  cleaning: { arrival_due: "-", arrival_cancelled: "-", check_in: "-", check_out: "-", cleaned: "available", set_maintenance: "maintenance", set_unavailable: "unavailable", reopen: "-" },
  maintenance: { arrival_due: "-", arrival_cancelled: "-", check_in: "-", check_out: "-", cleaned: "-", set_maintenance: "-", set_unavailable: "unavailable", reopen: "available" },
  unavailable: { arrival_due: "-", arrival_cancelled: "-", check_in: "-", check_out: "-", cleaned: "-", set_maintenance: "maintenance", set_unavailable: "-", reopen: "available" },
};

describe("room status table", () => {
  it("has exactly the six statuses, named in Japanese and English", () => {
    expect(ROOM_STATUSES).toEqual(["available", "reserved", "occupied", "cleaning", "maintenance", "unavailable"]);
    expect(ROOM_STATUSES.map((s) => ROOM_STATUS_LABELS[s].ja)).toEqual(["空室", "予約済", "入室中", "清掃中", "メンテナンス中", "利用不可"]);
    expect(ROOM_STATUSES.map((s) => ROOM_STATUS_LABELS[s].en)).toEqual(["Available", "Reserved", "Occupied", "Cleaning", "Maintenance", "Unavailable"]);
  });

  for (const status of ROOM_STATUSES) {
    for (const action of ROOM_ACTIONS) {
      const want = EXPECTED[status][action];
      it(`${status} × ${action} → ${want === "-" ? "refused" : want}`, () => {
        const move = moveRoom(status, action);
        if (want === "-") {
          expect(move.ok).toBe(false);
          if (!move.ok) {
            expect(move.message.ja.length).toBeGreaterThan(0);
            expect(move.message.en.length).toBeGreaterThan(0);
          }
        } else {
          expect(move).toEqual({ ok: true, from: status, to: want });
        }
      });
    }
  }

  it("walks a guest's day: arrival, check-in, check-out, cleaned", () => {
    let s: RoomStatus = "available";
    for (const a of ["arrival_due", "check_in", "check_out", "cleaned"] as const) {
      const m = moveRoom(s, a);
      if (!m.ok) throw new Error(m.message.en);
      s = m.to;
    }
    expect(s).toBe("available");
  });

  it("refuses to take an occupied room out of service, saying a guest is in it", () => {
    const m = moveRoom("occupied", "set_maintenance");
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.message.en).toMatch(/guest is in the room/);
  });

  it("offers staff only manual actions the table allows", () => {
    expect(manualActions("available")).toEqual(["set_maintenance", "set_unavailable"]);
    expect(manualActions("reserved")).toEqual(["check_in"]);
    expect(manualActions("occupied")).toEqual(["check_out"]);
    expect(manualActions("cleaning")).toEqual(["cleaned", "set_maintenance", "set_unavailable"]);
    expect(manualActions("maintenance")).toEqual(["set_unavailable", "reopen"]);
  });
});
