// MCP tools for shop reservations: list_services, request_reservation, get_reservation,
// cancel_reservation. Names and listed fields are a contract with AI clients.
import { acceptedContent, inputRequired, type CallToolResult, type McpServer, type ServerContext } from "@modelcontextprotocol/server";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { credentialOf, type McpAuth } from "../../auth/index.ts";
import { config } from "../../config.ts";
import { createDb } from "../../db/client.ts";
import { listEvents, loadRecord, rowToRecord } from "../../db/reservations.ts";
import { reservations } from "../../db/schema.ts";
import { callList, catalog, matchName } from "../../db/shops.ts";
import { heldClaim, pruneRequestKeysNowAndThen, releaseRequest, replaceClaim } from "../../db/request-keys.ts";
import { RESERVATION_ID_PATTERN, newReservationId, sha256Hex } from "../../domain/ids.ts";
import { formatJpy } from "../../domain/money.ts";
import { describeHours, openAt } from "../../domain/opening-hours.ts";
import { displayPhone, normalizePhone, textable } from "../../domain/phone.ts";
import { approvalHash, buildApproval } from "../../domain/approval.ts";
import { shopBookingPrice } from "../../domain/money.ts";
import { nameProblem } from "../../domain/text.ts";
import { bookingLimits, policy } from "../../domain/policy.ts";
import { pruneNowAndThen, refusal } from "../../db/rate-limits.ts";
import { reservationView } from "../../domain/reservation/view.ts";
import { STATUSES, type Lang, type ReservationRecord } from "../../domain/reservation/types.ts";
import { statusLabel } from "../../domain/messages.ts";
import { upsertUser } from "../../auth/sign-in.ts";
import { formatDateTime, parseIsoWithOffset, toIsoTokyo } from "../../domain/time.ts";
import { reservationStub } from "../../durable/client.ts";
import { ReservationExists } from "../../durable/reservation.ts";
import { FLOW_IN_TWO_SENTENCES } from "../../guides/flow.ts";
import { registerAppTool } from "@modelcontextprotocol/ext-apps/server";
import { BOOKING_CARD_META, cardTool } from "../apps/booking-card.ts";
import { canReachClient } from "../exchange.ts";
import { QRV_ICONS } from "../icons.ts";
import type { ClientLog } from "../logging.ts";

export interface ToolDeps {
  env: Env;
  auth: () => McpAuth | undefined;
  /** The protocol era of this request: "modern" (2026-07-28) or "legacy" (2025-era, stateless). */
  era?: "modern" | "legacy";
  /** Logs to the client at the level it asked for (src/mcp/logging.ts). */
  log?: ClientLog;
}

/** How often a client that cannot subscribe should poll get_reservation, in seconds. */
export const POLL_SECONDS = policy.pollIntervalSeconds;
/** Statuses QRV leaves on its own within moments; a wait for a change goes on past them. */
const MOMENTARY: ReadonlySet<string> = new Set(["requested", "calling_success"]);
/** The longest get_reservation waits for a change when asked to. */
const MAX_WAIT_SECONDS = 50;

/** Control characters: only newline and tab in free text (names: see nameProblem). */
export const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]/;

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
const idempotencyKey = z
  .string()
  .trim()
  .min(1, "idempotency_key: empty")
  .max(200, "idempotency_key: at most 200 characters")
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "idempotency_key: control characters are not allowed")
  .optional()
  .describe(
    `Optional: any unique string for this booking (e.g. a UUID). Sending the same request again with the same key within ${policy.idempotencyKeyTtlMs / 3_600_000} hours returns the first reservation instead of booking twice. Without a key, an identical request from you within ${policy.duplicateRequestWindowMs / 60_000} minutes does the same.`,
  );

const requestInput = z.strictObject({ service, area, start, party_size: partySize, name, phone, email, notes, language, idempotency_key: idempotencyKey });

// ---- outputs ------------------------------------------------------------------------------

const statusSchema = z.enum(STATUSES).describe("Reservation status.");

