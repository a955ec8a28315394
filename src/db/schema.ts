// The D1 schema: one drizzle definition that drizzle-kit turns into the SQL files in
// migrations/ (which wrangler and the tests apply). Times are UTC epoch milliseconds.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Partner shops that QRV phones, imported from CSV (`npm run shops:import`). */
export const shops = sqliteTable(
  "shops",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** E.164; importing the same phone again updates the shop. */
    phone: text("phone").notNull(),
    email: text("email"),
    area: text("area").notNull(),
    /** Lower is called first. */
    priority: integer("priority").notNull(),
    priceJpy: integer("price_jpy").notNull(),
    /** Used only by the sandbox voice provider. */
    sandboxAnswer: text("sandbox_answer").notNull().default("accepted"),
    address: text("address"),
    /** Weekly opening hours in Japan time (src/domain/opening-hours.ts); null: not given, always called. */
    openingHours: text("opening_hours"),
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    doNotCall: integer("do_not_call", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("shops_phone_unique").on(t.phone), index("shops_area_priority").on(t.area, t.priority)],
);

export const shopServices = sqliteTable(
  "shop_services",
  {
    shopId: text("shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    service: text("service").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.service] }), index("shop_services_service").on(t.service)],
);

/** Keys for server-to-server MCP clients; only the SHA-256 of the key is stored. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, to recognise it in lists. */
    keyPrefix: text("key_prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Who made it: an operator's name from the console, or "script" for npm run apikey:create. */
    createdBy: text("created_by").notNull().default("script"),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    revokedBy: text("revoked_by"),
    /** A personal key: it acts exactly as this person's sign-in would (null for an integrator's key). */
    userId: text("user_id"),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash)],
);

/**
 * One row per reservation, written only by that reservation's Durable Object.
 * Columns hold what operators search and count by; `data` holds the kind-specific
 * state (for shops: the call plan, attempts, payment) and `timers` what is due next.
 */
export const reservations = sqliteTable(
  "reservations",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    status: text("status").notNull(),
    version: integer("version").notNull(),
    service: text("service"),
    area: text("area"),
    startAt: integer("start_at").notNull(),
    partySize: integer("party_size").notNull(),
    requesterName: text("requester_name").notNull(),
    phone: text("phone").notNull(),
    email: text("email"),
    language: text("language").notNull(),
    notes: text("notes"),
    shopId: text("shop_id"),
    amountJpy: integer("amount_jpy"),
    guestTokenHash: text("guest_token_hash").notNull(),
    apiKeyId: text("api_key_id"),
    data: text("data").notNull(),
    timers: text("timers").notNull().default("[]"),
    /** Earliest timer, so a sweeper can wake an object whose alarm was lost. */
    nextTimerAt: integer("next_timer_at"),
    /** Manual cases waiting for an operator (JSON array of OpenCase): the console's queue. */
    openCases: text("open_cases").notNull().default("[]"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reservations_guest_token_unique").on(t.guestTokenHash),
    index("reservations_status").on(t.status),
    index("reservations_start").on(t.startAt),
    index("reservations_created").on(t.createdAt),
    index("reservations_phone").on(t.phone),
    index("reservations_next_timer").on(t.nextTimerAt),
    index("reservations_open_cases").on(t.updatedAt).where(sql`open_cases <> '[]'`),
  ],
);

/** Append-only audit log: every event a reservation's object received, applied or ignored. */
export const reservationEvents = sqliteTable(
  "reservation_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reservationId: text("reservation_id").notNull(),
    /** The reservation version this event produced (or saw, when ignored). */
    version: integer("version").notNull(),
    type: text("type").notNull(),
    actor: text("actor").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    ignored: integer("ignored", { mode: "boolean" }).notNull().default(false),
    /** Timeline line: a message code and its parameters, rendered per language on read. */
    note: text("note").notNull(),
    data: text("data").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("reservation_events_reservation").on(t.reservationId, t.id), index("reservation_events_created").on(t.createdAt)],
);

