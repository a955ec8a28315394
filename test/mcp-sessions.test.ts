// The 1-on-1 session tools over MCP, as an AI client sees them: the contract fields, the
// refusals with reasons, and an inquiry taken to a booked slot (terms and payment on the
// client's page side, done here through the engagement's object and the sandbox checkout).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { reservationStub } from "../src/durable/client.ts";
import { toIsoTokyo } from "../src/domain/time.ts";
import { createApiKey, mcpClient, paySandbox, uniqueMobile } from "./helpers.ts";
import { engagement, jstAt, seedCoach, waitForEngagement } from "./session-helpers.ts";

type Structured = Record<string, unknown>;

describe("session tools", () => {
  let key: { id: string; key: string };
  let coach: Awaited<ReturnType<typeof seedCoach>>;
  beforeAll(async () => {
    key = await createApiKey("sessions");
    coach = await seedCoach({ sessions: 2 });
  });

  it("lists coaches with the contract fields and finds slots", async () => {
    const client = await mcpClient(key.key);
    const listed = await client.callTool({ name: "list_coaches", arguments: {} });
    const coaches = (listed.structuredContent as { coaches: { coach_id: string; name: string; menus: Structured[] }[] }).coaches;
    const mine = coaches.find((c) => c.coach_id === coach.coachId)!;
    expect(mine.menus).toEqual([expect.objectContaining({ menu_id: coach.menuId, name: "コーチング60分", price_jpy: 11000, minutes: 60, trial: true })]);

    const found = await client.callTool({ name: "find_session_slots", arguments: { coach_id: coach.coachId, menu_id: coach.menuId, from: toIsoTokyo(jstAt(2, 0)), to: toIsoTokyo(jstAt(3, 0)) } });
    const slots = (found.structuredContent as { slots: { start: string; end: string }[] }).slots;
    // 09:00–21:00, 60 minutes on a 30-minute grid: 09:00 … 20:00.
    expect(slots).toHaveLength(23);
    expect(slots[0]).toEqual({ start: toIsoTokyo(jstAt(2, 9)), end: toIsoTokyo(jstAt(2, 10)) });
    const bad = await client.callTool({ name: "find_session_slots", arguments: { coach_id: coach.coachId, menu_id: coach.menuId, from: "tomorrow", to: toIsoTokyo(jstAt(3, 0)) } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("from: use ISO 8601");
  });

  it("takes an inquiry to a booked slot; booking before terms and payment is refused with the reason", async () => {
    const client = await mcpClient(key.key);
    const requested = await client.callTool({ name: "request_session", arguments: { coach_id: coach.coachId, menu_id: coach.menuId, name: "Hanako Yamada", phone: uniqueMobile(), topic: "career change", preferred_times: ["weekday evenings"], language: "en" } });
    const req = requested.structuredContent as Structured;
    expect(req).toMatchObject({ engagement_id: expect.stringMatching(/^QRV-/), status: "contract_sent", client: "new", page_url: expect.stringMatching(/^https:\/\/qrv\.test\/s\//), next_step: expect.stringContaining("terms and contract") });
    const id = req.engagement_id as string;

    const start = toIsoTokyo(jstAt(3, 10));
    const early = await client.callTool({ name: "book_session_slot", arguments: { engagement_id: id, start } });
    expect(early.isError).toBe(true);
    expect(early.structuredContent).toMatchObject({ error: "refused", message: "the terms and contract have not been agreed yet" });

    // The client agrees and pays on their page.
    await reservationStub(env, id).dispatch({ type: "agree", termsVersion: 1, contractVersion: 1, by: "Hanako Yamada" }, "requester");
    await waitForEngagement(id, "payment_pending");
    const got = await client.callTool({ name: "get_session", arguments: { engagement_id: id } });
    await expect.poll(async () => (await engagement(id)).data.payment?.sessionId).toBeTruthy();
    expect(got.structuredContent).toMatchObject({ status: "payment_pending", status_label: "Waiting for payment" });
    await paySandbox((await engagement(id)).data.payment!.sessionId!);
    await waitForEngagement(id, "scheduling");

    const booked = await client.callTool({ name: "book_session_slot", arguments: { engagement_id: id, start } });
    expect(booked.isError).toBeFalsy();
    expect(booked.structuredContent).toMatchObject({ status: "scheduled", sessions_remaining: 2, session: { number: 1, start, meeting_url: "https://meet.example.com/room-1", trial: false } });

    const moved = toIsoTokyo(jstAt(4, 16));
    const re = await client.callTool({ name: "reschedule_session", arguments: { engagement_id: id, start: moved } });
    expect(re.structuredContent).toMatchObject({ session: { start: moved } });

    const cancelled = await client.callTool({ name: "cancel_session", arguments: { engagement_id: id } });
    expect(cancelled.structuredContent).toMatchObject({ outcome: "session_cancelled", status: "scheduling" });
    const again = await client.callTool({ name: "cancel_session", arguments: { engagement_id: id } });
    expect(again.isError).toBe(true);
    expect(JSON.stringify(again.content)).toContain("a refund is handled by the operators");

    // Another key sees nothing.
    const other = await mcpClient((await createApiKey("other")).key);
    const hidden = await other.callTool({ name: "get_session", arguments: { engagement_id: id } });
    expect(hidden.isError).toBe(true);
  });

  it("refuses a free trial the coach does not offer, by name", async () => {
    const noTrial = await seedCoach({ trial: false });
    const client = await mcpClient(key.key);
    const res = await client.callTool({ name: "request_session", arguments: { coach_id: noTrial.coachId, menu_id: noTrial.menuId, name: "A", phone: uniqueMobile(), topic: "x", preferred_times: ["any"], trial: true } });
    expect(res.isError).toBe(true);
    expect(JSON.stringify(res.content)).toContain("does not offer a free trial");
  });
});

describe("session tool listing", () => {
  it("lists the seven session tools with schemas and annotations", async () => {
    const client = await mcpClient((await createApiKey("listing")).key);
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const name of ["list_coaches", "find_session_slots", "request_session", "book_session_slot", "get_session", "reschedule_session", "cancel_session"]) expect(byName[name], name).toBeDefined();
    expect(Object.keys(byName.request_session!.inputSchema.properties ?? {})).toEqual(["coach_id", "menu_id", "name", "phone", "email", "topic", "preferred_times", "trial", "language"]);
    expect(Object.keys(byName.find_session_slots!.inputSchema.properties ?? {})).toEqual(["coach_id", "menu_id", "from", "to"]);
    expect(Object.keys(byName.book_session_slot!.inputSchema.properties ?? {})).toEqual(["engagement_id", "start"]);
    expect(byName.list_coaches!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.cancel_session!.annotations).toMatchObject({ destructiveHint: true });
    expect(client.getInstructions()).toContain("list_coaches");
  });
});
