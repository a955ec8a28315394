// The lodging and session prompts through MCP clients (SDK v1 on 2025-06-18 and v2 on
// 2026-07-28): listed with their arguments, filled in Japanese first, and their room_type and
// coach arguments completed from what is stored.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { coaches } from "../src/db/schema.ts";
import { createApiKey, db, mcpClient, modernClient } from "./helpers.ts";
import { seedLodging } from "./lodging/helpers.ts";
import { seedCoach } from "./session-helpers.ts";

type PromptClient = Pick<Awaited<ReturnType<typeof mcpClient>>, "listPrompts" | "getPrompt" | "complete" | "close">;

const clients: [string, (key: string) => Promise<PromptClient>][] = [
  ["SDK v1 (2025-06-18)", mcpClient],
  ["SDK v2 (2026-07-28)", (key) => modernClient(key) as unknown as Promise<PromptClient>],
];

describe.each(clients)("prompts for lodging and sessions, %s", (_label, connect) => {
  let key: string;
  let twin: string;
  let suite: string;
  let coachName: string;

  beforeAll(async () => {
    key = (await createApiKey("prompts")).key;
    const { types } = await seedLodging([
      { name: "ツイン", defaultPoints: 12000, rooms: 1 },
      { name: "スイート", defaultPoints: 30000, rooms: 1 },
    ]);
    twin = types[0]!.name;
    suite = types[1]!.name;
    const coach = await seedCoach();
    coachName = `山本 さくら${Math.random().toString(36).slice(2, 6)}`;
    await db.update(coaches).set({ name: coachName }).where(eq(coaches.id, coach.coachId));
  });

  it("lists find_room and book_session with their arguments, Japanese first", async () => {
    const client = await connect(key);
    const { prompts } = await client.listPrompts();
    const byName = Object.fromEntries(prompts.map((p) => [p.name, p]));
    expect(byName.find_room).toMatchObject({ title: "部屋を探す / Find a room" });
    expect(byName.find_room!.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([["dates", true], ["guests", false], ["room_type", false]]);
    expect(byName.book_session).toMatchObject({ title: "セッションを予約する / Book a session" });
    expect(byName.book_session!.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([["coach", true], ["topic", false], ["preferred_time", false]]);
    expect(byName.book_session!.description).toMatch(/^コーチとの/);
    await client.close();
  });

  it("fills in find_room: the Japanese request first, then English, naming the lodging tools", async () => {
    const client = await connect(key);
    const got = await client.getPrompt({ name: "find_room", arguments: { dates: "2026-12-24から2泊", guests: "2", room_type: twin } });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(got.messages).toHaveLength(1);
    expect(text.indexOf("QRVで部屋を探してください。日程: 2026-12-24から2泊、1部屋2名、部屋タイプ: " + twin)).toBe(0);
    expect(text).toContain("2 guests per room");
    for (const tool of ["search_rooms", "book_rooms", "top_up_points", "cancel_lodging_order"]) expect(text).toContain(tool);
    expect(text.indexOf("search_rooms で")).toBeLessThan(text.indexOf("Please find me a room"));
    await client.close();
  });

  it("fills in book_session with the coach, the topic and the preferred time", async () => {
    const client = await connect(key);
    const got = await client.getPrompt({ name: "book_session", arguments: { coach: coachName, topic: "転職の相談", preferred_time: "平日の夜" } });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(text).toMatch(new RegExp(`^QRVで${coachName}さんとの1対1のオンラインセッションを申し込んでください。相談したいこと: 転職の相談。希望の日時: 平日の夜。`));
    for (const tool of ["list_coaches", "find_session_slots", "request_session", "book_session_slot"]) expect(text).toContain(tool);
    // Arguments left out are left out of the text, not written as "undefined".
    const bare = await client.getPrompt({ name: "book_session", arguments: { coach: coachName } });
    expect((bare.messages[0]!.content as { text: string }).text).not.toContain("undefined");
    await client.close();
  });

  it("completes room_type from the stored room types (Japanese names first) and coach from the coaches", async () => {
    const client = await connect(key);
    const room = { type: "ref/prompt" as const, name: "find_room" };
    const all = (await client.complete({ ref: room, argument: { name: "room_type", value: "" } })).completion.values;
    expect(all).toEqual(expect.arrayContaining([twin, suite]));
    // Japanese names come before any English one.
    expect(all.indexOf(twin)).toBeLessThan(all.findIndex((v) => /^[A-Za-z-]/.test(v) || v.includes("-")));
    const typed = (await client.complete({ ref: room, argument: { name: "room_type", value: "スイ" } })).completion.values;
    expect(typed[0]).toMatch(/^スイート/);
    expect(typed).toContain(suite);
    expect(typed).not.toContain(twin);
    // The English name completes too (seeded as "スイート-<tag>").
    const english = (await client.complete({ ref: room, argument: { name: "room_type", value: suite.replace("スイート", "スイート-") } })).completion.values;
    expect(english).toEqual([suite.replace("スイート", "スイート-")]);

    const session = { type: "ref/prompt" as const, name: "book_session" };
    const coachesFound = (await client.complete({ ref: session, argument: { name: "coach", value: "山本" } })).completion.values;
    expect(coachesFound).toContain(coachName);
    expect((await client.complete({ ref: session, argument: { name: "coach", value: "存在しない" } })).completion.values).toEqual([]);
    await client.close();
  });
});