const approvalSnapshot = z.object({
  version: z.number(),
  revision: z.number().optional().describe("2, 3... for a later change the requester approves; absent for what was asked."),
  supersedes: z.string().optional().describe("The hash of the approval this one replaces."),
  service: z.string(),
  area: z.string(),
  shop: z.string().optional(),
  menu: z.string().optional(),
  start: z.string(),
  party_size: z.number(),
  price_jpy: z.object({ min: z.number(), max: z.number() }).describe("The payment is never more than max."),
  cancellation_policy: z.string(),
  requester: z.object({ name: z.string(), phone: z.string() }),
  asked_by: z.object({ kind: z.enum(["api_key", "user"]), id: z.string(), name: z.string().optional() }),
  client: z.object({ name: z.string().optional(), version: z.string().optional(), oauth_client_id: z.string().optional() }).optional(),
  proposed: z.object({ by: z.literal("operator"), name: z.string(), at: z.string(), reason: z.string() }).optional().describe("A change: who put it to the requester, and when."),
  approved_at: z.string().optional(),
});

const approvalOutput = z
  .object({
    hash: z.string().describe("sha256: digest of the snapshot's canonical JSON."),
    snapshot: approvalSnapshot,
    approved_at: z.string().optional().describe("A change: when the requester approved it on their page."),
  })
  .describe("What the requester approved (when asking, or a change since), frozen and hashed; the payment never exceeds its price_jpy.max.");

const changeApprovalOutput = z
  .object({
    status: z.literal("awaiting_requester"),
    hash: z.string(),
    snapshot: approvalSnapshot,
    amount_jpy: z.number().describe("What the payment will be once approved."),
    message: z.string(),
  })
  .describe("A shop's change an operator accepted, waiting for the requester to approve or decline it on their page (the SMS links to it). No payment link until approved.");

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
  approval: approvalOutput.optional(),
  change_approval: changeApprovalOutput.optional(),
  timeline: z.array(z.string()).describe("What has happened, oldest first, one short line each."),
});

// Built once per isolate, like the inputs above: the server is built per request, and a schema
// built here is converted to JSON Schema once (schema-cache.ts).
const listServicesInput = z.strictObject({});
const listServicesOutput = z.object({
  services: z.array(z.object({ service: z.string(), areas: z.array(z.object({ area: z.string(), shops: z.number(), from_jpy: z.number() })) })),
  how_it_works: z.object({ ja: z.string(), en: z.string() }).describe("Two sentences to tell a person who uses QRV for the first time."),
});
const requestOutput = z.object({
  reservation_id: z.string(),
  status: statusSchema,
  guest_url: z.string().describe("A page for the requester to follow, pay and cancel. Share it only with them."),
  shops_to_call: z.number().describe("How many shops QRV will phone, in order."),
  message: z.string(),
  approval: approvalOutput.optional(),
  repeated: z.boolean().optional().describe("True when this answers a request already received: the first reservation is returned and nothing new is booked."),
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
export function ownedBy(auth: McpAuth): SQL {
  return auth.kind === "api_key" ? eq(reservations.apiKeyId, auth.apiKeyId) : eq(reservations.phone, auth.phone);
}

function owns(auth: McpAuth, record: ReservationRecord): boolean {
  return auth.kind === "api_key" ? record.apiKeyId === auth.apiKeyId : record.requester.phone === auth.phone;
}

export async function ownReservation(deps: ToolDeps, id: string) {
  const record = await loadRecord(createDb(deps.env.DB), id);
  const auth = deps.auth();
  if (!record || !auth || !owns(auth, record)) return null;
  return record;
}

/** The requester's view of a reservation (get_reservation's result, the resource's contents). */
export async function viewOf(deps: ToolDeps, record: ReservationRecord) {
  const events = await listEvents(createDb(deps.env.DB), record.id);
  const lang = record.requester.language;
  return reservationView(record, events.map((e) => ({ at: e.createdAt, note: JSON.parse(e.note), ignored: e.ignored })), lang, Date.now(), supportOf(deps.env));
}

/**
 * Waits (polling D1) until the reservation's status moves on or `seconds` pass (passing over
 * statuses that last only a moment, such as a shop's yes before its payment link exists),
 * telling the client how long it has waited through progress notifications when it asked for
 * them, and logging each check at debug level. Returns the latest record.
 */
async function waitForChange(deps: ToolDeps, record: ReservationRecord, seconds: number, ctx: ServerContext): Promise<ReservationRecord> {
  const token = ctx.mcpReq._meta?.progressToken;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let latest = record;
  let step = 0;
  while (Date.now() < deadline && !ctx.mcpReq.signal.aborted) {
    await new Promise((r) => setTimeout(r, 1000));
    latest = (await ownReservation(deps, record.id)) ?? latest;
    step++;
    if (token !== undefined) {
      await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress: Math.min(step, seconds), total: seconds, message: `${latest.id}: ${latest.status}` } });
    }
    const log = deps.log ?? ((c, level, data, logger) => c.mcpReq.log(level, data, logger));
    await log(ctx, "debug", { reservation_id: latest.id, status: latest.status, waited_seconds: Math.round((Date.now() - started) / 1000) }, "qrv.get_reservation");
    if (latest.status !== record.status && !MOMENTARY.has(latest.status)) break;
  }
  return latest;
}

