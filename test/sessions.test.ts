// 1-on-1 session engagements through the sandbox: the engagement's object (one writer), the real
// queue and consumer, the sandbox checkout and its signed webhook, and the coach's calendar
// object, which takes each session's time with its buffer and never twice.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { coachClients, engagementSessions, engagements, sessionAgreements } from "../src/db/schema.ts";
import { calendarFor } from "../src/durable/calendar-client.ts";
import { reservationStub } from "../src/durable/client.ts";
import { coachResource } from "../src/durable/engagement.ts";
import { db, eventsOf, paySandbox, sentOf, waitForJobs } from "./helpers.ts";
import { engagement, inquire, jstAt, seedCoach, waitForEngagement } from "./session-helpers.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function paidEngagement(coach: { coachId: string; menuId: string }) {
  const created = await inquire(coach);
  const stub = reservationStub(env, created.id);
  await stub.dispatch({ type: "agree", termsVersion: 1, contractVersion: 1, by: "山田 花子" }, "requester");
  const pending = await waitForEngagement(created.id, "payment_pending");
  const withLink = await (async () => {
    for (let i = 0; i < 200; i++) {
      const r = await engagement(created.id);
      if (r.data.payment?.sessionId) return r;
      await new Promise((res) => setTimeout(res, 25));
    }
    return pending;
  })();
  expect((await paySandbox(withLink.data.payment!.sessionId!)).status).toBe(303);
  await waitForEngagement(created.id, "scheduling");
  return { ...created, stub };
}

