// The coach's templates and the pre-send check of the flow's own messages (seed 001 テンプレ承認,
// 送信ルール), and the policy rules in words: pure, no clock and no storage.
import { describe, expect, it } from "vitest";
import { decideSession, sessionTimerEvent, type EngagementRecord, type SessionContext } from "../../src/domain/reservation/session-machine.ts";
import { checkPolicy, DEFAULT_COACH_POLICY, type ExceptionEvent } from "../../src/domain/sessions/policy.ts";
import { explainRule, hasWords } from "../../src/domain/sessions/rule-words.ts";
import { messagesInNote, TEMPLATE_KEYS, TEMPLATES, templateTextProblems } from "../../src/domain/sessions/templates.ts";
import { fillPlaceholders } from "../../src/domain/text.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 11, 1, 1); // 10:00 JST

function scheduled(start = T + 3 * DAY): EngagementRecord {
  return {
    id: "QRV-TEST02",
    kind: "session",
    status: "scheduled",
    version: 7,
    requester: { name: "山田 花子", phone: "+819012345678", language: "ja" },
    startAt: start,
    partySize: 1,
    timers: [],
    data: {
      coach: { id: "coach_1", name: "佐藤コーチ" },
      menu: { id: "menu_1", name: "キャリア4回パック", priceJpy: 30000, minutes: 60, sessions: 4 },
      topic: "転職",
      preferredTimes: ["平日夜"],
      clientType: "new",
      trial: false,
      missing: [],
      agreements: [],
      sessionsBought: 4,
      sessionsUsed: 0,
      current: { no: 1, trial: false, start, end: start + HOUR, heldEnd: start + HOUR, calendarKey: "k1", meetingUrl: "https://meet.example/room", bookedAt: T - DAY, bookedBy: "requester", rescheduled: 0 },
      history: [],
      troubles: [],
      surveys: [],
      crm: "active",
    },
    openCases: [],
    createdAt: T - 2 * DAY,
    updatedAt: T - DAY,
  };
}

const base: SessionContext = { now: T, pageUrl: "{{guest_url}}" };

describe("templates", () => {
  it("every template has both languages and uses only its own variables", () => {
    for (const key of TEMPLATE_KEYS) expect(templateTextProblems(key, TEMPLATES[key].text), key).toEqual([]);
  });

  it("a proposal with an unknown variable or an empty language is refused", () => {
    expect(templateTextProblems("reminder", { ja: "{{amount}} です", en: "" })).toEqual(["日本語: unknown variables {{amount}} (allowed: {{client_name}}, {{coach_name}}, {{menu_name}}, {{page_url}}, {{when}}, {{start}}, {{meeting_url}})", "English: the text is empty"]);
  });

  it("a variable without a value stays, so the pre-send check finds it", () => {
    expect(fillPlaceholders("{{a}} と {{b}}", { a: "1" })).toBe("1 と {{b}}");
    expect(fillPlaceholders("x{{resend}}y", { resend: "" })).toBe("xy");
  });

  it("the audit note names each message's template and version", () => {
    const multi = JSON.stringify({ code: "multi", params: { notes: JSON.stringify([{ code: "session_paid" }, { code: "session_message_sent", params: { template: "scheduling", version: 2 } }]) } });
    expect(messagesInNote(multi)).toEqual(["scheduling v2 sent"]);
    expect(messagesInNote(JSON.stringify({ code: "session_message_blocked", params: { template: "reminder", version: 1 } }))).toEqual(["reminder v1 blocked"]);
    expect(messagesInNote("{}")).toEqual([]);
  });
});

