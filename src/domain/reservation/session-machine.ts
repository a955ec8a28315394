// The 1-on-1 session engagement (seed 001, Run: メインフロー and 無料体験〜本申込): a pure
// function from (engagement, event) to the next engagement, the side effects to commit with
// it and the timeline lines. One status per step of the seed's flows; the table at the bottom
// is the whole machine (one row per status, one entry per event that applies there).
// Anything not in the table is ignored and recorded, never an error.
//
// Main flow:  inquiry → contract_sent → payment_pending → scheduling → scheduled → in_session
//             → held | no_show → followed_up → (next booking) scheduled → … ; packages of N
//             sessions count down, and `renew` starts a new contract when they are used up.
// Free trial: inquiry → trial_invited → trial_scheduled → trial_in_session → converted
//             (contract_sent) | trial_undecided (follow-ups day 1 and day 5) | dropped.
import { sessionSms } from "../sessions/messages.ts";
import type { ExceptionKind } from "../sessions/policy.ts";
import { checkNeeded, messageProblems, type CheckNeeded, type MessageKind, type MessageTopic } from "../sessions/send-rules.ts";
import { standardVersion, TEMPLATES, type SessionMessaging, type TemplateKey } from "../sessions/templates.ts";
import { formatJpy } from "../money.ts";
import { fillPlaceholders } from "../text.ts";
import { formatDateTime, formatShort } from "../time.ts";
import type { Actor, Effect, Lang, Note, OpenCase, PaymentState, Requester } from "./types.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SESSION_STATUSES = [
  "inquiry",
  "trial_invited",
  "trial_scheduled",
  "trial_in_session",
  "trial_undecided",
  "contract_sent",
  "payment_pending",
  "scheduling",
  "scheduled",
  "in_session",
  "held",
  "no_show",
  "followed_up",
  "dropped",
  "cancelled",
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** The client's place in the coach's CRM (seed 001: CRM更新). */
export const CRM_STATUSES = ["lead", "trial", "active", "paused", "churned"] as const;
export type CrmStatus = (typeof CRM_STATUSES)[number];

/** Named values of the flow; the governance rules (who may change what, when) build on these. */
export const sessionPolicy = {
  /** Reminders: the day before and one hour before (seed 001: リマインド送信（前日等）). */
  reminderDayBeforeMs: DAY,
  reminderHourBeforeMs: HOUR,
  /** An undecided trial client hears from QRV again on these days after the trial (成約フォロー). */
  trialFollowUpDays: [1, 5] as readonly number[],
  /** 決済期限: the client pays within this long of agreeing; then the coach's unpaid rule applies. */
  paymentDueMs: DAY,
  /** A link keeps working this long after the last session. */
  pageValidAfterLastSessionMs: 90 * DAY,
} as const;

/** What the client must give before terms are sent (seed 001: 氏名/希望日時/相談内容等). */
export const REQUIRED_INFO = ["name", "topic", "preferred_times"] as const;
export type RequiredInfo = (typeof REQUIRED_INFO)[number];

export interface CoachRef {
  id: string;
  name: string;
  email?: string;
}

export interface MenuRef {
  id: string;
  name: string;
  priceJpy: number;
  minutes: number;
  /** Sessions in the package (1 for a single session). */
  sessions: number;
}

/** One booked session (or trial session) on the coach's calendar. */
export interface BookedSession {
  no: number;
  trial: boolean;
  start: number;
  end: number;
  /** The end of what is held on the coach's calendar (the buffer included). */
  heldEnd: number;
  /** The calendar entry's key (one per session number). */
  calendarKey: string;
  meetingUrl: string;
  bookedAt: number;
  bookedBy: Actor;
  rescheduled: number;
  outcome?: "held" | "no_show" | "converted" | "undecided" | "dropped" | "cancelled";
  notes?: string;
  reportedAt?: number;
  reportedBy?: string;
}

export interface Agreement {
  document: "terms" | "contract" | "schedule";
  /** Document version agreed to (for a schedule: the session number). */
  version: number;
  at: number;
  /** The person who agreed, as they gave their name. */
  by: string;
}

export interface Trouble {
  at: number;
  kind: "late" | "cannot_connect" | "sudden_cancellation" | "other";
  note: string;
  by: string;
}

export interface EngagementData {
  coach: CoachRef;
  menu: MenuRef;
  topic?: string;
  preferredTimes: string[];
  /** Classified on arrival: someone the coach already knows, or new. */
  clientType: "new" | "existing";
  /** The client asked for (and the coach offers) a free trial first. */
  trial: boolean;
  /** What is still needed before terms go out. */
  missing: RequiredInfo[];
  /** Document versions current when the terms and contract were sent. */
  documents?: { terms: number; contract: number };
  agreements: Agreement[];
  payment?: PaymentState;
  /** Sessions bought in total (all packages) and used (held or no-show). */
  sessionsBought: number;
  sessionsUsed: number;
  current?: BookedSession;
  history: BookedSession[];
  troubles: Trouble[];
  surveys: { at: number; sessionNo: number; score: number; comment?: string }[];
  crm: CrmStatus;
  /** An operator paused the client; automatic updates leave the CRM status alone until resumed. */
  crmPaused?: boolean;
  cancellation?: { at: number; by: Actor; reason?: string };
  /** Exception cases (seed 001 Run: 例外処理): each checked against the coach's policy. */
  exceptions?: ExceptionCase[];
  /** Messages to the client: the flow's own (`writtenBy: "system"`) and those a person wrote, with who checked them. */
  messages?: ClientMessage[];
}

/**
 * A message to this client (seed 001 送信ルール): one the flow sent from the coach's approved
 * template (`auto`), or one a person wrote or changed. `blocked`: the pre-send check stopped an
 * automatic one (an open case until an operator sends a corrected text or withdraws it);
 * `expired`: held by the quiet hours past the moment it was for (a reminder after the start).
 */
export interface ClientMessage {
  id: string;
  body: string;
  kind: MessageKind;
  topic: MessageTopic;
  template?: string;
  templateVersion?: number;
  needs: CheckNeeded;
  writtenBy: string;
  at: number;
  status: "awaiting_check" | "queued" | "sent" | "rejected" | "blocked" | "withdrawn" | "expired";
  /** The flow's own message: its body already carries the client's page link. */
  auto?: boolean;
  /** What the pre-send check found (blocked). */
  problems?: string[];
  /** A queued message no longer worth sending after this moment. */
  expiresAt?: number;
  /** The blocked message this one replaces (an operator's corrected text). */
  replaces?: string;
  checkedBy?: string;
  checkedAt?: number;
  note?: string;
  /** Queued: the end of the coach's quiet hours. */
  sendAt?: number;
  sentAt?: number;
}

/** What the client or an operator asked for in an exception case. */
export interface ExceptionRequest {
  /** reschedule: the new start asked for. */
  start?: number;
  /** refund: the amount asked for. */
  amountJpy?: number;
  note?: string;
}

/**
 * One exception (ポリシー照合 → 対応＋監査ログ, or コーチへ判断依頼 → 判断・指示 → 対応).
 * `pending` waits for the coach; `approved` is approved but not carried out yet (a reschedule
 * waits for the calendar); `done`, `rejected` and `instructed` are settled.
 */
export interface ExceptionCase {
  id: string;
  kind: ExceptionKind;
  at: number;
  by: string;
  inPolicy: boolean;
  rule: string;
  policyVersion: number;
  reason: string;
  request: ExceptionRequest;
  status: "pending" | "approved" | "done" | "rejected" | "instructed";
  decision?: { at: number; by: string; decision: "approve" | "reject" | "instruct"; note?: string };
  doneAt?: number;
}

export type SessionTimerType = "reminder_day_before" | "reminder_hour_before" | "session_start" | "follow_up" | "trial_follow_up" | "message_due" | "unpaid_check";

export interface SessionTimer {
  type: SessionTimerType;
  at: number;
  key: string;
  /** trial_follow_up: the day after the trial. */
  day?: number;
  /** message_due: the message held by the quiet hours. */
  messageId?: string;
}