describe("an engagement from inquiry to a booked slot", () => {
  it("sends terms, records the agreement, takes payment, books the coach's calendar with the buffer and sends the meeting info", async () => {
    const coach = await seedCoach();
    const created = await inquire(coach);
    expect(created).toMatchObject({ status: "contract_sent", clientType: "new", pageUrl: expect.stringMatching(/^https:\/\/qrv\.test\/s\/[A-Za-z0-9_-]{43}$/) });
    const stub = reservationStub(env, created.id);

    // Before terms and payment, a slot is refused with the reason.
    const early = await stub.bookSession({ start: jstAt(3, 10), by: "requester", agreedBy: "山田 花子" });
    expect(early).toEqual({ ok: false, reason: "refused", message: "the terms and contract have not been agreed yet" });

    await stub.dispatch({ type: "agree", termsVersion: 1, contractVersion: 1, by: "山田 花子" }, "requester");
    await waitForEngagement(created.id, "payment_pending");
    await waitForJobs(created.id);
    const pending = await engagement(created.id);
    const sessionId = pending.data.payment!.sessionId!;
    expect(await stub.bookSession({ start: jstAt(3, 10), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: false, message: "payment has not been confirmed yet" });

    const res = await paySandbox(sessionId);
    expect(res.headers.get("Location")).toBe(`${created.pageUrl}?payment=success`);
    await waitForEngagement(created.id, "scheduling");

    const start = jstAt(3, 10);
    const booked = await stub.bookSession({ start, by: "requester", agreedBy: "山田 花子" });
    expect(booked).toEqual({ ok: true, status: "scheduled", start, end: start + HOUR, meetingUrl: "https://meet.example.com/room-1" });
    const entries = await calendarFor(env, coachResource(coach.coachId)).entries(start - HOUR, start + 3 * HOUR);
    expect(entries).toEqual([expect.objectContaining({ key: `${created.id}:1`, start, end: start + HOUR + 15 * MINUTE, state: "booked" })]);

    const r = await engagement(created.id);
    expect(r.timers.map((t) => [t.type, t.at])).toEqual([["reminder_day_before", start - 24 * HOUR], ["reminder_hour_before", start - HOUR], ["session_start", start]]);
    await waitForJobs(created.id);
    const sms = (await sentOf(created.id)).filter((s) => s.channel === "sms").map((s) => s.body);
    expect(sms[0]).toContain("規約と契約書");
    expect(sms[0]).toContain(created.pageUrl);
    expect(sms[1]).toContain(`https://qrv.test/sandbox/checkout/${sessionId}`);
    expect(sms[2]).toContain("お支払いを確認しました");
    expect(sms[3]).toContain("https://meet.example.com/room-1");

    // The projections moved with the record, in the same commit.
    expect(await db.query.engagements.findFirst({ where: eq(engagements.id, created.id) })).toMatchObject({ status: "scheduled", crm: "active", sessionsBought: 2, nextStartAt: start });
    expect(await db.select().from(engagementSessions).where(eq(engagementSessions.engagementId, created.id))).toEqual([expect.objectContaining({ no: 1, startAt: start, endAt: start + HOUR, outcome: null })]);
    const agreed = await db.select().from(sessionAgreements).where(eq(sessionAgreements.engagementId, created.id));
    expect(agreed.map((a) => [a.document, a.version, a.agreedBy]).sort()).toEqual([["contract", 1, "山田 花子"], ["schedule", 1, "山田 花子"], ["terms", 1, "山田 花子"]]);
    expect(await db.query.coachClients.findFirst({ where: and(eq(coachClients.coachId, coach.coachId), eq(coachClients.engagementId, created.id)) })).toMatchObject({ crm: "active" });
    expect((await eventsOf(created.id)).map((e) => e.type)).toEqual(["create", "agree", "payment_link_ready", "payment_completed", "slot_booked"]);
  });

  it("moves the reminders and the calendar time on a reschedule, and frees both on a cancellation", async () => {
    const coach = await seedCoach();
    const { id, stub } = await paidEngagement(coach);
    const first = jstAt(4, 14);
    expect(await stub.bookSession({ start: first, by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true });
    const moved = jstAt(5, 11);
    expect(await stub.bookSession({ start: moved, by: "requester", agreedBy: "山田 花子", reschedule: true })).toMatchObject({ ok: true, start: moved });
    const calendar = calendarFor(env, coachResource(coach.coachId));
    expect(await calendar.entries(first - HOUR, moved + 3 * HOUR)).toEqual([expect.objectContaining({ key: `${id}:1`, start: moved, end: moved + 75 * MINUTE })]);
    let r = await engagement(id);
    expect(r.timers.map((t) => t.at)).toEqual([moved - 24 * HOUR, moved - HOUR, moved]);

    // The alarm runs the day-before reminder for the new time, not the old one.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await waitForJobs(id);
    const reminders = (await sentOf(id)).filter((s) => s.body.includes("リマインド"));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.body).toContain("明日");

    const cancelled = await stub.cancelSession("requester");
    expect(cancelled).toMatchObject({ applied: true, status: "scheduling", outcome: { result: "session_cancelled" } });
    r = await engagement(id);
    expect(r.timers).toEqual([]);
    expect(await calendar.entries(first - HOUR, moved + 3 * HOUR)).toEqual([]);
    expect(await db.select().from(engagementSessions).where(eq(engagementSessions.engagementId, id))).toEqual([expect.objectContaining({ no: 1, outcome: "cancelled" })]);
  });

  it("a taken slot is refused as 'slot taken' with the next free slots; the buffer counts", async () => {
    const coach = await seedCoach();
    const a = await paidEngagement(coach);
    const b = await paidEngagement(coach);
    const start = jstAt(3, 15);
    expect(await a.stub.bookSession({ start, by: "requester", agreedBy: "A" })).toMatchObject({ ok: true });
    const taken = await b.stub.bookSession({ start: start + 30 * MINUTE, by: "requester", agreedBy: "B" });
    expect(taken).toMatchObject({ ok: false, reason: "slot_taken", message: expect.stringContaining("slot taken") });
    if (taken.ok) return;
    // 15:00–16:00 plus 15 minutes: the next start on the 30-minute grid is 16:30.
    expect(taken.nextSlots![0]).toEqual({ start: start + 90 * MINUTE, end: start + 150 * MINUTE });
    expect(await b.stub.bookSession({ start: jstAt(3, 8), by: "requester", agreedBy: "B" })).toMatchObject({ ok: false, reason: "outside_hours" });
    expect((await engagement(b.id)).status).toBe("scheduling");
  });

  it("an inquiry with missing information asks for it, then sends the terms", async () => {
    const coach = await seedCoach();
    const created = await inquire(coach, { topic: "", preferredTimes: [] });
    expect(created.status).toBe("inquiry");
    const stub = reservationStub(env, created.id);
    await stub.dispatch({ type: "provide_info", topic: "キャリア", preferredTimes: ["土曜午前"] }, "requester");
    await waitForEngagement(created.id, "contract_sent");
    const again = await inquire(coach, { phone: (await engagement(created.id)).requester.phone });
    expect(again.clientType).toBe("existing");
  });

  it("a free trial starts with the invitation and books a trial session", async () => {
    const coach = await seedCoach({ trial: true });
    const created = await inquire(coach, { trial: true });
    expect(created.status).toBe("trial_invited");
    const start = jstAt(2, 11);
    expect(await reservationStub(env, created.id).bookSession({ start, by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true, status: "trial_scheduled" });
    expect((await engagement(created.id)).data.crm).toBe("trial");
    const noTrial = await seedCoach({ trial: false });
    await expect(inquire(noTrial, { trial: true })).rejects.toThrow("does not offer a free trial");
  });
});

describe("whole flows through the sandbox (seed 001)", () => {
  /** Fires the object's alarms until the engagement leaves `status` (timers run early, as tests do). */
  async function runAlarmsWhile(id: string, status: string) {
    const stub = reservationStub(env, id);
    for (let i = 0; i < 10 && (await engagement(id)).status === status; i++) await runDurableObjectAlarm(stub);
  }

  it("inquiry → terms → payment → slot → reminders → session → report → follow-up with survey → next booking", async () => {
    const coach = await seedCoach({ sessions: 2 });
    const { id, stub } = await paidEngagement(coach);
    expect(await stub.bookSession({ start: jstAt(2, 10), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true });
    await runAlarmsWhile(id, "scheduled");
    expect((await engagement(id)).status).toBe("in_session");
    await stub.dispatch({ type: "report", outcome: "held", notes: "目標を整理", by: "coach" }, "operator");
    await waitForEngagement(id, "followed_up");
    await stub.dispatch({ type: "survey", score: 10, comment: "よかった" }, "requester");
    const next = await stub.bookSession({ start: jstAt(9, 10), by: "requester", agreedBy: "山田 花子" });
    expect(next).toMatchObject({ ok: true, status: "scheduled" });
    const r = await engagement(id);
    expect(r.data).toMatchObject({ sessionsUsed: 1, current: { no: 2 }, surveys: [{ sessionNo: 1, score: 10 }] });
    await waitForJobs(id);
    const sms = (await sentOf(id)).filter((s) => s.channel === "sms").map((s) => s.body);
    expect(sms.filter((b) => b.includes("リマインド"))).toHaveLength(2);
    expect(sms.some((b) => b.includes("アンケート"))).toBe(true);
    expect(await db.select().from(engagementSessions).where(eq(engagementSessions.engagementId, id))).toHaveLength(2);
  });

  it("trial → undecided → follow-up (day 1) → converted → terms → paid → booked", async () => {
    const coach = await seedCoach({ trial: true });
    const created = await inquire(coach, { trial: true });
    const stub = reservationStub(env, created.id);
    expect(await stub.bookSession({ start: jstAt(2, 11), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true, status: "trial_scheduled" });
    await runAlarmsWhile(created.id, "trial_scheduled");
    expect((await engagement(created.id)).status).toBe("trial_in_session");
    await stub.dispatch({ type: "trial_report", outcome: "undecided", by: "coach" }, "operator");
    expect((await engagement(created.id)).status).toBe("trial_undecided");
    await runDurableObjectAlarm(stub);
    await waitForJobs(created.id);
    expect((await sentOf(created.id)).some((s) => s.body.includes("無料体験にご参加いただきありがとうございました"))).toBe(true);
    await stub.dispatch({ type: "convert", by: "山田 花子" }, "requester");
    const converted = await engagement(created.id);
    expect(converted).toMatchObject({ status: "contract_sent", timers: [] });
    await stub.dispatch({ type: "agree", termsVersion: 1, contractVersion: 1, by: "山田 花子" }, "requester");
    await expect.poll(async () => (await engagement(created.id)).data.payment?.sessionId).toBeTruthy();
    await paySandbox((await engagement(created.id)).data.payment!.sessionId!);
    await waitForEngagement(created.id, "scheduling");
    expect(await stub.bookSession({ start: jstAt(6, 11), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true, status: "scheduled" });
    expect((await engagement(created.id)).data).toMatchObject({ crm: "active", current: { no: 2, trial: false } });
  });
});
