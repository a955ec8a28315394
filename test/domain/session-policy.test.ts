// The coach's exception policy against seed 001 (Run: 例外処理（共通フロー）): one row per seed
// event (未払い継続, リスケ/キャンセル申し出, クレーム/要望, 返金要求, ノーショー, 規約違反), in
// policy or out, with the rule that matched. The policy is the example: reschedule up to
// 24 h before at most twice; refunds up to 5,000円 or 20 %; a no-show uses up the session; unpaid
// gets a reminder after 1 day and is cancelled after 3.
import { describe, expect, it } from "vitest";
import { DEFAULT_COACH_POLICY, checkPolicy, isLate, validatePolicy, type CoachPolicy, type ExceptionEvent } from "../../src/domain/sessions/policy.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 11, 1, 1);
const p: CoachPolicy = { ...DEFAULT_COACH_POLICY, version: 3 };

const rows: { seed: string; event: ExceptionEvent; inPolicy: boolean; rule: string; action: string }[] = [
  { seed: "未払い継続: deadline just passed", event: { kind: "unpaid", dueAt: T, now: T + 2 * HOUR, reminded: false }, inPolicy: true, rule: "unpaid.wait", action: "wait" },
  { seed: "未払い継続: a day late", event: { kind: "unpaid", dueAt: T, now: T + DAY, reminded: false }, inPolicy: true, rule: "unpaid.remind", action: "remind" },
  { seed: "未払い継続: reminded, two days late", event: { kind: "unpaid", dueAt: T, now: T + 2 * DAY, reminded: true }, inPolicy: true, rule: "unpaid.wait_after_reminder", action: "wait" },
  { seed: "未払い継続: three days late", event: { kind: "unpaid", dueAt: T, now: T + 3 * DAY, reminded: true }, inPolicy: true, rule: "unpaid.cancel", action: "cancel_engagement" },
  { seed: "リスケ申し出: two days ahead, first move", event: { kind: "reschedule", sessionStart: T + 2 * DAY, now: T, rescheduledSoFar: 0 }, inPolicy: true, rule: "reschedule.within_notice", action: "reschedule" },
  { seed: "リスケ申し出: exactly 24 h ahead", event: { kind: "reschedule", sessionStart: T + DAY, now: T, rescheduledSoFar: 1 }, inPolicy: true, rule: "reschedule.within_notice", action: "reschedule" },
  { seed: "リスケ申し出: 23 h ahead", event: { kind: "reschedule", sessionStart: T + 23 * HOUR, now: T, rescheduledSoFar: 0 }, inPolicy: false, rule: "reschedule.too_late", action: "ask_coach" },
  { seed: "リスケ申し出: a third move", event: { kind: "reschedule", sessionStart: T + 5 * DAY, now: T, rescheduledSoFar: 2 }, inPolicy: false, rule: "reschedule.too_many", action: "ask_coach" },
  { seed: "キャンセル申し出: two days ahead", event: { kind: "cancel", sessionStart: T + 2 * DAY, now: T }, inPolicy: true, rule: "cancel.within_notice", action: "cancel_session" },
  { seed: "キャンセル申し出: the same day", event: { kind: "cancel", sessionStart: T + 3 * HOUR, now: T }, inPolicy: false, rule: "cancel.too_late", action: "ask_coach" },
  { seed: "クレーム", event: { kind: "complaint", type: "complaint" }, inPolicy: false, rule: "complaint.coach", action: "ask_coach" },
  { seed: "要望", event: { kind: "complaint", type: "request" }, inPolicy: true, rule: "request.forward", action: "forward_to_coach" },
  { seed: "返金要求: 5,000円 of 30,000円", event: { kind: "refund", amountJpy: 5_000, paidJpy: 30_000 }, inPolicy: true, rule: "refund.within_amount", action: "refund" },
  { seed: "返金要求: 10,000円 of 60,000円 (17 %)", event: { kind: "refund", amountJpy: 10_000, paidJpy: 60_000 }, inPolicy: true, rule: "refund.within_percent", action: "refund" },
  { seed: "返金要求: 15,000円 of 30,000円 (途中解約)", event: { kind: "refund", amountJpy: 15_000, paidJpy: 30_000 }, inPolicy: false, rule: "refund.over_limit", action: "ask_coach" },
  { seed: "返金要求: more than was paid", event: { kind: "refund", amountJpy: 40_000, paidJpy: 30_000 }, inPolicy: false, rule: "refund.invalid_amount", action: "ask_coach" },
  { seed: "ノーショー", event: { kind: "no_show" }, inPolicy: true, rule: "no_show.consumes", action: "consume_session" },
  { seed: "規約違反 (client)", event: { kind: "violation", by: "client" }, inPolicy: false, rule: "violation.client", action: "ask_coach" },
  { seed: "規約違反 (coach)", event: { kind: "violation", by: "coach" }, inPolicy: false, rule: "violation.coach", action: "ask_coach" },
];

describe("exception policy, one row per seed event", () => {
  it.each(rows)("$seed → $rule", ({ event, inPolicy, rule, action }) => {
    const d = checkPolicy(p, event);
    expect(d).toMatchObject({ inPolicy, rule, action, policyVersion: 3 });
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it("covers every seed event kind", () => {
    expect(new Set(rows.map((r) => r.event.kind))).toEqual(new Set(["unpaid", "reschedule", "cancel", "complaint", "refund", "no_show", "violation"]));
  });

  it("a coach who decides no-shows herself takes them out of policy", () => {
    expect(checkPolicy({ ...p, noShow: { consumesSession: false } }, { kind: "no_show" })).toMatchObject({ inPolicy: false, rule: "no_show.coach" });
  });
});

describe("SLA ageing and editing the policy", () => {
  it("a complaint is late after its target, not before", () => {
    expect(isLate(p, "complaint", T, T + 2 * HOUR)).toBe(false);
    expect(isLate(p, "complaint", T, T + 2 * HOUR + 1)).toBe(true);
  });

  it("an edit raises the version and trims banned phrases", () => {
    const { version: _v, ...rest } = p;
    const r = validatePolicy({ ...rest, bannedPhrases: [" 絶対 ", "", "絶対", "必ず"] }, p);
    expect(r).toEqual({ ok: true, policy: { ...rest, bannedPhrases: ["絶対", "必ず"], version: 4 } });
  });

  it("a bad edit is refused with every problem named", () => {
    const { version: _v, ...rest } = p;
    const r = validatePolicy({ ...rest, refund: { maxJpy: -1, maxPercent: 150 }, unpaid: { remindAfterDays: 3, cancelAfterDays: 1 }, quietHours: { start: "25:00", end: "9" } }, p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual(["refund limit (yen) must be a whole number from 0 to 1000000", "refund limit (%) must be a whole number from 0 to 100", "the cancel day comes on or after the reminder day", "quiet hours are HH:MM"]);
  });
});