export interface EngagementRecord {
  id: string;
  kind: "session";
  status: SessionStatus;
  version: number;
  requester: Requester;
  /** The current session's start (or when the engagement began, before one is booked). */
  startAt: number;
  partySize: number;
  amountJpy?: number;
  apiKeyId?: string;
  timers: SessionTimer[];
  data: EngagementData;
  openCases?: OpenCase[];
  createdAt: number;
  updatedAt: number;
}

export type SessionEvent =
  /** The client answered what was missing (page, MCP or an operator on their behalf). */
  | { type: "provide_info"; name?: string; email?: string; topic?: string; preferredTimes?: string[] }
  /** 規約同意 + 契約締結（申込）: the versions the client read, and their name. */
  | { type: "agree"; termsVersion: number; contractVersion: number; by: string }
  | { type: "payment_link_ready"; sessionId: string; url: string }
  | { type: "payment_completed"; sessionId: string; paymentIntentId: string; amountJpy: number }
  | { type: "refund_updated"; refundId: string; status: "succeeded" | "failed" | "pending" }
  /** The slot was taken on the coach's calendar; the client agreed to the time (日程同意). */
  | { type: "slot_booked"; start: number; end: number; heldEnd: number; calendarKey: string; meetingUrl: string; by: Actor; agreedBy: string }
  /** `caseId`: the coach approved this move as an exception; `rule`, `policyVersion`: the policy allowed it (kept in the audit log). */
  | { type: "reschedule"; start: number; end: number; heldEnd: number; by: Actor; agreedBy: string; caseId?: string; rule?: string; policyVersion?: number }
  /**
   * An exception checked against the coach's policy (the decision is the policy module's).
   * In policy, a refund is made at once; out of policy, the coach is asked (`notify`: the
   * coach's phone and the coach portal's link).
   */
  | { type: "exception_opened"; caseId: string; kind: ExceptionKind; inPolicy: boolean; rule: string; policyVersion: number; reason: string; request: ExceptionRequest; by: string; notify?: { phone: string; url: string } }
  /**
   * A message written by a person, after the pre-send check (done by the object). It leaves at
   * once when no check is needed; `quietUntil`: the coach's quiet hours hold it until then.
   */
  | { type: "message_drafted"; messageId: string; body: string; kind: MessageKind; topic: MessageTopic; template?: string; templateVersion?: number; by: string; quietUntil?: number; replaces?: string; notify?: { phone: string; url: string } }
  /** An operator withdraws a message the pre-send check blocked (nothing is sent). */
  | { type: "message_withdrawn"; messageId: string; by: string; note?: string }
  /** A second operator (or the coach) checks a message: it leaves once, or is rejected. */
  | { type: "message_checked"; messageId: string; by: string; role: "operator" | "coach"; approve: boolean; note?: string; quietUntil?: number }
  /** The quiet hours ended: a queued message leaves. */
  | { type: "message_due"; messageId: string }
  /**
   * The payment deadline passed and nothing was paid (未払い継続). The object fills in the coach's
   * unpaid rule as it stands (rule, version and action, from the policy module) and when to look again
   * (`nextCheckAt`); the machine opens one case, reminds once, cancels on the day.
   */
  | { type: "unpaid_check"; caseId?: string; rule?: string; policyVersion?: number; reason?: string; action?: "wait" | "remind" | "cancel_engagement"; by?: "system"; nextCheckAt?: number }
  /** The coach's answer to a pending case, with a note. Only the first answer counts. */
  | { type: "exception_decided"; caseId: string; decision: "approve" | "reject" | "instruct"; note?: string; by: string }
  | { type: "cancel"; by: Actor; reason?: string }
  | { type: "reminder_day_before" }
  | { type: "reminder_hour_before" }
  | { type: "session_start" }
  /** Troubles before or after (遅刻, 接続不具合, 急なキャンセル), recorded for operators. */
  | { type: "trouble"; kind: Trouble["kind"]; note: string; by: string }
  /** The coach's completion report (セッション完了報告). */
  | { type: "report"; outcome: "held" | "no_show"; notes?: string; by: string }
  | { type: "trial_report"; outcome: "converted" | "undecided" | "dropped"; notes?: string; by: string }
  | { type: "follow_up" }
  | { type: "trial_follow_up"; day: number }
  /** An undecided trial client decides (told to QRV, or on their page). */
  | { type: "convert"; by: string }
  | { type: "drop"; by: string; reason?: string }
  | { type: "survey"; score: number; comment?: string }
  /** The package is used up and the client continues: a new contract and payment. */
  | { type: "renew"; by: string }
  | { type: "set_crm"; crm: "paused" | "active"; operator: string; note?: string }
  | { type: "operator_note"; operator: string; note?: string }
  | { type: "sms_failed"; jobId: string; body: string; error: string }
  | { type: "job_failed"; jobId: string; jobKind: Effect["kind"]; error: string };

export type SessionEventType = SessionEvent["type"];
export type SessionOutcome = { type: "refused"; reason: string } | { type: "cancel"; result: "session_cancelled" | "engagement_cancelled"; message: string; calendarKey?: string };

export type SessionDecision =
  | { kind: "apply"; next: EngagementRecord; effects: Effect[]; note: Note; outcome?: SessionOutcome }
  | { kind: "ignore"; reason: string; outcome?: SessionOutcome };

export interface SessionContext {
  now: number;
  /** The client's page (a placeholder in stored texts). */
  pageUrl: string;
  /** The coach's approved templates and send rules (the object reads them); without it, the standard texts and no quiet hours. */
  messaging?: SessionMessaging;
}


/** An inquiry, validated and normalized (phone in E.164). */
export interface SessionRequest {
  id: string;
  coach: CoachRef;
  menu: MenuRef;
  requester: Requester;
  topic?: string;
  preferredTimes: string[];
  trial: boolean;
  clientType: "new" | "existing";
  documents: { terms: number; contract: number };
  apiKeyId?: string;
  /** The credential that asked, for the audit log. */
  via?: string;
}

// ------------------------------------------------------------------ builders

type EventOf<T extends SessionEventType> = Extract<SessionEvent, { type: T }>;
type Handler<T extends SessionEventType> = (r: EngagementRecord, e: EventOf<T>, ctx: SessionContext) => SessionDecision;
type Row = { [T in SessionEventType]?: Handler<T> };

function apply(next: EngagementRecord, effects: Effect[], notes: Note[], outcome?: SessionOutcome): SessionDecision {
  return { kind: "apply", next, effects, note: notes.length === 1 ? notes[0]! : { code: "multi", params: { notes: JSON.stringify(notes) } }, ...(outcome ? { outcome } : {}) };
}

function ignore(reason: string, outcome?: SessionOutcome): SessionDecision {
  return { kind: "ignore", reason, ...(outcome ? { outcome } : {}) };
}

function refuse(reason: string): SessionDecision {
  return ignore(reason, { type: "refused", reason });
}

function update(r: EngagementRecord, fields: Partial<Omit<EngagementRecord, "data">>, data: Partial<EngagementData> = {}, now = r.updatedAt): EngagementRecord {
  const next: EngagementRecord = { ...r, ...fields, data: { ...r.data, ...data }, version: r.version + 1, updatedAt: Math.max(now, r.updatedAt) };
  return { ...next, data: { ...next.data, crm: crmFor(next) } };
}

/** The CRM status follows the flow unless an operator paused the client. */
export function crmFor(r: EngagementRecord): CrmStatus {
  if (r.status === "dropped" || r.status === "cancelled") return "churned";
  if (r.data.crmPaused) return "paused";
  if (r.status.startsWith("trial_")) return "trial";
  if (r.data.sessionsBought > 0) return "active";
  return "lead";
}

/** What the flow says: a template and its own variables (the common ones are added); `expiresAt`: not worth sending after. */
interface Say {
  key: TemplateKey;
  vars?: Record<string, string>;
  expiresAt?: number;
}

const NO_RULES: SessionMessaging = { templates: {}, bannedPhrases: [] };