/**
 * Side effects committed with the transition that caused them. The id is the job's
 * idempotency key (Stripe's Idempotency-Key, and the record of what was sent).
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    reservationId: text("reservation_id").notNull(),
    kind: text("kind").notNull(),
    payload: text("payload").notNull(),
    /** pending → sending → done | failed | dead; an operator may requeue a dead job or mark it dismissed. */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lockedUntil: integer("locked_until"),
    enqueuedAt: integer("enqueued_at"),
    providerRef: text("provider_ref"),
    /** For messages: queued, sent, delivered, undelivered, failed (from status callbacks). */
    deliveryStatus: text("delivery_status"),
    lastError: text("last_error"),
    /** The event a finished job reported to its reservation (re-sent if that report was lost). */
    resultEvent: text("result_event"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("outbox_reservation").on(t.reservationId),
    index("outbox_status").on(t.status, t.enqueuedAt),
    index("outbox_provider_ref").on(t.providerRef),
  ],
);

/** Provider webhook ids already handled (Stripe event id, Twilio MessageSid+status, Bland call id). */
export const webhookReceipts = sqliteTable(
  "webhook_receipts",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

/** Who changed partner shops and how (console edits, flags, additions, CSV imports). */
export const shopAudit = sqliteTable(
  "shop_audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    operator: text("operator").notNull(),
    /** edited | paused | resumed | do_not_call | callable | added | imported */
    action: text("action").notNull(),
    /** The shop, except for an import (which names its file and count in detail). */
    shopId: text("shop_id"),
    /** JSON: the values written (an edit, an addition) or the file and count (an import). */
    detail: text("detail").notNull(),
  },
  (t) => [index("shop_audit_shop").on(t.shopId, t.at)],
);

/**
 * request_reservation's memory of what it was asked, so a retry books nothing twice: per caller
 * (an API key or a signed-in number), an `idempotency_key` the client gave (kept a day) or the
 * hash of an identical request (kept 10 minutes), and the reservation it made.
 */
export const requestKeys = sqliteTable(
  "request_keys",
  {
    caller: text("caller").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the request as booked (service, area, start, party, requester, notes, language). */
    fingerprint: text("fingerprint").notNull(),
    reservationId: text("reservation_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index("request_keys_created").on(t.createdAt)],
);

/** Operator alerts; `key` makes a repeated alert for the same case and reservation a no-op. */
export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    key: text("key").notNull(),
    reservationId: text("reservation_id"),
    case: text("case").notNull(),
    priority: text("priority").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [uniqueIndex("alerts_key_unique").on(t.key), index("alerts_created").on(t.createdAt)],
);

/** What the sandbox providers would have sent (visible at /sandbox). */
export const sandboxRecords = sqliteTable(
  "sandbox_records",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel").notNull(),
    reservationId: text("reservation_id"),
    to: text("to"),
    subject: text("subject"),
    body: text("body").notNull(),
    providerRef: text("provider_ref"),
    data: text("data").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("sandbox_records_reservation").on(t.reservationId)],
);

/** Sandbox voice calls, so a person can answer a `manual` shop's call on /sandbox. */
export const sandboxCalls = sqliteTable("sandbox_calls", {
  id: text("id").primaryKey(),
  reservationId: text("reservation_id").notNull(),
  shopId: text("shop_id").notNull(),
  shopName: text("shop_name").notNull(),
  phone: text("phone").notNull(),
  /** queued (waiting for a person) | completed | stopped (hung up by QRV before an answer) */
  status: text("status").notNull(),
  answer: text("answer"),
  request: text("request").notNull(),
  createdAt: integer("created_at").notNull(),
  completedAt: integer("completed_at"),
});