describe("the flow's own messages pass the pre-send check", () => {
  it("the coach's approved version is the one sent, filled in, with its version in the job and the audit note", () => {
    const ctx: SessionContext = { ...base, messaging: { templates: { reminder: { version: 3, text: { ja: "【QRV】{{client_name}}さん、{{when}} {{start}} です。{{page_url}}", en: "x" } } }, bannedPhrases: [] } };
    const d = decideSession(scheduled(), { type: "reminder_day_before" }, ctx);
    if (d.kind !== "apply") throw new Error(d.reason);
    expect(d.effects).toEqual([{ kind: "sms.send", to: "+819012345678", body: expect.stringMatching(/^【QRV】山田 花子さん、明日 .+ です。\{\{guest_url\}\}$/), template: "session_reminder_v3" }]);
    expect(d.next.data.messages).toEqual([expect.objectContaining({ template: "reminder", templateVersion: 3, status: "sent", writtenBy: "system", auto: true })]);
    expect(messagesInNote(JSON.stringify(d.note))).toEqual(["reminder v3 sent"]);
  });

  it("a banned phrase blocks it: nothing is sent, a case opens for the operators", () => {
    const d = decideSession(scheduled(), { type: "reminder_day_before" }, { ...base, messaging: { templates: {}, bannedPhrases: ["リマインド"] } });
    if (d.kind !== "apply") throw new Error(d.reason);
    expect(d.effects).toEqual([]);
    expect(d.next.data.messages?.[0]).toMatchObject({ status: "blocked", problems: ["the coach's banned phrases: リマインド"] });
    expect(d.next.openCases).toEqual([{ case: "message_blocked", at: T }]);
    // Withdrawn by an operator: the case closes, nothing is sent.
    const w = decideSession(d.next, { type: "message_withdrawn", messageId: d.next.data.messages![0]!.id, by: "運営 一郎", note: "電話で伝えた" }, { ...base, now: T + HOUR });
    if (w.kind !== "apply") throw new Error(w.reason);
    expect(w.effects).toEqual([]);
    expect(w.next.openCases).toEqual([]);
    expect(w.next.data.messages?.[0]).toMatchObject({ status: "withdrawn", checkedBy: "運営 一郎", note: "電話で伝えた" });
  });

  it("an approved version with a variable the flow cannot fill is blocked", () => {
    const d = decideSession(scheduled(), { type: "reminder_day_before" }, { ...base, messaging: { templates: { reminder: { version: 2, text: { ja: "{{coach_name}} {{amount}}", en: "" } } }, bannedPhrases: [] } });
    if (d.kind !== "apply") throw new Error(d.reason);
    expect(d.next.data.messages?.[0]).toMatchObject({ status: "blocked", problems: ["variables not filled: {{amount}}"] });
  });

  it("in the quiet hours a reminder waits and leaves when they end; a reply to the client leaves at once", () => {
    const until = T + 2 * HOUR;
    const ctx: SessionContext = { ...base, messaging: { templates: {}, bannedPhrases: [], quietUntil: until } };
    const d = decideSession(scheduled(), { type: "reminder_day_before" }, ctx);
    if (d.kind !== "apply") throw new Error(d.reason);
    expect(d.effects).toEqual([]);
    const timer = d.next.timers.find((t) => t.type === "message_due")!;
    expect(timer.at).toBe(until);
    const due = decideSession(d.next, sessionTimerEvent(timer), { ...base, now: until });
    if (due.kind !== "apply") throw new Error(due.reason);
    expect(due.effects).toEqual([expect.objectContaining({ kind: "sms.send", template: "session_reminder_v1", body: expect.stringContaining("リマインド") })]);
    expect(due.next.data.messages?.[0]).toMatchObject({ status: "sent", sentAt: until });
    const again = decideSession(due.next, sessionTimerEvent(timer), { ...base, now: until });
    expect(again.kind).toBe("ignore");
    // A move the client just made is answered at once.
    const moved = decideSession(scheduled(), { type: "reschedule", start: T + 4 * DAY, end: T + 4 * DAY + HOUR, heldEnd: T + 4 * DAY + HOUR, by: "requester", agreedBy: "山田 花子" }, ctx);
    if (moved.kind !== "apply") throw new Error(moved.reason);
    expect(moved.effects).toEqual([expect.objectContaining({ template: "session_rescheduled_v1" })]);
  });

  it("a reminder held while the session moved is not sent with the old time", () => {
    const d = decideSession(scheduled(), { type: "reminder_day_before" }, { ...base, messaging: { templates: {}, bannedPhrases: [], quietUntil: T + HOUR } });
    if (d.kind !== "apply") throw new Error(d.reason);
    const moved = decideSession(d.next, { type: "reschedule", start: T + 5 * DAY, end: T + 5 * DAY + HOUR, heldEnd: T + 5 * DAY + HOUR, by: "requester", agreedBy: "山田 花子" }, base);
    if (moved.kind !== "apply") throw new Error(moved.reason);
    const timer = moved.next.timers.find((t) => t.type === "message_due")!;
    const due = decideSession(moved.next, sessionTimerEvent(timer), { ...base, now: T + HOUR });
    if (due.kind !== "apply") throw new Error(due.reason);
    expect(due.effects).toEqual([]);
    expect(due.next.data.messages?.find((m) => m.template === "reminder")).toMatchObject({ status: "expired" });
  });

  it("a reminder held past the session's start is not sent", () => {
    const start = T + 3 * HOUR;
    const d = decideSession(scheduled(start), { type: "reminder_hour_before" }, { ...base, messaging: { templates: {}, bannedPhrases: [], quietUntil: start + HOUR } });
    if (d.kind !== "apply") throw new Error(d.reason);
    const timer = d.next.timers.find((t) => t.type === "message_due")!;
    const due = decideSession(d.next, sessionTimerEvent(timer), { ...base, now: start + HOUR });
    if (due.kind !== "apply") throw new Error(due.reason);
    expect(due.effects).toEqual([]);
    expect(due.next.data.messages?.[0]).toMatchObject({ status: "expired" });
  });
});