/** The SMS of a message that passed its checks; the job's template names the template and version. */
function smsOf(r: EngagementRecord, m: ClientMessage, ctx: SessionContext): Effect {
  const template = m.template ? `session_${m.template}_v${m.templateVersion ?? 1}${m.kind === "edited" ? "_edited" : ""}` : "session_free_text";
  return { kind: "sms.send", to: r.requester.phone, body: m.auto ? m.body : `${m.body}\n${ctx.pageUrl}`, template };
}

/**
 * The flow's own message goes through the same pre-send check as an operator's (seed 001
 * 送信ルール): the coach's newest approved version of the template, the right client (their
 * phone, their page), every variable filled, none of the coach's banned phrases; a scheduled
 * text waits for the end of the quiet hours. A blocked message opens a case for the operators
 * (message_blocked) instead of being lost. Every outcome names the template and its version.
 */
function governed(r: EngagementRecord, ctx: SessionContext, s: Say): { next: EngagementRecord; effects: Effect[]; note: Note } {
  const rules = ctx.messaging ?? NO_RULES;
  const approved = rules.templates[s.key] ?? standardVersion(s.key);
  const lang = r.requester.language;
  const body = fillPlaceholders(approved.text[lang], { client_name: r.requester.name, coach_name: r.data.coach.name, menu_name: r.data.menu.name, page_url: ctx.pageUrl, ...s.vars });
  // Unique across engagements (the weekly sample and the audit log name messages by id).
  const id = `msg_auto_${r.id}_${r.version}_${s.key}`;
  const m: ClientMessage = { id, body, kind: "standard", topic: "other", template: s.key, templateVersion: approved.version, needs: "none", writtenBy: "system", at: ctx.now, status: "sent", auto: true, ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}) };
  const params = { id, template: s.key, version: approved.version, by: "system" };
  // The page link is this engagement's own placeholder, filled in when the SMS leaves.
  const problems = [...(r.requester.phone ? [] : ["the client has no phone number"]), ...messageProblems(body.split(ctx.pageUrl).join(""), rules)];
  if (problems.length) {
    const openCases: OpenCase[] = r.openCases?.some((c) => c.case === "message_blocked") ? r.openCases : [...(r.openCases ?? []), { case: "message_blocked", at: ctx.now }];
    return { next: { ...r, openCases, data: { ...r.data, messages: withMessage(r, { ...m, status: "blocked", problems }) } }, effects: [], note: { code: "session_message_blocked", params: { ...params, problems: problems.join("; ") } } };
  }
  const quiet = TEMPLATES[s.key].timing === "scheduled" ? rules.quietUntil : undefined;
  if (quiet && quiet > ctx.now) {
    const queued: ClientMessage = { ...m, status: "queued", sendAt: quiet };
    return { next: { ...r, timers: [...r.timers, { type: "message_due", at: quiet, key: `message:${id}`, messageId: id }], data: { ...r.data, messages: withMessage(r, queued) } }, effects: [], note: { code: "session_message_queued", params: { ...params, until: formatShort(quiet, "ja") } } };
  }
  const sent: ClientMessage = { ...m, sentAt: ctx.now };
  return { next: { ...r, data: { ...r.data, messages: withMessage(r, sent) } }, effects: [smsOf(r, sent, ctx)], note: { code: "session_message_sent", params } };
}

/** Applies a transition that says something to the client (after any other effects). */
function say(next: EngagementRecord, ctx: SessionContext, s: Say, effects: Effect[], notes: Note[], outcome?: SessionOutcome): SessionDecision {
  const out = governed(next, ctx, s);
  return apply(out.next, [...effects, ...out.effects], [...notes, out.note], outcome);
}

const when = (r: EngagementRecord, at: number) => formatDateTime(at, r.requester.language);

/** The variables QRV knows for this client now (an operator starts a message from a template with these filled in). */
export function engagementVariables(r: EngagementRecord): Record<string, string> {
  const lang = r.requester.language;
  const ja = lang === "ja";
  const current = r.data.current;
  const remaining = sessionsRemaining(r);
  const vars: Record<string, string> = {
    client_name: r.requester.name,
    coach_name: r.data.coach.name,
    menu_name: r.data.menu.name,
    amount: formatJpy(r.data.payment?.amountJpy ?? r.data.menu.priceJpy),
    remaining: String(remaining),
    next: remaining > 0 ? (ja ? `次回のご予約（残り${remaining}回）` : `your next booking (${remaining} left)`) : ja ? "継続のお申し込み" : "continuing",
    resend: "",
  };
  if (r.data.payment?.url) vars.payment_url = r.data.payment.url;
  if (r.data.missing.length) vars.missing = r.data.missing.map((m) => INFO_WORDS[m][lang]).join(ja ? "、" : ", ");
  if (current) {
    vars.start = when(r, current.start);
    vars.meeting_url = current.meetingUrl;
    vars.session_kind = current.trial ? (ja ? "無料体験セッション" : "free trial session") : ja ? "セッション" : "session";
  }
  return vars;
}

/**
 * A template's text as an operator starts from it for this client: the variables QRV knows
 * filled in, without the page link (QRV adds the client's link to every message a person sends).
 */
export function operatorText(text: string, r: EngagementRecord): string {
  return fillPlaceholders(text.replace(/[ \t]*\{\{page_url\}\}/g, ""), engagementVariables(r)).trim();
}

function withoutTimers(r: EngagementRecord, drop: (t: SessionTimer) => boolean, add: SessionTimer[] = []): SessionTimer[] {
  return [...r.timers.filter((t) => !drop(t)), ...add];
}

const SESSION_TIMERS: SessionTimerType[] = ["reminder_day_before", "reminder_hour_before", "session_start"];

/** Reminders the day before and one hour before (those still ahead), and the start. */
export function sessionTimers(start: number, now: number): SessionTimer[] {
  const out: SessionTimer[] = [];
  const dayBefore = start - sessionPolicy.reminderDayBeforeMs;
  const hourBefore = start - sessionPolicy.reminderHourBeforeMs;
  if (dayBefore > now) out.push({ type: "reminder_day_before", key: "reminder_day_before", at: dayBefore });
  if (hourBefore > now) out.push({ type: "reminder_hour_before", key: "reminder_hour_before", at: hourBefore });
  out.push({ type: "session_start", key: "session_start", at: start });
  return out;
}

export function sessionsRemaining(r: EngagementRecord): number {
  return Math.max(0, r.data.sessionsBought - r.data.sessionsUsed);
}

function missingInfo(r: { requester: Requester; topic?: string; preferredTimes: string[] }): RequiredInfo[] {
  const missing: RequiredInfo[] = [];
  if (!r.requester.name.trim()) missing.push("name");
  if (!r.topic?.trim()) missing.push("topic");
  if (!r.preferredTimes.length) missing.push("preferred_times");
  return missing;
}

const INFO_WORDS: Record<RequiredInfo, Record<Lang, string>> = {
  name: { ja: "お名前", en: "your name" },
  topic: { ja: "ご相談内容", en: "what you would like to talk about" },
  preferred_times: { ja: "ご希望の日時", en: "the times that suit you" },
};

/** The step after the inquiry is complete: the trial invitation, or the terms and contract. */
function afterInquiry(r: EngagementRecord, ctx: SessionContext, notes: Note[]): SessionDecision {
  if (r.data.trial) {
    return say(update(r, { status: "trial_invited" }, {}, ctx.now), ctx, { key: "trial_invitation" }, [], [...notes, { code: "session_trial_invited" }]);
  }
  return say(update(r, { status: "contract_sent" }, {}, ctx.now), ctx, { key: "terms_and_contract" }, [], [...notes, { code: "session_terms_sent" }]);
}

// ------------------------------------------------------------------ creation

