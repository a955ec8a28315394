// npm run demo:sessions: against the running dev server, a 1-on-1 session from inquiry to a
// booked slot. An MCP client (the official SDK) finds a coach and a free slot and makes the
// inquiry; booking before the terms and payment is refused; the client then agrees to the
// terms and contract on their own page, pays on the sandbox checkout, and the MCP client books
// the slot and prints the meeting information. Exits non-zero unless the session is booked.
//   QRV_URL (default http://localhost:$PORT or 8787), QRV_API_KEY (default: the dev key).
import { existsSync, readFileSync } from "node:fs";
import { formatJpy } from "../src/domain/money.ts";
import { agreeOnClientPage, callTool, mcp, payCheckout } from "../test/e2e/qrv.ts";

const base = (process.env.QRV_URL ?? `http://localhost:${process.env.PORT || 8787}`).replace(/\/$/, "");
const apiKey = process.env.QRV_API_KEY ?? (existsSync(".qrv-dev.json") ? (JSON.parse(readFileSync(".qrv-dev.json", "utf8")) as { apiKey?: string }).apiKey : undefined);
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS) || 60_000;

if (!apiKey) {
  console.error("No API key: start the server with npm run dev (it creates one), or set QRV_API_KEY.");
  process.exit(2);
}

type Slot = { start: string; end: string };
type SessionView = { engagement_id: string; status: string; status_label: string; next_step: string; payment_url?: string; page_url: string; session?: { start: string; end: string; meeting_url: string } };

const client = await mcp(base, apiKey, "qrv-demo-sessions").catch((err: unknown) => {
  console.error(`Could not connect to ${base}/mcp (${err instanceof Error ? err.message : String(err)}). Is npm run dev running?`);
  process.exit(1);
});
const call = <T>(name: string, args: Record<string, unknown>) => callTool<T>(client, name, args);

const iso = (ms: number) => `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));


let exitCode = 1;
try {
  const { coaches } = await call<{ coaches: { coach_id: string; name: string; menus: { menu_id: string; name: string; price_jpy: number; minutes: number; trial: boolean }[] }[] }>("list_coaches", {});
  if (!coaches.length) throw new Error("no coaches (npm run dev seeds two)");
  for (const c of coaches) console.log(`Coach ${c.name}: ${c.menus.map((m) => `${m.name} ${formatJpy(m.price_jpy)}`).join(", ")}`);
  const coach = coaches[0]!;
  const menu = coach.menus[0]!;

  const { slots } = await call<{ slots: Slot[] }>("find_session_slots", { coach_id: coach.coach_id, menu_id: menu.menu_id, from: iso(Date.now()), to: iso(Date.now() + 14 * 86_400_000) });
  if (!slots.length) throw new Error(`${coach.name} has no free slots in the next two weeks`);
  const wanted = slots[Math.min(3, slots.length - 1)]!;
  console.log(`\nFree slots: ${slots.length} in two weeks; the client would like ${wanted.start}`);

  const req = await call<{ engagement_id: string; status: string; page_url: string; message: string }>("request_session", {
    coach_id: coach.coach_id,
    menu_id: menu.menu_id,
    name: "デモ 花子",
    phone: "090-1234-5678",
    email: "demo@example.com",
    topic: "転職するか迷っています。強みを整理したい。",
    preferred_times: [wanted.start],
    language: "ja",
  });
  const id = req.engagement_id;
  console.log(`\n${req.message}\nClient page: ${req.page_url}`);

  const early = await client.callTool({ name: "book_session_slot", arguments: { engagement_id: id, start: wanted.start } });
  console.log(`\nbook_session_slot before terms and payment → ${early.isError ? "refused" : "accepted?!"}: ${(early.structuredContent as { message?: string } | undefined)?.message ?? ""}`);
  if (!early.isError) throw new Error("booking before terms and payment was not refused");

  // The client reads and agrees to the terms and contract on their page.
  await agreeOnClientPage(req.page_url, "デモ 花子");
  console.log("Client agreed to the terms and contract on the page");

  // Payment on the sandbox checkout, once the link is ready.
  const deadline = Date.now() + TIMEOUT_MS;
  let view = await call<SessionView>("get_session", { engagement_id: id });
  while (Date.now() < deadline && !(view.status === "payment_pending" && view.payment_url)) {
    await wait(500);
    view = await call<SessionView>("get_session", { engagement_id: id });
  }
  if (!view.payment_url) throw new Error(`no payment link (status ${view.status})`);
  console.log(`Paying on the sandbox checkout: ${view.payment_url}`);
  await payCheckout(view.payment_url);
  while (Date.now() < deadline && view.status !== "scheduling") {
    await wait(500);
    view = await call<SessionView>("get_session", { engagement_id: id });
  }
  console.log(`Status: ${view.status_label} — ${view.next_step}`);

  // The slot: the wanted one, or the first of the next free slots if someone took it meanwhile.
  let booked = await client.callTool({ name: "book_session_slot", arguments: { engagement_id: id, start: wanted.start } });
  if (booked.isError) {
    const next = (booked.structuredContent as { next_slots?: Slot[] }).next_slots ?? [];
    console.log(`Slot taken; taking the next free one: ${next[0]?.start ?? "none"}`);
    if (!next[0]) throw new Error(JSON.stringify(booked.content));
    booked = await client.callTool({ name: "book_session_slot", arguments: { engagement_id: id, start: next[0].start } });
    if (booked.isError) throw new Error(JSON.stringify(booked.content));
  }
  view = booked.structuredContent as SessionView;
  const page = await (await fetch(req.page_url)).text();
  if (view.status === "scheduled" && view.session && page.includes(view.session.meeting_url)) {
    console.log(`\n✔ ${id} booked: ${view.session.start} – ${view.session.end}\n  Meeting link: ${view.session.meeting_url}\n  Session info on the client page: ${req.page_url}`);
    exitCode = 0;
  } else {
    console.error(`\n✘ ${id} ended in status ${view.status} (expected scheduled with the meeting link on the page).`);
  }
} catch (err) {
  console.error(`✘ ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await client.close();
}
process.exit(exitCode);