/** Sandbox Checkout Sessions, mirroring the Stripe object's fields. */
export const sandboxCheckoutSessions = sqliteTable("sandbox_checkout_sessions", {
  id: text("id").primaryKey(),
  reservationId: text("reservation_id").notNull(),
  amountTotal: integer("amount_total").notNull(),
  currency: text("currency").notNull(),
  description: text("description").notNull(),
  status: text("status").notNull(),
  paymentStatus: text("payment_status").notNull(),
  paymentIntent: text("payment_intent"),
  successUrl: text("success_url").notNull(),
  cancelUrl: text("cancel_url").notNull(),
  metadata: text("metadata").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

export const sandboxRefunds = sqliteTable("sandbox_refunds", {
  id: text("id").primaryKey(),
  paymentIntent: text("payment_intent").notNull(),
  amount: integer("amount").notNull(),
  status: text("status").notNull(),
  idempotencyKey: text("idempotency_key"),
  metadata: text("metadata").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * One-time sign-in codes sent by SMS on the OAuth authorize page. Only a hash of the code is
 * kept; a code lives 10 minutes and allows 5 tries.
 */
export const loginCodes = sqliteTable(
  "login_codes",
  {
    id: text("id").primaryKey(),
    phone: text("phone").notNull(),
    codeHash: text("code_hash").notNull(),
    clientAddress: text("client_address").notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("login_codes_phone").on(t.phone, t.createdAt), index("login_codes_address").on(t.clientAddress, t.createdAt)],
);

/** People who signed in with their phone number, and what they told QRV about themselves. */
export const users = sqliteTable("users", {
  /** Random (`usr_` + random characters), never derived from the phone: it begins OAuth codes and tokens. */
  id: text("id").primaryKey(),
  /** E.164, verified by a sign-in code. */
  phone: text("phone").notNull().unique(),
  name: text("name"),
  email: text("email"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Counted actions for rate limits (src/db/rate-limits.ts): one row per action and key. */
export const rateEvents = sqliteTable(
  "rate_events",
  {
    key: text("key").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("rate_events_key_at").on(t.key, t.at)],
);

/**
 * Resource subscriptions of 2025-era MCP clients, by the Mcp-Session-Id QRV gave them
 * (src/mcp/subscriptions.ts). `owner` is the credential that subscribed (credentialOf); `version`
 * the reservation's version at that moment; test:// fixture URIs have no reservation.
 */
export const mcpSubscriptions = sqliteTable(
  "mcp_subscriptions",
  {
    sessionId: text("session_id").notNull(),
    owner: text("owner").notNull(),
    uri: text("uri").notNull(),
    reservationId: text("reservation_id"),
    version: integer("version"),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.owner, t.uri] }), index("mcp_subscriptions_expires").on(t.expiresAt)],
);

/** Console sessions ended by signing out (src/auth/admin.ts): their signed cookie opens nothing. */
export const consoleLogouts = sqliteTable("console_logouts", {
  sessionId: text("session_id").primaryKey(),
  at: integer("at").notNull(),
});

/** People signed in to their own pages (members, coaches); the id is the SHA-256 of the cookie's token. */
export const accountSessions = sqliteTable(
  "account_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onUpdate: "cascade", onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("account_sessions_user").on(t.userId)],
);

/** Incident records (seed 000 §5.3.1), kept by operators in the console. */
export const incidents = sqliteTable(
  "incidents",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    /** critical | high | medium | low (seed 000 §5.1) */
    level: text("level").notNull(),
    /** 発生日時: when it was detected. */
    detectedAt: integer("detected_at").notNull(),
    /** 影響範囲: functions and users affected. */
    impact: text("impact").notNull(),
    /** 原因 */
    cause: text("cause").notNull().default(""),
    /** 対応内容 */
    actions: text("actions").notNull().default(""),
    /** 復旧日時: null while the service has not recovered. */
    recoveredAt: integer("recovered_at"),
    /** 再発防止策 */
    prevention: text("prevention").notNull().default(""),
    createdBy: text("created_by").notNull(),
    updatedBy: text("updated_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("incidents_detected").on(t.detectedAt), index("incidents_level").on(t.level, t.detectedAt)],
);

/**
 * Inquiries from requesters (seed 003), from the support form: classified as question, bug or
 * request, worked by operators in the console. `reservation_id` is set when the form was sent
 * from the reservation's own guest page (`reservation_verified`) or typed by the person.
 */
export const inquiries = sqliteTable(
  "inquiries",
  {
    id: text("id").primaryKey(),
    createdAt: integer("created_at").notNull(),
    reservationId: text("reservation_id"),
    /** True when the guest link proved the reservation is theirs; false for an id typed into the form. */
    reservationVerified: integer("reservation_verified", { mode: "boolean" }).notNull().default(false),
    name: text("name").notNull(),
    /** An email address, or a phone number in E.164. */
    contact: text("contact").notNull(),
    /** question | bug | request */
    category: text("category").notNull(),
    message: text("message").notNull(),
    /** The language the person wrote in (the page's): ja | en. */
    language: text("language").notNull(),
    /** new | in_progress | closed */
    status: text("status").notNull().default("new"),
    /** Where it came from: guest_page (/r/:token/support) or support_page (/support). */
    source: text("source").notNull(),
    /** The browser's User-Agent, for bugs (seed 003: know the device and OS). */
    userAgent: text("user_agent"),
    /** A keyed hash of the sender's address, only to limit how many a sender can post; never shown. */
    clientKey: text("client_key"),
    /** The operator who last changed its status, and what they noted (the answer given, the FAQ entry made, the ticket filed). */
    handledBy: text("handled_by"),
    operatorNote: text("operator_note").notNull().default(""),
    updatedAt: integer("updated_at").notNull(),
    /** Support KPIs (seed 000 §7.3): the first operator answer or note, and when it was closed (cleared if reopened). */
    firstResponseAt: integer("first_response_at"),
    closedAt: integer("closed_at"),
    /** The 1-5 score given on the page linked from the closing message, once. */
    satisfaction: integer("satisfaction"),
    satisfactionAt: integer("satisfaction_at"),
    /** SHA-256 of the survey link's token (the token itself is only in the message). */
    surveyTokenHash: text("survey_token_hash"),
    /** A request (要望) grouped under a feature request; told once when it ships. */
    featureRequestId: text("feature_request_id"),
    shippedNotifiedAt: integer("shipped_notified_at"),
    /** A bug that became an incident. */
    incidentId: text("incident_id"),
  },
  (t) => [
    index("inquiries_status_created").on(t.status, t.createdAt),
    index("inquiries_reservation").on(t.reservationId),
    index("inquiries_client").on(t.clientKey, t.createdAt),
    index("inquiries_created").on(t.createdAt),
    index("inquiries_feature_request").on(t.featureRequestId),
    uniqueIndex("inquiries_survey_token").on(t.surveyTokenHash),
  ],
);

/** FAQ entries promoted from inquiries (seed 003), shown on /faq after the built-in sections. */
export const faqEntries = sqliteTable("faq_entries", {
  id: text("id").primaryKey(),
  /** booking | sms | payment | cancellation | other */
  section: text("section").notNull(),
  questionJa: text("question_ja").notNull(),
  answerJa: text("answer_ja").notNull(),
  questionEn: text("question_en").notNull(),
  answerEn: text("answer_en").notNull(),
  sourceInquiryId: text("source_inquiry_id"),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Requests (要望) grouped as one feature: planned, then shipped (everyone who asked is told once). */
export const featureRequests = sqliteTable("feature_requests", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  /** planned | shipped */
  status: text("status").notNull().default("planned"),
  shippedNoteJa: text("shipped_note_ja").notNull().default(""),
  shippedNoteEn: text("shipped_note_en").notNull().default(""),
  shippedAt: integer("shipped_at"),
  createdBy: text("created_by").notNull(),
  updatedBy: text("updated_by").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Scheduled reports (seed 000 §4.2.2, §6): the document as made (JSON Doc), kept as history. */
export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    /** weekly | monthly */
    kind: text("kind").notNull(),
    periodStart: integer("period_start").notNull(),
    periodEnd: integer("period_end").notNull(),
    doc: text("doc").notNull(),
    /** Comma-separated addresses it was emailed to. */
    recipients: text("recipients").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("reports_period").on(t.kind, t.periodStart)],
);

/** Figures computed by the nightly batch (the management dashboard), with when. */
export const metricSnapshots = sqliteTable("metric_snapshots", {
  name: text("name").primaryKey(),
  data: text("data").notNull(),
  computedAt: integer("computed_at").notNull(),
});

/** The monthly maintenance checklist (seed 000 §6.3): who did each check and when. */
export const maintenanceChecks = sqliteTable(
  "maintenance_checks",
  {
    /** "2026-12" (Japan time) */
    month: text("month").notNull(),
    /** backup | audit */
    item: text("item").notNull(),
    doneBy: text("done_by").notNull(),
    doneAt: integer("done_at").notNull(),
    note: text("note").notNull().default(""),
    /** Attached output (npm audit). */
    attachment: text("attachment").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.month, t.item] })],
);

// ---------------------------------------------------------------- 1-on-1 sessions (seed 001)

/** A coach (the owner of a 1-on-1 business). `user_id` is the person who signs in to the coach portal. */
export const coaches = sqliteTable(
  "coaches",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").references(() => users.id, { onUpdate: "cascade", onDelete: "set null" }),
    name: text("name").notNull(),
    /** E.164: the coach's mobile; their first sign-in to the coach portal links their user id. */
    phone: text("phone").notNull(),
    email: text("email"),
    bio: text("bio").notNull().default(""),
    /** `fixed`: one personal room URL for every session; `per_session`: a new room under the URL each time. */
    meetingMode: text("meeting_mode").notNull().default("fixed"),
    meetingUrl: text("meeting_url").notNull(),
    trialOffered: integer("trial_offered", { mode: "boolean" }).notNull().default(false),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("coaches_user_unique").on(t.userId), uniqueIndex("coaches_phone_unique").on(t.phone)],
);

/** What a coach offers: price, length, how many sessions in the package, what is out of scope. */
export const sessionMenus = sqliteTable(
  "session_menus",
  {
    id: text("id").primaryKey(),
    coachId: text("coach_id")
      .notNull()
      .references(() => coaches.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    outOfScope: text("out_of_scope").notNull().default(""),
    priceJpy: integer("price_jpy").notNull(),
    minutes: integer("minutes").notNull(),
    sessions: integer("sessions").notNull().default(1),
    /** A free trial can come before this menu. */
    trial: integer("trial", { mode: "boolean" }).notNull().default(false),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("session_menus_coach").on(t.coachId)],
);

/** Weekly hours and exceptions (JSON, Japan time), buffer and minimum notice: src/domain/sessions/availability.ts. */
export const coachAvailability = sqliteTable("coach_availability", {
  coachId: text("coach_id")
    .primaryKey()
    .references(() => coaches.id, { onDelete: "cascade" }),
  weekly: text("weekly").notNull().default("[]"),
  exceptions: text("exceptions").notNull().default("[]"),
  bufferMinutes: integer("buffer_minutes").notNull().default(0),
  minNoticeMinutes: integer("min_notice_minutes").notNull().default(0),
  stepMinutes: integer("step_minutes").notNull().default(30),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** Terms and contract documents, one row per version (a change is a new version; old ones stay for the record). */
export const sessionDocuments = sqliteTable(
  "session_documents",
  {
    coachId: text("coach_id")
      .notNull()
      .references(() => coaches.id, { onDelete: "cascade" }),
    /** terms | contract */
    kind: text("kind").notNull(),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.coachId, t.kind, t.version] })],
);

/** Projection of each engagement (a reservation of kind `session`), written by its object with the reservation row. */
export const engagements = sqliteTable(
  "engagements",
  {
    id: text("id").primaryKey(),
    coachId: text("coach_id").notNull(),
    menuId: text("menu_id").notNull(),
    clientPhone: text("client_phone").notNull(),
    clientName: text("client_name").notNull(),
    status: text("status").notNull(),
    crm: text("crm").notNull(),
    trial: integer("trial", { mode: "boolean" }).notNull().default(false),
    sessionsBought: integer("sessions_bought").notNull().default(0),
    sessionsUsed: integer("sessions_used").notNull().default(0),
    nextStartAt: integer("next_start_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("engagements_coach_status").on(t.coachId, t.status), index("engagements_client").on(t.clientPhone)],
);

/** Every session of an engagement (booked, held, no-show, cancelled), for the coach portal and reports. */
export const engagementSessions = sqliteTable(
  "engagement_sessions",
  {
    engagementId: text("engagement_id").notNull(),
    no: integer("no").notNull(),
    coachId: text("coach_id").notNull(),
    trial: integer("trial", { mode: "boolean" }).notNull().default(false),
    startAt: integer("start_at").notNull(),
    endAt: integer("end_at").notNull(),
    meetingUrl: text("meeting_url").notNull(),
    outcome: text("outcome"),
    notes: text("notes"),
    reportedAt: integer("reported_at"),
    reportedBy: text("reported_by"),
  },
  (t) => [primaryKey({ columns: [t.engagementId, t.no] }), index("engagement_sessions_coach_start").on(t.coachId, t.startAt)],
);

/** What a client agreed to: the document and its version (or the session number for a time), when, and who. */
export const sessionAgreements = sqliteTable(
  "session_agreements",
  {
    engagementId: text("engagement_id").notNull(),
    /** terms | contract | schedule */
    document: text("document").notNull(),
    version: integer("version").notNull(),
    agreedAt: integer("agreed_at").notNull(),
    agreedBy: text("agreed_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.engagementId, t.document, t.version, t.agreedAt] })],
);

/** Survey answers after a session: 0–10 and a comment. */
export const sessionSurveys = sqliteTable(
  "session_surveys",
  {
    engagementId: text("engagement_id").notNull(),
    sessionNo: integer("session_no").notNull(),
    coachId: text("coach_id").notNull(),
    score: integer("score").notNull(),
    comment: text("comment"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.engagementId, t.sessionNo] })],
);

/** The coach's CRM: one row per client (by phone), with the status of their latest engagement. */
export const coachClients = sqliteTable(
  "coach_clients",
  {
    coachId: text("coach_id").notNull(),
    clientPhone: text("client_phone").notNull(),
    clientName: text("client_name").notNull(),
    /** lead | trial | active | paused | churned */
    crm: text("crm").notNull(),
    engagementId: text("engagement_id").notNull(),
    sessionsHeld: integer("sessions_held").notNull().default(0),
    lastSessionAt: integer("last_session_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.coachId, t.clientPhone] })],
);

/** Each coach's exception policy (seed 001: 例外権限), one row per version; the newest applies. */
export const coachPolicies = sqliteTable(
  "coach_policies",
  {
    coachId: text("coach_id")
      .notNull()
      .references(() => coaches.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The CoachPolicy as JSON. */
    policy: text("policy").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.coachId, t.version] })],
);

/** Projection of each engagement's exception cases, written by its object with the reservation row. */
export const sessionExceptions = sqliteTable(
  "session_exceptions",
  {
    id: text("id").primaryKey(),
    engagementId: text("engagement_id").notNull(),
    coachId: text("coach_id").notNull(),
    /** unpaid | reschedule | cancel | complaint | refund | no_show | violation */
    kind: text("kind").notNull(),
    /** pending | approved | done | rejected | instructed */
    status: text("status").notNull(),
    inPolicy: integer("in_policy", { mode: "boolean" }).notNull(),
    rule: text("rule").notNull(),
    policyVersion: integer("policy_version").notNull(),
    reason: text("reason").notNull(),
    request: text("request").notNull().default("{}"),
    openedAt: integer("opened_at").notNull(),
    openedBy: text("opened_by").notNull(),
    decision: text("decision"),
    decidedAt: integer("decided_at"),
    decidedBy: text("decided_by"),
    note: text("note"),
    doneAt: integer("done_at"),
  },
  (t) => [index("session_exceptions_coach_status").on(t.coachId, t.status), index("session_exceptions_opened").on(t.openedAt)],
);

/** The weekly sample audit: the items drawn for a week (fixed once drawn) and each verdict. */
export const auditReviews = sqliteTable(
  "audit_reviews",
  {
    /** The week's Monday, "2026-11-30". */
    week: text("week").notNull(),
    /** `case:<id>` or `message:<id>`. */
    itemId: text("item_id").notNull(),
    coachId: text("coach_id").notNull(),
    engagementId: text("engagement_id").notNull(),
    at: integer("at").notNull(),
    summary: text("summary").notNull(),
    /** null until reviewed; ok | fix */
    verdict: text("verdict"),
    note: text("note"),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
  },
  (t) => [primaryKey({ columns: [t.week, t.itemId] }), index("audit_reviews_coach").on(t.coachId, t.week)],
);

/** SOP notes kept with a coach's settings; a fix in the weekly audit becomes one. */
export const coachSopNotes = sqliteTable(
  "coach_sop_notes",
  {
    id: text("id").primaryKey(),
    coachId: text("coach_id")
      .notNull()
      .references(() => coaches.id, { onDelete: "cascade" }),
    note: text("note").notNull(),
    /** The audit item it came from. */
    source: text("source").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [index("coach_sop_notes_coach").on(t.coachId, t.createdAt)],
);

/**
 * The coach's message templates (seed 001 テンプレ承認): versions 2 and up of each template, as
 * operators proposed them (version 1 is the standard text in the code). `status`: proposed,
 * approved (the newest approved version sends) or rejected.
 */
export const sessionTemplates = sqliteTable(
  "session_templates",
  {
    coachId: text("coach_id")
      .notNull()
      .references(() => coaches.id, { onDelete: "cascade" }),
    template: text("template").notNull(),
    version: integer("version").notNull(),
    textJa: text("text_ja").notNull(),
    textEn: text("text_en").notNull(),
    status: text("status").notNull(),
    /** Why the operator proposed the change. */
    reason: text("reason").notNull().default(""),
    proposedAt: integer("proposed_at").notNull(),
    proposedBy: text("proposed_by").notNull(),
    decidedAt: integer("decided_at"),
    decidedBy: text("decided_by"),
    decisionNote: text("decision_note"),
  },
  (t) => [primaryKey({ columns: [t.coachId, t.template, t.version] }), index("session_templates_status").on(t.coachId, t.status)],
);

/** The coach's weekly report, made once per coach and week (seed 001: 週次レポート作成); the document as made. */
export const coachReports = sqliteTable(
  "coach_reports",
  {
    coachId: text("coach_id")
      .notNull()
      .references(() => coaches.id, { onDelete: "cascade" }),
    /** The week's Monday, Japan time ("2026-11-30"). */
    week: text("week").notNull(),
    periodStart: integer("period_start").notNull(),
    periodEnd: integer("period_end").notNull(),
    doc: text("doc").notNull(),
    /** Comma-separated addresses it was emailed to. */
    recipients: text("recipients").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.coachId, t.week] })],
);

// ---------------------------------------------------------------- lodging (seed 004)

/** Room types (シングル, ツイン, ダブル, スイート or the operator's own) with their default nightly rate. */
export const roomTypes = sqliteTable(
  "room_types",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    /** The nightly rate, in points, on dates without a rate of their own. */
    defaultPoints: integer("default_points").notNull(),
    description: text("description").notNull().default(""),
    sort: integer("sort").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("room_types_name_unique").on(t.name)],
);

/** Rooms (seed 004 §3(1)1). Each has its own calendar object (`room:<id>`), the truth about its nights. */
export const rooms = sqliteTable(
  "rooms",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    roomTypeId: text("room_type_id")
      .notNull()
      .references(() => roomTypes.id),
    floorAreaM2: real("floor_area_m2").notNull(),
    maxGuests: integer("max_guests").notNull(),
    /** JSON array of amenity names (エアコン, テレビ, 給湯器, Wi-Fi, ...). */
    amenities: text("amenities").notNull().default("[]"),
    /** JSON array of image URLs or storage keys. */
    images: text("images").notNull().default("[]"),
    floor: integer("floor").notNull(),
    /** Inactive rooms are not sold (taken off the list, not out of service for some nights: that is a calendar block). */
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** The front desk's status (src/domain/lodging/room-status.ts); its history is room_status_events. */
    status: text("status").notNull().default("available"),
    /** Maintenance / Unavailable: why, and the nights blocked (YYYY-MM-DD, until exclusive). */
    statusReason: text("status_reason"),
    statusFrom: text("status_from"),
    statusUntil: text("status_until"),
    /** Reserved / Occupied: the order whose guest it is. */
    statusOrderId: text("status_order_id"),
    statusChangedAt: integer("status_changed_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("rooms_number_unique").on(t.number), index("rooms_type").on(t.roomTypeId, t.number)],
);

/** Daily rates per room type (YYYY-MM-DD); a date without a row costs the type's default. */
export const roomRates = sqliteTable(
  "room_rates",
  {
    roomTypeId: text("room_type_id")
      .notNull()
      .references(() => roomTypes.id),
    date: text("date").notNull(),
    points: integer("points").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomTypeId, t.date] })],
);