export function createEngagement(req: SessionRequest, ctx: SessionContext): { record: EngagementRecord; effects: Effect[]; note: Note } {
  const draft: EngagementRecord = {
    id: req.id,
    kind: "session",
    status: "inquiry",
    version: 0,
    requester: req.requester,
    startAt: ctx.now,
    partySize: 1,
    amountJpy: req.menu.priceJpy,
    ...(req.apiKeyId ? { apiKeyId: req.apiKeyId } : {}),
    timers: [],
    data: {
      coach: req.coach,
      menu: req.menu,
      ...(req.topic?.trim() ? { topic: req.topic.trim() } : {}),
      preferredTimes: req.preferredTimes,
      clientType: req.clientType,
      trial: req.trial,
      missing: [],
      documents: req.documents,
      agreements: [],
      sessionsBought: 0,
      sessionsUsed: 0,
      history: [],
      troubles: [],
      surveys: [],
      crm: req.trial ? "trial" : "lead",
    },
    openCases: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const missing = missingInfo({ requester: req.requester, ...(req.topic !== undefined ? { topic: req.topic } : {}), preferredTimes: req.preferredTimes });
  const received: Note = { code: "session_inquiry", params: { coach: req.coach.name, menu: req.menu.name, client: req.clientType } };
  if (missing.length) {
    const words = missing.map((m) => INFO_WORDS[m][req.requester.language]);
    const out = governed({ ...draft, version: 1, data: { ...draft.data, missing } }, ctx, { key: "missing_info", vars: { missing: words.join(req.requester.language === "ja" ? "、" : ", ") } });
    return { record: out.next, effects: out.effects, note: { code: "multi", params: { notes: JSON.stringify([received, out.note]) } } };
  }
  const decided = afterInquiry(draft, ctx, [received]);
  if (decided.kind !== "apply") throw new Error("an inquiry always moves on");
  return { record: decided.next, effects: decided.effects, note: decided.note };
}

// ------------------------------------------------------------------ handlers

const onProvideInfo: Handler<"provide_info"> = (r, e, ctx) => {
  const requester = { ...r.requester, ...(e.name?.trim() ? { name: e.name.trim() } : {}), ...(e.email?.trim() ? { email: e.email.trim() } : {}) };
  const topic = e.topic?.trim() || r.data.topic;
  const preferredTimes = e.preferredTimes?.length ? e.preferredTimes : r.data.preferredTimes;
  const missing = missingInfo({ requester, ...(topic !== undefined ? { topic } : {}), preferredTimes });
  const fields: Partial<EngagementData> = { ...(topic ? { topic } : {}), preferredTimes, missing };
  if (missing.length) return apply(update(r, { requester }, fields, ctx.now), [], [{ code: "session_info_partial", params: { missing: missing.join(",") } }]);
  return afterInquiry({ ...r, requester, data: { ...r.data, ...fields } }, ctx, [{ code: "session_info_complete" }]);
};

const onAgree: Handler<"agree"> = (r, e, ctx) => {
  const docs = r.data.documents;
  if (!docs || docs.terms !== e.termsVersion || docs.contract !== e.contractVersion) return refuse("the terms or the contract changed since this page was opened; please read the current version");
  if (!e.by.trim()) return refuse("the name of the person agreeing is required");
  const agreements: Agreement[] = [...r.data.agreements, { document: "terms", version: e.termsVersion, at: ctx.now, by: e.by.trim() }, { document: "contract", version: e.contractVersion, at: ctx.now, by: e.by.trim() }];
  const amount = r.data.menu.priceJpy;
  const deadlineAt = ctx.now + sessionPolicy.paymentDueMs;
  const next = update(r, { status: "payment_pending", amountJpy: amount, timers: withoutTimers(r, (t) => t.type === "unpaid_check", [{ type: "unpaid_check", key: "unpaid_check", at: deadlineAt }]) }, { agreements, payment: { amountJpy: amount, deadlineAt } }, ctx.now);
  const effects: Effect[] = [
    { kind: "payment.create", amountJpy: amount, description: `${r.data.coach.name} / ${r.data.menu.name}`, ...(r.requester.email ? { customerEmail: r.requester.email } : {}), language: r.requester.language },
  ];
  return apply(next, effects, [{ code: "session_agreed", params: { terms: e.termsVersion, contract: e.contractVersion, by: e.by.trim() } }]);
};

const onPaymentLinkReady: Handler<"payment_link_ready"> = (r, e, ctx) => {
  const payment = r.data.payment ?? { amountJpy: r.data.menu.priceJpy };
  if (payment.url) return ignore("a payment link was already sent");
  const next = update(r, {}, { payment: { ...payment, sessionId: e.sessionId, url: e.url } }, ctx.now);
  // After the unpaid rule's reminder (which pointed to the client's page) the new link waits there.
  if (payment.remindedAt) return apply(next, [], [{ code: "session_payment_link", params: { after: "reminder" } }]);
  return say(next, ctx, { key: "payment_link", vars: { amount: formatJpy(payment.amountJpy), payment_url: e.url } }, [], [{ code: "session_payment_link" }]);
};

const onPaid: Handler<"payment_completed"> = (r, e, ctx) => {
  const payment = r.data.payment!;
  if (payment.sessionId && payment.sessionId !== e.sessionId && !payment.previousSessionIds?.includes(e.sessionId)) return ignore(`payment for another checkout (${e.sessionId})`);
  // An open 未払い継続 case is settled by the payment.
  const unpaid = openUnpaidCase(r);
  const next = update(
    r,
    { status: "scheduling", timers: withoutTimers(r, (t) => t.type === "unpaid_check") },
    {
      payment: { ...payment, sessionId: e.sessionId, paidAt: ctx.now, paymentIntentId: e.paymentIntentId },
      sessionsBought: r.data.sessionsBought + r.data.menu.sessions,
      ...(unpaid ? { exceptions: withCase(r, { ...unpaid, status: "done", doneAt: ctx.now }) } : {}),
    },
    ctx.now,
  );
  return say(next, ctx, { key: "scheduling" }, [], [{ code: "session_paid", params: { amount: e.amountJpy } }]);
};

/** Money for an engagement that no longer takes it (cancelled, dropped) goes straight back. */
const onLatePayment: Handler<"payment_completed"> = (r, e, ctx) => {
  if (r.data.payment?.paymentIntentId === e.paymentIntentId || r.data.payment?.latePayment?.paymentIntentId === e.paymentIntentId) return ignore(`payment ${e.paymentIntentId} already recorded`);
  const payment = { ...(r.data.payment ?? { amountJpy: e.amountJpy }), latePayment: { paymentIntentId: e.paymentIntentId, amountJpy: e.amountJpy, at: ctx.now }, refund: { amountJpy: e.amountJpy, requestedAt: ctx.now, status: "requested" as const } };
  const next = update(r, {}, { payment }, ctx.now);
  return apply(next, [{ kind: "payment.refund", paymentIntentId: e.paymentIntentId, amountJpy: e.amountJpy, reason: "requested_by_customer", note: `engagement ${r.id} is ${r.status}` }], [{ code: "session_late_payment_refunded", params: { amount: e.amountJpy } }]);
};

const onRefundUpdated: Handler<"refund_updated"> = (r, e, ctx) => {
  const refund = r.data.payment?.refund;
  if (!refund) return ignore("no refund requested");
  return apply(update(r, {}, { payment: { ...r.data.payment!, refund: { ...refund, refundId: e.refundId, status: e.status } } }, ctx.now), [], [{ code: "session_refund", params: { status: e.status } }]);
};

function book(r: EngagementRecord, e: EventOf<"slot_booked">, ctx: SessionContext, trial: boolean): SessionDecision {
  if (e.start <= ctx.now) return refuse("that time has already passed");
  const no = r.data.history.length + 1;
  const session: BookedSession = { no, trial, start: e.start, end: e.end, heldEnd: e.heldEnd, calendarKey: e.calendarKey, meetingUrl: e.meetingUrl, bookedAt: ctx.now, bookedBy: e.by, rescheduled: 0 };
  const status: SessionStatus = trial ? "trial_scheduled" : "scheduled";
  const agreements: Agreement[] = [...r.data.agreements, { document: "schedule", version: no, at: ctx.now, by: e.agreedBy }];
  const next = update(r, { status, startAt: e.start, timers: withoutTimers(r, (t) => SESSION_TIMERS.includes(t.type) || t.type === "follow_up", sessionTimers(e.start, ctx.now)) }, { current: session, agreements }, ctx.now);
  const ja = r.requester.language === "ja";
  const kind = trial ? (ja ? "無料体験セッション" : "free trial session") : ja ? "セッション" : "session";
  return say(next, ctx, { key: "pre_session", vars: { session_kind: kind, start: when(r, e.start), meeting_url: e.meetingUrl } }, [], [{ code: "session_booked", params: { no, start: formatShort(e.start, "ja") } }]);
}

const onSlotBooked: Handler<"slot_booked"> = (r, e, ctx) => {
  if (r.status === "trial_invited") return book(r, e, ctx, true);
  if (sessionsRemaining(r) <= 0) return refuse("every session of this package is used; renew to book more");
  return book(r, e, ctx, false);
};

const onReschedule: Handler<"reschedule"> = (r, e, ctx) => {
  const current = r.data.current!;
  if (e.start <= ctx.now) return refuse("that time has already passed");
  if (current.start <= ctx.now) return refuse("the session has already started");
  const moved: BookedSession = { ...current, start: e.start, end: e.end, heldEnd: e.heldEnd, rescheduled: current.rescheduled + 1 };
  const agreements: Agreement[] = [...r.data.agreements, { document: "schedule", version: current.no, at: ctx.now, by: e.agreedBy }];
  let exceptions = r.data.exceptions;
  if (e.caseId) {
    const c = exceptions?.find((x) => x.id === e.caseId);
    if (!c || c.kind !== "reschedule" || c.status !== "approved") return refuse("this reschedule was not approved by the coach");
    exceptions = withCase(r, { ...c, status: "done", doneAt: ctx.now });
  }
  const next = update(r, { startAt: e.start, timers: withoutTimers(r, (t) => SESSION_TIMERS.includes(t.type), sessionTimers(e.start, ctx.now)) }, { current: moved, agreements, ...(exceptions ? { exceptions } : {}) }, ctx.now);
  return say(next, ctx, { key: "rescheduled", vars: { start: when(r, e.start) } }, [], [{ code: "session_rescheduled", params: { from: formatShort(current.start, "ja"), to: formatShort(e.start, "ja") } }]);
};

/** A booked session is cancelled (the engagement stays; the client can pick another time). */
const onCancelSession: Handler<"cancel"> = (r, e, ctx) => {
  const current = r.data.current!;
  if (current.start <= ctx.now) return refuse("the session has already started; ask the operators");
  const status: SessionStatus = r.status === "trial_scheduled" ? "trial_invited" : "scheduling";
  const next = update(r, { status, timers: withoutTimers(r, (t) => SESSION_TIMERS.includes(t.type)) }, { current: undefined, history: [...r.data.history, { ...current, outcome: "cancelled" }] }, ctx.now);
  const message = r.requester.language === "ja" ? "セッションの予約を取り消しました。改めて日時をお選びいただけます。" : "The session is cancelled; you can pick another time.";
  return say(next, ctx, { key: "session_cancelled" }, [], [{ code: "session_cancelled", params: { by: e.by } }], { type: "cancel", result: "session_cancelled", message, calendarKey: current.calendarKey });
};

/** Before any payment the whole engagement can be withdrawn, free. */
const onCancelEngagement: Handler<"cancel"> = (r, e, ctx) => {
  const effects: Effect[] = [];
  if (r.data.payment?.sessionId && !r.data.payment.paidAt) effects.push({ kind: "payment.expire", sessionId: r.data.payment.sessionId });
  // An open 未払い継続 case ends with the engagement.
  const unpaid = openUnpaidCase(r);
  const next = update(r, { status: "cancelled", timers: [] }, { cancellation: { at: ctx.now, by: e.by, ...(e.reason ? { reason: e.reason } : {}) }, ...(unpaid ? { exceptions: withCase(r, { ...unpaid, status: "done", doneAt: ctx.now }) } : {}) }, ctx.now);
  const message = r.requester.language === "ja" ? "お申し込みを取り消しました。料金はかかりません。" : "The application is cancelled. Nothing was charged.";
  return say(next, ctx, { key: "engagement_cancelled" }, effects, [{ code: "session_engagement_cancelled", params: { by: e.by } }], { type: "cancel", result: "engagement_cancelled", message });
};

const refusePaidCancel: Handler<"cancel"> = () => refuse("this engagement is paid; a refund is handled by the operators (contact support)");

function remind(r: EngagementRecord, ctx: SessionContext, which: "day_before" | "hour_before"): SessionDecision {
  const current = r.data.current!;
  if (current.start <= ctx.now) return ignore("the session has already started");
  const ja = r.requester.language === "ja";
  const words = which === "day_before" ? (ja ? "明日" : "tomorrow") : ja ? "1時間後" : "in one hour";
  return say(update(r, {}, {}, ctx.now), ctx, { key: "reminder", vars: { when: words, start: when(r, current.start), meeting_url: current.meetingUrl }, expiresAt: current.start }, [], [{ code: `session_reminder_${which}` }]);
}
const onDayBefore: Handler<"reminder_day_before"> = (r, _e, ctx) => remind(r, ctx, "day_before");
const onHourBefore: Handler<"reminder_hour_before"> = (r, _e, ctx) => remind(r, ctx, "hour_before");

const onSessionStart: Handler<"session_start"> = (r, _e, ctx) => {
  const status: SessionStatus = r.status === "trial_scheduled" ? "trial_in_session" : "in_session";
  return apply(update(r, { status, timers: withoutTimers(r, (t) => SESSION_TIMERS.includes(t.type)) }, {}, ctx.now), [], [{ code: "session_started" }]);
};

const onTrouble: Handler<"trouble"> = (r, e, ctx) => {
  if (!e.note.trim()) return refuse("describe what happened");
  const trouble: Trouble = { at: ctx.now, kind: e.kind, note: e.note.trim(), by: e.by };
  return apply(update(r, {}, { troubles: [...r.data.troubles, trouble] }, ctx.now), [], [{ code: "session_trouble", params: { kind: e.kind } }]);
};

/** The coach's completion report: held or no-show; both use the session, and the follow-up goes at once. */
const onReport: Handler<"report"> = (r, e, ctx) => {
  const current = r.data.current!;
  // Once the start timer has fired (in_session) the session has begun; before it, the clock decides.
  if (r.status === "scheduled" && current.start > ctx.now) return refuse("the session has not started yet");
  const reported: BookedSession = { ...current, outcome: e.outcome, ...(e.notes?.trim() ? { notes: e.notes.trim() } : {}), reportedAt: ctx.now, reportedBy: e.by };
  const next = update(
    r,
    { status: e.outcome, timers: withoutTimers(r, (t) => SESSION_TIMERS.includes(t.type), [{ type: "follow_up", key: "follow_up", at: ctx.now }]) },
    { current: reported, sessionsUsed: r.data.sessionsUsed + 1 },
    ctx.now,
  );
  return apply(next, [], [{ code: "session_reported", params: { outcome: e.outcome, by: e.by } }]);
};

const onFollowUp: Handler<"follow_up"> = (r, _e, ctx) => {
  const current = r.data.current!;
  const next = update(r, { status: "followed_up" }, { current: undefined, history: [...r.data.history, current] }, ctx.now);
  const ja = r.requester.language === "ja";
  const remaining = sessionsRemaining(next);
  const nextStep = remaining > 0 ? (ja ? `次回のご予約（残り${remaining}回）` : `your next booking (${remaining} left)`) : ja ? "継続のお申し込み" : "continuing";
  return say(next, ctx, { key: current.outcome === "no_show" ? "no_show_follow_up" : "follow_up", vars: { next: nextStep } }, [], [{ code: "session_followed_up", params: { remaining } }]);
};

const onTrialReport: Handler<"trial_report"> = (r, e, ctx) => {
  const current = r.data.current!;
  const reported: BookedSession = { ...current, outcome: e.outcome, ...(e.notes?.trim() ? { notes: e.notes.trim() } : {}), reportedAt: ctx.now, reportedBy: e.by };
  const base = { current: undefined, history: [...r.data.history, reported] };
  const timers = withoutTimers(r, (t) => SESSION_TIMERS.includes(t.type));
  const note: Note = { code: "session_trial_reported", params: { outcome: e.outcome, by: e.by } };
  if (e.outcome === "converted") return convertTrial(update(r, { timers }, base, ctx.now), ctx, note);
  if (e.outcome === "dropped") {
    return say(update(r, { status: "dropped", timers }, base, ctx.now), ctx, { key: "trial_dropped" }, [], [note]);
  }
  const followUps: SessionTimer[] = sessionPolicy.trialFollowUpDays.map((day) => ({ type: "trial_follow_up", key: `trial_follow_up:${day}`, at: ctx.now + day * DAY, day }));
  return apply(update(r, { status: "trial_undecided", timers: [...timers, ...followUps] }, base, ctx.now), [], [note]);
};

/** Converted: the main flow continues at the terms and contract. */
function convertTrial(r: EngagementRecord, ctx: SessionContext, note: Note): SessionDecision {
  const next = update(r, { status: "contract_sent", timers: r.timers.filter((t) => t.type !== "trial_follow_up") }, { trial: false }, ctx.now);
  return say(next, ctx, { key: "terms_and_contract" }, [], [note, { code: "session_terms_sent" }]);
}

const onTrialFollowUp: Handler<"trial_follow_up"> = (r, e, ctx) => {
  const resend = e.day > 1 ? (r.requester.language === "ja" ? "（再送）" : " (a gentle reminder)") : "";
  return say(update(r, {}, {}, ctx.now), ctx, { key: "trial_follow_up", vars: { resend } }, [], [{ code: "session_trial_follow_up", params: { day: e.day } }]);
};

const onConvert: Handler<"convert"> = (r, e, ctx) => convertTrial(r, ctx, { code: "session_converted", params: { by: e.by } });

const onDrop: Handler<"drop"> = (r, e, ctx) => {
  const next = update(r, { status: "dropped", timers: r.timers.filter((t) => t.type !== "trial_follow_up") }, {}, ctx.now);
  return say(next, ctx, { key: "trial_dropped" }, [], [{ code: "session_dropped", params: { by: e.by } }]);
};

const onSurvey: Handler<"survey"> = (r, e, ctx) => {
  if (!Number.isInteger(e.score) || e.score < 0 || e.score > 10) return refuse("the score is a whole number from 0 to 10");
  const last = r.data.history.at(-1);
  if (!last || (last.outcome !== "held" && last.outcome !== "no_show")) return refuse("there is no session to rate yet");
  if (r.data.surveys.some((s) => s.sessionNo === last.no)) return refuse("this session was already rated; thank you");
  const comment = e.comment?.trim().slice(0, 2000);
  return apply(update(r, {}, { surveys: [...r.data.surveys, { at: ctx.now, sessionNo: last.no, score: e.score, ...(comment ? { comment } : {}) }] }, ctx.now), [], [{ code: "session_survey", params: { score: e.score } }]);
};

const onRenew: Handler<"renew"> = (r, e, ctx) => {
  if (sessionsRemaining(r) > 0) return refuse("sessions of the current package are left; book the next one");
  const next = update(r, { status: "contract_sent" }, { payment: undefined }, ctx.now);
  return say(next, ctx, { key: "terms_and_contract" }, [], [{ code: "session_renew", params: { by: e.by } }]);
};

const onSetCrm: Handler<"set_crm"> = (r, e, ctx) => {
  const paused = e.crm === "paused";
  if (Boolean(r.data.crmPaused) === paused) return ignore(`already ${e.crm}`);
  return apply(update(r, {}, { crmPaused: paused }, ctx.now), [], [{ code: "session_crm", params: { crm: e.crm, operator: e.operator } }]);
};

function withCase(r: EngagementRecord, c: ExceptionCase): ExceptionCase[] {
  const list = r.data.exceptions ?? [];
  return list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];
}

