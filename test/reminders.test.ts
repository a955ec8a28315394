// Reminder SMS through the reservation's Durable Object and its alarm: scheduled on
// confirmation, sent by the alarm with the guest link, never for a cancelled booking.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { reservationStub } from "../src/durable/client.ts";
import { HOUR, confirmedReservation, fireAlarm, record, sentOf, waitForJobs } from "./helpers.ts";

/** 18:00 Japan time on the day before `startAt`'s day in Japan. */
function eveningBefore(startAt: number): number {
  const local = new Date(startAt + 9 * HOUR);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - 1, 18 - 9);
}

async function reminderTexts(id: string) {
  return (await sentOf(id)).filter((s) => s.channel === "sms" && s.body.includes("リマインダー"));
}

describe("reminders through the alarm", () => {
  it("a booking days ahead is reminded at 18:00 the evening before, with the guest link", async () => {
    const startAt = Date.now() + 72 * HOUR;
    const { id, guestUrl } = await confirmedReservation(startAt);
    const r = await record(id);
    expect(r.timers.find((t) => t.type === "reminder")?.at).toBe(eveningBefore(startAt));
    await waitForJobs(id);
    await fireAlarm(id);
    await waitForJobs(id);
    const texts = await reminderTexts(id);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.body).toContain(guestUrl);
    expect(texts[0]!.body).not.toContain("{{guest_url}}");
    // Fired once: the timer is gone; only the completion remains.
    expect((await record(id)).timers.map((t) => t.type)).toEqual(["complete"]);
  });

  it("a booking made after that evening is reminded two hours before the start", async () => {
    const startAt = Date.now() + 5 * HOUR;
    const { id } = await confirmedReservation(startAt);
    expect((await record(id)).timers.find((t) => t.type === "reminder")?.at).toBe(startAt - 2 * HOUR);
    await waitForJobs(id);
    await fireAlarm(id);
    await waitForJobs(id);
    expect(await reminderTexts(id)).toHaveLength(1);
  });

  it("a booking less than two hours ahead gets no reminder", async () => {
    const { id } = await confirmedReservation(Date.now() + 90 * 60_000);
    expect((await record(id)).timers.map((t) => t.type)).toEqual(["complete"]);
    await waitForJobs(id);
  });

  it("a cancelled booking is never reminded: the timer and the alarm are cleared", async () => {
    const { id } = await confirmedReservation(Date.now() + 72 * HOUR);
    await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    expect((await record(id)).timers).toEqual([]);
    expect(await fireAlarm(id)).toBe(false);
    await waitForJobs(id);
    expect(await reminderTexts(id)).toHaveLength(0);
  });

  it("a refused late cancellation keeps the reminder", async () => {
    const startAt = Date.now() + 30 * HOUR;
    const { id } = await confirmedReservation(startAt);
    const result = await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    expect(result.outcome).toMatchObject({ result: "refused_deadline" });
    expect((await record(id)).timers.map((t) => t.type)).toEqual(["reminder", "complete"]);
    await waitForJobs(id);
  });

  it("an English booking is reminded in English", async () => {
    const { id } = await confirmedReservation(Date.now() + 72 * HOUR, { requester: { name: "Jane Doe", phone: "+819012345678", language: "en" } });
    await waitForJobs(id);
    await fireAlarm(id);
    await waitForJobs(id);
    const sms = (await sentOf(id)).filter((s) => s.channel === "sms").at(-1)!;
    expect(sms.body).toMatch(/^\[QRV\] Reminder: your booking/);
  });
});