// ---- asking the person through the client (elicitation) ---------------------------------------
// On 2026-07-28 the question rides the tool's result (input_required) and the client retries the
// same call with the answer. A 2025-era client that declared elicitation gets the same question
// as a request on the call's stream: the SDK turns the input_required result into it, and the
// answer comes back through an exchange (src/mcp/exchange.ts). Other 2025-era clients get the
// usual result.

/** The non-sensitive details a signed-in person may be asked for when they are missing. */
const requesterForm = z.object({
  name: z.string().trim().min(1).max(100).refine((s) => !nameProblem(s)).describe("Your name as the shop should hear it, e.g. 山田 太郎"),
  email: z.email().max(254).optional().describe("Email for receipts and updates (optional)"),
});

/** Whether this request's client can be asked in `mode`: it declared it (on 2026-07-28, or at initialize on a 2025-era session that can be reached). */
function canAsk(server: McpServer, deps: ToolDeps, mode: "form" | "url"): boolean {
  if (deps.era !== "modern" && !canReachClient(server)) return false;
  const elicitation = server.server.getClientCapabilities()?.elicitation as { form?: unknown; url?: unknown } | undefined;
  if (!elicitation) return false;
  // A bare `elicitation: {}` means form mode (the rule from before modes existed).
  return mode === "url" ? elicitation.url !== undefined : elicitation.form !== undefined || Object.keys(elicitation).length === 0;
}

