// The send rules (seed 001 送信ルール, チェック設計): who must check a message, the pre-send check,
// and the coach's quiet hours.
import { describe, expect, it } from "vitest";
import { DEFAULT_COACH_POLICY } from "../../src/domain/sessions/policy.ts";
import { checkNeeded, messageProblems, quietUntil } from "../../src/domain/sessions/send-rules.ts";

const jst = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h - 9, m);

describe("who checks a message", () => {
  it.each([
    ["standard", "other", "none"],
    ["edited", "other", "second_operator"],
    ["free", "other", "second_operator"],
    ["standard", "refund", "coach"],
    ["free", "complaint", "coach"],
  ] as const)("%s about %s → %s", (kind, topic, needed) => {
    expect(checkNeeded(kind, topic)).toBe(needed);
  });
});

describe("pre-send check", () => {
  const policy = { bannedPhrases: ["絶対", "必ず治ります"] };
  it("passes a filled message", () => {
    expect(messageProblems("山田様、次回のご予約をお待ちしています。", policy)).toEqual([]);
  });
  it("names unfilled variables and banned phrases", () => {
    expect(messageProblems("{{client_name}}様、絶対に良くなります", policy)).toEqual(["variables not filled: {{client_name}}", "the coach's banned phrases: 絶対"]);
  });
  it("refuses an empty message", () => {
    expect(messageProblems("  ", policy)).toEqual(["the message is empty"]);
  });
});

describe("quiet hours 21:00–09:00 Japan time", () => {
  const p = DEFAULT_COACH_POLICY;
  it.each([
    ["20:59 sends now", jst(1, 20, 59), undefined],
    ["21:00 waits until 09:00 the next day", jst(1, 21), jst(2, 9)],
    ["03:00 waits until 09:00 the same day", jst(2, 3), jst(2, 9)],
    ["09:00 sends now", jst(2, 9), undefined],
  ])("%s", (_name, now, until) => {
    expect(quietUntil(p, now)).toBe(until);
  });
  it("daytime quiet hours (12:00–13:00) hold the lunch hour", () => {
    expect(quietUntil({ quietHours: { start: "12:00", end: "13:00" } }, jst(1, 12, 30))).toBe(jst(1, 13));
    expect(quietUntil({ quietHours: { start: "12:00", end: "13:00" } }, jst(1, 13))).toBeUndefined();
  });
});
