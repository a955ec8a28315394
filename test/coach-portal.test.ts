// The coach portal: a coach signs in with their phone (the account sign-in), sees sessions, files
// the completion report that sends the follow-up, edits availability, and sees clients with the
// CRM status. Someone who is not a coach sees nothing of it.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reservationStub } from "../src/durable/client.ts";
import { getAvailability } from "../src/db/sessions.ts";
import { Browser, field, signedInBrowser } from "./browser-client.ts";
import { db, paySandbox, sentOf, uniqueMobile, waitForJobs } from "./helpers.ts";
import { engagement, inquire, jstAt, seedCoach, waitForEngagement } from "./session-helpers.ts";

async function bookedEngagement(coach: { coachId: string; menuId: string }) {
  const created = await inquire(coach);
  const stub = reservationStub(env, created.id);
  await stub.dispatch({ type: "agree", termsVersion: 1, contractVersion: 1, by: "山田 花子" }, "requester");
  await expect.poll(async () => (await engagement(created.id)).data.payment?.sessionId).toBeTruthy();
  await paySandbox((await engagement(created.id)).data.payment!.sessionId!);
  await waitForEngagement(created.id, "scheduling");
  expect(await stub.bookSession({ start: jstAt(2, 10), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true });
  return { ...created, stub };
}

describe("coach portal", () => {
  it("a coach files a completion report; the client gets the follow-up with the survey", async () => {
    const coach = await seedCoach();
    const { id, stub } = await bookedEngagement(coach);
    const browser = await signedInBrowser(coach.phone, "/coach");
    let res = await browser.request("/coach");
    expect(res.status).toBe(200);
    let html = await res.text();
    expect(html).toContain("山田 花子");
    expect(html).not.toContain('action="/coach/report/');

    // The reminders and the start fire (alarms, run early as tests do): the session is on.
    while ((await engagement(id)).status === "scheduled") await runDurableObjectAlarm(stub);
    expect((await engagement(id)).status).toBe("in_session");
    html = await (await browser.request("/coach")).text();
    expect(html).toContain(`action="/coach/report/${id}"`);
    res = await browser.request(`/coach/report/${id}`, { form: { _csrf: field(html, "_csrf"), form: field(html, "form"), outcome: "held", notes: "目標を3つに整理しました" } });
    expect(res.headers.get("Location")).toBe("/coach?done=report");
    const followed = await waitForEngagement(id, "followed_up");
    expect(followed.data.history[0]).toMatchObject({ outcome: "held", notes: "目標を3つに整理しました", reportedBy: expect.stringContaining("coach:") });
    await waitForJobs(id);
    const last = (await sentOf(id)).filter((s) => s.channel === "sms").at(-1)!;
    expect(last.body).toContain("アンケート");
    expect(last.body).toContain("残り1回");

    html = await (await browser.request("/coach/clients")).text();
    expect(html).toContain("受講中");
    expect(html).toContain("実施 1 回");
  });

  it("a coach edits availability; bad input is refused by field", async () => {
    const coach = await seedCoach();
    const browser = await signedInBrowser(coach.phone, "/coach/availability");
    const html = await (await browser.request("/coach/availability")).text();
    const csrf = field(html, "_csrf");
    let res = await browser.request("/coach/availability", { form: { _csrf: csrf, start_1: "10:00", end_1: "09:00", exceptions: "tomorrow off", buffer: "10", notice: "60" } });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("the end must be after the start");
    expect(text).toContain("例外 1行目");
    res = await browser.request("/coach/availability", { form: { _csrf: csrf, start_1: "10:00", end_1: "17:00", start_3: "13:00", end_3: "18:00", exceptions: "2026-12-24 off\n2026-12-26 09:00-12:00", buffer: "10", notice: "120" } });
    expect(res.headers.get("Location")).toBe("/coach/availability?saved=1");
    expect(await getAvailability(db, coach.coachId)).toEqual({
      weekly: [{ weekday: 1, start: "10:00", end: "17:00" }, { weekday: 3, start: "13:00", end: "18:00" }],
      exceptions: [{ date: "2026-12-24", kind: "off" }, { date: "2026-12-26", kind: "extra", start: "09:00", end: "12:00" }],
      bufferMinutes: 10,
      minNoticeMinutes: 120,
      stepMinutes: 30,
    });
  });

  it("is closed to people who are not coaches, and to visitors who are not signed in", async () => {
    expect((await new Browser().request("/coach")).status).toBe(303);
    const someone = await signedInBrowser(uniqueMobile(), "/coach");
    const res = await someone.request("/coach");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("コーチとして登録されていません");
  });
});

describe("coach portal in English", () => {
  it("speaks English when asked", async () => {
    const coach = await seedCoach();
    const browser = await signedInBrowser(coach.phone, "/coach");
    await browser.request("/coach?lang=en");
    const html = await (await browser.request("/coach/availability")).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Availability (Japan time)");
    expect(html).toContain("Monday");
  });
});