/**
 * Members (seed 004 §3(2)1), one per person (users.id). Of the ID document number only a keyed
 * hash (to match a presented document) and its last four characters (to show it masked) are
 * kept. `points_balance` is the ledger's sum, kept by the same batches that append to the
 * ledger; a CHECK keeps it from ever going below zero.
 */
export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    idNumberHash: text("id_number_hash").notNull(),
    idNumberLast4: text("id_number_last4").notNull(),
    /** E.164 */
    phone: text("phone").notNull(),
    email: text("email").notNull(),
    /** YYYY-MM-DD */
    birthDate: text("birth_date").notNull(),
    pointsBalance: integer("points_balance").notNull().default(0),
    /** online | front_desk */
    registeredVia: text("registered_via").notNull().default("online"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("members_user_unique").on(t.userId), index("members_name").on(t.name)],
);

/**
 * The points ledger: append-only (triggers refuse UPDATE and DELETE). `ref` makes each entry
 * happen once (one credit per top-up, one charge per order, one return per refund).
 */
export const pointLedger = sqliteTable(
  "point_ledger",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id),
    /** topup | order_payment | refund | adjustment */
    kind: text("kind").notNull(),
    /** Signed: credits positive, spends negative. */
    amount: integer("amount").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    ref: text("ref").notNull(),
    orderId: text("order_id"),
    /** For manual adjustments: who made it and why. */
    operator: text("operator"),
    reason: text("reason"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("point_ledger_ref_unique").on(t.ref), index("point_ledger_member").on(t.memberId, t.id)],
);

