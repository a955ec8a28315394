// MCP tools for 1-on-1 sessions (seed 001): list_coaches, find_session_slots, request_session,
// book_session_slot, get_session, reschedule_session, cancel_session. Names and listed fields
// are a contract with AI clients; the extra optional fields are for convenience.
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { credentialOf, type McpAuth } from "../../auth/index.ts";
import { config } from "../../config.ts";
import { takeAll } from "../../db/rate-limits.ts";
import { bookingLimits } from "../../domain/policy.ts";
import { formatJpy } from "../../domain/money.ts";
import { nameProblem } from "../../domain/text.ts";
import { createDb } from "../../db/client.ts";
import { loadAnyRecord } from "../../db/reservations.ts";
import { listActiveCoaches, getCoach, getMenu } from "../../db/sessions.ts";
import { RESERVATION_ID_PATTERN } from "../../domain/ids.ts";
import { SESSION_STATUSES, sessionsRemaining, type EngagementRecord } from "../../domain/reservation/session-machine.ts";
import { engagementStatusLabel, nextStep } from "../../domain/sessions/view.ts";
import { parseIsoWithOffset, toIsoTokyo } from "../../domain/time.ts";
import { reservationStub } from "../../durable/client.ts";
import { guestUrlOf } from "../../queues/messages.ts";
import { requestEngagement } from "../../durable/engagement-client.ts";
import { freeSlots, type BookResult } from "../../durable/engagement.ts";
import { CONTROL_IN_TEXT, fail, ok, requester, tooManyRequests, type ToolDeps } from "./reservations.ts";

const DAY = 86_400_000;

// ---- input fields -------------------------------------------------------------------------

const engagementId = z
  .string()
  .trim()
  .toUpperCase()
  .regex(RESERVATION_ID_PATTERN, "engagement_id: expected QRV- followed by 6 letters or digits, e.g. QRV-7K3M9P")
  .describe("The engagement id returned by request_session, e.g. QRV-7K3M9P.");
const coachId = z.string().trim().min(1, "coach_id: required").max(100).describe("A coach id from list_coaches.");
const menuId = z.string().trim().min(1, "menu_id: required").max(100).describe("A menu id of that coach, from list_coaches.");
const isoTime = (field: string, what: string) =>
  z
    .string()
    .trim()
    .refine((s) => parseIsoWithOffset(s) !== null, `${field}: use ISO 8601 date and time with a UTC offset, e.g. 2026-12-01T15:00:00+09:00`)
    .describe(`${what}, ISO 8601 with offset, e.g. 2026-12-01T15:00:00+09:00 (Japan time is +09:00).`);
const text = (field: string, max: number, what: string) =>
  z
    .string()
    .max(max, `${field}: at most ${max} characters`)
    .refine((s) => !CONTROL_IN_TEXT.test(s), `${field}: control characters other than line breaks are not allowed`)
    .describe(what);

const requestInput = z.strictObject({
  coach_id: coachId,
  menu_id: menuId,
  name: z
    .string()
    .trim()
    .min(1, "name: required")
    .max(100, "name: at most 100 characters")
    .refine((s) => !nameProblem(s), { error: (issue) => `name: ${nameProblem(String(issue.input))}` })
    .optional().describe("The client's name. Required with an API key; a signed-in person's name is used when left out."),
  phone: z.string().max(40, "phone: too long").optional().describe("The client's mobile number (090-1234-5678 or +819012345678); every message and the client's page link go here by SMS. Required with an API key."),
  email: z.email("email: not a valid email address").max(254).optional().describe("Optional email."),
  topic: text("topic", 1000, "What the client wants to talk about (themes, questions, goals).").optional(),
  preferred_times: z.array(text("preferred_times", 200, "A time that suits the client, in words or ISO 8601.")).max(10, "preferred_times: at most 10").optional().describe("Times that suit the client, e.g. ['weekday evenings', '2026-12-05T10:00:00+09:00']."),
  trial: z.boolean().default(false).describe("Ask for a free trial session first (only where list_coaches says trial: true)."),
  language: z.enum(["ja", "en"], "language: ja or en").default("ja").describe("Language of the client's messages and page: ja (default) or en."),
});

// ---- outputs ------------------------------------------------------------------------------