/** A refund of a paid engagement through the payments port; recorded on the payment. */
function refundEffect(r: EngagementRecord, amountJpy: number, caseId: string, ctx: SessionContext): { effect: Effect; payment: PaymentState } | string {
  const p = r.data.payment;
  if (!p?.paidAt || !p.paymentIntentId) return "nothing was paid";
  if (p.refund && p.refund.status !== "failed") return "a refund was already made for this payment";
  if (amountJpy <= 0 || amountJpy > p.amountJpy) return "the refund must be between 1 yen and what was paid";
  return {
    effect: { kind: "payment.refund", paymentIntentId: p.paymentIntentId, amountJpy, reason: "requested_by_customer", note: `engagement ${r.id} case ${caseId}` },
    payment: { ...p, refund: { amountJpy, requestedAt: ctx.now, status: "requested" } },
  };
}

const onExceptionOpened: Handler<"exception_opened"> = (r, e, ctx) => {
  if (r.data.exceptions?.some((c) => c.id === e.caseId)) return ignore("this case is already open");
  const base: ExceptionCase = { id: e.caseId, kind: e.kind, at: ctx.now, by: e.by, inPolicy: e.inPolicy, rule: e.rule, policyVersion: e.policyVersion, reason: e.reason, request: e.request, status: "pending" };
  const note: Note = { code: "session_exception_opened", params: { kind: e.kind, rule: e.rule, policy: e.policyVersion, in_policy: e.inPolicy ? "yes" : "no", by: e.by } };
  if (!e.inPolicy) {
    const effects: Effect[] = e.notify ? [{ kind: "sms.send", to: e.notify.phone, body: sessionSms.coachApproval(r.data.coach.name, r.requester.name, e.kind, e.notify.url), template: "session_coach_approval" }] : [];
    return apply(update(r, {}, { exceptions: withCase(r, base) }, ctx.now), effects, [note]);
  }
  // In policy: QRV acts now. A refund goes out through the payments port; other kinds are
  // carried out by the channel that asked (the reschedule, the cancellation) and recorded here.
  if (e.kind === "refund") {
    const refund = refundEffect(r, e.request.amountJpy ?? 0, e.caseId, ctx);
    if (typeof refund === "string") return refuse(refund);
    return apply(update(r, {}, { exceptions: withCase(r, { ...base, status: "done", doneAt: ctx.now }), payment: refund.payment }, ctx.now), [refund.effect], [note]);
  }
  return apply(update(r, {}, { exceptions: withCase(r, { ...base, status: "done", doneAt: ctx.now }) }, ctx.now), [], [note]);
};

