// The engagement machine against seed 001 (Run: メインフロー, 無料体験〜本申込). The table
// below is written from the seed, not from the code: for every status, what each event does.
// "=" applies and stays; a status name applies and moves there; "refused" is declined with a
// reason the client or model sees; "ignored" is recorded and changes nothing. Every status ×
// event pair is walked.
import { describe, expect, it } from "vitest";
import {
  SESSION_STATUSES,
  createEngagement,
  decideSession,
  pipelineColumn,
  sessionTimerEvent,
  type EngagementRecord,
  type SessionContext,
  type SessionEvent,
  type SessionEventType,
  type SessionStatus,
} from "../../src/domain/reservation/session-machine.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 11, 1, 1); // 10:00 JST, Dec 1 2026
const ctx: SessionContext = { now: T, pageUrl: "{{guest_url}}" };

const EVENTS: Record<SessionEventType, SessionEvent> = {
  provide_info: { type: "provide_info", name: "山田 花子", topic: "転職の相談", preferredTimes: ["平日夜"] },
  agree: { type: "agree", termsVersion: 2, contractVersion: 3, by: "山田 花子" },
  payment_link_ready: { type: "payment_link_ready", sessionId: "cs_1", url: "https://pay.example/cs_1" },
  payment_completed: { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 30000 },
  refund_updated: { type: "refund_updated", refundId: "re_1", status: "succeeded" },
  slot_booked: { type: "slot_booked", start: T + 3 * DAY, end: T + 3 * DAY + HOUR, heldEnd: T + 3 * DAY + HOUR + 15 * 60_000, calendarKey: "k2", meetingUrl: "https://meet.example/x", by: "requester", agreedBy: "山田 花子" },
  reschedule: { type: "reschedule", start: T + 4 * DAY, end: T + 4 * DAY + HOUR, heldEnd: T + 4 * DAY + HOUR, by: "requester", agreedBy: "山田 花子" },
  cancel: { type: "cancel", by: "requester" },
  reminder_day_before: { type: "reminder_day_before" },
  reminder_hour_before: { type: "reminder_hour_before" },
  session_start: { type: "session_start" },
  trouble: { type: "trouble", kind: "late", note: "10分遅れると連絡あり", by: "operator" },
  report: { type: "report", outcome: "held", notes: "目標を3つに整理", by: "coach" },
  trial_report: { type: "trial_report", outcome: "undecided", by: "coach" },
  follow_up: { type: "follow_up" },
  trial_follow_up: { type: "trial_follow_up", day: 1 },
  convert: { type: "convert", by: "operator" },
  drop: { type: "drop", by: "operator" },
  survey: { type: "survey", score: 9, comment: "とても良かった" },
  renew: { type: "renew", by: "山田 花子" },
  set_crm: { type: "set_crm", crm: "paused", operator: "op" },
  operator_note: { type: "operator_note", operator: "op", note: "電話で確認" },
  sms_failed: { type: "sms_failed", jobId: "job_1", body: "x", error: "undeliverable" },
  job_failed: { type: "job_failed", jobId: "job_1", jobKind: "email.send", error: "boom" },
  exception_opened: { type: "exception_opened", caseId: "case_1", kind: "complaint", inPolicy: false, rule: "complaint.coach", policyVersion: 1, reason: "complaints are always decided by the coach", request: { note: "説明が足りない" }, by: "operator" },
  exception_decided: { type: "exception_decided", caseId: "case_1", decision: "approve", by: "coach" },
  message_drafted: { type: "message_drafted", messageId: "msg_1", body: "本日はありがとうございました。", kind: "free", topic: "other", by: "op" },
  message_checked: { type: "message_checked", messageId: "msg_1", by: "op2", role: "operator", approve: true },
  message_due: { type: "message_due", messageId: "msg_1" },
  message_withdrawn: { type: "message_withdrawn", messageId: "msg_1", by: "運営 二郎" },
  unpaid_check: { type: "unpaid_check", caseId: "exc_1", rule: "unpaid.remind", policyVersion: 1, reason: "unpaid 1 day(s) after the deadline: remind", action: "remind", by: "system", nextCheckAt: T + 2 * DAY },
};

