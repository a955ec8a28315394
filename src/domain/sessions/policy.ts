// The coach's exception policy (seed 001 Build: 例外権限の設計, ポリシー候補, RACI/SLA; Run:
// 例外処理（共通フロー）). Every exception event is checked against the coach's versioned policy:
// "in policy" means QRV or an operator may act alone; "out of policy" means the coach decides
// (ポリシー外 → コーチへ判断依頼). One pure function decides and names the rule that matched, so
// the audit log can say which rule and which policy version allowed an action.

import { formatJpy } from "../money.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The seed's trigger events (トリガーとなるイベント例), one kind each. */
export const EXCEPTION_KINDS = ["unpaid", "reschedule", "cancel", "complaint", "refund", "no_show", "violation"] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** The seed's name for each kind (the console and the coach portal show it). */
export const EXCEPTION_LABELS: Record<ExceptionKind, { ja: string; en: string }> = {
  unpaid: { ja: "未払い継続", en: "Unpaid" },
  reschedule: { ja: "リスケ申し出", en: "Reschedule request" },
  cancel: { ja: "キャンセル申し出", en: "Cancellation request" },
  complaint: { ja: "クレーム/要望", en: "Complaint or request" },
  refund: { ja: "返金要求", en: "Refund request" },
  no_show: { ja: "ノーショー（無断欠席）", en: "No-show" },
  violation: { ja: "規約違反", en: "Terms violation" },
};

export interface CoachPolicy {
  /** Raised by one each time the coach changes it; the audit log names the version it applied. */
  version: number;
  /** A client may move a session alone up to this many hours before it, at most this many times. */
  reschedule: { minNoticeHours: number; maxPerSession: number };
  /** A client may cancel a booked session alone up to this many hours before it. */
  cancel: { minNoticeHours: number };
  /** Refunds an operator may make without asking: up to this amount, or this share of what was paid. */
  refund: { maxJpy: number; maxPercent: number };
  /** A no-show uses up the session (true), or the coach decides each one (false). */
  noShow: { consumesSession: boolean };
  /** An unpaid engagement: a reminder this many days after the deadline, cancelled after this many. */
  unpaid: { remindAfterDays: number; cancelAfterDays: number };
  /** Phrases the coach never wants in a message (返信トーン/ブランドガイド). */
  bannedPhrases: string[];
  /** No client message leaves between these hours (Japan time, "HH:MM"); it waits until they end. */
  quietHours: { start: string; end: string };
  /** Response targets in minutes per kind (RACI/SLA): a case or approval older than this alerts. */
  slaMinutes: Record<ExceptionKind, number>;
  /** How long the audit log of this coach's engagements is kept and exported (監査設計: 保存期間). */
  auditRetentionDays: number;
}

/** What a coach starts with; set in Build and editable by the coach. */
export const DEFAULT_COACH_POLICY: CoachPolicy = {
  version: 1,
  reschedule: { minNoticeHours: 24, maxPerSession: 2 },
  cancel: { minNoticeHours: 24 },
  refund: { maxJpy: 5_000, maxPercent: 20 },
  noShow: { consumesSession: true },
  unpaid: { remindAfterDays: 1, cancelAfterDays: 3 },
  bannedPhrases: [],
  quietHours: { start: "21:00", end: "09:00" },
  slaMinutes: { unpaid: 24 * 60, reschedule: 4 * 60, cancel: 4 * 60, complaint: 2 * 60, refund: 24 * 60, no_show: 24 * 60, violation: 2 * 60 },
  auditRetentionDays: 730,
};

/** One exception event, with the facts the policy needs. */
export type ExceptionEvent =
  | { kind: "unpaid"; dueAt: number; now: number; reminded: boolean }
  | { kind: "reschedule"; sessionStart: number; now: number; rescheduledSoFar: number }
  | { kind: "cancel"; sessionStart: number; now: number }
  | { kind: "complaint"; type: "complaint" | "request" }
  | { kind: "refund"; amountJpy: number; paidJpy: number }
  | { kind: "no_show" }
  | { kind: "violation"; by: "client" | "coach" };

/** What may happen next. `ask_coach` whenever the event is out of policy. */
export type PolicyAction = "wait" | "remind" | "cancel_engagement" | "reschedule" | "cancel_session" | "refund" | "consume_session" | "forward_to_coach" | "ask_coach";

export interface PolicyDecision {
  inPolicy: boolean;
  /** The rule that matched, e.g. `refund.within_amount`; the audit log keeps it. */
  rule: string;
  action: PolicyAction;
  policyVersion: number;
  /** The rule in words for operators and the coach. */
  reason: string;
}