const statusSchema = z.enum(SESSION_STATUSES).describe("Engagement status.");
const slotSchema = z.object({ start: z.string(), end: z.string() });
const sessionView = z.object({
  engagement_id: z.string(),
  status: statusSchema,
  status_label: z.string(),
  next_step: z.string(),
  coach: z.object({ coach_id: z.string(), name: z.string() }),
  menu: z.object({ menu_id: z.string(), name: z.string(), price_jpy: z.number(), minutes: z.number(), sessions: z.number() }),
  sessions_remaining: z.number(),
  session: z.object({ number: z.number(), start: z.string(), end: z.string(), meeting_url: z.string(), trial: z.boolean() }).optional().describe("The booked session, with its meeting link."),
  payment_url: z.string().optional().describe("The payment link while payment is pending."),
  page_url: z.string().describe("The client's own page (terms, payment, time, session info, survey). Share it only with them."),
});

// ---- helpers ------------------------------------------------------------------------------

function owns(auth: McpAuth, r: EngagementRecord): boolean {
  return auth.kind === "api_key" ? r.apiKeyId === auth.apiKeyId : r.requester.phone === auth.phone;
}

async function ownEngagement(deps: ToolDeps, id: string): Promise<EngagementRecord | null> {
  const auth = deps.auth();
  const r = await loadAnyRecord(createDb(deps.env.DB), id);
  if (!auth || !r || r.kind !== "session" || !owns(auth, r)) return null;
  return r;
}

async function view(deps: ToolDeps, r: EngagementRecord) {
  const lang = r.requester.language;
  const links = await reservationStub(deps.env, r.id).links();
  const s = r.data.current;
  return {
    engagement_id: r.id,
    status: r.status,
    status_label: engagementStatusLabel(r.status, lang),
    next_step: nextStep(r, lang),
    coach: { coach_id: r.data.coach.id, name: r.data.coach.name },
    menu: { menu_id: r.data.menu.id, name: r.data.menu.name, price_jpy: r.data.menu.priceJpy, minutes: r.data.menu.minutes, sessions: r.data.menu.sessions },
    sessions_remaining: sessionsRemaining(r),
    ...(s && !s.outcome ? { session: { number: s.no, start: toIsoTokyo(s.start), end: toIsoTokyo(s.end), meeting_url: s.meetingUrl, trial: s.trial } } : {}),
    ...(r.status === "payment_pending" && r.data.payment?.url ? { payment_url: r.data.payment.url } : {}),
    page_url: links.guest_url ?? "",
  };
}

const slots = (list: { start: number; end: number }[]) => list.map((s) => ({ start: toIsoTokyo(s.start), end: toIsoTokyo(s.end) }));

function bookFailure(result: Extract<BookResult, { ok: false }>) {
  const next = slots(result.nextSlots ?? []);
  const head = result.reason === "pending_approval" ? "Waiting for the coach" : result.reason === "refused" ? "Not possible now" : "Refused";
  const textLines = [`${head}: ${result.message}${result.reason === "pending_approval" ? "" : "."}`, ...(next.length ? ["Next free slots:", ...next.map((s) => `- ${s.start}`)] : [])];
  return { isError: true, content: [{ type: "text" as const, text: textLines.join("\n") }], structuredContent: { error: result.reason, message: result.message, next_slots: next } };
}

// ---- tool schemas (built once per isolate; a request builds none) --------------------------

const listCoachesInput = z.strictObject({});
const listCoachesOutput = z.object({
  coaches: z.array(
    z.object({
      coach_id: z.string(),
      name: z.string(),
      about: z.string().optional(),
      menus: z.array(z.object({ menu_id: z.string(), name: z.string(), price_jpy: z.number(), minutes: z.number(), trial: z.boolean(), sessions: z.number().optional(), out_of_scope: z.string().optional() })),
    }),
  ),
});
const findSessionSlotsInput = z.strictObject({ coach_id: coachId, menu_id: menuId, from: isoTime("from", "Earliest start"), to: isoTime("to", "Latest start (exclusive)") });
const findSessionSlotsOutput = z.object({ slots: z.array(slotSchema) });
const requestSessionOutput = z.object({ engagement_id: z.string(), status: statusSchema, client: z.enum(["new", "existing"]), page_url: z.string(), next_step: z.string(), message: z.string() });
const bookSessionSlotInput = z.strictObject({ engagement_id: engagementId, start: isoTime("start", "Session start") });
const getSessionInput = z.strictObject({ engagement_id: engagementId });
const rescheduleSessionInput = z.strictObject({ engagement_id: engagementId, start: isoTime("start", "New session start") });
const cancelSessionInput = z.strictObject({ engagement_id: engagementId, reason: z.string().max(300, "reason: at most 300 characters").optional().describe("Optional reason, kept in the audit log.") });
const cancelSessionOutput = z.object({ engagement_id: z.string(), outcome: z.enum(["session_cancelled", "engagement_cancelled"]), status: statusSchema, message: z.string() });

