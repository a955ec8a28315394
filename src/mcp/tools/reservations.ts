// MCP tools for shop reservations: list_services, request_reservation, get_reservation,
// cancel_reservation. Names and listed fields are a contract with AI clients.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { credentialOf, type McpAuth } from "../../auth/index.ts";
import { config } from "../../config.ts";
import { createDb } from "../../db/client.ts";
import { listEvents, loadRecord, rowToRecord } from "../../db/reservations.ts";
import { reservations } from "../../db/schema.ts";
import { callList, catalog, matchName } from "../../db/shops.ts";
import { RESERVATION_ID_PATTERN, newReservationId } from "../../domain/ids.ts";
import { displayPhone, normalizePhone, textable } from "../../domain/phone.ts";
import { nameProblem } from "../../domain/text.ts";
import { bookingLimits, policy } from "../../domain/policy.ts";
import { takeAll } from "../../db/rate-limits.ts";
import { reservationView } from "../../domain/reservation/view.ts";
import { STATUSES, type Lang, type ReservationRecord } from "../../domain/reservation/types.ts";
import { statusLabel } from "../../domain/messages.ts";
import { upsertUser } from "../../auth/sign-in.ts";
import { formatDateTime, parseIsoWithOffset, toIsoTokyo } from "../../domain/time.ts";
import { reservationStub } from "../../durable/client.ts";
import { ReservationExists } from "../../durable/reservation.ts";
import { FLOW_IN_TWO_SENTENCES } from "../../guides/flow.ts";

export interface ToolDeps {
  env: Env;
  auth: () => McpAuth | undefined;
}

/** Control characters: only newline and tab in free text (names: see nameProblem). */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]/;

// ---- input fields: one named, described schema each --------------------------------------

const reservationId = z
  .string()
  .trim()
  .toUpperCase()
  .regex(RESERVATION_ID_PATTERN, "reservation_id: expected QRV- followed by 6 letters or digits, e.g. QRV-7K3M9P")
  .describe("The reservation id returned by request_reservation, e.g. QRV-7K3M9P.");

const service = z.string().trim().min(1, "service: required").max(100, "service: at most 100 characters").describe("Service name exactly as list_services returns it, e.g. カット (haircut).");
const area = z.string().trim().min(1, "area: required").max(100, "area: at most 100 characters").describe("Area name exactly as list_services returns it, e.g. 渋谷.");
const start = z
  .string()
  .trim()
  .refine((s) => parseIsoWithOffset(s) !== null, "start: use ISO 8601 date and time with a UTC offset, e.g. 2026-12-01T15:00:00+09:00")
  .describe("Requested start, ISO 8601 with offset, e.g. 2026-12-01T15:00:00+09:00 (Japan time is +09:00).");
const partySize = z
  .number({ error: "party_size: a whole number is required" })
  .int("party_size: a whole number is required")
  .min(1, "party_size: at least 1")
  .max(policy.maxPartySize, `party_size: at most ${policy.maxPartySize}; contact support for larger groups`)
  .describe(`Number of people, 1 to ${policy.maxPartySize}.`);
const name = z
  .string()
  .trim()
  .min(1, "name: required")
  .max(100, "name: at most 100 characters")
  .refine((s) => !nameProblem(s), { error: (issue) => `name: ${nameProblem(String(issue.input))}` })
  .optional()
  .describe("The requester's name as the shop should hear it, e.g. 山田 太郎. Required with an API key; a signed-in person's name is used when left out.");
const phone = z
  .string()
  .max(40, "phone: too long")
  .refine((s) => normalizePhone(s).ok, "phone: not a valid Japanese or E.164 phone number (e.g. 090-1234-5678 or +819012345678)")
  .optional()
  .describe(
    "The requester's mobile number; QRV texts the payment link here. Japanese forms (090-1234-5678) or E.164 (+819012345678). Required with an API key; a signed-in person books for their verified number and may leave it out.",
  );