type Expect = SessionStatus | "=" | "refused" | "ignored";
const ANYWHERE: Partial<Record<SessionEventType, Expect>> = { message_drafted: "=", message_checked: "refused", message_withdrawn: "refused", exception_opened: "=", exception_decided: "refused", trouble: "=", set_crm: "=", operator_note: "=", sms_failed: "=", job_failed: "=", refund_updated: "=", payment_completed: "=" };
const REFUSED_ELSEWHERE: SessionEventType[] = ["provide_info", "agree", "slot_booked", "reschedule", "cancel", "report", "trial_report", "survey", "renew", "convert", "drop"];

/** Seed 001, read step by step. */
const SEED: Record<SessionStatus, Partial<Record<SessionEventType, Expect>>> = {
  // 問い合わせ → 不足情報回収: once complete, the terms go out (or the trial invitation).
  inquiry: { provide_info: "contract_sent", cancel: "cancelled" },
  // 無料体験の案内 → 体験の予約確定
  trial_invited: { slot_booked: "trial_scheduled", cancel: "cancelled", drop: "dropped" },
  // 体験の事前案内 → 体験リマインド → 体験セッション
  trial_scheduled: { reschedule: "=", cancel: "trial_invited", reminder_day_before: "=", reminder_hour_before: "=", session_start: "trial_in_session" },
  // セッション完了報告（成約/未成約/離脱）
  trial_in_session: { trial_report: "trial_undecided" },
  // 成約フォロー（後追い）→ 成約 / 離脱
  trial_undecided: { trial_follow_up: "=", convert: "contract_sent", drop: "dropped" },
  // 規約同意 → 契約締結（申込）→ 決済リンク
  contract_sent: { agree: "payment_pending", cancel: "cancelled" },
  // 決済 → 入金確認
  payment_pending: { payment_link_ready: "=", payment_completed: "scheduling", cancel: "cancelled", unpaid_check: "=" },
  // 予約調整・確定 → 日程同意; paid money is the operators' to refund
  scheduling: { slot_booked: "scheduled", cancel: "refused" },
  // 事前案内 → リマインド（前日・1時間前）→ セッション参加; a report before the start is refused
  scheduled: { reschedule: "=", cancel: "scheduling", reminder_day_before: "=", reminder_hour_before: "=", session_start: "in_session", report: "refused" },
  in_session: { report: "held" },
  // フォローアップ送信（お礼・振り返りメモ・次回予約案内・アンケート）
  held: { follow_up: "followed_up" },
  no_show: { follow_up: "followed_up" },
  // CRM更新 → 次回予約調整 → 日程同意 (a package with sessions left; renew only when used up)
  followed_up: { slot_booked: "scheduled", survey: "=", renew: "refused", cancel: "refused" },
  dropped: {},
  cancelled: {},
};

