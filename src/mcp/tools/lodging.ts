// MCP tools for the lodging (seed 004): search_rooms, book_rooms, get_points, top_up_points,
// get_lodging_order, list_my_orders, cancel_lodging_order. Names and listed fields are a contract with AI clients.
// They act for a person: a signed-in member (OAuth), or a personal API key that acts exactly
// as that person's sign-in. Anyone else is told where to register.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { credentialOf, type McpAuth } from "../../auth/index.ts";
import { config } from "../../config.ts";
import { createDb } from "../../db/client.ts";
import { linesOf, ordersOfMember, type LodgingOrderRow } from "../../db/lodging-orders.ts";
import { ledgerOf, memberByUser, type MemberRow } from "../../db/members.ts";
import { LODGING_ORDER_ID_PATTERN } from "../../domain/ids.ts";
import { lodgingStatusLabel } from "../../domain/lodging/messages.ts";
import { checkTopUp } from "../../domain/lodging/points.ts";
import { lodgingPolicy } from "../../domain/lodging/policy.ts";
import { toIsoTokyo } from "../../domain/time.ts";
import { findRoomType, quoteFor, searchAvailability } from "../../lodging/inventory.ts";
import { bookRooms, checkStay } from "../../lodging/orders.ts";
import { quoteCancellation, requestCancellation } from "../../lodging/cancellation.ts";
import { startTopUp } from "../../lodging/points.ts";
import { fail, ok, type ToolDeps } from "./reservations.ts";

// ---- input fields -------------------------------------------------------------------------