// ---- registration -------------------------------------------------------------------------

export function registerSessionTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_coaches",
    {
      title: "List coaches",
      description: "Lists the coaches who take 1-on-1 online sessions (coaching, consulting, lessons) through QRV, with their menus: price, length, and whether a free trial is offered. Call this first to get coach_id and menu_id.",
      inputSchema: listCoachesInput,
      outputSchema: listCoachesOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async () => {
      const list = await listActiveCoaches(createDb(deps.env.DB));
      const coaches = list.map(({ coach, menus }) => ({
        coach_id: coach.id,
        name: coach.name,
        ...(coach.bio ? { about: coach.bio } : {}),
        menus: menus.map((m) => ({ menu_id: m.id, name: m.name, price_jpy: m.priceJpy, minutes: m.minutes, trial: coach.trialOffered && m.trial, sessions: m.sessions, ...(m.outOfScope ? { out_of_scope: m.outOfScope } : {}) })),
      }));
      const textOut = coaches.length ? coaches.map((c) => `${c.name} (${c.coach_id}): ${c.menus.map((m) => `${m.name} ${formatJpy(m.price_jpy)} ${m.minutes}min${m.trial ? ", free trial" : ""} [${m.menu_id}]`).join("; ")}`).join("\n") : "No coaches are taking sessions right now.";
      return ok({ coaches }, textOut);
    },
  );

  server.registerTool(
    "find_session_slots",
    {
      title: "Find session slots",
      description: "Lists a coach's free start times for a menu between from and to (at most 31 days apart), from the coach's weekly hours, days off, buffer and minimum notice. Times are Japan time.",
      inputSchema: findSessionSlotsInput,
      outputSchema: findSessionSlotsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const db = createDb(deps.env.DB);
      const from = parseIsoWithOffset(args.from)!;
      const to = parseIsoWithOffset(args.to)!;
      if (to <= from) return fail("to: must be after from.");
      if (to - from > 31 * DAY) return fail("to: at most 31 days after from.");
      const menu = await getMenu(db, args.coach_id, args.menu_id);
      if (!menu || !(await getCoach(db, args.coach_id))?.active) return fail("coach_id/menu_id: no such coach or menu (list_coaches gives the ids).");
      const found = slots(await freeSlots(deps.env, db, args.coach_id, menu.minutes, from, to, Date.now(), { limit: 100 }));
      return ok({ slots: found }, found.length ? found.map((s) => s.start).join("\n") : "No free slots in that range; try later dates.");
    },
  );

  server.registerTool(
    "request_session",
    {
      title: "Request a session (inquiry)",
      description:
        "Makes an inquiry to a coach for the client. QRV texts the client a link to their own page: missing details are asked for there; then the coach's terms and contract are agreed on the page, payment follows (a card checkout link), and the client picks a time (or use book_session_slot once paid). With trial: true a free trial comes first. Returns the engagement id, its status and what happens next.",
      inputSchema: requestInput,
      outputSchema: requestSessionOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      const auth = deps.auth();
      if (!auth) return fail("Not authorized.");
      const who = await requester(deps, auth, args);
      if ("error" in who) return fail(who.error);
      const db = createDb(deps.env.DB);
      // Counted before anything is created, with the same counters as shop bookings: a request
      // over a limit texts nobody.
      if (config(deps.env).bookingRateLimits) {
        const now = Date.now();
        const limited = await takeAll(db, bookingLimits({ caller: credentialOf(auth), phone: who.phone, shopIds: [] }), now);
        if (!limited.ok) return fail(tooManyRequests(limited.limit.key, limited.retryAt, now));
      }
      const result = await requestEngagement(deps.env, db, {
        coachId: args.coach_id,
        menuId: args.menu_id,
        name: who.name,
        phone: who.phone,
        ...(who.email ? { email: who.email } : {}),
        ...(args.topic?.trim() ? { topic: args.topic.trim() } : {}),
        preferredTimes: (args.preferred_times ?? []).map((t) => t.trim()).filter(Boolean),
        trial: args.trial,
        language: args.language,
        ...(auth.kind === "api_key" ? { apiKeyId: auth.apiKeyId } : {}),
        via: credentialOf(auth),
      });
      if (!result.ok) return fail(result.error);
      const r = (await ownEngagement(deps, result.id))!;
      const next = nextStep(r, args.language);
      const message = args.language === "ja" ? `お問い合わせ ${result.id} を受け付けました。お客様のページへのリンクをSMSでお送りしました。${next}` : `Inquiry ${result.id} received. The client's page link was texted to them. ${next}`;
      return ok({ engagement_id: result.id, status: result.status, client: result.clientType, page_url: result.pageUrl, next_step: next, message }, `${message}\n${result.pageUrl}`);
    },
  );

  server.registerTool(
    "book_session_slot",
    {
      title: "Book a session slot",
      description:
        "Books the engagement's next session at start (a start from find_session_slots). Refused with the reason until the terms and contract are agreed and payment is confirmed (a free trial can be booked at once). If the coach is already booked, the error is 'slot taken' with the next free slots. The client's agreement to the time is recorded.",
      inputSchema: bookSessionSlotInput,
      outputSchema: sessionView,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      const r = await ownEngagement(deps, args.engagement_id);
      if (!r) return fail(`engagement_id: no engagement ${args.engagement_id} was found for this client.`);
      const result = await reservationStub(deps.env, r.id).bookSession({ start: parseIsoWithOffset(args.start)!, by: "requester", agreedBy: r.requester.name });
      if (!result.ok) return bookFailure(result);
      const v = await view(deps, (await ownEngagement(deps, r.id))!);
      return ok(v, `${v.engagement_id}: ${v.status_label} ${v.session?.start ?? ""}\n${v.session?.meeting_url ?? ""}`);
    },
  );

  server.registerTool(
    "get_session",
    {
      title: "Get a session engagement",
      description: "Returns an engagement's status, what happens next, the booked session with its meeting link, the sessions left in the package, the payment link while pending, and the client's page.",
      inputSchema: getSessionInput,
      outputSchema: sessionView,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const r = await ownEngagement(deps, args.engagement_id);
      if (!r) return fail(`engagement_id: no engagement ${args.engagement_id} was found for this client.`);
      const v = await view(deps, r);
      return ok(v, `${v.engagement_id}: ${v.status_label}. ${v.next_step}`);
    },
  );

  server.registerTool(
    "reschedule_session",
    {
      title: "Reschedule a session",
      description: "Moves the booked session to a new start (from find_session_slots). The reminders move with it. Refused with the reason when nothing is booked or the session has started; 'slot taken' with the next free slots when the coach is busy.",
      inputSchema: rescheduleSessionInput,
      outputSchema: sessionView,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      const r = await ownEngagement(deps, args.engagement_id);
      if (!r) return fail(`engagement_id: no engagement ${args.engagement_id} was found for this client.`);
      const result = await reservationStub(deps.env, r.id).bookSession({ start: parseIsoWithOffset(args.start)!, by: "requester", agreedBy: r.requester.name, reschedule: true });
      if (!result.ok) return bookFailure(result);
      const v = await view(deps, (await ownEngagement(deps, r.id))!);
      return ok(v, `${v.engagement_id}: moved to ${v.session?.start ?? ""}`);
    },
  );

  server.registerTool(
    "cancel_session",
    {
      title: "Cancel a session",
      description:
        "Cancels the booked session (its reminders stop, the coach's time is freed and the client can pick another time), or, before payment, withdraws the whole inquiry free of charge. A paid engagement with no session booked is refunded by the operators: the client is told to contact support.",
      inputSchema: cancelSessionInput,
      outputSchema: cancelSessionOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      const r = await ownEngagement(deps, args.engagement_id);
      if (!r) return fail(`engagement_id: no engagement ${args.engagement_id} was found for this client.`);
      const result = await reservationStub(deps.env, r.id).cancelSession("requester", args.reason);
      const outcome = result.outcome;
      if (!result.applied || outcome?.type !== "cancel") return fail(`engagement_id: ${r.id} cannot be cancelled now: ${outcome?.type === "refused" ? outcome.reason : (result.reason ?? result.status)}.`);
      return ok({ engagement_id: r.id, outcome: outcome.result, status: result.status as EngagementRecord["status"], message: outcome.message }, `${r.id}: ${outcome.message}`);
    },
  );
}