function fixture(status: SessionStatus): EngagementRecord {
  const past = status === "in_session" || status === "trial_in_session" || status === "held" || status === "no_show";
  const start = past ? T - HOUR : T + 2 * DAY;
  const trial = status.startsWith("trial_");
  const session = { no: 1, trial, start, end: start + HOUR, heldEnd: start + HOUR, calendarKey: "k1", meetingUrl: "https://meet.example/room", bookedAt: T - DAY, bookedBy: "requester" as const, rescheduled: 0 };
  const booked = ["trial_scheduled", "trial_in_session", "scheduled", "in_session", "held", "no_show"].includes(status);
  const paid = ["scheduling", "scheduled", "in_session", "held", "no_show", "followed_up"].includes(status);
  return {
    id: "QRV-TEST01",
    kind: "session",
    status,
    version: 5,
    requester: { name: status === "inquiry" ? "" : "山田 花子", phone: "+819012345678", language: "ja" },
    startAt: start,
    partySize: 1,
    amountJpy: 30000,
    timers: [],
    data: {
      coach: { id: "coach_1", name: "佐藤コーチ" },
      menu: { id: "menu_1", name: "キャリア4回パック", priceJpy: 30000, minutes: 60, sessions: 4 },
      ...(status === "inquiry" ? {} : { topic: "転職" }),
      preferredTimes: status === "inquiry" ? [] : ["平日夜"],
      clientType: "new",
      trial,
      missing: status === "inquiry" ? ["name", "topic", "preferred_times"] : [],
      documents: { terms: 2, contract: 3 },
      agreements: [],
      payment: { amountJpy: 30000, ...(status === "payment_pending" ? { sessionId: "cs_1" } : { sessionId: "cs_0", paymentIntentId: "pi_0", paidAt: T - DAY }), refund: { amountJpy: 1, requestedAt: T, status: "requested" } },
      sessionsBought: paid ? 4 : 0,
      sessionsUsed: status === "followed_up" ? 1 : 0,
      ...(booked ? { current: { ...session, ...(status === "held" || status === "no_show" ? { outcome: status, reportedAt: T } : {}) } } : {}),
      history: status === "followed_up" ? [{ ...session, start: T - DAY, outcome: "held" }] : [],
      troubles: [],
      surveys: [],
      crm: "lead",
    },
    openCases: [],
    createdAt: T - 5 * DAY,
    updatedAt: T - DAY,
  };
}

describe("engagement machine: every status × event (seed 001)", () => {
  for (const status of SESSION_STATUSES) {
    for (const type of Object.keys(EVENTS) as SessionEventType[]) {
      const expected: Expect = SEED[status][type] ?? ANYWHERE[type] ?? (REFUSED_ELSEWHERE.includes(type) ? "refused" : "ignored");
      it(`${status} × ${type} → ${expected}`, () => {
        const r = fixture(status);
        const d = decideSession(r, EVENTS[type], ctx);
        if (expected === "refused" || expected === "ignored") {
          expect(d.kind).toBe("ignore");
          if (d.kind === "ignore") {
            expect(d.reason.length).toBeGreaterThan(5);
            expect(d.outcome?.type === "refused").toBe(expected === "refused");
          }
          return;
        }
        expect(d.kind).toBe("apply");
        if (d.kind !== "apply") return;
        expect(d.next.status).toBe(expected === "=" ? status : expected);
        expect(d.next.version).toBe(r.version + 1);
      });
    }
  }
});

function run(r: EngagementRecord, e: SessionEvent, now = T) {
  const d = decideSession(r, e, { ...ctx, now });
  if (d.kind !== "apply") throw new Error(`${r.status} × ${e.type}: ${d.reason}`);
  return d;
}

const base = {
  id: "QRV-FLOW01",
  coach: { id: "coach_1", name: "佐藤コーチ" },
  menu: { id: "menu_2", name: "2回パック", priceJpy: 20000, minutes: 60, sessions: 2 },
  requester: { name: "Hanako Yamada", phone: "+819012345678", language: "en" as const },
  documents: { terms: 1, contract: 1 },
  clientType: "new" as const,
};

