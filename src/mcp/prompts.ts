// MCP prompts a client can offer its user. "book_appointment" walks the model through a shop
// booking; its service and area arguments complete from the partner-shop list. "find_room"
// (lodging) completes room_type from the stored room types, and "book_session" (1-on-1
// sessions) completes coach from the coaches taking sessions; both speak Japanese first.
import { completable, type McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { createDb } from "../db/client.ts";
import { listActiveCoaches } from "../db/sessions.ts";
import { catalog } from "../db/shops.ts";
import { allRoomTypes } from "../lodging/inventory.ts";
import { QRV_ICONS } from "./icons.ts";
import type { ToolDeps } from "./tools/reservations.ts";

/** Names starting with `typed` (case-insensitive, full-width folded), then names containing it; in the given order otherwise. */
function matching(names: string[], typed: string): string[] {
  const fold = (v: string) => v.normalize("NFKC").trim().toLowerCase();
  const t = fold(typed);
  const unique = [...new Set(names)];
  if (!t) return unique;
  const starts = unique.filter((n) => fold(n).startsWith(t));
  return [...starts, ...unique.filter((n) => !starts.includes(n) && fold(n).includes(t))];
}

/** A prompt's one user message. */
function userText(lines: string[]) {
  return [{ role: "user" as const, content: { type: "text" as const, text: lines.join("\n") } }];
}

export function registerReservationPrompts(server: McpServer, deps: ToolDeps): void {
  const services = async () => (await catalog(createDb(deps.env.DB))).map((e) => e.service);
  const areasFor = async (service: string | undefined) => {
    const entries = await catalog(createDb(deps.env.DB));
    const chosen = service ? entries.filter((e) => e.service === service) : entries;
    return [...new Set(chosen.flatMap((e) => e.areas.map((a) => a.area)))];
  };

  server.registerPrompt(
    "book_appointment",
    {
      title: "Book an appointment",
      description: "Book an appointment at a partner shop in Japan (a haircut, a dinner table, a massage...): QRV phones the shops and the person pays by a texted link.",
      argsSchema: z.object({
        service: completable(z.string().describe("What to book, as list_services names it, e.g. カット."), async (value) => matching(await services(), value)),
        area: completable(z.string().describe("Where, as list_services names it, e.g. 渋谷."), async (value, context) => matching(await areasFor(context?.arguments?.service), value)),
        when: z.string().optional().describe("When, in the person's words or ISO 8601, e.g. tomorrow at 15:00."),
        party_size: z.string().optional().describe("How many people, e.g. 2."),
      }),
      icons: QRV_ICONS,
    },
    ({ service, area, when, party_size }) => ({
      description: `Book ${service} in ${area}`,
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: [
              `Please book ${service} in ${area}${when ? ` ${when}` : ""}${party_size ? ` for ${party_size} ${party_size === "1" ? "person" : "people"}` : ""} through QRV.`,
              "1. Check the exact service and area names with list_services.",
              "2. Confirm the date and time (Japan time, +09:00), the party size and, unless I am signed in, my name and mobile number, and ask me before booking.",
              "3. Call request_reservation, then tell me the reservation id and the page to follow it.",
              "4. Follow the status (subscribe to the reservation's resource, or get_reservation) and tell me when a shop accepts: I pay by the link texted to me within 10 minutes.",
            ].join("\n"),
          },
        },
      ],
    }),
  );
}