const email = z.email("email: not a valid email address").max(254, "email: too long").optional().describe("Optional email for receipts and updates.");
const notes = z
  .string()
  .max(500, "notes: at most 500 characters")
  .refine((s) => !CONTROL_IN_TEXT.test(s), "notes: control characters other than line breaks are not allowed")
  .optional()
  .describe("Optional request for the shop, e.g. 'short cut, window seat'. Read to the shop on the call.");
const language = z.enum(["ja", "en"], "language: ja or en").default("ja").describe("Language for SMS and email to the requester: ja (default) or en.");

const requestInput = z.strictObject({ service, area, start, party_size: partySize, name, phone, email, notes, language });

// ---- outputs ------------------------------------------------------------------------------

const statusSchema = z.enum(STATUSES).describe("Reservation status.");

const viewOutput = z.object({
  reservation_id: z.string(),
  kind: z.string(),
  status: statusSchema,
  status_label: z.string().describe("The status in words, in the requester's language."),
  service: z.string(),
  area: z.string(),
  start: z.string().describe("Start time, ISO 8601 in Japan time."),
  party_size: z.number(),
  shop: z.object({ name: z.string(), address: z.string().optional() }).optional().describe("The shop, once one accepted."),
  amount_jpy: z.number().optional().describe("Amount to pay online, in yen."),
  payment_url: z.string().optional().describe("Payment link, only while payment is pending."),
  payment_deadline: z.string().optional(),
  refund: z.object({ amount_jpy: z.number(), status: z.string() }).optional(),
  cancellation: z.object({ allowed: z.boolean(), refund: z.boolean().optional(), message: z.string() }).describe("What cancel_reservation would do now."),
  timeline: z.array(z.string()).describe("What has happened, oldest first, one short line each."),
});

// ---- helpers ------------------------------------------------------------------------------

export function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