describe("engagement flows (seed 001)", () => {
  it("main flow: inquiry with missing info → terms → payment → slot → reminders → held → follow-up with survey → next booking, a package counting down", () => {
    const created = createEngagement({ ...base, preferredTimes: [], trial: false }, ctx);
    expect(created.record.status).toBe("inquiry");
    expect(created.record.data.missing).toEqual(["topic", "preferred_times"]);
    expect(created.effects[0]).toMatchObject({ kind: "sms.send", template: "session_missing_info_v1" });

    let r = run(created.record, { type: "provide_info", topic: "career" }).next;
    expect(r.status).toBe("inquiry");
    const terms = run(r, { type: "provide_info", preferredTimes: ["weekday evenings"] });
    r = terms.next;
    expect(r.status).toBe("contract_sent");
    expect(terms.effects[0]).toMatchObject({ template: "session_terms_and_contract_v1" });

    // A page opened before the contract changed cannot agree to the old version.
    expect(decideSession(r, { type: "agree", termsVersion: 1, contractVersion: 0, by: "Hanako" }, ctx)).toMatchObject({ kind: "ignore", outcome: { type: "refused" } });
    // Booking before terms and payment is refused with the reason.
    expect(decideSession(r, EVENTS.slot_booked, ctx)).toMatchObject({ kind: "ignore", outcome: { type: "refused", reason: "the terms and contract have not been agreed yet" } });
    const agreed = run(r, { type: "agree", termsVersion: 1, contractVersion: 1, by: "Hanako Yamada" });
    r = agreed.next;
    expect(r.data.agreements.map((a) => [a.document, a.version, a.by, a.at])).toEqual([["terms", 1, "Hanako Yamada", T], ["contract", 1, "Hanako Yamada", T]]);
    expect(agreed.effects).toEqual([expect.objectContaining({ kind: "payment.create", amountJpy: 20000 })]);
    expect(decideSession(r, EVENTS.slot_booked, ctx)).toMatchObject({ outcome: { reason: "payment has not been confirmed yet" } });
    r = run(r, { type: "payment_link_ready", sessionId: "cs_9", url: "https://pay/cs_9" }).next;
    r = run(r, { type: "payment_completed", sessionId: "cs_9", paymentIntentId: "pi_9", amountJpy: 20000 }).next;
    expect(r.status).toBe("scheduling");
    expect(r.data.crm).toBe("active");

    const start = T + 3 * DAY;
    const booked = run(r, { ...EVENTS.slot_booked, start, end: start + HOUR, heldEnd: start + HOUR } as SessionEvent);
    r = booked.next;
    expect(r.status).toBe("scheduled");
    expect(booked.effects[0]).toMatchObject({ template: "session_pre_session_v1" });
    expect((booked.effects[0] as { body: string }).body).toContain("https://meet.example/x");
    expect(r.timers.map((t) => [t.type, t.at])).toEqual([["reminder_day_before", start - DAY], ["reminder_hour_before", start - HOUR], ["session_start", start]]);
    expect(r.data.agreements.at(-1)).toMatchObject({ document: "schedule", version: 1 });

    // The reminders fire in order, then the session starts and the coach reports it held.
    for (const t of r.timers) r = run(r, sessionTimerEvent(t), t.at).next;
    expect(r.status).toBe("in_session");
    r = run(r, { type: "report", outcome: "held", notes: "goals", by: "coach" }, start + HOUR).next;
    expect(r.status).toBe("held");
    expect(r.timers).toEqual([{ type: "follow_up", key: "follow_up", at: start + HOUR }]);
    const follow = run(r, { type: "follow_up" }, start + HOUR);
    r = follow.next;
    expect(r.status).toBe("followed_up");
    expect((follow.effects[0] as { body: string }).body).toContain("(1 left)");
    r = run(r, { type: "survey", score: 9, comment: "great" }, start + 2 * HOUR).next;
    expect(r.data.surveys).toEqual([{ at: start + 2 * HOUR, sessionNo: 1, score: 9, comment: "great" }]);
    expect(decideSession(r, { type: "survey", score: 10 }, { ...ctx, now: start + 3 * HOUR })).toMatchObject({ outcome: { type: "refused" } });

    // Next booking loop: the second (last) session of the package.
    const next = start + 7 * DAY;
    r = run(r, { ...EVENTS.slot_booked, start: next, end: next + HOUR, heldEnd: next + HOUR } as SessionEvent, start + 3 * HOUR).next;
    expect(r.status).toBe("scheduled");
    r = run(r, { type: "session_start" }, next).next;
    r = run(r, { type: "report", outcome: "no_show", by: "coach" }, next + HOUR).next;
    r = run(r, { type: "follow_up" }, next + HOUR).next;
    expect(r.data.sessionsUsed).toBe(2);
    expect(decideSession(r, EVENTS.slot_booked, { ...ctx, now: next + HOUR })).toMatchObject({ outcome: { reason: "every session of this package is used; renew to book more" } });
    r = run(r, { type: "renew", by: "Hanako" }, next + 2 * HOUR).next;
    expect(r.status).toBe("contract_sent");
  });

  it("free trial: invitation → trial booking → reminder → trial → undecided → follow-ups day 1 and 5 → converted → paid → booked", () => {
    const created = createEngagement({ ...base, topic: "career", preferredTimes: ["any"], trial: true }, ctx);
    let r = created.record;
    expect(r.status).toBe("trial_invited");
    expect(r.data.crm).toBe("trial");
    expect(created.effects[0]).toMatchObject({ template: "session_trial_invitation_v1" });
    const start = T + 2 * DAY;
    r = run(r, { ...EVENTS.slot_booked, start, end: start + HOUR, heldEnd: start + HOUR } as SessionEvent).next;
    expect(r.status).toBe("trial_scheduled");
    expect(r.data.current?.trial).toBe(true);
    r = run(r, { type: "reminder_day_before" }, start - DAY).next;
    r = run(r, { type: "session_start" }, start).next;
    expect(r.status).toBe("trial_in_session");
    r = run(r, { type: "trial_report", outcome: "undecided", by: "coach" }, start + HOUR).next;
    expect(r.status).toBe("trial_undecided");
    expect(r.timers.map((t) => [t.type, t.at - (start + HOUR)])).toEqual([["trial_follow_up", DAY], ["trial_follow_up", 5 * DAY]]);
    const day1 = run(r, sessionTimerEvent(r.timers[0]!), start + HOUR + DAY);
    expect(day1.effects[0]).toMatchObject({ template: "session_trial_follow_up_v1" });
    r = { ...day1.next, timers: day1.next.timers.slice(1) };
    r = run(r, { type: "convert", by: "operator" }, start + 3 * DAY).next;
    expect(r.status).toBe("contract_sent");
    expect(r.timers).toEqual([]);
    r = run(r, { type: "agree", termsVersion: 1, contractVersion: 1, by: "Hanako" }, start + 3 * DAY).next;
    r = run(r, { type: "payment_completed", sessionId: "cs_1", paymentIntentId: "pi_1", amountJpy: 20000 }, start + 3 * DAY).next;
    expect(r.status).toBe("scheduling");
    const s2 = start + 6 * DAY;
    r = run(r, { ...EVENTS.slot_booked, start: s2, end: s2 + HOUR, heldEnd: s2 + HOUR } as SessionEvent, start + 3 * DAY).next;
    expect(r.status).toBe("scheduled");
    expect(r.data.current).toMatchObject({ no: 2, trial: false });
    expect(r.data.crm).toBe("active");
  });

  it("a reschedule moves the reminders; a cancellation clears them and frees the calendar key", () => {
    let r = fixture("scheduling");
    const start = T + 3 * DAY;
    r = run(r, { ...EVENTS.slot_booked, start, end: start + HOUR, heldEnd: start + HOUR } as SessionEvent).next;
    const moved = T + 5 * DAY;
    r = run(r, { type: "reschedule", start: moved, end: moved + HOUR, heldEnd: moved + HOUR, by: "requester", agreedBy: "Hanako" }).next;
    expect(r.timers.map((t) => [t.type, t.at])).toEqual([["reminder_day_before", moved - DAY], ["reminder_hour_before", moved - HOUR], ["session_start", moved]]);
    const cancelled = decideSession(r, { type: "cancel", by: "requester" }, ctx);
    expect(cancelled).toMatchObject({ kind: "apply", next: { status: "scheduling", timers: [] }, outcome: { type: "cancel", result: "session_cancelled", calendarKey: "k2" } });
  });

  it("a booking made less than a day ahead gets only the one-hour reminder", () => {
    const r = run(fixture("scheduling"), { ...EVENTS.slot_booked, start: T + 5 * HOUR, end: T + 6 * HOUR, heldEnd: T + 6 * HOUR } as SessionEvent).next;
    expect(r.timers.map((t) => t.type)).toEqual(["reminder_hour_before", "session_start"]);
  });

  it("puts every status on the pipeline board", () => {
    expect(SESSION_STATUSES.map(pipelineColumn)).toEqual(["lead", "trial", "trial", "trial", "trial", "contract", "contract", "paid", "scheduled", "scheduled", "held", "held", "followed_up", "closed", "closed"]);
  });
});

