// Sandbox only (as the rest of /sandbox): what `npm run dev` cannot do through D1 alone for the demo
// lodging, because a room's nights belong to its calendar object: put the demo room in
// Maintenance (a calendar block over the coming two weeks). Idempotent.
import { Hono } from "hono";
import { sandboxServes } from "../config.ts";
import { createDb } from "../db/client.ts";
import { addDays } from "../domain/lodging/dates.ts";
import { nightInterval } from "../domain/resource-calendar.ts";
import { calendarFor } from "../durable/calendar-client.ts";
import { refreshAvailability, roomResource } from "../lodging/inventory.ts";
import { todayJst } from "../lodging/orders.ts";

export const sandboxLodging = new Hono<{ Bindings: Env }>();

const DEMO_ROOM = "rom_demo_203";
const DEMO_TYPE = "rty_demo_single";

// The same rule as the rest of /sandbox: a sandbox answers only where it may (sandbox-exposure.ts).
sandboxLodging.use("*", async (c, next) => {
  if (!sandboxServes(c.env, c.req.url)) return c.notFound();
  await next();
});

sandboxLodging.post("/demo-maintenance", async (c) => {
  const from = todayJst();
  const to = addDays(from, 14);
  const result = await calendarFor(c.env, roomResource(DEMO_ROOM)).block("maintenance:demo", [{ start: nightInterval(from).start, end: nightInterval(to).start }], "メンテナンス中（エアコン修理・デモ） / Maintenance (air conditioner repair, demo)");
  await refreshAvailability(c.env, createDb(c.env.DB), [DEMO_TYPE], from, addDays(from, 180));
  return c.json({ ok: result.ok, room: DEMO_ROOM, from, to });
});