export function ok<T extends Record<string, unknown>>(structured: T, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

function supportOf(env: Env) {
  const cfg = config(env);
  return { phone: cfg.supportPhone, email: cfg.supportEmail };
}

/**
 * Whose reservations a caller may see: an integrator those made with its API key; a signed-in
 * person those for their verified phone number. Anyone else's is "not found".
 */
function ownedBy(auth: McpAuth): SQL {
  return auth.kind === "api_key" ? eq(reservations.apiKeyId, auth.apiKeyId) : eq(reservations.phone, auth.phone);
}

function owns(auth: McpAuth, record: ReservationRecord): boolean {
  return auth.kind === "api_key" ? record.apiKeyId === auth.apiKeyId : record.requester.phone === auth.phone;
}

async function ownReservation(deps: ToolDeps, id: string) {
  const record = await loadRecord(createDb(deps.env.DB), id);
  const auth = deps.auth();
  if (!record || !auth || !owns(auth, record)) return null;
  return record;
}

/** Who the booking is for: given in full with an API key; the verified number when signed in. */
async function requester(deps: ToolDeps, auth: McpAuth, args: { name?: string | undefined; phone?: string | undefined; email?: string | undefined }): Promise<{ name: string; phone: string; email?: string } | { error: string }> {
  if (auth.kind === "api_key") {
    if (!args.phone) return { error: "phone: required (the requester's mobile number, e.g. 090-1234-5678)" };
    if (!args.name) return { error: "name: required (the requester's name as the shop should hear it)" };
    const parsed = normalizePhone(args.phone);
    if (!parsed.ok) return { error: `phone: ${parsed.reason}` };
    const { smsPrefixes } = config(deps.env);
    if (!textable(parsed.e164, smsPrefixes)) {
      return { error: `phone: ${displayPhone(parsed.e164)} cannot receive QRV's texts (the payment link goes by SMS); give a mobile number starting ${smsPrefixes.join(", ")}` };
    }
    return { name: args.name, phone: parsed.e164, ...(args.email ? { email: args.email } : {}) };
  }
  if (args.phone) {
    const parsed = normalizePhone(args.phone);
    if (!parsed.ok || parsed.e164 !== auth.phone) return { error: `phone: you are signed in as ${displayPhone(auth.phone)}; bookings are made for your verified number, so leave phone out.` };
  }
  const name = args.name ?? auth.name;
  if (!name) return { error: "name: required (the requester's name as the shop should hear it); it is remembered for next time" };
  const email = args.email ?? auth.email;
  // Remembered for this person's next bookings (and their next token).
  if (args.name || args.email) await upsertUser(createDb(deps.env.DB), auth.phone, { ...(args.name ? { name: args.name } : {}), ...(args.email ? { email: args.email } : {}) });
  return { name, phone: auth.phone, ...(email ? { email } : {}) };
}

function tooManyRequests(key: string, retryAt: number, now: number): string {
  const what = key.startsWith("booking:phone:")
    ? "too many booking requests for this phone number"
    : key.startsWith("booking:shop:")
      ? "the partner shops for this service and area are receiving too many requests"
      : "too many booking requests from this client";
  const minutes = Math.max(1, Math.ceil((retryAt - now) / 60_000));
  return `Rate limited: ${what}. Nothing was sent. Try again after ${toIsoTokyo(retryAt)} (in about ${minutes} minute${minutes === 1 ? "" : "s"}).`;
}

// ---- registration -------------------------------------------------------------------------

export function registerReservationTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_services",
    {
      title: "List services and areas",
      description: "Lists the services QRV can book and the areas where partner shops offer them, with the number of shops and the lowest price. Call this first to get exact service and area names for request_reservation.",
      inputSchema: z.strictObject({}),
      outputSchema: z.object({
        services: z.array(z.object({ service: z.string(), areas: z.array(z.object({ area: z.string(), shops: z.number(), from_jpy: z.number() })) })),
        how_it_works: z.object({ ja: z.string(), en: z.string() }).describe("Two sentences to tell a person who uses QRV for the first time."),
      }),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async () => {
      const entries = await catalog(createDb(deps.env.DB));
      const services = entries.map((e) => ({ service: e.service, areas: e.areas.map((a) => ({ area: a.area, shops: a.shops, from_jpy: a.fromJpy })) }));
      const text = services.length
        ? services.map((s) => `${s.service}: ${s.areas.map((a) => `${a.area} (${a.shops} shops, from ¥${a.from_jpy})`).join(", ")}`).join("\n")
        : "No partner shops are available right now.";
      return ok({ services, how_it_works: { ...FLOW_IN_TWO_SENTENCES } }, `${text}\n\nHow QRV works (tell a first-time user): ${FLOW_IN_TWO_SENTENCES.en}`);
    },
  );

  server.registerTool(
    "request_reservation",
    {
      title: "Request a reservation",
      description:
        "Asks QRV to book a service for a person. QRV phones partner shops in the area one after another (at most two rounds). When a shop accepts, the person gets an SMS with a payment link that must be paid within 10 minutes; the booking is confirmed on payment. Returns at once with the reservation id and a page where the person can follow the progress; use get_reservation to check the status.",
      inputSchema: requestInput,
      outputSchema: z.object({
        reservation_id: z.string(),
        status: statusSchema,
        guest_url: z.string().describe("A page for the requester to follow, pay and cancel. Share it only with them."),
        shops_to_call: z.number().describe("How many shops QRV will phone, in order."),
        message: z.string(),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      const auth = deps.auth();
      if (!auth) return fail("Not authorized.");
      const db = createDb(deps.env.DB);
      const now = Date.now();
      const startAt = parseIsoWithOffset(args.start)!;
      if (startAt < now + policy.minLeadTimeMs) return fail(`start: must be at least ${policy.minLeadTimeMs / 60_000} minutes from now (it is ${toIsoTokyo(now)} in Japan).`);
      if (startAt > now + policy.maxAdvanceMs) return fail(`start: must be within ${policy.maxAdvanceMs / 86_400_000} days from now.`);
      const entries = await catalog(db);
      const svc = matchName(args.service, entries.map((e) => e.service));
      if (!svc) return fail(`service: "${args.service}" is not offered. Available: ${entries.map((e) => e.service).join(", ") || "none"}. Call list_services for details.`);
      const areas = entries.find((e) => e.service === svc)!.areas.map((a) => a.area);
      const ar = matchName(args.area, areas);
      if (!ar) return fail(`area: ${svc} is not offered in "${args.area}". Areas for ${svc}: ${areas.join(", ")}.`);
      const shops = await callList(db, svc, ar);
      if (!shops.length) return fail(`area: no partner shop offers ${svc} in ${ar} right now.`);
      const who = await requester(deps, auth, args);
      if ("error" in who) return fail(who.error);
      // Counted before anything is created: a request over a limit texts and phones nobody.
      if (config(deps.env).bookingRateLimits) {
        const limited = await takeAll(db, bookingLimits({ caller: credentialOf(auth), phone: who.phone, shopIds: shops.map((s) => s.id) }), now);
        if (!limited.ok) return fail(tooManyRequests(limited.limit.key, limited.retryAt, now));
      }
      const lang: Lang = args.language;
      const request = {
        service: svc,
        area: ar,
        startAt,
        partySize: args.party_size,
        requester: { name: who.name, phone: who.phone, ...(who.email ? { email: who.email } : {}), language: lang },
        ...(args.notes?.trim() ? { notes: args.notes.trim() } : {}),
        ...(auth.kind === "api_key" ? { apiKeyId: auth.apiKeyId } : {}),
        via: credentialOf(auth),
        shops,
      };
      // A fresh id per try: a clash with an existing reservation just draws again.
      for (let tries = 0; ; tries++) {
        const id = newReservationId();
        try {
          const created = await reservationStub(deps.env, id).create({ id, ...request });
          const when = formatDateTime(startAt, lang);
          const message =
            lang === "ja"
              ? `予約リクエスト ${id} を受け付けました（${svc}・${ar}・${when}・${args.party_size}名）。提携店${shops.length}件に順に電話します。店舗が受けると ${displayPhone(who.phone)} にSMSで決済リンクが届き、10分以内のお支払いで確定します。`
              : `Request ${id} received (${svc}, ${ar}, ${when}, party of ${args.party_size}). QRV will phone ${shops.length} partner shop(s) in turn. When a shop accepts, a payment link is texted to ${displayPhone(who.phone)}; paying within 10 minutes confirms the booking.`;
          return ok({ reservation_id: created.id, status: created.status, guest_url: created.guestUrl, shops_to_call: shops.length, message }, `${message}\n${created.guestUrl}`);
        } catch (err) {
          if (tries < 3 && (err instanceof ReservationExists || /UNIQUE constraint failed: reservations\.id/.test(String(err)))) continue;
          throw err;
        }
      }
    },
  );

  server.registerTool(
    "list_my_reservations",
    {
      title: "List my reservations",
      description: "Lists the caller's reservations, newest first: for a signed-in person those for their verified phone number, for an API key those made with it. Optionally filtered by status.",
      inputSchema: z.strictObject({
        status: statusSchema.optional().describe("Only reservations in this status."),
        limit: z.number().int("limit: a whole number").min(1, "limit: at least 1").max(50, "limit: at most 50").default(20).describe("How many to return (1 to 50, default 20)."),
      }),
      outputSchema: z.object({
        reservations: z.array(
          z.object({ reservation_id: z.string(), status: statusSchema, status_label: z.string(), service: z.string(), area: z.string(), start: z.string(), party_size: z.number(), shop: z.string().optional(), amount_jpy: z.number().optional() }),
        ),
      }),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const auth = deps.auth();
      if (!auth) return fail("Not authorized.");
      const conditions = [ownedBy(auth), eq(reservations.kind, "shop"), ...(args.status ? [eq(reservations.status, args.status)] : [])];
      const rows = await createDb(deps.env.DB).select().from(reservations).where(and(...conditions)).orderBy(desc(reservations.createdAt)).limit(args.limit);
      const list = rows.map(rowToRecord).map((r) => ({
        reservation_id: r.id,
        status: r.status,
        status_label: statusLabel(r.status, r.requester.language),
        service: r.data.service,
        area: r.data.area,
        start: toIsoTokyo(r.startAt),
        party_size: r.partySize,
        ...(r.data.shop ? { shop: r.data.shop.name } : {}),
        ...(r.amountJpy !== undefined ? { amount_jpy: r.amountJpy } : {}),
      }));
      const text = list.length ? list.map((r) => `${r.reservation_id} ${r.start} ${r.service}（${r.area}）: ${r.status_label}`).join("\n") : "No reservations yet.";
      return ok({ reservations: list }, text);
    },
  );

  server.registerTool(
    "get_reservation",
    {
      title: "Get a reservation",
      description: "Returns a reservation's status, the shop once one accepted, the amount, the payment link while payment is pending, what cancelling now would do, and a short timeline.",
      inputSchema: z.strictObject({ reservation_id: reservationId }),
      outputSchema: viewOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const record = await ownReservation(deps, args.reservation_id);
      if (!record) return fail(`reservation_id: no reservation ${args.reservation_id} was found for this client.`);
      const events = await listEvents(createDb(deps.env.DB), record.id);
      const lang = record.requester.language;
      const view = reservationView(record, events.map((e) => ({ at: e.createdAt, note: JSON.parse(e.note), ignored: e.ignored })), lang, Date.now(), supportOf(deps.env));
      const text = [`${view.reservation_id}: ${view.status} (${view.status_label})`, ...(view.payment_url ? [`payment: ${view.payment_url}`] : []), ...view.timeline].join("\n");
      return ok(view, text);
    },
  );

  server.registerTool(
    "cancel_reservation",
    {
      title: "Cancel a reservation",
      description:
        "Cancels a reservation under QRV's policy: before payment it is free; a confirmed booking 48 hours or more before the start is cancelled with a full refund; less than 48 hours before, it is refused and the person is asked to contact customer support. Calling it again does not cancel or refund twice.",
      inputSchema: z.strictObject({
        reservation_id: reservationId,
        reason: z.string().max(300, "reason: at most 300 characters").optional().describe("Optional reason, kept in the audit log."),
      }),
      outputSchema: z.object({
        reservation_id: z.string(),
        outcome: z.enum(["cancelled_free", "cancelled_refund", "refused_deadline", "already_cancelled", "not_cancellable"]),
        status: statusSchema,
        message: z.string(),
        refund_jpy: z.number().optional(),
      }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async (args) => {
      const record = await ownReservation(deps, args.reservation_id);
      const auth = deps.auth();
      if (!record || !auth) return fail(`reservation_id: no reservation ${args.reservation_id} was found for this client.`);
      const result = await reservationStub(deps.env, record.id).dispatch({ type: "cancel", by: "requester", via: credentialOf(auth), ...(args.reason ? { reason: args.reason } : {}) }, "requester");
      const outcome = result.outcome;
      if (!outcome || outcome.type !== "cancel") return fail(`reservation_id: ${record.id} cannot be cancelled in status ${result.status}.`);
      const structured = { reservation_id: record.id, outcome: outcome.result, status: result.status, message: outcome.message, ...(outcome.refundJpy !== undefined ? { refund_jpy: outcome.refundJpy } : {}) };
      return ok(structured, `${record.id}: ${outcome.message}`);
    },
  );
}