/** Top-ups through Stripe Checkout: open until the payment's webhook credits the ledger (once). */
export const pointTopups = sqliteTable(
  "point_topups",
  {
    id: text("id").primaryKey(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id),
    points: integer("points").notNull(),
    sessionId: text("session_id"),
    /** open | credited */
    status: text("status").notNull().default("open"),
    createdAt: integer("created_at").notNull(),
    creditedAt: integer("credited_at"),
  },
  (t) => [index("point_topups_member").on(t.memberId, t.createdAt)],
);

/**
 * Lodging orders, for search by member, order number and check-in date. Written only with the
 * order's reservation row (kind `lodging`), in the same batch, by the order's object.
 */
export const lodgingOrders = sqliteTable(
  "lodging_orders",
  {
    /** The order number the member quotes, also the reservation id. */
    id: text("id").primaryKey(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id),
    status: text("status").notNull(),
    /** The earliest check-in and latest check-out of its lines (YYYY-MM-DD). */
    checkIn: text("check_in").notNull(),
    checkOut: text("check_out").notNull(),
    subtotalPoints: integer("subtotal_points").notNull(),
    discountPoints: integer("discount_points").notNull(),
    totalPoints: integer("total_points").notNull(),
    paidAt: integer("paid_at"),
    paymentDeadline: integer("payment_deadline"),
    /** The id of the cancellation waiting for staff, if any (the console's queue). */
    pendingCancellation: text("pending_cancellation"),
    /** Points returned by approved cancellations. */
    refundedPoints: integer("refunded_points").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("lodging_orders_member").on(t.memberId, t.createdAt), index("lodging_orders_check_in").on(t.checkIn), index("lodging_orders_status").on(t.status), index("lodging_orders_pending_cancellation").on(t.pendingCancellation)],
);