describe("exception cases (seed 001 Run: 例外処理)", () => {
  const paid = (): EngagementRecord => {
    const r = fixture("scheduled");
    return { ...r, data: { ...r.data, payment: { amountJpy: 30000, sessionId: "cs_0", paymentIntentId: "pi_0", paidAt: T - DAY } } };
  };
  const run = (r: EngagementRecord, e: SessionEvent) => decideSession(r, e, ctx);
  const refundOpened: SessionEvent = { type: "exception_opened", caseId: "case_r", kind: "refund", inPolicy: false, rule: "refund.over_limit", policyVersion: 2, reason: "over", request: { amountJpy: 15000 }, by: "operator", notify: { phone: "+819011112222", url: "https://qrv.example/coach" } };

  it("an out-of-policy refund waits for the coach, is refunded once on approval, and a second approval does nothing", () => {
    const opened = run(paid(), refundOpened);
    if (opened.kind !== "apply") throw new Error(opened.reason);
    expect(opened.effects).toEqual([expect.objectContaining({ kind: "sms.send", to: "+819011112222", template: "session_coach_approval" })]);
    expect(opened.next.data.exceptions).toEqual([expect.objectContaining({ id: "case_r", status: "pending", rule: "refund.over_limit", policyVersion: 2 })]);
    const approved = run(opened.next, { type: "exception_decided", caseId: "case_r", decision: "approve", note: "途中解約のため半額", by: "coach:coach_1" });
    if (approved.kind !== "apply") throw new Error(approved.reason);
    expect(approved.effects).toEqual([{ kind: "payment.refund", paymentIntentId: "pi_0", amountJpy: 15000, reason: "requested_by_customer", note: "engagement QRV-TEST01 case case_r" }]);
    expect(approved.next.data.exceptions?.[0]).toMatchObject({ status: "done", decision: { decision: "approve", by: "coach:coach_1", note: "途中解約のため半額" } });
    const again = run(approved.next, { type: "exception_decided", caseId: "case_r", decision: "approve", by: "coach:coach_1" });
    expect(again).toMatchObject({ kind: "ignore", outcome: { type: "refused", reason: "this case was already decided (done)" } });
  });

  it("an in-policy refund goes out at once, with its rule on the case", () => {
    const d = run(paid(), { ...refundOpened, inPolicy: true, rule: "refund.within_amount", request: { amountJpy: 3000 } });
    if (d.kind !== "apply") throw new Error(d.reason);
    expect(d.effects.map((e) => e.kind)).toEqual(["payment.refund"]);
    expect(d.next.data.exceptions?.[0]).toMatchObject({ status: "done", inPolicy: true, rule: "refund.within_amount" });
  });

  it("a rejected case stays rejected and refunds nothing", () => {
    const opened = run(paid(), refundOpened);
    if (opened.kind !== "apply") throw new Error(opened.reason);
    const rejected = run(opened.next, { type: "exception_decided", caseId: "case_r", decision: "reject", note: "規約どおり返金なし", by: "coach:coach_1" });
    if (rejected.kind !== "apply") throw new Error(rejected.reason);
    expect(rejected.effects).toEqual([]);
    expect(rejected.next.data.exceptions?.[0]?.status).toBe("rejected");
  });

  it("a late reschedule moves only once the coach approved it, and the reminders move with it", () => {
    const start = T + 3 * DAY;
    const opened = run(paid(), { type: "exception_opened", caseId: "case_m", kind: "reschedule", inPolicy: false, rule: "reschedule.too_late", policyVersion: 1, reason: "late", request: { start }, by: "requester" });
    if (opened.kind !== "apply") throw new Error(opened.reason);
    const move: SessionEvent = { type: "reschedule", start, end: start + HOUR, heldEnd: start + HOUR, by: "operator", agreedBy: "山田 花子", caseId: "case_m" };
    expect(run(opened.next, move)).toMatchObject({ kind: "ignore", outcome: { type: "refused" } });
    const approved = run(opened.next, { type: "exception_decided", caseId: "case_m", decision: "approve", by: "coach:coach_1" });
    if (approved.kind !== "apply") throw new Error(approved.reason);
    expect(approved.next.data.exceptions?.[0]?.status).toBe("approved");
    const moved = run(approved.next, move);
    if (moved.kind !== "apply") throw new Error(moved.reason);
    expect(moved.next.data.current?.start).toBe(start);
    expect(moved.next.timers.find((t) => t.type === "reminder_day_before")?.at).toBe(start - DAY);
    expect(moved.next.data.exceptions?.[0]?.status).toBe("done");
    expect(run(moved.next, move)).toMatchObject({ kind: "ignore", outcome: { type: "refused" } });
  });
});