describe("policy rules in words", () => {
  const events: ExceptionEvent[] = [
    { kind: "unpaid", dueAt: T, now: T, reminded: false },
    { kind: "unpaid", dueAt: T, now: T + DAY, reminded: false },
    { kind: "unpaid", dueAt: T, now: T + DAY, reminded: true },
    { kind: "unpaid", dueAt: T, now: T + 3 * DAY, reminded: true },
    { kind: "reschedule", sessionStart: T + 2 * DAY, now: T, rescheduledSoFar: 0 },
    { kind: "reschedule", sessionStart: T + HOUR, now: T, rescheduledSoFar: 0 },
    { kind: "reschedule", sessionStart: T + 2 * DAY, now: T, rescheduledSoFar: 2 },
    { kind: "cancel", sessionStart: T + 2 * DAY, now: T },
    { kind: "cancel", sessionStart: T + HOUR, now: T },
    { kind: "complaint", type: "request" },
    { kind: "complaint", type: "complaint" },
    { kind: "refund", amountJpy: 0, paidJpy: 10000 },
    { kind: "refund", amountJpy: 1000, paidJpy: 10000 },
    { kind: "refund", amountJpy: 6000, paidJpy: 30000 },
    { kind: "refund", amountJpy: 9000, paidJpy: 10000 },
    { kind: "no_show" },
    { kind: "violation", by: "client" },
    { kind: "violation", by: "coach" },
  ];

  it.each(events.map((e) => [checkPolicy(DEFAULT_COACH_POLICY, e).rule, e] as const))("%s has words in Japanese and English", (rule) => {
    expect(hasWords(rule)).toBe(true);
    expect(explainRule(rule, DEFAULT_COACH_POLICY, "ja")).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    // Amounts read 5,000円 in both languages; the words around them are English.
    expect(explainRule(rule, DEFAULT_COACH_POLICY, "en").replace(/[\d,]+円/g, "")).not.toMatch(/[ぁ-んァ-ヶ一-龠]/);
  });

  it("uses the values of the policy version it is given", () => {
    expect(explainRule("refund.over_limit", { ...DEFAULT_COACH_POLICY, refund: { maxJpy: 8000, maxPercent: 30 } }, "ja")).toBe("8,000円と支払額の30%の両方を超える返金");
    expect(explainRule("reschedule.too_late", DEFAULT_COACH_POLICY, "en")).toBe("less than 24 h before the session");
  });
});