/** Lodging: find and book a room, paid with the member's points. */
export function registerLodgingPrompts(server: McpServer, deps: ToolDeps): void {
  // Japanese names first, then the English ones (a model or person may type either).
  const roomTypeNames = async () => {
    const types = await allRoomTypes(createDb(deps.env.DB));
    return [...types.map((t) => t.name), ...types.flatMap((t) => (t.nameEn ? [t.nameEn] : []))];
  };
  server.registerPrompt(
    "find_room",
    {
      title: "部屋を探す / Find a room",
      description: "会員ポイントで泊まれる部屋を探して予約します。Find a room for members and book it with points (1 point = 1 yen).",
      argsSchema: z.object({
        dates: z.string().describe("泊まる日程（例: 2026-12-24から2泊、12/24〜12/26）/ The stay, e.g. 2026-12-24 to 2026-12-26."),
        guests: z.string().optional().describe("1部屋の人数（例: 2）/ Guests in one room, e.g. 2."),
        // The SDK unwraps an optional argument before looking for its completer.
        room_type: completable(z.string().describe("部屋タイプ（例: ツイン）/ Room type, e.g. Twin."), async (value) => matching(await roomTypeNames(), value)).optional(),
      }),
      icons: QRV_ICONS,
    },
    ({ dates, guests, room_type }) => ({
      description: `部屋を探す: ${dates}${room_type ? ` ${room_type}` : ""}`,
      messages: userText([
        `QRVで部屋を探してください。日程: ${dates}${guests ? `、1部屋${guests}名` : ""}${room_type ? `、部屋タイプ: ${room_type}` : ""}。`,
        "1. 日程をチェックイン日とチェックアウト日（YYYY-MM-DD、日本時間）にして search_rooms で空室と各泊のポイントを調べ、誕生日割引があればそれも含めて見せてください。",
        "2. 部屋タイプと室数を私に確認してから book_rooms で予約してください（ポイントから支払い。足りない場合は注文が30分待つので、top_up_points で追加する方法を教えてください）。",
        "3. 予約IDと状態を伝えてください。キャンセルは cancel_lodging_order で、まず見積もりを見せてから確認してください。",
        "",
        `Please find me a room through QRV for ${dates}${guests ? `, ${guests} ${guests === "1" ? "guest" : "guests"} per room` : ""}${room_type ? `, room type ${room_type}` : ""}.`,
        "1. Turn the stay into check_in and check_out dates (YYYY-MM-DD, Japan time) and call search_rooms; show me what is free and the points per night, with any birthday discount.",
        "2. Confirm the room type and how many rooms with me, then call book_rooms (paid from my points; if short, the order waits 30 minutes and you tell me how to top_up_points).",
        "3. Tell me the order id and its status. To cancel, use cancel_lodging_order and show me the quote before confirming.",
      ]),
    }),
  );
}

/** Sessions: book a 1-on-1 online session with a coach. */
export function registerSessionPrompts(server: McpServer, deps: ToolDeps): void {
  const coachNames = async () => (await listActiveCoaches(createDb(deps.env.DB))).map((c) => c.coach.name);
  server.registerPrompt(
    "book_session",
    {
      title: "セッションを予約する / Book a session",
      description: "コーチとの1対1のオンラインセッション（コーチング・相談・レッスン）を申し込みます。Book a 1-on-1 online session with a coach.",
      argsSchema: z.object({
        coach: completable(z.string().describe("コーチの名前（list_coaches のとおり）/ The coach, as list_coaches names them."), async (value) => matching(await coachNames(), value)),
        topic: z.string().optional().describe("相談したいこと / What to talk about."),
        preferred_time: z.string().optional().describe("希望の日時（例: 平日の夜、2026-12-05 10:00）/ A time that suits, e.g. weekday evenings."),
      }),
      icons: QRV_ICONS,
    },
    ({ coach, topic, preferred_time }) => ({
      description: `セッションを予約する: ${coach}`,
      messages: userText([
        `QRVで${coach}さんとの1対1のオンラインセッションを申し込んでください。${topic ? `相談したいこと: ${topic}。` : ""}${preferred_time ? `希望の日時: ${preferred_time}。` : ""}`,
        "1. list_coaches でコーチとメニュー（料金・時間・無料体験の有無）を確認し、どのメニューにするか私に聞いてください。",
        "2. find_session_slots で希望に合う空き時間（日本時間）を探して見せてください。",
        "3. 申し込み内容（名前と携帯番号が必要な場合はそれも）を確認してから request_session を呼び、私のページで規約に同意して支払う流れを伝えてください。支払い後に book_session_slot で時間を確定します。",
        "",
        `Please book a 1-on-1 online session with ${coach} through QRV.${topic ? ` Topic: ${topic}.` : ""}${preferred_time ? ` Preferred time: ${preferred_time}.` : ""}`,
        "1. Check the coach and their menus (price, length, free trial) with list_coaches and ask me which menu.",
        "2. Find free times that suit me with find_session_slots (Japan time) and show them.",
        "3. Confirm the request with me (my name and mobile number if needed), call request_session, and tell me I agree to the terms and pay on my own page; then book_session_slot fixes the time.",
      ]),
    }),
  );
}