export function checkPolicy(p: CoachPolicy, e: ExceptionEvent): PolicyDecision {
  const yes = (rule: string, action: PolicyAction, reason: string): PolicyDecision => ({ inPolicy: true, rule, action, policyVersion: p.version, reason });
  const no = (rule: string, reason: string): PolicyDecision => ({ inPolicy: false, rule, action: "ask_coach", policyVersion: p.version, reason });
  switch (e.kind) {
    case "unpaid": {
      const overdue = e.now - e.dueAt;
      if (overdue >= p.unpaid.cancelAfterDays * DAY) return yes("unpaid.cancel", "cancel_engagement", `unpaid ${p.unpaid.cancelAfterDays} days after the deadline: cancel`);
      if (overdue >= p.unpaid.remindAfterDays * DAY) return e.reminded ? yes("unpaid.wait_after_reminder", "wait", "reminded; wait until the cancel day") : yes("unpaid.remind", "remind", `unpaid ${p.unpaid.remindAfterDays} day(s) after the deadline: remind`);
      return yes("unpaid.wait", "wait", "the reminder day has not come yet");
    }
    case "reschedule": {
      if (e.sessionStart - e.now < p.reschedule.minNoticeHours * HOUR) return no("reschedule.too_late", `less than ${p.reschedule.minNoticeHours} h before the session`);
      if (e.rescheduledSoFar >= p.reschedule.maxPerSession) return no("reschedule.too_many", `already moved ${e.rescheduledSoFar} time(s); the limit is ${p.reschedule.maxPerSession}`);
      return yes("reschedule.within_notice", "reschedule", `at least ${p.reschedule.minNoticeHours} h before, move ${e.rescheduledSoFar + 1} of ${p.reschedule.maxPerSession}`);
    }
    case "cancel":
      if (e.sessionStart - e.now < p.cancel.minNoticeHours * HOUR) return no("cancel.too_late", `less than ${p.cancel.minNoticeHours} h before the session`);
      return yes("cancel.within_notice", "cancel_session", `at least ${p.cancel.minNoticeHours} h before the session`);
    case "complaint":
      // A request is passed on to the coach as information; a complaint is always the coach's call.
      if (e.type === "request") return yes("request.forward", "forward_to_coach", "a request is recorded and passed on to the coach");
      return no("complaint.coach", "complaints are always decided by the coach");
    case "refund": {
      if (e.amountJpy <= 0 || e.amountJpy > e.paidJpy) return no("refund.invalid_amount", "the amount is not between 1 yen and what was paid");
      if (e.amountJpy <= p.refund.maxJpy) return yes("refund.within_amount", "refund", `up to ${formatJpy(p.refund.maxJpy)}`);
      if (e.amountJpy * 100 <= e.paidJpy * p.refund.maxPercent) return yes("refund.within_percent", "refund", `up to ${p.refund.maxPercent}% of what was paid`);
      return no("refund.over_limit", `over ${formatJpy(p.refund.maxJpy)} and over ${p.refund.maxPercent}% of what was paid`);
    }
    case "no_show":
      return p.noShow.consumesSession ? yes("no_show.consumes", "consume_session", "a no-show uses up the session") : no("no_show.coach", "the coach decides each no-show");
    case "violation":
      return no(`violation.${e.by}`, "terms violations are always decided by the coach");
  }
}

/** A case is late when it has waited longer than the coach's target for its kind. */
export function isLate(p: CoachPolicy, kind: ExceptionKind, openedAt: number, now: number): boolean {
  return now - openedAt > p.slaMinutes[kind] * 60_000;
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Checks a policy the coach edited; returns the problems in words, or the policy with its next version. */
export function validatePolicy(input: Omit<CoachPolicy, "version">, previous: CoachPolicy): { ok: true; policy: CoachPolicy } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const whole = (v: number, name: string, max: number) => {
    if (!Number.isInteger(v) || v < 0 || v > max) errors.push(`${name} must be a whole number from 0 to ${max}`);
  };
  whole(input.reschedule.minNoticeHours, "reschedule notice (hours)", 24 * 14);
  whole(input.reschedule.maxPerSession, "reschedules per session", 10);
  whole(input.cancel.minNoticeHours, "cancel notice (hours)", 24 * 14);
  whole(input.refund.maxJpy, "refund limit (yen)", 1_000_000);
  whole(input.refund.maxPercent, "refund limit (%)", 100);
  whole(input.unpaid.remindAfterDays, "reminder day", 30);
  whole(input.unpaid.cancelAfterDays, "cancel day", 60);
  if (input.unpaid.cancelAfterDays < input.unpaid.remindAfterDays) errors.push("the cancel day comes on or after the reminder day");
  if (!CLOCK.test(input.quietHours.start) || !CLOCK.test(input.quietHours.end)) errors.push("quiet hours are HH:MM");
  for (const k of EXCEPTION_KINDS) whole(input.slaMinutes[k], `response target for ${k} (minutes)`, 7 * 24 * 60);
  if (!Number.isInteger(input.auditRetentionDays) || input.auditRetentionDays < 365 || input.auditRetentionDays > 3650) errors.push("audit log retention must be 365 to 3650 days");
  const bannedPhrases = [...new Set(input.bannedPhrases.map((s) => s.trim()).filter(Boolean))];
  if (errors.length) return { ok: false, errors };
  return { ok: true, policy: { ...input, bannedPhrases, version: previous.version + 1 } };
}