/** One row per room in an order: the room, its nights and their prices at booking. */
export const lodgingOrderLines = sqliteTable(
  "lodging_order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => lodgingOrders.id),
    lineNo: integer("line_no").notNull(),
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id),
    roomNumber: text("room_number").notNull(),
    roomTypeId: text("room_type_id").notNull(),
    roomTypeName: text("room_type_name").notNull(),
    checkIn: text("check_in").notNull(),
    checkOut: text("check_out").notNull(),
    /** JSON [{date, points, birthday}] */
    nightly: text("nightly").notNull(),
    subtotalPoints: integer("subtotal_points").notNull(),
    discountPoints: integer("discount_points").notNull(),
    totalPoints: integer("total_points").notNull(),
    /** active | cancelled */
    status: text("status").notNull().default("active"),
    checkedInAt: integer("checked_in_at"),
    checkedOutAt: integer("checked_out_at"),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] }), index("lodging_order_lines_room").on(t.roomId, t.checkIn)],
);

/** Search's view of the calendars: free rooms per room type and night. The calendar objects are the truth. */
export const lodgingAvailability = sqliteTable(
  "lodging_availability",
  {
    roomTypeId: text("room_type_id")
      .notNull()
      .references(() => roomTypes.id),
    date: text("date").notNull(),
    roomsTotal: integer("rooms_total").notNull(),
    roomsFree: integer("rooms_free").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomTypeId, t.date] })],
);

/** Every room status change, with who and when (seed 004 §3(1)3). */
export const roomStatusEvents = sqliteTable(
  "room_status_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id),
    action: text("action").notNull(),
    fromStatus: text("from_status").notNull(),
    toStatus: text("to_status").notNull(),
    reason: text("reason"),
    dateFrom: text("date_from"),
    dateUntil: text("date_until"),
    orderId: text("order_id"),
    /** The operator, or `system` for automatic moves. */
    actor: text("actor").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("room_status_events_room").on(t.roomId, t.id)],
);

/**
 * Staff changes to lodging records (room types, rooms, imports, members' details and deletion),
 * with who and when. `detail` names what changed; member rows name fields, never their values.
 */
export const lodgingAudit = sqliteTable(
  "lodging_audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    operator: text("operator").notNull(),
    /** room_type_created | room_type_edited | room_created | room_edited | rooms_imported | rates_set | rates_imported | member_edited | member_deleted */
    action: text("action").notNull(),
    /** room_type | room | rooms | rates | member */
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id"),
    detail: text("detail").notNull().default("{}"),
  },
  (t) => [index("lodging_audit_subject").on(t.subjectType, t.subjectId, t.id)],
);