describe("messages a person writes (seed 001 送信ルール)", () => {
  const r0 = fixture("scheduled");
  const run = (r: EngagementRecord, e: SessionEvent) => decideSession(r, e, ctx);
  const draft: SessionEvent = { type: "message_drafted", messageId: "msg_1", body: "前回の振り返りを添えてお送りします。", kind: "free", topic: "other", by: "運営 一郎" };

  it("free text is held until a second operator checks it, then sent once", () => {
    const drafted = run(r0, draft);
    if (drafted.kind !== "apply") throw new Error(drafted.reason);
    expect(drafted.effects).toEqual([]);
    expect(run(drafted.next, { type: "message_checked", messageId: "msg_1", by: "運営 一郎", role: "operator", approve: true })).toMatchObject({ outcome: { reason: "a second operator must check it, not its writer" } });
    const checked = run(drafted.next, { type: "message_checked", messageId: "msg_1", by: "運営 二郎", role: "operator", approve: true });
    if (checked.kind !== "apply") throw new Error(checked.reason);
    expect(checked.effects).toEqual([{ kind: "sms.send", to: "+819012345678", body: "前回の振り返りを添えてお送りします。\n{{guest_url}}", template: "session_free_text" }]);
    expect(checked.next.data.messages?.[0]).toMatchObject({ status: "sent", writtenBy: "運営 一郎", checkedBy: "運営 二郎" });
    expect(run(checked.next, { type: "message_checked", messageId: "msg_1", by: "運営 三郎", role: "operator", approve: true })).toMatchObject({ kind: "ignore", outcome: { type: "refused" } });
  });

  it("a message about a refund needs the coach, not an operator", () => {
    const drafted = run(r0, { ...draft, topic: "refund" });
    if (drafted.kind !== "apply") throw new Error(drafted.reason);
    expect(run(drafted.next, { type: "message_checked", messageId: "msg_1", by: "運営 二郎", role: "operator", approve: true })).toMatchObject({ outcome: { reason: "this message needs the coach's approval" } });
    const ok = run(drafted.next, { type: "message_checked", messageId: "msg_1", by: "coach:佐藤", role: "coach", approve: true });
    expect(ok.kind === "apply" && ok.effects.map((e) => e.kind)).toEqual(["sms.send"]);
  });

  it("a standard template inside the quiet hours is queued and leaves when they end", () => {
    const until = T + 5 * HOUR;
    const drafted = run(r0, { ...draft, kind: "standard", template: "follow_up", templateVersion: 2, quietUntil: until });
    if (drafted.kind !== "apply") throw new Error(drafted.reason);
    expect(drafted.effects).toEqual([]);
    const timer = drafted.next.timers.find((t) => t.type === "message_due")!;
    expect(timer).toMatchObject({ at: until, messageId: "msg_1" });
    const due = decideSession(drafted.next, sessionTimerEvent(timer), { ...ctx, now: until });
    if (due.kind !== "apply") throw new Error(due.reason);
    expect(due.effects).toEqual([expect.objectContaining({ kind: "sms.send", template: "session_follow_up_v2" })]);
    expect(due.next.data.messages?.[0]).toMatchObject({ status: "sent", sentAt: until });
    expect(decideSession(due.next, sessionTimerEvent(timer), { ...ctx, now: until }).kind).toBe("ignore");
  });
});
