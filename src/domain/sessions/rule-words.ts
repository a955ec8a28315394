// Each rule of the coach's policy in words, Japanese and English, with the values of the policy
// version that applied: what the coach portal, the console and the client read. The policy
// module names the rule (`refund.over_limit`); this says what it means in the page's language.
import { formatJpy } from "../money.ts";
import type { CoachPolicy } from "./policy.ts";

type Words = (p: CoachPolicy) => { ja: string; en: string };

const RULES: Record<string, Words> = {
  "unpaid.wait": () => ({ ja: "支払い期限後、リマインドする日がまだ来ていません", en: "the reminder day has not come yet" }),
  "unpaid.remind": (p) => ({ ja: `支払い期限の${p.unpaid.remindAfterDays}日後も未払いのため、リマインドします`, en: `unpaid ${p.unpaid.remindAfterDays} day(s) after the deadline: remind` }),
  "unpaid.wait_after_reminder": () => ({ ja: "リマインド済みのため、取消の日まで待ちます", en: "reminded; wait until the cancel day" }),
  "unpaid.cancel": (p) => ({ ja: `支払い期限の${p.unpaid.cancelAfterDays}日後も未払いのため、取り消します`, en: `unpaid ${p.unpaid.cancelAfterDays} days after the deadline: cancel` }),
  "reschedule.within_notice": (p) => ({ ja: `セッションの${p.reschedule.minNoticeHours}時間前までの変更（1回のセッションにつき${p.reschedule.maxPerSession}回まで）`, en: `at least ${p.reschedule.minNoticeHours} h before, at most ${p.reschedule.maxPerSession} moves per session` }),
  "reschedule.too_late": (p) => ({ ja: `セッションの${p.reschedule.minNoticeHours}時間前を過ぎた変更`, en: `less than ${p.reschedule.minNoticeHours} h before the session` }),
  "reschedule.too_many": (p) => ({ ja: `1回のセッションで変更できる回数（${p.reschedule.maxPerSession}回）を超えています`, en: `over the limit of ${p.reschedule.maxPerSession} moves per session` }),
  "cancel.within_notice": (p) => ({ ja: `セッションの${p.cancel.minNoticeHours}時間前までのキャンセル`, en: `at least ${p.cancel.minNoticeHours} h before the session` }),
  "cancel.too_late": (p) => ({ ja: `セッションの${p.cancel.minNoticeHours}時間前を過ぎたキャンセル`, en: `less than ${p.cancel.minNoticeHours} h before the session` }),
  "request.forward": () => ({ ja: "要望は記録してコーチに伝えます", en: "a request is recorded and passed on to the coach" }),
  "complaint.coach": () => ({ ja: "クレームは常にコーチが判断します", en: "complaints are always decided by the coach" }),
  "refund.invalid_amount": () => ({ ja: "返金額が1円以上・支払額以下ではありません", en: "the amount is not between 1 yen and what was paid" }),
  "refund.within_amount": (p) => ({ ja: `${formatJpy(p.refund.maxJpy)}までの返金`, en: `up to ${formatJpy(p.refund.maxJpy)}` }),
  "refund.within_percent": (p) => ({ ja: `支払額の${p.refund.maxPercent}%までの返金`, en: `up to ${p.refund.maxPercent}% of what was paid` }),
  "refund.over_limit": (p) => ({ ja: `${formatJpy(p.refund.maxJpy)}と支払額の${p.refund.maxPercent}%の両方を超える返金`, en: `over ${formatJpy(p.refund.maxJpy)} and over ${p.refund.maxPercent}% of what was paid` }),
  "no_show.consumes": () => ({ ja: "無断欠席はセッション1回分を消化します", en: "a no-show uses up the session" }),
  "no_show.coach": () => ({ ja: "無断欠席の扱いは毎回コーチが判断します", en: "the coach decides each no-show" }),
  "violation.client": () => ({ ja: "規約違反は常にコーチが判断します", en: "terms violations are always decided by the coach" }),
  "violation.coach": () => ({ ja: "規約違反は常にコーチが判断します", en: "terms violations are always decided by the coach" }),
};

/** The rule in the page's language, with the values of the given policy version; the rule's name if it is unknown. */
export function explainRule(rule: string, policy: CoachPolicy, lang: "ja" | "en"): string {
  const words = RULES[rule];
  return words ? words(policy)[lang] : rule;
}

/** Whether every rule the policy module can name has words here (the tests check it). */
export function hasWords(rule: string): boolean {
  return Object.hasOwn(RULES, rule);
}
