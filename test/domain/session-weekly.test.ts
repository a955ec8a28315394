// The weekly control (seed 001 Run：定期業務（週次）): the sample audit is reproducible, 10 % and at
// least 5, drawn from the week only; the report's figures are those of the engagements.
import { describe, expect, it } from "vitest";
import type { BookedSession, EngagementRecord, ExceptionCase } from "../../src/domain/reservation/session-machine.ts";
import { weekItems, weekOf, weeklyReport, weeklySample, type AuditItem } from "../../src/domain/sessions/weekly.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const jst = (d: number, h: number) => Date.UTC(2026, 10, d, h - 9); // November 2026; Nov 30 is a Monday
const week = weekOf(jst(2, 12) + 28 * DAY); // Wednesday Dec 2 → the week of Mon Nov 30

const session = (no: number, start: number, outcome: BookedSession["outcome"], trial = false): BookedSession => ({ no, trial, start, end: start + HOUR, heldEnd: start + HOUR, calendarKey: `k${no}`, meetingUrl: "https://meet.example/x", bookedAt: start - DAY, bookedBy: "requester", rescheduled: 0, ...(outcome ? { outcome } : {}) });
const exc = (id: string, at: number, status: ExceptionCase["status"], inPolicy: boolean): ExceptionCase => ({ id, kind: inPolicy ? "reschedule" : "refund", at, by: "op", inPolicy, rule: inPolicy ? "reschedule.within_notice" : "refund.over_limit", policyVersion: 1, reason: "", request: {}, status, ...(status === "done" ? { doneAt: at + HOUR } : {}) });

function record(id: string, data: Partial<EngagementRecord["data"]>): EngagementRecord {
  return {
    id,
    kind: "session",
    status: "followed_up",
    version: 1,
    requester: { name: "山田 花子", phone: "+819012345678", language: "ja" },
    startAt: 0,
    partySize: 1,
    timers: [],
    data: { coach: { id: "coach_1", name: "佐藤" }, menu: { id: "m", name: "60分", priceJpy: 11000, minutes: 60, sessions: 4 }, preferredTimes: [], clientType: "new", trial: false, missing: [], agreements: [], sessionsBought: 4, sessionsUsed: 0, history: [], troubles: [], surveys: [], crm: "active", ...data },
    createdAt: 0,
    updatedAt: 0,
  };
}

describe("the week", () => {
  it("runs Monday to Monday, Japan time", () => {
    expect(week).toEqual({ start: jst(30, 0), end: jst(30, 0) + 7 * DAY, key: "2026-11-30" });
    expect(weekOf(jst(30, 0) - 1).key).toBe("2026-11-23");
  });
});

describe("the sample audit", () => {
  const items = (n: number): AuditItem[] => Array.from({ length: n }, (_, i) => ({ id: `message:m${i}`, engagementId: "e", coachId: "c", at: i, summary: "" }));
  it("is 10 %, at least 5, and everything when there are fewer", async () => {
    expect(await weeklySample(items(120), "2026-11-30")).toHaveLength(12);
    expect(await weeklySample(items(30), "2026-11-30")).toHaveLength(5);
    expect(await weeklySample(items(3), "2026-11-30")).toHaveLength(3);
  });
  it("is the same when drawn again, and another week draws differently", async () => {
    const a = await weeklySample(items(100), "2026-11-30");
    expect(await weeklySample([...items(100)].reverse(), "2026-11-30")).toEqual(a);
    expect((await weeklySample(items(100), "2026-12-07")).map((x) => x.id)).not.toEqual(a.map((x) => x.id));
  });
  it("draws from the week's handled cases and sent messages only", () => {
    const r = record("QRV-AAAAAA", {
      exceptions: [exc("x1", week.start + DAY, "done", true), exc("x2", week.start - 3 * DAY, "done", true), exc("x3", week.start + DAY, "pending", false)],
      messages: [
        { id: "m1", body: "a", kind: "free", topic: "other", needs: "second_operator", writtenBy: "op", at: week.start, status: "sent", sentAt: week.start + HOUR },
        { id: "m2", body: "b", kind: "free", topic: "other", needs: "second_operator", writtenBy: "op", at: week.start, status: "awaiting_check" },
      ],
    });
    expect(weekItems([r], week).map((i) => i.id)).toEqual(["case:x1", "message:m1"]);
  });
});

describe("the weekly report", () => {
  it("counts what the engagements hold for the week", () => {
    const a = record("QRV-AAAAAA", {
      history: [session(1, week.start - DAY, "held"), session(2, week.start + DAY, "held"), session(3, week.start + 2 * DAY, "no_show")],
      surveys: [{ at: week.start + DAY + 2 * HOUR, sessionNo: 2, score: 9 }],
      exceptions: [exc("x1", week.start + DAY, "done", true), exc("x3", week.start + 2 * DAY, "pending", false)],
    });
    const b = record("QRV-BBBBBB", { history: [session(1, week.start + 3 * DAY, "converted", true)], surveys: [{ at: week.start + 3 * DAY, sessionNo: 1, score: 6 }] });
    const c = record("QRV-CCCCCC", { history: [session(1, week.start + 4 * DAY, "undecided", true)] });
    expect(weeklyReport([a, b, c], week, [{ verdict: "ok" }, { verdict: "fix", note: "敬語の誤り" }])).toEqual({
      week: "2026-11-30",
      sessionsHeld: 1,
      noShows: 1,
      trialsHeld: 2,
      trialConversions: 1,
      surveyCount: 2,
      surveyAverage: 7.5,
      exceptions: [
        { kind: "reschedule", inPolicy: true, status: "done" },
        { kind: "refund", inPolicy: false, status: "pending" },
      ],
      pendingApprovals: 1,
      findings: { ok: 1, fix: 1, notes: ["敬語の誤り"] },
    });
  });
});