const onExceptionDecided: Handler<"exception_decided"> = (r, e, ctx) => {
  const c = r.data.exceptions?.find((x) => x.id === e.caseId);
  if (!c) return refuse("no such case");
  if (c.status !== "pending") return refuse(`this case was already decided (${c.status})`);
  const decision = { at: ctx.now, by: e.by, decision: e.decision, ...(e.note ? { note: e.note } : {}) };
  const note: Note = { code: "session_exception_decided", params: { kind: c.kind, decision: e.decision, by: e.by, note: e.note ?? "" } };
  if (e.decision !== "approve") return apply(update(r, {}, { exceptions: withCase(r, { ...c, status: e.decision === "reject" ? "rejected" : "instructed", decision }) }, ctx.now), [], [note]);
  if (c.kind === "refund") {
    const refund = refundEffect(r, c.request.amountJpy ?? 0, c.id, ctx);
    if (typeof refund === "string") return refuse(refund);
    return apply(update(r, {}, { exceptions: withCase(r, { ...c, status: "done", decision, doneAt: ctx.now }), payment: refund.payment }, ctx.now), [refund.effect], [note]);
  }
  // A reschedule is carried out when the calendar takes the new time (the `reschedule` event
  // names this case); anything else is for the operators to carry out as the coach said.
  const approved: ExceptionCase = c.kind === "reschedule" ? { ...c, status: "approved", decision } : { ...c, status: "done", decision, doneAt: ctx.now };
  return apply(update(r, {}, { exceptions: withCase(r, approved) }, ctx.now), [], [note]);
};

function openUnpaidCase(r: EngagementRecord): ExceptionCase | undefined {
  return r.data.exceptions?.find((c) => c.kind === "unpaid" && (c.status === "pending" || c.status === "approved"));
}