const date = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name}: a date as YYYY-MM-DD, e.g. 2026-12-24`)
    .describe(`${name === "check_in" ? "Check-in" : "Check-out"} date, YYYY-MM-DD (the hotel's local date).`);
const checkIn = date("check_in");
const checkOut = date("check_out");
const roomType = z.string().trim().min(1, "room_type: required").max(50, "room_type: at most 50 characters").describe("A room type as search_rooms names it, e.g. ツイン or Twin.");
const quantity = z.number({ error: "quantity: a whole number is required" }).int("quantity: a whole number is required").min(1, "quantity: at least 1").max(lodgingPolicy.maxRoomsPerLine, `quantity: at most ${lodgingPolicy.maxRoomsPerLine}`).describe("How many rooms of this type.");
const orderId = z.string().trim().toUpperCase().regex(LODGING_ORDER_ID_PATTERN, "order_id: expected QRL- followed by 8 letters or digits, e.g. QRL-7K3M9P2X").describe("The order number returned by book_rooms, e.g. QRL-7K3M9P2X.");

// ---- outputs --------------------------------------------------------------------------------

const statusSchema = z.enum(["awaiting_payment", "confirmed", "expired", "cancelled"]).describe("Order status: awaiting_payment (支払待ち), confirmed, expired, cancelled.");
const orderOutput = z.object({
  order_id: z.string(),
  member: z.string().describe("The member's name."),
  status: statusSchema,
  status_label: z.string(),
  check_in: z.string(),
  check_out: z.string(),
  rooms: z.array(z.object({ room_number: z.string(), room_type: z.string(), check_in: z.string(), check_out: z.string(), nightly: z.array(z.object({ date: z.string(), points: z.number() })), total_points: z.number() })),
  subtotal_points: z.number(),
  discount_points: z.number().describe("The birthday discount, as its own line."),
  total_points: z.number(),
  payment_status: z.enum(["paid", "unpaid"]),
  payment_deadline: z.string().optional().describe("While awaiting payment: top up before this time (Japan time) or the order expires."),
  created_at: z.string(),
});

// ---- helpers ------------------------------------------------------------------------------

/** The caller as a member, or the message that tells them what to do. */
async function memberOf(deps: ToolDeps): Promise<{ member: MemberRow; auth: Extract<McpAuth, { kind: "user" }> } | { error: string }> {
  const auth = deps.auth();
  const url = config(deps.env).publicUrl;
  if (!auth) return { error: "Not authorized." };
  if (auth.kind !== "user") return { error: `Lodging tools act for one person: sign in with your phone number (OAuth), or use a personal API key made for that person (npm run apikey:create -- --name NAME --for-user PHONE). Members register at ${url}/member.` };
  const member = await memberByUser(createDb(deps.env.DB), auth.userId);
  if (!member) return { error: `You are not a lodging member yet. Register at ${url}/member (sign in with ${auth.phone}, then enter your name, ID document number, email and date of birth), and try again.` };
  return { member, auth };
}

async function orderView(deps: ToolDeps, row: LodgingOrderRow, member: MemberRow) {
  const lines = await linesOf(createDb(deps.env.DB), row.id);
  return {
    order_id: row.id,
    member: member.name,
    status: row.status as z.infer<typeof statusSchema>,
    status_label: lodgingStatusLabel(row.status, "ja"),
    check_in: row.checkIn,
    check_out: row.checkOut,
    rooms: lines.map((l) => ({ room_number: l.roomNumber, room_type: l.roomTypeName, check_in: l.checkIn, check_out: l.checkOut, nightly: (JSON.parse(l.nightly) as { date: string; points: number }[]).map((n) => ({ date: n.date, points: n.points })), total_points: l.totalPoints })),
    subtotal_points: row.subtotalPoints,
    discount_points: row.discountPoints,
    total_points: row.totalPoints,
    payment_status: row.paidAt ? ("paid" as const) : ("unpaid" as const),
    ...(row.status === "awaiting_payment" && row.paymentDeadline ? { payment_deadline: toIsoTokyo(row.paymentDeadline) } : {}),
    created_at: toIsoTokyo(row.createdAt),
  };
}

// ---- tool schemas (built once per isolate; a request builds none) --------------------------

const searchRoomsInput = z.strictObject({
  check_in: checkIn,
  check_out: checkOut,
  guests: z.number().int("guests: a whole number").min(1, "guests: at least 1").max(20, "guests: at most 20").optional().describe("Guests in one room; room types that cannot take them are left out."),
  room_type: roomType.optional(),
});
const searchRoomsOutput = z.object({
  room_types: z.array(
    z.object({
      room_type: z.string(),
      room_type_en: z.string().optional(),
      available: z.number().describe("Rooms free on every night of the stay."),
      max_guests: z.number(),
      nightly: z.array(z.object({ date: z.string(), points: z.number() })),
      total_points: z.number().describe("For one room, after the discount."),
      discount_points: z.number().describe("The birthday discount for one room (0 when none)."),
    }),
  ),
});
const bookRoomsInput = z.strictObject({
  check_in: checkIn,
  check_out: checkOut,
  rooms: z.array(z.strictObject({ room_type: roomType, quantity })).min(1, "rooms: at least one line").max(lodgingPolicy.maxLines, `rooms: at most ${lodgingPolicy.maxLines} lines`).describe("Room types and how many of each."),
  idempotency_key: z.string().trim().min(1).max(100, "idempotency_key: at most 100 characters").optional().describe("Any string; the same key returns the same order instead of booking twice."),
});
const bookRoomsOutput = z.object({
  order_id: z.string(),
  status: z.enum(["confirmed", "awaiting_payment"]),
  rooms: z.array(z.object({ room_number: z.string(), room_type: z.string() })),
  total_points: z.number(),
  discount_points: z.number(),
  points_charged: z.number().optional(),
  points_missing: z.number().optional(),
  topup_url: z.string().optional(),
  payment_deadline: z.string().optional(),
});
const getPointsInput = z.strictObject({ limit: z.number().int().min(1).max(100).default(20).describe("How many ledger entries (1 to 100, default 20).") });
const getPointsOutput = z.object({
  balance: z.number(),
  ledger: z.array(z.object({ at: z.string(), kind: z.string(), points: z.number(), balance_after: z.number(), order_id: z.string().optional() })),
});
const topUpPointsInput = z.strictObject({ amount: z.number({ error: "amount: a whole number of points is required" }).describe(`Points to buy, ${lodgingPolicy.minTopUpPoints} to ${lodgingPolicy.maxTopUpPoints}.`) });
const topUpPointsOutput = z.object({ payment_url: z.string(), amount: z.number(), top_up_id: z.string() });
const getLodgingOrderInput = z.strictObject({ order_id: orderId });
const listMyOrdersInput = z.strictObject({
  check_in: checkIn.optional(),
  order_id: orderId.optional(),
  limit: z.number().int().min(1).max(50).default(20).describe("How many (1 to 50, default 20)."),
});
const listMyOrdersOutput = z.object({ orders: z.array(orderOutput) });
const cancelLodgingOrderInput = z.strictObject({
  order_id: orderId,
  rooms: z.array(z.string().trim().min(1).max(20)).max(lodgingPolicy.maxLines * lodgingPolicy.maxRoomsPerLine).optional().describe("Room numbers to cancel, as the order lists them; all remaining rooms when absent."),
  confirm: z.boolean().default(false).describe("false: quote only; true: file the cancellation request (it then waits for approval)."),
});
const cancelLodgingOrderOutput = z.object({
  order_id: z.string(),
  status: z.enum(["quote", "pending_approval"]),
  rooms: z.array(z.object({ room_number: z.string(), paid_points: z.number(), refund_points: z.number() })),
  refund_points: z.number(),
  refund_percent: z.number(),
  policy: z.string().describe("The cancellation policy row that applies."),
  whole_order: z.boolean(),
});

// ---- registration -------------------------------------------------------------------------

export function registerLodgingTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "search_rooms",
    {
      title: "Search rooms",
      description: "Lists room types with how many rooms are free for every night of a stay, each night's price in points (1 point = 1 yen) and the total for one room, with the caller's birthday discount (5 % on nights within a few days of their birthday) applied as its own line.",
      inputSchema: searchRoomsInput,
      outputSchema: searchRoomsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const bad = checkStay(args.check_in, args.check_out);
      if (bad) return fail(bad.en);
      const db = createDb(deps.env.DB);
      let found = await searchAvailability(deps.env, db, args.check_in, args.check_out);
      if (args.room_type) {
        const t = findRoomType(found.map((f) => f.type), args.room_type);
        if (!t) return fail(`room_type: there is no room type "${args.room_type}" (${found.map((f) => f.type.name).join(", ")}).`);
        found = found.filter((f) => f.type.id === t.id);
      }
      if (args.guests) found = found.filter((f) => f.maxGuests >= args.guests!);
      const room_types = await Promise.all(
        found.map(async (f) => {
          const q = await quoteFor(deps.env, db, f.type, args.check_in, args.check_out, 1, who.member.birthDate);
          return { room_type: f.type.name, ...(f.type.nameEn ? { room_type_en: f.type.nameEn } : {}), available: f.available, max_guests: f.maxGuests, nightly: q.nightly.map((n) => ({ date: n.date, points: n.points })), total_points: q.total, discount_points: q.discount };
        }),
      );
      const text = room_types.length ? room_types.map((t) => `${t.room_type}: ${t.available} free, ${t.total_points} points per room${t.discount_points ? ` (birthday -${t.discount_points})` : ""}`).join("\n") : "No room types match.";
      return ok({ room_types }, text);
    },
  );

  server.registerTool(
    "book_rooms",
    {
      title: "Book rooms",
      description:
        "Books rooms for the signed-in member for one stay: QRV picks rooms free for every night (one room per guest party for the whole stay). When the member's points cover the total, the order is paid at once and confirmed; otherwise it waits for a top-up (awaiting_payment) with the rooms held for 30 minutes, and returns the points missing and a top-up link. Give the same idempotency_key to retry safely.",
      inputSchema: bookRoomsInput,
      outputSchema: bookRoomsOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const auth = deps.auth();
      const apiKeyId = auth?.kind === "user" ? auth.apiKeyId : undefined;
      const result = await bookRooms(deps.env, createDb(deps.env.DB), who.member, args.rooms.map((r) => ({ roomType: r.room_type, checkIn: args.check_in, checkOut: args.check_out, quantity: r.quantity })), {
        language: "ja",
        ...(args.idempotency_key ? { idempotencyKey: args.idempotency_key } : {}),
        ...(apiKeyId ? { apiKeyId } : {}),
        via: credentialOf(who.auth),
      });
      if (!result.ok) {
        if (result.reason === "invalid") return fail(result.message.en);
        return fail(`no availability: only ${result.available} ${result.roomTypeName} room(s) are free for every night from ${args.check_in} to ${args.check_out}; ${result.wanted} asked. Nothing was booked or charged. Try other dates or room types (search_rooms).`);
      }
      const r = result.record;
      if (r.status !== "confirmed" && r.status !== "awaiting_payment") return fail(`order ${r.id} is ${r.status}; make a new order.`);
      const rooms = r.data.lines.map((l) => ({ room_number: l.roomNumber, room_type: l.roomTypeName }));
      const structured =
        r.status === "confirmed"
          ? { order_id: r.id, status: r.status, rooms, total_points: r.data.total, discount_points: r.data.discount, points_charged: r.data.total }
          : { order_id: r.id, status: r.status, rooms, total_points: r.data.total, discount_points: r.data.discount, points_missing: r.data.payment.shortfall ?? 0, ...(r.data.payment.topUpUrl ? { topup_url: r.data.payment.topUpUrl } : {}), ...(r.data.payment.deadlineAt ? { payment_deadline: toIsoTokyo(r.data.payment.deadlineAt) } : {}) };
      const text =
        r.status === "confirmed"
          ? `${r.id}: confirmed. Rooms ${rooms.map((x) => `${x.room_number} (${x.room_type})`).join(", ")}. ${r.data.total} points charged.`
          : `${r.id}: awaiting payment; ${r.data.payment.shortfall ?? 0} points missing. Top up before ${r.data.payment.deadlineAt ? toIsoTokyo(r.data.payment.deadlineAt) : "the deadline"}: ${r.data.payment.topUpUrl ?? ""}`;
      return ok(structured, text);
    },
  );

  server.registerTool(
    "get_points",
    {
      title: "Get my points",
      description: "Returns the member's points balance and the most recent ledger entries (top-ups, order payments, refunds, adjustments).",
      inputSchema: getPointsInput,
      outputSchema: getPointsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const rows = await ledgerOf(createDb(deps.env.DB), who.member.id, args.limit);
      const ledger = rows.map((l) => ({ at: toIsoTokyo(l.createdAt), kind: l.kind, points: l.amount, balance_after: l.balanceAfter, ...(l.orderId ? { order_id: l.orderId } : {}) }));
      return ok({ balance: who.member.pointsBalance, ledger }, `Balance: ${who.member.pointsBalance} points.\n${ledger.map((l) => `${l.at} ${l.kind} ${l.points > 0 ? "+" : ""}${l.points}`).join("\n")}`);
    },
  );

  server.registerTool(
    "top_up_points",
    {
      title: "Top up points",
      description: `Starts buying points (1 point = 1 yen) by card: returns a payment page for the member to open. Points are credited once the payment completes, and an order waiting for points is then paid automatically. ${lodgingPolicy.minTopUpPoints} to ${lodgingPolicy.maxTopUpPoints} points.`,
      inputSchema: topUpPointsInput,
      outputSchema: topUpPointsOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const checked = checkTopUp(args.amount);
      if (!checked.ok) return fail(`amount: ${checked.message.en}`);
      const started = await startTopUp(deps.env, createDb(deps.env.DB), who.member, checked.points, "ja");
      return ok({ payment_url: started.paymentUrl, amount: checked.points, top_up_id: started.topUpId }, `Open this page to pay ${checked.points} yen for ${checked.points} points: ${started.paymentUrl}`);
    },
  );

  server.registerTool(
    "get_lodging_order",
    {
      title: "Get a lodging order",
      description: "Returns one of the member's lodging orders: dates, rooms (number and type), the nightly breakdown, the birthday discount, total points and payment status.",
      inputSchema: getLodgingOrderInput,
      outputSchema: orderOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const [row] = await ordersOfMember(createDb(deps.env.DB), who.member.id, { orderId: args.order_id, limit: 1 });
      if (!row) return fail(`order_id: no order ${args.order_id} was found for this member.`);
      const view = await orderView(deps, row, who.member);
      return ok(view, `${view.order_id}: ${view.status} (${view.status_label}), ${view.check_in} to ${view.check_out}, rooms ${view.rooms.map((r) => `${r.room_number} ${r.room_type}`).join(", ")}, ${view.total_points} points`);
    },
  );

  server.registerTool(
    "list_my_orders",
    {
      title: "List my lodging orders",
      description: "Lists the member's lodging orders, newest first, optionally only those with a given check-in date or order number.",
      inputSchema: listMyOrdersInput,
      outputSchema: listMyOrdersOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const rows = await ordersOfMember(createDb(deps.env.DB), who.member.id, { ...(args.check_in ? { checkIn: args.check_in } : {}), ...(args.order_id ? { orderId: args.order_id } : {}), limit: args.limit });
      const orders = await Promise.all(rows.map((r) => orderView(deps, r, who.member)));
      return ok({ orders }, orders.length ? orders.map((o) => `${o.order_id} ${o.check_in}〜${o.check_out}: ${o.status_label}, ${o.total_points} points`).join("\n") : "No orders yet.");
    },
  );

  server.registerTool(
    "cancel_lodging_order",
    {
      title: "Cancel a lodging order (all rooms or some)",
      description:
        "Cancels a confirmed lodging order, or only some of its rooms. Without confirm (or with confirm false) it only returns the quote: the points that would come back and the cancellation policy row that applies (by days before check-in at 15:00 Japan time). Show the quote to the member; with confirm true the request is filed and waits for the front desk to approve it, after which the points return and the member is told by SMS and email.",
      inputSchema: cancelLodgingOrderInput,
      outputSchema: cancelLodgingOrderOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args) => {
      const who = await memberOf(deps);
      if ("error" in who) return fail(who.error);
      const db = createDb(deps.env.DB);
      const quoted = await quoteCancellation(deps.env, db, who.member.id, args.order_id, args.rooms);
      if (!quoted.ok) return fail(quoted.message.en);
      const q = quoted.quote;
      const view = { order_id: q.orderId, rooms: q.rooms.map((r) => ({ room_number: r.roomNumber, paid_points: r.paid, refund_points: r.refund })), refund_points: q.refund, refund_percent: q.percent, policy: q.policyRow.en, whole_order: q.full };
      if (!args.confirm) return ok({ ...view, status: "quote" as const }, `Quote: cancelling rooms ${q.rooms.map((r) => r.roomNumber).join(", ")} returns ${q.refund} of ${q.paid} points (${q.policyRow.en}). Call again with confirm: true to ask; the front desk then approves it.`);
      const asked = await requestCancellation(deps.env, db, who.member.id, args.order_id, { ...(args.rooms ? { rooms: args.rooms } : {}), via: credentialOf(who.auth) });
      if (!asked.ok) return fail(asked.message.en);
      const c = asked.cancellation;
      return ok({ ...view, rooms: c.roomNumbers.map((n) => view.rooms.find((r) => r.room_number === n)!).filter(Boolean), refund_points: c.refund, refund_percent: c.percent, policy: c.policyRow.en, whole_order: c.full, status: "pending_approval" as const }, `${asked.message.en} (${c.policyRow.en})`);
    },
  );
}
