// What every message to a session client passes before it leaves (seed 001: チェック設計 and the
// 送信ルール note: 送信前チェック → 定型なら監査ログで送信、非定型・高リスクなら二重チェック or コーチ承認
// → 監査ログ). Pure: the engagement's object applies it and the audit log keeps each step.
import type { CoachPolicy } from "./policy.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const JST = 9 * 60 * MINUTE;

/** The seed's standard templates (テンプレ体系: 定型＝自動運用). The coach approves each in Build. */
export const STANDARD_TEMPLATES = ["first_reply", "missing_info", "terms_and_contract", "payment_link", "payment_reminder", "scheduling", "pre_session", "reminder", "follow_up", "trial_invitation", "trial_follow_up", "next_booking"] as const;
export type StandardTemplate = (typeof STANDARD_TEMPLATES)[number];

/** standard: an approved template as is; edited: a template changed for one client; free: an operator's own text. */
export type MessageKind = "standard" | "edited" | "free";
/** High-risk subjects always go to the coach. */
export type MessageTopic = "refund" | "complaint" | "other";
export type CheckNeeded = "none" | "second_operator" | "coach";

/** Who must check a message before it can leave. */
export function checkNeeded(kind: MessageKind, topic: MessageTopic): CheckNeeded {
  if (topic === "refund" || topic === "complaint") return "coach";
  return kind === "standard" ? "none" : "second_operator";
}

/**
 * The pre-send check: every variable filled, none of the coach's banned phrases, not empty.
 * Anything left in braces is an unfilled variable (the client's page link is added by QRV, never typed).
 */
export function messageProblems(body: string, policy: Pick<CoachPolicy, "bannedPhrases">): string[] {
  const problems: string[] = [];
  if (!body.trim()) problems.push("the message is empty");
  const unfilled = [...body.matchAll(/\{\{[^}]*\}\}/g)].map((m) => m[0]);
  if (unfilled.length) problems.push(`variables not filled: ${[...new Set(unfilled)].join(", ")}`);
  const banned = policy.bannedPhrases.filter((p) => body.includes(p));
  if (banned.length) problems.push(`the coach's banned phrases: ${banned.join(", ")}`);
  return problems;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

/** When the coach's quiet hours (Japan time) end, if `now` is inside them; otherwise undefined. */
export function quietUntil(policy: Pick<CoachPolicy, "quietHours">, now: number): number | undefined {
  const start = minutesOf(policy.quietHours.start);
  const end = minutesOf(policy.quietHours.end);
  if (start === end) return undefined;
  const local = now + JST;
  const dayStart = local - (((local % DAY) + DAY) % DAY);
  const minute = Math.floor((local - dayStart) / MINUTE);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return undefined;
  const endToday = dayStart + end * MINUTE;
  return (endToday > local ? endToday : endToday + DAY) - JST;
}
