// Test helpers for 1-on-1 sessions: a coach of one's own (so calendars never collide between
// tests), an engagement made as an inquiry makes it, and waiting for its status.
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { coachAvailability, coaches, sessionDocuments, sessionMenus } from "../src/db/schema.ts";
import { loadAnyRecord } from "../src/db/reservations.ts";
import type { EngagementRecord, SessionStatus } from "../src/domain/reservation/session-machine.ts";
import type { Availability } from "../src/domain/sessions/availability.ts";
import { newId } from "../src/domain/ids.ts";
import { requestEngagement, type InquiryInput } from "../src/durable/engagement-client.ts";
import { db, uniqueMobile } from "./helpers.ts";
import { saveCoachPolicy } from "../src/db/governance.ts";
import { DEFAULT_COACH_POLICY } from "../src/domain/sessions/policy.ts";

/** Every day 09:00–21:00 Japan time, a 15-minute buffer, one hour's notice. */
export const OPEN_EVERY_DAY: Availability = { weekly: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: "09:00", end: "21:00" })), exceptions: [], bufferMinutes: 15, minNoticeMinutes: 60, stepMinutes: 30 };

/**
 * A coach with a menu, hours and documents. Their policy (version 1) is the default one
 * without quiet hours, so the flow's reminders and follow-ups leave whatever the hour the
 * tests run; a test of the quiet hours sets its own (`quietHours`, or a later version).
 */
export async function seedCoach(opts: { trial?: boolean; sessions?: number; meetingMode?: "fixed" | "per_session"; availability?: Availability; quietHours?: { start: string; end: string } } = {}) {
  const now = Date.now();
  const id = newId("coach", now);
  const menuId = newId("menu", now);
  const phone = uniqueMobile();
  await db.insert(coaches).values({ id, name: "テスト コーチ", phone, email: "coach@example.com", meetingMode: opts.meetingMode ?? "fixed", meetingUrl: "https://meet.example.com/room-1", trialOffered: opts.trial ?? true, createdAt: now, updatedAt: now });
  await db.insert(sessionMenus).values({ id: menuId, coachId: id, name: "コーチング60分", priceJpy: 11000, minutes: 60, sessions: opts.sessions ?? 2, trial: opts.trial ?? true, createdAt: now, updatedAt: now });
  const a = opts.availability ?? OPEN_EVERY_DAY;
  await db.insert(coachAvailability).values({ coachId: id, weekly: JSON.stringify(a.weekly), exceptions: JSON.stringify(a.exceptions), bufferMinutes: a.bufferMinutes, minNoticeMinutes: a.minNoticeMinutes, stepMinutes: a.stepMinutes ?? 30, updatedAt: now, updatedBy: "test" });
  await db.insert(sessionDocuments).values([
    { coachId: id, kind: "terms", version: 1, title: "利用規約", body: "規約本文", createdAt: now, createdBy: "test" },
    { coachId: id, kind: "contract", version: 1, title: "契約書", body: "契約本文", createdAt: now, createdBy: "test" },
  ]);
  await saveCoachPolicy(db, id, { ...DEFAULT_COACH_POLICY, quietHours: opts.quietHours ?? { start: "00:00", end: "00:00" } }, "test", now);
  return { coachId: id, menuId, phone };
}

export async function inquire(coach: { coachId: string; menuId: string }, overrides: Partial<InquiryInput> = {}) {
  const result = await requestEngagement(env, db, { coachId: coach.coachId, menuId: coach.menuId, name: "山田 花子", phone: uniqueMobile(), topic: "転職の相談", preferredTimes: ["平日の夜"], trial: false, language: "ja", ...overrides });
  if (!result.ok) throw new Error(result.error);
  return result;
}

export async function engagement(id: string): Promise<EngagementRecord> {
  const r = await loadAnyRecord(db, id);
  if (!r || r.kind !== "session") throw new Error(`no engagement ${id}`);
  return r;
}

export async function waitForEngagement(id: string, status: SessionStatus, timeout = 10_000): Promise<EngagementRecord> {
  return vi.waitFor(
    async () => {
      const r = await engagement(id);
      if (r.status !== status) throw new Error(`${id} is ${r.status}, waiting for ${status}`);
      return r;
    },
    { timeout, interval: 25 },
  );
}

/** A whole hour, Japan time, `days` from now at `hour`:00. */
export function jstAt(days: number, hour: number): number {
  const today = Math.floor((Date.now() + 9 * 3_600_000) / 86_400_000);
  return (today + days) * 86_400_000 - 9 * 3_600_000 + hour * 3_600_000;
}