/** Who the booking is for: given in full with an API key; the verified number when signed in. */
export async function requester(deps: ToolDeps, auth: McpAuth, args: { name?: string | undefined; phone?: string | undefined; email?: string | undefined }): Promise<{ name: string; phone: string; email?: string } | { error: string }> {
  if (auth.kind === "api_key") {
    const missing = [
      ...(args.name ? [] : ["name: required (the requester's name as the shop should hear it)"]),
      ...(args.phone ? [] : ["phone: required (the requester's mobile number, e.g. 090-1234-5678)"]),
    ];
    if (missing.length || !args.name || !args.phone) return { error: missing.join("\n") };
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

export function tooManyRequests(key: string, retryAt: number, now: number): string {
  const what = key.startsWith("booking:phone:")
    ? "too many booking requests for this phone number"
    : key.startsWith("booking:shop:")
      ? "the partner shops for this service and area are receiving too many requests"
      : "too many booking requests from this client";
  const minutes = Math.max(1, Math.ceil((retryAt - now) / 60_000));
  return `Rate limited: ${what}. Nothing was sent. Try again after ${toIsoTokyo(retryAt)} (in about ${minutes} minute${minutes === 1 ? "" : "s"}).`;
}

/** Statuses after which the same request, sent again without a key, is a new booking. */
const ENDED: ReadonlySet<string> = new Set(["cancelled", "payment_timeout", "no_shop_available", "completed"]);

/** The answer to a repeated request: the reservation the first one made, said to be that. */
async function replay(deps: ToolDeps, id: string, lang: Lang): Promise<CallToolResult> {
  const db = createDb(deps.env.DB);
  // The first request may still be creating it (a double send): give it a moment.
  let record = await loadRecord(db, id);
  for (let i = 0; !record && i < 10; i++) {
    await new Promise((r) => setTimeout(r, 200));
    record = await loadRecord(db, id);
  }
  if (!record) return fail(`The same request is being made right now as ${id}; call get_reservation with that id in a few seconds instead of sending it again.`);
  // The object's one link (its placeholder key is its own): the guest page URL with its token.
  const guest_url = Object.values(await reservationStub(deps.env, id).links())[0] ?? "";
  const shopsToCall = record.data.plan.length;
  const message =
    lang === "ja"
      ? `同じ依頼はすでに ${id} として受け付けています（二重には電話しません）。現在の状況: ${statusLabel(record.status, lang)}。`
      : `This is the same request as ${id}, already received: QRV is not booking it twice. Its status: ${statusLabel(record.status, lang)}.`;
  const approval = record.data.approval ? { approval: { snapshot: record.data.approval.snapshot, hash: record.data.approval.hash } } : {};
  return ok({ reservation_id: id, status: record.status, guest_url, shops_to_call: shopsToCall, message, repeated: true, ...approval }, `${message}\n${guest_url}`);
}

// ---- tool schemas (built once per isolate; a request builds none) --------------------------

const listMyReservationsInput = z.strictObject({
  status: statusSchema.optional().describe("Only reservations in this status."),
  limit: z.number().int("limit: a whole number").min(1, "limit: at least 1").max(50, "limit: at most 50").default(20).describe("How many to return (1 to 50, default 20)."),
});
const listMyReservationsOutput = z.object({
  reservations: z.array(
    z.object({ reservation_id: z.string(), status: statusSchema, status_label: z.string(), service: z.string(), area: z.string(), start: z.string(), party_size: z.number(), shop: z.string().optional(), amount_jpy: z.number().optional() }),
  ),
});
const getReservationInput = z.strictObject({
  reservation_id: reservationId,
  wait_seconds: z
    .number({ error: "wait_seconds: a whole number of seconds" })
    .int("wait_seconds: a whole number of seconds")
    .min(0, "wait_seconds: at least 0")
    .max(MAX_WAIT_SECONDS, `wait_seconds: at most ${MAX_WAIT_SECONDS}`)
    .optional()
    .describe(`Optional: wait up to this many seconds (at most ${MAX_WAIT_SECONDS}) for the status to change before answering, with progress notifications while waiting. Leave out to answer at once.`),
});
const cancelReservationInput = z.strictObject({
  reservation_id: reservationId,
  reason: z.string().max(300, "reason: at most 300 characters").optional().describe("Optional reason, kept in the audit log."),
});
const cancelReservationOutput = z.object({
  reservation_id: z.string(),
  outcome: z.enum(["cancelled_free", "cancelled_refund", "refused_deadline", "already_cancelled", "not_cancellable"]),
  status: statusSchema,
  message: z.string(),
  refund_jpy: z.number().optional(),
});

// ---- registration -------------------------------------------------------------------------

export function registerReservationTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_services",
    {
      title: "List services and areas",
      description: "Lists the services QRV can book and the areas where partner shops offer them, with the number of shops and the lowest price. Call this first to get exact service and area names for request_reservation.",
      inputSchema: listServicesInput,
      outputSchema: listServicesOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      icons: QRV_ICONS,
    },
    async () => {
      const entries = await catalog(createDb(deps.env.DB));
      const services = entries.map((e) => ({ service: e.service, areas: e.areas.map((a) => ({ area: a.area, shops: a.shops, from_jpy: a.fromJpy })) }));
      const text = services.length
        ? services.map((s) => `${s.service}: ${s.areas.map((a) => `${a.area} (${a.shops} ${a.shops === 1 ? "shop" : "shops"}, from ${formatJpy(a.from_jpy)})`).join(", ")}`).join("\n")
        : "No partner shops are available right now.";
      return ok({ services, how_it_works: { ...FLOW_IN_TWO_SENTENCES } }, `${text}\n\nHow QRV works (tell a first-time user): ${FLOW_IN_TWO_SENTENCES.en}`);
    },
  );

  registerAppTool(
    server,
    "request_reservation",
    cardTool({
      title: "Request a reservation",
      description:
        `Asks QRV to book a service for a person. The start must be at least ${policy.minLeadTimeMs / 60_000} minutes and at most ${policy.maxAdvanceMs / 86_400_000} days ahead. QRV phones partner shops in the area one after another (at most two rounds). When a shop accepts, the person gets an SMS with a payment link that must be paid within 10 minutes; the booking is confirmed on payment. Returns at once with the reservation id and a page where the person can follow the progress; check the status with get_reservation no more often than every ${policy.pollIntervalSeconds} seconds (calls take minutes). Safe to retry: the same request again (or the same idempotency_key) returns the first reservation instead of booking twice.`,
      inputSchema: requestInput,
      outputSchema: requestOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      icons: QRV_ICONS,
      _meta: BOOKING_CARD_META,
    }),
    async (given, ctx) => {
      const auth = deps.auth();
      if (!auth) return fail("Not authorized.");
      const db = createDb(deps.env.DB);
      const now = Date.now();
      const startAt = parseIsoWithOffset(given.start)!;
      if (startAt < now + policy.minLeadTimeMs) return fail(`start: must be at least ${policy.minLeadTimeMs / 60_000} minutes from now (it is ${toIsoTokyo(now)} in Japan).`);
      if (startAt > now + policy.maxAdvanceMs) return fail(`start: must be within ${policy.maxAdvanceMs / 86_400_000} days from now.`);
      const entries = await catalog(db);
      const svc = matchName(given.service, entries.map((e) => e.service));
      if (!svc) return fail(`service: "${given.service}" is not offered. Available: ${entries.map((e) => e.service).join(", ") || "none"}. Call list_services for details.`);
      const areas = entries.find((e) => e.service === svc)!.areas.map((a) => a.area);
      const ar = matchName(given.area, areas);
      if (!ar) return fail(`area: ${svc} is not offered in "${given.area}". Areas for ${svc}: ${areas.join(", ")}.`);
      const listed = await callList(db, svc, ar);
      if (!listed.length) return fail(`area: no partner shop offers ${svc} in ${ar} right now.`);
      // Shops closed at that time are not called; when every one is, the request is refused with their hours.
      const shops = listed.filter((s) => openAt(s.hours, startAt));
      if (!shops.length) {
        const hours = [...new Set(listed.map((s) => describeHours(s.hours, given.language)))].join(" / ");
        return fail(`start: no partner shop offering ${svc} in ${ar} is open at ${formatDateTime(startAt, "en")} (Japan time). Opening hours: ${hours}. Choose a time within them.`);
      }
      // A signed-in person whose name QRV does not know yet is asked for it, with their email.
      const answered = acceptedContent(ctx.mcpReq.inputResponses, "requester", requesterForm);
      const args = answered ? { ...given, name: given.name ?? answered.name, email: given.email ?? answered.email } : given;
      if (auth.kind === "user" && !args.name && !auth.name && ctx.mcpReq.inputResponses?.requester === undefined && canAsk(server, deps, "form")) {
        return inputRequired({
          inputRequests: {
            requester: inputRequired.elicit({
              message: args.language === "en" ? "QRV needs the name the shop should hear (and, if you like, an email for receipts). It is remembered for next time." : "お店に伝えるお名前（ご希望ならレシート用のメールアドレスも）を教えてください。次回からは入力不要です。",
              requestedSchema: requesterForm,
            }),
          },
        });
      }
      const who = await requester(deps, auth, args);
      if ("error" in who) return fail(who.error);
      const lang: Lang = args.language;
      const client = server.server.getClientVersion();
      const oauthClientId = auth.kind === "user" ? ctx.http?.authInfo?.clientId : undefined;
      const snapshot = buildApproval({
        service: svc,
        area: ar,
        start: toIsoTokyo(startAt),
        partySize: args.party_size,
        prices: shops.map((s) => shopBookingPrice(s.priceJpy)),
        requester: { name: who.name, phone: who.phone },
        askedBy: auth.kind === "api_key" ? { kind: "api_key", id: auth.apiKeyId, name: auth.apiKeyName } : { kind: "user", id: auth.userId },
        client: { ...(client?.name ? { name: client.name } : {}), ...(client?.version ? { version: client.version } : {}), ...(oauthClientId ? { oauth_client_id: oauthClientId } : {}) },
        approvedAt: toIsoTokyo(now),
      });
      const approval = { snapshot, hash: await approvalHash(snapshot) };
      const request = {
        approval,
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
      // Safe to retry: the request is claimed under the caller's key (theirs, or the request's
      // own hash for 10 minutes), so a retry or a double send returns the first reservation
      // instead of phoning shops twice. The claim and the booking limits are decided in the
      // reservation's own commit (one D1 batch): either the claim is won, the limits have room
      // and the reservation is written, or nothing is. A repeat is not counted against a limit.
      const caller = auth.kind === "api_key" ? `api_key:${auth.apiKeyId}` : `phone:${auth.phone}`;
      const fingerprint = await sha256Hex(JSON.stringify([svc, ar, startAt, args.party_size, who.name, who.phone, who.email ?? "", request.notes ?? "", lang]));
      const slot = args.idempotency_key ? { key: `key:${args.idempotency_key}`, ttlMs: policy.idempotencyKeyTtlMs } : { key: `same:${fingerprint}`, ttlMs: policy.duplicateRequestWindowMs };
      const limits = config(deps.env).bookingRateLimits ? bookingLimits({ caller: credentialOf(auth), phone: who.phone, shopIds: shops.map((s) => s.id) }) : undefined;
      await pruneRequestKeysNowAndThen(db, now - policy.idempotencyKeyTtlMs, now);
      if (limits) await pruneNowAndThen(db, now);
      // The claim moved to a new reservation after the first one ended (below): create that one.
      let claimedFor: string | undefined;
      for (let tries = 0; ; tries++) {
        // A fresh id per try: a clash with an existing reservation just draws again.
        const id = claimedFor ?? newReservationId();
        const gate = { ...(claimedFor ? {} : { claim: { caller, key: slot.key, fingerprint, ttlMs: slot.ttlMs, now } }), ...(limits ? { limits } : {}), now };
        let created;
        try {
          created = await reservationStub(deps.env, id).createGated({ id, ...request }, gate);
        } catch (err) {
          if (claimedFor) await releaseRequest(db, caller, slot.key, id);
          claimedFor = undefined;
          if (tries < 3 && (err instanceof ReservationExists || /UNIQUE constraint failed: reservations\.id/.test(String(err)))) continue;
          throw err;
        }
        if (!("held" in created)) {
          const when = formatDateTime(startAt, lang);
          const message =
            lang === "ja"
              ? `予約リクエスト ${id} を受け付けました（${svc}・${ar}・${when}・${args.party_size}名）。提携店${shops.length}件に順に電話します。店舗が受けると ${displayPhone(who.phone)} にSMSで決済リンクが届き、10分以内のお支払いで確定します。`
              : `Request ${id} received (${svc}, ${ar}, ${when}, party of ${args.party_size}). QRV will phone ${shops.length} partner ${shops.length === 1 ? "shop" : "shops"} in turn. When a shop accepts, a payment link is texted to ${displayPhone(who.phone)}; paying within 10 minutes confirms the booking.`;
          return ok({ reservation_id: created.id, status: created.status, guest_url: created.guestUrl, shops_to_call: shops.length, message, approval }, `${message}\n${created.guestUrl}\n${lang === "ja" ? "承認記録" : "Approval record"}: ${approval.hash}`);
        }
        // Held back: a limit was full (the claim is this request's), or someone holds the claim.
        const held = await heldClaim(db, caller, slot.key);
        if (held?.reservationId === id && limits) {
          await releaseRequest(db, caller, slot.key, id);
          const limited = await refusal(db, limits, now);
          return fail(tooManyRequests(limited.limit.key, limited.retryAt, now));
        }
        claimedFor = undefined;
        // Released since (a creation that failed): claim again.
        if (!held) continue;
        if (held.fingerprint !== fingerprint) return fail(`idempotency_key: already used for a different request (${held.reservationId}); use a new key for a new booking.`);
        // Without a key, asking again after the first one ended (cancelled, timed out) is a new booking.
        const ended = !args.idempotency_key && ENDED.has((await loadRecord(db, held.reservationId))?.status ?? "requested");
        if (!ended) return replay(deps, held.reservationId, lang);
        const next = newReservationId();
        if (await replaceClaim(db, caller, slot.key, held.reservationId, fingerprint, next, now)) claimedFor = next;
      }
    },
  );

  server.registerTool(
    "list_my_reservations",
    {
      title: "List my reservations",
      description: "Lists the caller's reservations, newest first: for a signed-in person those for their verified phone number, for an API key those made with it. Optionally filtered by status.",
      inputSchema: listMyReservationsInput,
      outputSchema: listMyReservationsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      icons: QRV_ICONS,
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

  registerAppTool(
    server,
    "get_reservation",
    cardTool({
      title: "Get a reservation",
      description: `Returns a reservation's status, the shop once one accepted, the amount, the payment link while payment is pending, what cancelling now would do, and a short timeline. When a shop asked for a change and an operator accepted it, change_approval shows the new terms (hashed) waiting for the requester to approve or decline them on their page, linked in the SMS: no payment link goes out before they approve, and the payment never exceeds what they approve. Rather than polling, subscribe to the resource qrv://reservations/{id} where the client supports it (you are told when the status changes). Otherwise poll at most every ${POLL_SECONDS} seconds while QRV is calling shops or payment is pending, and stop once the status is final (confirmed, cancelled, no_shop_available, payment_timeout, completed); or pass wait_seconds to wait for the next change in one call (a client that supports URL elicitation is then asked to open the payment link as soon as a shop accepts).`,
      inputSchema: getReservationInput,
      outputSchema: viewOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      icons: QRV_ICONS,
      _meta: BOOKING_CARD_META,
    }),
    async (args, ctx) => {
      let record = await ownReservation(deps, args.reservation_id);
      if (!record) return fail(`reservation_id: no reservation ${args.reservation_id} was found for this client.`);
      const retried = ctx.mcpReq.inputResponses?.pay !== undefined;
      const before = record.status;
      if (args.wait_seconds && !retried) record = await waitForChange(deps, record, args.wait_seconds, ctx);
      const view = await viewOf(deps, record);
      // A shop accepted while the client waited: ask it to open the payment link for the person
      // (the SMS has gone out too). Asked once, when the wait sees it; the retry gets the view.
      if (!retried && before !== "payment_pending" && view.payment_url && canAsk(server, deps, "url")) {
        const en = record.requester.language === "en";
        return inputRequired({
          inputRequests: {
            pay: inputRequired.elicitUrl({
              message: en
                ? `${view.shop?.name ?? "The shop"} accepted. Pay ${formatJpy(view.amount_jpy ?? 0)} by ${view.payment_deadline} (Japan time) to confirm ${record.id}.`
                : `${view.shop?.name ?? "店舗"}が予約を受けました。${view.payment_deadline}（日本時間）までに${formatJpy(view.amount_jpy ?? 0)}をお支払いいただくと ${record.id} が確定します。`,
              url: view.payment_url,
            }),
          },
        });
      }
      const text = [
        `${view.reservation_id}: ${view.status} (${view.status_label})`,
        ...(view.change_approval ? [`${view.change_approval.message} (${view.change_approval.hash})`] : []),
        ...(view.payment_url ? [`payment: ${view.payment_url}`] : []),
        ...view.timeline,
      ].join("\n");
      return ok(view, text);
    },
  );

  server.registerTool(
    "cancel_reservation",
    {
      title: "Cancel a reservation",
      description:
        "Cancels a reservation under QRV's policy: before payment it is free; a confirmed booking 48 hours or more before the start is cancelled with a full refund; less than 48 hours before, it is refused and the person is asked to contact customer support. Calling it again does not cancel or refund twice.",
      inputSchema: cancelReservationInput,
      outputSchema: cancelReservationOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
      icons: QRV_ICONS,
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