/**
 * 未払い継続 (seed 001 Run: 例外処理), run by the `unpaid_check` timer: the first check after the
 * deadline opens one case (in policy, QRV acts; actor "system"); the coach's rule then reminds
 * once (a new checkout waits on the client's page) and cancels on its day, which settles the
 * case. Each step's event carries the rule and the policy version for the audit log.
 */
const onUnpaidCheck: Handler<"unpaid_check"> = (r, e, ctx) => {
  const payment = r.data.payment;
  if (!payment || payment.paidAt) return ignore("paid");
  if (!e.caseId || !e.rule || e.policyVersion === undefined || !e.action) return ignore("the coach's unpaid rule was not read");
  const d = { rule: e.rule, policyVersion: e.policyVersion, reason: e.reason ?? e.rule, action: e.action };
  const existing = openUnpaidCase(r);
  const base: ExceptionCase = existing ?? { id: e.caseId, kind: "unpaid", at: ctx.now, by: "system", inPolicy: true, rule: d.rule, policyVersion: d.policyVersion, reason: d.reason, request: {}, status: "approved" };
  const step: ExceptionCase = { ...base, rule: d.rule, policyVersion: d.policyVersion, reason: d.reason };
  const note: Note = { code: "session_unpaid", params: { case: base.id, rule: d.rule, policy: d.policyVersion, action: d.action, by: "system", opened: existing ? "no" : "yes" } };
  const next = e.nextCheckAt && e.nextCheckAt > ctx.now ? [{ type: "unpaid_check" as const, key: "unpaid_check", at: e.nextCheckAt }] : [];
  const timers = withoutTimers(r, (t) => t.type === "unpaid_check", next);
  if (d.action === "cancel_engagement") {
    const cancelled = onCancelEngagement({ ...r, data: { ...r.data, exceptions: withCase(r, { ...step, status: "done", doneAt: ctx.now }) } }, { type: "cancel", by: "system", reason: "unpaid" }, ctx);
    if (cancelled.kind !== "apply") return cancelled;
    return { ...cancelled, note: { code: "multi", params: { notes: JSON.stringify([note, cancelled.note]) } } };
  }
  if (d.action === "remind") {
    if (payment.remindedAt) return ignore("already reminded");
    // The first checkout has lapsed: a new one replaces it (a late payment through the old one still counts).
    const effects: Effect[] = [];
    if (payment.sessionId) effects.push({ kind: "payment.expire", sessionId: payment.sessionId });
    effects.push({ kind: "payment.create", amountJpy: payment.amountJpy, description: `${r.data.coach.name} / ${r.data.menu.name}`, ...(r.requester.email ? { customerEmail: r.requester.email } : {}), language: r.requester.language });
    const renewed: PaymentState = { amountJpy: payment.amountJpy, ...(payment.deadlineAt ? { deadlineAt: payment.deadlineAt } : {}), remindedAt: ctx.now, previousSessionIds: [...(payment.previousSessionIds ?? []), ...(payment.sessionId ? [payment.sessionId] : [])] };
    // The reminder is the coach's payment_reminder template and passes the pre-send check (QRV
    // starts it, so it waits for the end of the quiet hours; a blocked one opens message_blocked).
    return say(update(r, { timers }, { payment: renewed, exceptions: withCase(r, step) }, ctx.now), ctx, { key: "payment_reminder", vars: { amount: formatJpy(payment.amountJpy) } }, effects, [note]);
  }
  const sameTimers = next.every((t) => r.timers.some((x) => x.type === "unpaid_check" && x.at === t.at));
  if (existing && existing.rule === d.rule && sameTimers) return ignore("this unpaid case is already open");
  return apply(update(r, { timers }, { exceptions: withCase(r, step) }, ctx.now), [], [note]);
};

function withMessage(r: EngagementRecord, m: ClientMessage): ClientMessage[] {
  const list = r.data.messages ?? [];
  return list.some((x) => x.id === m.id) ? list.map((x) => (x.id === m.id ? m : x)) : [...list, m];
}

/** A checked message leaves now, or waits for the end of the quiet hours. */
function release(r: EngagementRecord, m: ClientMessage, quiet: number | undefined, ctx: SessionContext, notes: Note[]): SessionDecision {
  if (quiet && quiet > ctx.now) {
    const queued: ClientMessage = { ...m, status: "queued", sendAt: quiet };
    return apply(update(r, { timers: [...r.timers, { type: "message_due", at: quiet, key: `message:${m.id}`, messageId: m.id }] }, { messages: withMessage(r, queued) }, ctx.now), [], [...notes, { code: "session_message_queued", params: { id: m.id } }]);
  }
  const sent: ClientMessage = { ...m, status: "sent", sentAt: ctx.now };
  const params = { id: m.id, ...(m.template ? { template: m.template, version: m.templateVersion ?? 1 } : {}), by: m.writtenBy, ...(m.checkedBy ? { checked_by: m.checkedBy } : {}) };
  return apply(update(r, {}, { messages: withMessage(r, sent) }, ctx.now), [smsOf(r, sent, ctx)], [...notes, { code: "session_message_sent", params }]);
}

/** The message_blocked case stays open while any blocked message waits for an operator. */
function settleBlocked(r: EngagementRecord, messages: ClientMessage[]): OpenCase[] {
  const open = r.openCases ?? [];
  return messages.some((m) => m.status === "blocked") ? open : open.filter((c) => c.case !== "message_blocked");
}

/** Takes a blocked message off the list of what waits (withdrawn, or replaced by a corrected text). */
function unblock(r: EngagementRecord, id: string, by: string, note: string | undefined, now: number): { messages: ClientMessage[]; openCases: OpenCase[] } | string {
  const m = r.data.messages?.find((x) => x.id === id);
  if (!m || m.status !== "blocked") return "this message is not waiting (it was not blocked, or was already handled)";
  const messages = withMessage(r, { ...m, status: "withdrawn", checkedBy: by, checkedAt: now, ...(note ? { note } : {}) });
  return { messages, openCases: settleBlocked(r, messages) };
}

const onMessageWithdrawn: Handler<"message_withdrawn"> = (r, e, ctx) => {
  const done = unblock(r, e.messageId, e.by, e.note, ctx.now);
  if (typeof done === "string") return refuse(done);
  return apply(update(r, { openCases: done.openCases }, { messages: done.messages }, ctx.now), [], [{ code: "session_message_withdrawn", params: { id: e.messageId, by: e.by, note: e.note ?? "" } }]);
};

const onMessageDrafted: Handler<"message_drafted"> = (r, e, ctx) => {
  if (r.data.messages?.some((m) => m.id === e.messageId)) return ignore("this message was already written");
  let base = r;
  if (e.replaces) {
    const done = unblock(r, e.replaces, e.by, `replaced by ${e.messageId}`, ctx.now);
    if (typeof done === "string") return refuse(done);
    base = { ...r, openCases: done.openCases, data: { ...r.data, messages: done.messages } };
  }
  const needs = checkNeeded(e.kind, e.topic);
  const m: ClientMessage = { id: e.messageId, body: e.body, kind: e.kind, topic: e.topic, ...(e.template ? { template: e.template, templateVersion: e.templateVersion ?? 1 } : {}), ...(e.replaces ? { replaces: e.replaces } : {}), needs, writtenBy: e.by, at: ctx.now, status: "awaiting_check" };
  const note: Note = { code: "session_message_drafted", params: { id: e.messageId, kind: e.kind, needs, by: e.by, ...(e.template ? { template: e.template, version: e.templateVersion ?? 1 } : {}) } };
  if (needs !== "none") {
    // A message only the coach may release: the coach is texted a link to their approvals.
    const effects: Effect[] = needs === "coach" && e.notify ? [{ kind: "sms.send", to: e.notify.phone, body: sessionSms.coachMessageApproval(r.data.coach.name, r.requester.name, e.notify.url), template: "session_coach_message_approval" }] : [];
    return apply(update(base, {}, { messages: withMessage(base, m) }, ctx.now), effects, [note]);
  }
  return release(base, m, e.quietUntil, ctx, [note]);
};

const onMessageChecked: Handler<"message_checked"> = (r, e, ctx) => {
  const m = r.data.messages?.find((x) => x.id === e.messageId);
  if (!m) return refuse("no such message");
  if (m.status !== "awaiting_check") return refuse(`this message was already checked (${m.status})`);
  if (m.needs === "coach" && e.role !== "coach") return refuse("this message needs the coach's approval");
  if (e.role === "operator" && e.by === m.writtenBy) return refuse("a second operator must check it, not its writer");
  const checked: ClientMessage = { ...m, checkedBy: e.by, checkedAt: ctx.now, ...(e.note ? { note: e.note } : {}) };
  const note: Note = { code: "session_message_checked", params: { id: m.id, by: e.by, role: e.role, approve: e.approve ? "yes" : "no" } };
  if (!e.approve) return apply(update(r, {}, { messages: withMessage(r, { ...checked, status: "rejected" }) }, ctx.now), [], [note]);
  return release(r, checked, e.quietUntil, ctx, [note]);
};

const onMessageDue: Handler<"message_due"> = (r, e, ctx) => {
  const m = r.data.messages?.find((x) => x.id === e.messageId);
  if (!m || m.status !== "queued") return ignore("no queued message");
  // A reminder is for one session time: past it, or after the session moved or was cancelled, it is not sent.
  // A payment reminder is not sent once the client paid or the engagement was cancelled.
  const stale =
    m.auto && m.template === "payment_reminder"
      ? r.status !== "payment_pending" || Boolean(r.data.payment?.paidAt)
      : m.expiresAt !== undefined && (ctx.now >= m.expiresAt || (m.auto && r.data.current?.start !== m.expiresAt));
  if (stale) {
    return apply(update(r, {}, { messages: withMessage(r, { ...m, status: "expired" }) }, ctx.now), [], [{ code: "session_message_expired", params: { id: m.id, ...(m.template ? { template: m.template, version: m.templateVersion ?? 1 } : {}) } }]);
  }
  return release(r, m, undefined, ctx, []);
};

const onOperatorNote: Handler<"operator_note"> = (r, e, ctx) => apply(update(r, {}, {}, ctx.now), [], [{ code: "operator_note", params: { operator: e.operator, note: e.note ?? "" } }]);

const onSmsFailed: Handler<"sms_failed"> = (r, e, ctx) =>
  apply(update(r, {}, { troubles: [...r.data.troubles, { at: ctx.now, kind: "other", note: `SMS could not be delivered: ${e.error}`, by: "system" }] }, ctx.now), [], [{ code: "session_sms_failed" }]);

const onJobFailed: Handler<"job_failed"> = (r, e, ctx) =>
  apply(update(r, {}, { troubles: [...r.data.troubles, { at: ctx.now, kind: "other", note: `${e.jobKind} failed: ${e.error}`, by: "system" }] }, ctx.now), [], [{ code: "session_job_failed", params: { kind: e.jobKind } }]);

// ------------------------------------------------------------------ the table

/** Events that apply in every status. */
const ALWAYS: Row = { message_drafted: onMessageDrafted, message_withdrawn: onMessageWithdrawn, message_checked: onMessageChecked, message_due: onMessageDue, exception_opened: onExceptionOpened, exception_decided: onExceptionDecided, operator_note: onOperatorNote, set_crm: onSetCrm, trouble: onTrouble, sms_failed: onSmsFailed, job_failed: onJobFailed, refund_updated: onRefundUpdated };
/** Statuses in which no payment is expected: money that arrives is refunded. */
const REFUNDS: Row = { payment_completed: onLatePayment };

export const SESSION_TABLE: Record<SessionStatus, Row> = {
  inquiry: { ...ALWAYS, ...REFUNDS, provide_info: onProvideInfo, cancel: onCancelEngagement },
  trial_invited: { ...ALWAYS, ...REFUNDS, slot_booked: onSlotBooked, cancel: onCancelEngagement, drop: onDrop },
  trial_scheduled: { ...ALWAYS, ...REFUNDS, reschedule: onReschedule, cancel: onCancelSession, reminder_day_before: onDayBefore, reminder_hour_before: onHourBefore, session_start: onSessionStart },
  trial_in_session: { ...ALWAYS, ...REFUNDS, trial_report: onTrialReport },
  trial_undecided: { ...ALWAYS, ...REFUNDS, trial_follow_up: onTrialFollowUp, convert: onConvert, drop: onDrop },
  contract_sent: { ...ALWAYS, ...REFUNDS, agree: onAgree, cancel: onCancelEngagement },
  payment_pending: { ...ALWAYS, payment_link_ready: onPaymentLinkReady, payment_completed: onPaid, cancel: onCancelEngagement, unpaid_check: onUnpaidCheck },
  scheduling: { ...ALWAYS, ...REFUNDS, slot_booked: onSlotBooked, cancel: refusePaidCancel },
  scheduled: { ...ALWAYS, ...REFUNDS, reschedule: onReschedule, cancel: onCancelSession, reminder_day_before: onDayBefore, reminder_hour_before: onHourBefore, session_start: onSessionStart, report: onReport },
  in_session: { ...ALWAYS, ...REFUNDS, report: onReport },
  held: { ...ALWAYS, ...REFUNDS, follow_up: onFollowUp },
  no_show: { ...ALWAYS, ...REFUNDS, follow_up: onFollowUp },
  followed_up: { ...ALWAYS, ...REFUNDS, slot_booked: onSlotBooked, survey: onSurvey, renew: onRenew, cancel: refusePaidCancel },
  dropped: { ...ALWAYS, ...REFUNDS },
  cancelled: { ...ALWAYS, ...REFUNDS },
};

/** Why an event does not apply, in words a client or a model can act on. */
function notApplicable(r: EngagementRecord, type: SessionEventType): string {
  if (type === "slot_booked") {
    if (r.status === "inquiry") return "the inquiry is not complete yet";
    if (r.status === "contract_sent") return "the terms and contract have not been agreed yet";
    if (r.status === "payment_pending") return "payment has not been confirmed yet";
    if (r.status === "scheduled" || r.status === "trial_scheduled") return "a session is already booked; reschedule it instead";
  }
  if (type === "reschedule" || (type === "cancel" && !r.data.current)) {
    if (type === "reschedule") return "no session is booked";
  }
  return `${type} does not apply while the engagement is ${r.status}`;
}

const REFUSABLE: SessionEventType[] = ["message_drafted", "message_withdrawn", "message_checked", "exception_opened", "exception_decided", "slot_booked", "reschedule", "cancel", "agree", "report", "trial_report", "survey", "renew", "convert", "drop", "provide_info"];

export function decideSession(r: EngagementRecord, e: SessionEvent, ctx: SessionContext): SessionDecision {
  const handler = SESSION_TABLE[r.status][e.type] as Handler<typeof e.type> | undefined;
  if (!handler) {
    const reason = notApplicable(r, e.type);
    return REFUSABLE.includes(e.type) ? refuse(reason) : ignore(reason);
  }
  return handler(r, e as never, ctx);
}

export function sessionTimerEvent(t: SessionTimer): SessionEvent {
  if (t.type === "trial_follow_up") return { type: "trial_follow_up", day: t.day ?? 1 };
  if (t.type === "message_due") return { type: "message_due", messageId: t.messageId ?? "" };
  if (t.type === "unpaid_check") return { type: "unpaid_check" };
  return { type: t.type };
}

/** Where an engagement sits on the operators' pipeline board. */
export const PIPELINE = ["lead", "trial", "contract", "paid", "scheduled", "held", "followed_up", "closed"] as const;
export type PipelineColumn = (typeof PIPELINE)[number];

export function pipelineColumn(status: SessionStatus): PipelineColumn {
  switch (status) {
    case "inquiry":
      return "lead";
    case "trial_invited":
    case "trial_scheduled":
    case "trial_in_session":
    case "trial_undecided":
      return "trial";
    case "contract_sent":
    case "payment_pending":
      return "contract";
    case "scheduling":
      return "paid";
    case "scheduled":
    case "in_session":
      return "scheduled";
    case "held":
    case "no_show":
      return "held";
    case "followed_up":
      return "followed_up";
    case "dropped":
    case "cancelled":
      return "closed";
  }
}
