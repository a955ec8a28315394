// The Reservation Durable Object: one instance per reservation id (idFromName), the only
// writer of that reservation. Every change arrives as an event, is decided by the pure
// machine in src/domain, and is committed to D1 with its audit event and outbox rows in
// one batch. The object's own storage keeps only what must not be in D1 (the raw guest
// token) and bookkeeping (processed event keys, the alarm time); timers live in the
// record and one alarm is kept at the earliest.
import { DurableObject } from "cloudflare:workers";
import { config, type Config } from "../config.ts";
import { createDb, type Db } from "../db/client.ts";
import { clearEnqueued, getJob, markEnqueued, unenqueuedJobs } from "../db/outbox.ts";
import { gateStatements, type CreateGate } from "../db/request-keys.ts";
import { alreadyReceived, receiptStatement, type Receipt } from "../db/webhooks.ts";
import { lodgingOrderStatements } from "../db/lodging-orders.ts";
import { ledgerFailure, ledgerStatements } from "../db/members.ts";
import { REQUEUEABLE_JOB_KINDS, VersionConflict, commitTransition, loadAnyRecord, recordIgnoredEvent, settleDeadJob, versionGuard, type EventInput, type FinishedJob, type OutboxInput } from "../db/reservations.ts";
import { caseAlertKey } from "../domain/cases.ts";
import { newId, newSecretToken, sha256Hex } from "../domain/ids.ts";
import { lodgingPolicy } from "../domain/lodging/policy.ts";
import { decide, timerEvent, type AnyDecision, type AnyEvent, type AnyRecord, type AnyTimer } from "../domain/reservation/engine.ts";
import { cancelledLines, createLodgingOrder, lodgingTotals } from "../domain/reservation/lodging-machine.ts";
import { createEngagement, operatorText, type EngagementRecord, type ExceptionRequest, type SessionOutcome, type SessionRequest } from "../domain/reservation/session-machine.ts";
import { checkPolicy, type ExceptionEvent } from "../domain/sessions/policy.ts";
import { checkNeeded, messageProblems, quietUntil, type MessageKind, type MessageTopic } from "../domain/sessions/send-rules.ts";
import { coachPolicy } from "../db/governance.ts";
import { sessionMessaging, templateVersion } from "../db/session-templates.ts";
import { explainRule } from "../domain/sessions/rule-words.ts";
import { isTemplateKey } from "../domain/sessions/templates.ts";
import { getCoach } from "../db/sessions.ts";
import { changeApprovalFor, createShopReservation } from "../domain/reservation/shop-machine.ts";
import { approvalHash } from "../domain/approval.ts";
import type { Actor, DecideContext, Decision, Effect, LodgingRecord, Note, Outcome, ReservationEvent, ReservationRecord, ShopRequest, Status, Timer } from "../domain/reservation/types.ts";
import { nightInterval, parseDate } from "../domain/resource-calendar.ts";
import { placeRooms, refreshAvailability, roomResource, type CartLine, type Placement } from "../lodging/inventory.ts";
import { topUpPageUrl } from "../lodging/points.ts";
import { HoldLapsed, calendarFor, confirmAll, releaseAll } from "./calendar-client.ts";
import { providersFor } from "../providers/index.ts";
import { GUEST_URL_KEY, newGuestUrlKey, placeholder, type QueueMessage } from "../queues/messages.ts";
import { coachResource, nextSlotsAfter, planSlot, refusal, sessionCalendarKey, type BookResult } from "./engagement.ts";

export interface DispatchResult {
  applied: boolean;
  /** null when this object holds no reservation (an unknown id). */
  status: AnyRecord["status"] | null;
  version: number;
  outcome?: Outcome;
  reason?: string;
  duplicate?: boolean;
  /** The webhook receipt given to dispatch was written with this event. */
  receipted?: boolean;
}

/** A dispatch to a session engagement: the same, with the session machine's outcome. */
export type SessionDispatchResult = Omit<DispatchResult, "outcome"> & { outcome?: SessionOutcome };

export class ReservationNotFound extends Error {
  override name = "ReservationNotFound";
}

export class ReservationExists extends Error {
  override name = "ReservationExists";
}

/** How many processed event keys (webhook ids, job ids) an object remembers. */
const SEEN_KEYS_LIMIT = 500;

/** A lodging order as the member asked for it (the rooms are picked by the order's object). */
export interface LodgingOrderInput {
  id: string;
  memberId: string;
  cart: CartLine[];
  language: "ja" | "en";
  apiKeyId?: string;
  /** The credential that asked (credentialOf), for the audit log. */
  via?: string;
}

export type LodgingCreateResult = { ok: true; record: LodgingRecord; existing?: boolean } | ({ ok: false; reason: "no_availability" } & Omit<Extract<Placement, { ok: false }>, "ok">);

export class ReservationObject extends DurableObject<Env> {
  #record: AnyRecord | null = null;
  /** The name of this reservation's guest-link placeholder (see newGuestUrlKey). */
  #linkKey: string = GUEST_URL_KEY;
  #chain: Promise<unknown> = Promise.resolve();
  /** This object's storage as last read or written here (the object is its only writer). */
  readonly #stored = new Map<string, unknown>();
  readonly #db: Db;
  readonly #cfg: Config;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = createDb(env.DB);
    this.#cfg = config(env);
  }

  /** Events are applied one at a time, in arrival order, even across awaits on D1 and the queue. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #context(now: number): DecideContext {
    return {
      now,
      publicUrl: this.#cfg.publicUrl,
      roundDelayMs: this.#cfg.roundDelayMs,
      // Stored messages carry a placeholder; the link with its token is added when sent.
      guestUrl: placeholder(this.#linkKey),
      supportPhone: this.#cfg.supportPhone,
      supportEmail: this.#cfg.supportEmail,
      cancellationPolicy: this.#cfg.lodgingCancellationPolicy,
    };
  }

  // Storage reads come from memory after the first: each storage call is a round trip into the
  // object's SQLite, and a transition reads the same few keys again and again.
  async #get<T>(key: string): Promise<T | undefined> {
    if (this.#stored.has(key)) return this.#stored.get(key) as T | undefined;
    const value = await this.ctx.storage.get<T>(key);
    this.#stored.set(key, value);
    return value;
  }

  async #put(entries: Record<string, unknown>): Promise<void> {
    await this.ctx.storage.put(entries);
    for (const [key, value] of Object.entries(entries)) this.#stored.set(key, value);
  }

  async #delete(keys: string[]): Promise<void> {
    await this.ctx.storage.delete(keys);
    for (const key of keys) this.#stored.set(key, undefined);
  }

  /** A creation that committed nothing leaves nothing behind: its keys and its alarm. */
  async #forgetCreation(): Promise<void> {
    await this.#delete(["id", "token", "kind", "linkKey"]);
    await this.ctx.storage.deleteAlarm();
    await this.#delete(["alarmAt"]);
  }

  /** The requester's page: /r/<token> for a shop booking, /s/<token> for a session engagement. */
  async #guestUrl(): Promise<string> {
    const token = await this.#get<string>("token");
    const kind = await this.#get<string>("kind");
    return `${this.#cfg.publicUrl}/${kind === "session" ? "s" : "r"}/${token ?? "unknown"}`;
  }

  async #load(): Promise<AnyRecord> {
    if (this.#record) return this.#record;
    const id = await this.#get<string>("id");
    const record = id ? await loadAnyRecord(this.#db, id) : null;
    if (!record) throw new ReservationNotFound("reservation not found");
    this.#linkKey = (await this.#get<string>("linkKey")) ?? GUEST_URL_KEY;
    this.#record = record;
    return record;
  }

  // ------------------------------------------------------------------ RPC

  /** Creates the reservation this object is named after. Returns its guest page URL. */
  async create(req: ShopRequest): Promise<{ id: string; status: Status; guestUrl: string }> {
    const created = await this.createGated(req);
    if ("held" in created) throw new Error("an ungated creation is never held");
    return created;
  }

  /**
   * create, gated on the request's claim and booking limits (request_reservation), decided in the
   * same D1 batch as the reservation: `held` when either refused it, and nothing was written.
   */
  async createGated(req: ShopRequest, gate?: CreateGate): Promise<{ id: string; status: Status; guestUrl: string } | { held: true }> {
    const statements = gate ? gateStatements(this.env.DB, req.id, gate) : [];
    const created = await this.#create(req.id, "shop", req.apiKeyId, req.via, (ctx) => createShopReservation(req, ctx), statements);
    if ("held" in created) return created;
    return { id: created.id, status: created.status as Status, guestUrl: created.guestUrl };
  }

  /** Creates the 1-on-1 session engagement this object is named after. Returns the client's page URL. */
  async createEngagement(req: SessionRequest): Promise<{ id: string; status: EngagementRecord["status"]; guestUrl: string }> {
    const messaging = await sessionMessaging(this.#db, req.coach.id, Date.now());
    const created = await this.#create(req.id, "session", req.apiKeyId, req.via, (ctx) => createEngagement(req, { now: ctx.now, pageUrl: ctx.guestUrl, messaging }));
    if ("held" in created) throw new Error("an engagement's creation has no gate");
    return { id: created.id, status: created.status as EngagementRecord["status"], guestUrl: created.guestUrl };
  }

  #create(id: string, kind: AnyRecord["kind"], apiKeyId: string | undefined, via: string | undefined, build: (ctx: DecideContext) => { record: AnyRecord; effects: Effect[]; note: Note }, gate: D1PreparedStatement[] = []) {
    return this.#serial(async (): Promise<{ id: string; status: string; guestUrl: string } | { held: true }> => {
      if (await this.#get("id")) throw new ReservationExists(`reservation ${id} already exists`);
      const now = Date.now();
      const token = newSecretToken();
      this.#linkKey = newGuestUrlKey();
      const { record, effects, note } = build(this.#context(now));
      // Kept before the D1 commit so a committed reservation always has its token here; its
      // alarm is set in the same storage transaction (and taken back if nothing is committed).
      await this.#put({ id, token, kind, linkKey: this.#linkKey });
      await this.#syncAlarm(record);
      const outbox: OutboxInput[] = effects.map((effect) => ({ id: newId("job", now), effect }));
      const event: EventInput = { type: "create", actor: "requester", fromStatus: null, toStatus: record.status, ignored: false, note, data: { apiKeyId: apiKeyId ?? null, ...(via ? { via } : {}) }, at: now };
      let written: boolean;
      try {
        written = await commitTransition(this.env.DB, null, record, event, outbox, await sha256Hex(token), [], undefined, [], gate);
      } catch (err) {
        await this.#forgetCreation();
        throw err;
      }
      if (!written) {
        // Held back by its gate (the request was claimed by another, or a limit is full): nothing exists.
        await this.#forgetCreation();
        return { held: true };
      }
      this.#record = record;
      await this.#afterCommit(record, outbox);
      return { id: record.id, status: record.status, guestUrl: await this.#guestUrl() };
    });
  }

  /**
   * Creates the lodging order this object is named after: picks rooms free on every night and
   * holds them all (or none), then pays at once from the member's points when they cover the
   * total (the charge commits with the order, or nothing does), else waits for points with the
   * rooms held for the payment window. The same id again returns the order already made.
   */
  async createLodging(input: LodgingOrderInput): Promise<LodgingCreateResult> {
    return this.#serial(async () => {
      if (await this.#get("id")) {
        const existing = await this.#load();
        if (existing.kind !== "lodging") throw new ReservationExists(`reservation ${input.id} already exists`);
        return { ok: true, record: existing, existing: true };
      }
      const member = await this.env.DB.prepare("SELECT name, phone, email, birth_date AS birthDate FROM members WHERE id = ?").bind(input.memberId).first<{ name: string; phone: string; email: string; birthDate: string }>();
      if (!member) throw new Error("member not found");
      const now = Date.now();
      const window = this.#cfg.lodgingPaymentWindowMs;
      const placed = await placeRooms(this.env, this.#db, input.id, input.cart, member.birthDate, now + window + lodgingPolicy.holdGraceMs);
      if (!placed.ok) {
        const { ok: _ok, ...why } = placed;
        return { ok: false, reason: "no_availability", ...why };
      }
      const token = newSecretToken();
      try {
        await this.#put({ id: input.id, token });
        const req = { id: input.id, memberId: input.memberId, requester: { name: member.name, phone: member.phone, email: member.email, language: input.language }, lines: placed.lines, ...(input.apiKeyId ? { apiKeyId: input.apiKeyId } : {}) };
        const total = lodgingTotals(placed.lines).total;
        for (let attempt = 0; ; attempt++) {
          const balance = await this.#balance(input.memberId);
          const ctx: DecideContext = { ...this.#context(now), pointsBalance: balance, topUpUrl: topUpPageUrl(this.env, Math.max(0, total - balance)), lodgingPaymentWindowMs: window };
          const d = createLodgingOrder(req, ctx);
          const outbox: OutboxInput[] = d.effects.map((effect) => ({ id: newId("job", now), effect }));
          const event: EventInput = { type: "create", actor: "requester", fromStatus: null, toStatus: d.next.status, ignored: false, note: d.note, data: { apiKeyId: input.apiKeyId ?? null, ...(input.via ? { via: input.via } : {}), cart: input.cart }, at: now };
          const extra = [...lodgingOrderStatements(this.env.DB, d.next, true), ...(d.charge ? ledgerStatements(this.env.DB, { memberId: d.charge.memberId, kind: "order_payment", amount: -d.charge.points, ref: d.charge.ref, orderId: input.id, at: now }) : [])];
          try {
            await commitTransition(this.env.DB, null, d.next, event, outbox, await sha256Hex(token), [], undefined, extra);
          } catch (err) {
            // Points spent elsewhere between the look and the commit: decide again on the new balance.
            if (attempt < 2 && ledgerFailure(err) === "insufficient") continue;
            throw err;
          }
          this.#record = d.next;
          await this.#afterCommit(d.next, outbox);
          await this.#syncCalendar(d.next);
          return { ok: true, record: d.next };
        }
      } catch (err) {
        await releaseAll(this.env, input.id, placed.resources).catch(() => undefined);
        await this.#delete(["id", "token"]);
        throw err;
      }
    });
  }

  /**
   * Applies one event. `key` (a provider event id, a job id) makes a repeated delivery a
   * no-op even when the machine would accept the event again. `finished`: the queue job that
   * produced the event, recorded as done in the same batch (whether the event applies or not).
   * `receipt`: the provider webhook that brought it, recorded received in that batch too
   * (`receipted` says so; otherwise the caller records it).
   */
  async dispatch(event: AnyEvent, actor: Actor, key?: string, finished?: FinishedJob, receipt?: Receipt): Promise<DispatchResult> {
    return this.#serial(async () => {
      if (!(await this.#get("id"))) return { applied: false, status: null, version: 0, reason: "reservation not found" };
      // Its own memory of deliveries first; once that has let old keys go, the webhook receipts in D1.
      const seen = key && ((await this.#get(`seen:${key}`)) || (receipt && (await this.#get("seenDropped")) && (await alreadyReceived(this.#db, receipt.provider, receipt.eventId))));
      if (seen) {
        const r = await this.#load();
        return { applied: false, duplicate: true, status: r.status, version: r.version, reason: "duplicate delivery" };
      }
      const result = await this.#apply(event, actor, undefined, finished, receipt);
      if (key) await this.#remember(key);
      return receipt ? { ...result, receipted: true } : result;
    });
  }

  /** Current record as committed (for tests and diagnostics; reads go to D1 elsewhere). */
  async snapshot(): Promise<AnyRecord> {
    return this.#serial(() => this.#load());
  }

  /** The engagement as committed (a session's object only). */
  async engagement(): Promise<EngagementRecord> {
    const r = await this.#serial(() => this.#load());
    if (r.kind !== "session") throw new ReservationNotFound("not a session engagement");
    return r;
  }

  // ------------------------------------------------------------------ sessions (seed 001)

  /**
   * Books the engagement's next session at `start` (or, with `reschedule`, moves the booked
   * one): the machine must allow it first (terms and payment done), then the coach's
   * calendar takes the time with its buffer, or refuses with the next free slots.
   */
  async bookSession(input: { start: number; by: Actor; agreedBy: string; reschedule?: boolean }): Promise<BookResult> {
    return this.#serial(() => this.#book(input));
  }

  async #book(input: { start: number; by: Actor; agreedBy: string; reschedule?: boolean; caseId?: string }): Promise<BookResult> {
    {
      const r = await this.#load();
      if (r.kind !== "session") return { ok: false, reason: "refused", message: "not a session engagement" };
      const now = Date.now();
      const current = r.data.current;
      const no = input.reschedule ? (current?.no ?? 0) : r.data.history.length + 1;
      const key = sessionCalendarKey(r.id, no);
      const probe: AnyEvent = input.reschedule
        ? { type: "reschedule", start: input.start, end: input.start, heldEnd: input.start, by: input.by, agreedBy: input.agreedBy }
        : { type: "slot_booked", start: input.start, end: input.start, heldEnd: input.start, calendarKey: key, meetingUrl: "", by: input.by, agreedBy: input.agreedBy };
      const dry = decide(r, probe, this.#context(now));
      if (dry.kind === "ignore") return { ok: false, reason: "refused", message: dry.reason };
      const planned = await planSlot(this.#db, r, input.start, now, no);
      if (!planned.ok) return refusal(planned.reason, await nextSlotsAfter(this.env, this.#db, r, input.start, now, key));
      const { plan } = planned;
      // The coach's policy holds on every channel: a move it does not allow waits for the coach.
      let checked: { rule: string; policyVersion: number } | undefined;
      if (input.reschedule && !input.caseId && current) {
        const waiting = r.data.exceptions?.find((x) => x.kind === "reschedule" && x.status === "pending");
        if (waiting) return { ok: false, reason: "pending_approval", message: r.requester.language === "ja" ? "日時の変更はコーチの判断待ちです。" : "A change of time is already waiting for the coach's decision.", caseId: waiting.id };
        const gate = await this.#policyGate(r, { kind: "reschedule", sessionStart: current.start, now, rescheduledSoFar: current.rescheduled }, { start: plan.start }, input.by, now, false);
        if (!gate.inPolicy) return { ok: false, reason: "pending_approval", message: gate.message, caseId: gate.caseId };
        checked = { rule: gate.rule, policyVersion: gate.policyVersion };
      }
      const calendar = calendarFor(this.env, coachResource(r.data.coach.id));
      const taken = await calendar.book(key, [plan.held]);
      if (!taken.ok) {
        if (taken.error) return { ok: false, reason: "refused", message: taken.error };
        return refusal("slot_taken", await nextSlotsAfter(this.env, this.#db, r, input.start, now, key));
      }
      const event: AnyEvent = input.reschedule
        ? { type: "reschedule", start: plan.start, end: plan.end, heldEnd: plan.held.end, by: input.by, agreedBy: input.agreedBy, ...(input.caseId ? { caseId: input.caseId } : {}), ...(checked ?? {}) }
        : { type: "slot_booked", start: plan.start, end: plan.end, heldEnd: plan.held.end, calendarKey: key, meetingUrl: plan.meetingUrl, by: input.by, agreedBy: input.agreedBy };
      let result: DispatchResult;
      try {
        result = await this.#apply(event, input.by);
      } catch (err) {
        await calendar.release(key, [plan.held]);
        throw err;
      }
      if (!result.applied) {
        await calendar.release(key, [plan.held]);
        return { ok: false, reason: "refused", message: result.reason ?? "not possible now" };
      }
      // A reschedule frees what the old time held (the parts the new time does not cover).
      if (input.reschedule && current) await this.#releaseQuietly(r.data.coach.id, key, [{ start: current.start, end: current.heldEnd }], [plan.held]);
      const booked = (this.#record as EngagementRecord).data.current!;
      return { ok: true, status: String(result.status), start: booked.start, end: booked.end, meetingUrl: booked.meetingUrl };
    }
  }

  /**
   * Checks an exception against the coach's current policy and records the case on the
   * engagement (seed 001 Run: 例外処理). Out of policy, the coach is asked by SMS with a link to
   * the coach portal; in policy, the machine acts (a refund) or the caller carries on.
   */
  async #policyGate(r: EngagementRecord, facts: ExceptionEvent, request: ExceptionRequest, by: string, now: number, recordInPolicy = true): Promise<{ inPolicy: boolean; rule: string; policyVersion: number; caseId: string; message: string; applied: boolean; reason?: string }> {
    const policy = await coachPolicy(this.#db, r.data.coach.id);
    const d = checkPolicy(policy, facts);
    const caseId = newId("exc", now);
    // A move in policy is recorded by its own event (with the rule), once the calendar took it.
    if (d.inPolicy && !recordInPolicy) return { inPolicy: true, rule: d.rule, policyVersion: d.policyVersion, caseId, message: explainRule(d.rule, policy, r.requester.language), applied: false };
    let notify: { phone: string; url: string } | undefined;
    if (!d.inPolicy) {
      const coach = await getCoach(this.#db, r.data.coach.id);
      if (coach) notify = { phone: coach.phone, url: `${this.#cfg.publicUrl}/coach/exceptions/${caseId}` };
    }
    const result = await this.#apply({ type: "exception_opened", caseId, kind: facts.kind, inPolicy: d.inPolicy, rule: d.rule, policyVersion: d.policyVersion, reason: d.reason, request, by, ...(notify ? { notify } : {}) }, actorOf(by));
    const lang = r.requester.language;
    const why = explainRule(d.rule, policy, lang);
    const message = d.inPolicy ? why : lang === "ja" ? `コーチの確認が必要です（${why}）。コーチの判断をお待ちください。` : `This needs the coach's approval (${why}); we will let you know the coach's decision.`;
    return { inPolicy: d.inPolicy, rule: d.rule, policyVersion: d.policyVersion, caseId, message, applied: result.applied, ...(result.reason ? { reason: result.reason } : {}) };
  }

  /**
   * An exception raised by an operator or the client (a refund, a complaint or request, a
   * no-show, a terms violation): checked against the coach's policy and recorded.
   */
  async openException(input: { kind: "refund" | "complaint" | "no_show" | "violation"; amountJpy?: number; complaintType?: "complaint" | "request"; violationBy?: "client" | "coach"; note?: string; by: string }): Promise<{ ok: boolean; caseId?: string; inPolicy?: boolean; rule?: string; message: string }> {
    return this.#serial(async () => {
      const r = await this.#load();
      if (r.kind !== "session") return { ok: false, message: "not a session engagement" };
      const now = Date.now();
      const paidJpy = r.data.payment?.paidAt ? r.data.payment.amountJpy : 0;
      const facts: ExceptionEvent =
        input.kind === "refund"
          ? { kind: "refund", amountJpy: input.amountJpy ?? 0, paidJpy }
          : input.kind === "complaint"
            ? { kind: "complaint", type: input.complaintType ?? "complaint" }
            : input.kind === "violation"
              ? { kind: "violation", by: input.violationBy ?? "client" }
              : { kind: "no_show" };
      const request: ExceptionRequest = { ...(input.amountJpy !== undefined ? { amountJpy: input.amountJpy } : {}), ...(input.note ? { note: input.note } : {}) };
      const gate = await this.#policyGate(r, facts, request, input.by, now);
      if (!gate.applied) return { ok: false, message: gate.reason ?? "not possible now" };
      return { ok: true, caseId: gate.caseId, inPolicy: gate.inPolicy, rule: gate.rule, message: gate.message };
    });
  }

  /**
   * A message a person writes to the client (seed 001 送信ルール): the pre-send check first
   * (variables filled, none of the coach's banned phrases); then it leaves, waits for its
   * checker, or waits for the end of the coach's quiet hours. The audit log keeps every step.
   * From a template, only a version the coach approved may be used; a text that differs from
   * that version filled in for this client is an edited (non-standard) message, checked first.
   * `replaces`: the blocked automatic message this corrected text stands in for.
   */
  async draftMessage(input: { body: string; kind: MessageKind; topic: MessageTopic; template?: string; templateVersion?: number; by: string; replaces?: string }): Promise<{ ok: boolean; messageId?: string; status?: string; message: string }> {
    return this.#serial(async () => {
      const r = await this.#load();
      if (r.kind !== "session") return { ok: false, message: "not a session engagement" };
      const now = Date.now();
      const policy = await coachPolicy(this.#db, r.data.coach.id);
      const body = input.body.trim();
      const problems = messageProblems(body, policy);
      if (problems.length) return { ok: false, message: problems.join("; ") };
      let kind = input.kind;
      if (input.template) {
        if (!isTemplateKey(input.template)) return { ok: false, message: `no such template: ${input.template}` };
        const version = input.templateVersion ?? 1;
        const found = await templateVersion(this.#db, r.data.coach.id, input.template, version);
        if (!found) return { ok: false, message: `version ${version} of ${input.template} does not exist` };
        if (found.status !== "approved") return { ok: false, message: `version ${version} of ${input.template} is not approved by the coach (${found.status}); only approved versions send` };
        const standard = operatorText(found.text[r.requester.language], r);
        kind = body === standard ? "standard" : "edited";
      } else if (kind !== "free") return { ok: false, message: "a standard or edited message names its template" };
      const messageId = newId("msg", now);
      const quiet = quietUntil(policy, now);
      let notify: { phone: string; url: string } | undefined;
      if (checkNeeded(kind, input.topic) === "coach") {
        const coach = await getCoach(this.#db, r.data.coach.id);
        if (coach) notify = { phone: coach.phone, url: `${this.#cfg.publicUrl}/coach/templates` };
      }
      const result = await this.#apply({ type: "message_drafted", messageId, body, kind, topic: input.topic, ...(notify ? { notify } : {}), ...(input.template ? { template: input.template, templateVersion: input.templateVersion ?? 1 } : {}), by: input.by, ...(quiet ? { quietUntil: quiet } : {}), ...(input.replaces ? { replaces: input.replaces } : {}) }, "operator");
      if (!result.applied) return { ok: false, message: result.reason ?? "not possible now" };
      const m = (this.#record as EngagementRecord).data.messages?.find((x) => x.id === messageId);
      return { ok: true, messageId, status: m?.status ?? "", message: m?.status ?? "" };
    });
  }

  /** An operator withdraws an automatic message the pre-send check blocked (nothing is sent; the case closes). */
  async withdrawMessage(input: { messageId: string; by: string; note?: string }): Promise<{ ok: boolean; message: string }> {
    return this.#serial(async () => {
      const r = await this.#load();
      if (r.kind !== "session") return { ok: false, message: "not a session engagement" };
      const result = await this.#apply({ type: "message_withdrawn", messageId: input.messageId, by: input.by, ...(input.note ? { note: input.note } : {}) }, "operator");
      return result.applied ? { ok: true, message: "withdrawn" } : { ok: false, message: result.reason ?? "not possible now" };
    });
  }

  /** A second operator or the coach checks a message that needs it: it leaves once, or is rejected. */
  async checkMessage(input: { messageId: string; by: string; role: "operator" | "coach"; approve: boolean; note?: string }): Promise<{ ok: boolean; status?: string; message: string }> {
    return this.#serial(async () => {
      const r = await this.#load();
      if (r.kind !== "session") return { ok: false, message: "not a session engagement" };
      const quiet = quietUntil(await coachPolicy(this.#db, r.data.coach.id), Date.now());
      const result = await this.#apply({ type: "message_checked", messageId: input.messageId, by: input.by, role: input.role, approve: input.approve, ...(input.note ? { note: input.note } : {}), ...(quiet ? { quietUntil: quiet } : {}) }, "operator");
      if (!result.applied) return { ok: false, message: result.reason ?? "not possible now" };
      const m = (this.#record as EngagementRecord).data.messages?.find((x) => x.id === input.messageId);
      return { ok: true, status: m?.status ?? "", message: m?.status ?? "" };
    });
  }

  /**
   * The coach's answer to a case outside the policy. Only the first answer counts. An
   * approved reschedule or cancellation is then carried out here (the calendar too).
   */
  async decideException(input: { caseId: string; decision: "approve" | "reject" | "instruct"; note?: string; by: string }): Promise<{ ok: boolean; message: string }> {
    return this.#serial(async () => {
      const r = await this.#load();
      if (r.kind !== "session") return { ok: false, message: "not a session engagement" };
      const result = await this.#apply({ type: "exception_decided", caseId: input.caseId, decision: input.decision, ...(input.note ? { note: input.note } : {}), by: input.by }, "operator");
      if (!result.applied) return { ok: false, message: result.reason ?? "not possible now" };
      const c = (this.#record as EngagementRecord).data.exceptions?.find((x) => x.id === input.caseId);
      if (input.decision === "approve" && c?.kind === "reschedule" && c.request.start !== undefined) {
        const moved = await this.#book({ start: c.request.start, by: "operator", agreedBy: r.requester.name, reschedule: true, caseId: c.id });
        if (!moved.ok) return { ok: false, message: `approved, but the session could not be moved: ${moved.message}` };
      }
      if (input.decision === "approve" && c?.kind === "cancel") {
        const cancelled = await this.#cancel("operator", c.request.note);
        if (!cancelled.applied) return { ok: false, message: `approved, but the session could not be cancelled: ${cancelled.reason ?? ""}` };
      }
      return { ok: true, message: "decided" };
    });
  }

  /** Cancels the booked session (its time goes back to the coach) or, before payment, the engagement. */
  async cancelSession(by: Actor, reason?: string): Promise<SessionDispatchResult> {
    return this.#serial(async () => {
      const r = await this.#load();
      if (r.kind !== "session") return { applied: false, status: r.status, version: r.version, reason: "not a session engagement" };
      // A booked session: the coach's policy says until when it can be cancelled without asking.
      const current = r.data.current;
      const now = Date.now();
      if (current && !current.outcome && current.start > now) {
        const gate = await this.#policyGate(r, { kind: "cancel", sessionStart: current.start, now }, reason ? { note: reason } : {}, by, now);
        if (!gate.inPolicy) return { applied: false, status: r.status, version: this.#record?.version ?? r.version, reason: gate.message, outcome: { type: "refused", reason: gate.message } };
      }
      return this.#cancel(by, reason);
    });
  }

  async #cancel(by: Actor, reason?: string): Promise<SessionDispatchResult> {
    {
      const r = (await this.#load()) as EngagementRecord;
      const result = (await this.#apply({ type: "cancel", by, ...(reason ? { reason } : {}) }, by)) as SessionDispatchResult;
      const outcome = result.outcome;
      if (result.applied && outcome?.type === "cancel" && outcome.calendarKey) await this.#releaseQuietly(r.data.coach.id, outcome.calendarKey);
      return result;
    }
  }

  /** Gives time back to the coach; a failure is logged (the calendar keeps the time until an operator frees it). */
  async #releaseQuietly(coachId: string, key: string, intervals?: { start: number; end: number }[], keep: { start: number; end: number }[] = []): Promise<void> {
    try {
      const calendar = calendarFor(this.env, coachResource(coachId));
      if (!intervals) await calendar.release(key);
      else {
        const free = intervals.flatMap((i) => keep.reduce<{ start: number; end: number }[]>((parts, k) => parts.flatMap((p) => (k.end <= p.start || k.start >= p.end ? [p] : [...(p.start < k.start ? [{ start: p.start, end: k.start }] : []), ...(k.end < p.end ? [{ start: k.end, end: p.end }] : [])])), [i]));
        if (free.length) await calendar.release(key, free);
      }
    } catch (err) {
      console.error(JSON.stringify({ msg: "calendar release failed", coach: coachId, key, error: String(err) }));
    }
  }

  /** Values for the placeholders in this reservation's stored messages. */
  async links(): Promise<Record<string, string>> {
    const key = (await this.#get<string>("linkKey")) ?? GUEST_URL_KEY;
    return { [key]: await this.#guestUrl() };
  }

  /** Re-sends jobs that were committed but never reached the queue (as of `now`), and re-arms the alarm. */
  async flush(now = Date.now()): Promise<number> {
    return this.#serial(async () => {
      const record = await this.#load();
      const rows = await unenqueuedJobs(this.#db, record.id, now);
      await this.#enqueue(rows.map((r) => r.id));
      await this.#syncAlarm(record);
      return rows.length;
    });
  }

  /**
   * An operator's decision about one of this reservation's jobs that failed for good (the
   * dead-letter queue, or a permanent error such as a payment link Stripe refused): run it
   * again once the cause is fixed, or mark it handled by hand. Either is kept in the audit log.
   */
  async settleDeadJob(jobId: string, action: "requeue" | "dismiss", operator: string): Promise<{ ok: boolean; reason?: string }> {
    return this.#serial(async () => {
      const record = await this.#load();
      const job = await getJob(this.#db, jobId);
      if (!job || job.reservationId !== record.id || (job.status !== "dead" && job.status !== "failed")) return { ok: false, reason: "this job has not failed (or was already handled)" };
      if (action === "requeue" && !REQUEUEABLE_JOB_KINDS.includes(job.kind)) return { ok: false, reason: `a ${job.kind} job cannot be run again; handle it by hand and dismiss it` };
      const now = Date.now();
      const type = action === "requeue" ? "job_requeued" : "job_dismissed";
      const event: EventInput = { type, actor: "operator", fromStatus: record.status, toStatus: record.status, ignored: false, note: { code: type }, data: { jobId, kind: job.kind, operator }, at: now };
      if (!(await settleDeadJob(this.env.DB, record, jobId, action === "requeue" ? "pending" : "dismissed", event))) return { ok: false, reason: "this job has not failed (or was already handled)" };
      if (action === "requeue") {
        try {
          await this.#enqueue([jobId]);
        } catch (err) {
          console.error(JSON.stringify({ msg: "enqueue failed; the sweeper will retry", reservation: record.id, error: String(err) }));
        }
      }
      return { ok: true };
    });
  }

  // ------------------------------------------------------------------ internals

  async #remember(key: string): Promise<void> {
    const seen = [...((await this.#get<string[]>("seen")) ?? []), key];
    const dropped = seen.splice(0, Math.max(0, seen.length - SEEN_KEYS_LIMIT));
    await this.#put({ seen, [`seen:${key}`]: 1, ...(dropped.length ? { seenDropped: true } : {}) });
    if (dropped.length) await this.#delete(dropped.map((k) => `seen:${k}`));
  }

  async #apply(given: AnyEvent, actor: Actor, firedTimer?: AnyTimer, finished?: FinishedJob, receipt?: Receipt): Promise<DispatchResult> {
    for (let attempt = 0; ; attempt++) {
      const record = await this.#load();
      const now = Date.now();
      const event = await this.#withChangeApproval(record, given, now);
      const ctx = this.#context(now);
      if (record.kind === "lodging") ctx.pointsBalance = await this.#balance(record.data.memberId);
      // The flow's own messages pass the coach's approved templates and send rules.
      if (record.kind === "session") ctx.sessionMessaging = await sessionMessaging(this.#db, record.data.coach.id, now);
      if (record.kind === "lodging" && event.type === "member_contact_changed") {
        const contact = await this.env.DB.prepare("SELECT name, phone, email FROM members WHERE id = ? AND registered_via != 'deleted'").bind(record.data.memberId).first<{ name: string; phone: string; email: string }>();
        if (contact) ctx.memberContact = contact;
      }
      let decision: AnyDecision = decide(record, event, ctx);
      if (firedTimer) decision = this.#dropFiredTimer(record, decision, firedTimer, now);
      try {
        return await this.#commit(record, event, actor, decision, now, finished, receipt);
      } catch (err) {
        // Only one writer exists, so a conflict means our cached copy is stale: reload once.
        // A charge the balance no longer covers (points spent meanwhile): decide again.
        const retry = err instanceof VersionConflict || ledgerFailure(err) === "insufficient";
        if (!retry || attempt > 1) throw err;
        this.#record = null;
      }
    }
  }

  /**
   * A shop's change accepted before payment becomes a new approval for the requester: built
   * from the record, hashed here (the machine is synchronous), and carried by the event, so
   * the audit log keeps exactly what was put to them.
   */
  async #withChangeApproval(record: AnyRecord, event: AnyEvent, now: number): Promise<AnyEvent> {
    if (record.kind !== "shop" || event.type !== "accept_change") return event;
    const snapshot = changeApprovalFor(record, event, now);
    return snapshot ? { ...event, approval: { snapshot, hash: await approvalHash(snapshot) } } : event;
  }

  async #balance(memberId: string): Promise<number> {
    const row = await this.env.DB.prepare("SELECT points_balance AS balance FROM members WHERE id = ?").bind(memberId).first<{ balance: number }>();
    return row?.balance ?? 0;
  }

  /**
   * Makes the rooms' calendars show what the order says (booked or released; held needs
   * nothing), then brings search's projection up to date. Idempotent; false when a calendar
   * could not be reached or refused, and the order's calendar_sync timer tries again.
   */
  async #syncCalendar(record: LodgingRecord): Promise<boolean> {
    // Rooms cancelled out of a standing order give back their own nights only.
    const live = record.data.lines.filter((l) => l.cancelledAt === undefined);
    const resources = [...new Set((record.data.calendar === "booked" ? live : record.data.lines).map((l) => roomResource(l.roomId)))];
    let ok = true;
    try {
      if (record.data.calendar === "booked") {
        for (const line of record.data.lines.filter((l) => l.cancelledAt !== undefined)) {
          const freed = await calendarFor(this.env, roomResource(line.roomId)).release(record.id, [{ start: nightInterval(line.checkIn).start, end: parseDate(line.checkOut)! }]);
          if (freed.error) throw new Error(`room ${line.roomNumber} could not be released: ${freed.error}`);
        }
        try {
          await confirmAll(this.env, record.id, resources);
        } catch (err) {
          if (!(err instanceof HoldLapsed)) throw err;
          // A hold that lapsed is booked directly if its nights are still free.
          for (const resource of err.resources) {
            const line = record.data.lines.find((l) => roomResource(l.roomId) === resource)!;
            const booked = await calendarFor(this.env, resource).book(record.id, [{ start: nightInterval(line.checkIn).start, end: parseDate(line.checkOut)! }]);
            if (!booked.ok) throw new Error(`room ${line.roomNumber} could not be booked: its nights were taken after the hold lapsed`);
          }
        }
      } else if (record.data.calendar === "released") {
        await releaseAll(this.env, record.id, resources);
      }
    } catch (err) {
      ok = false;
      console.error(JSON.stringify({ msg: "calendar sync failed; the order will try again", reservation: record.id, calendar: record.data.calendar, error: String(err) }));
    }
    try {
      await refreshAvailability(this.env, this.#db, [...new Set(record.data.lines.map((l) => l.roomTypeId))], record.data.checkIn, record.data.checkOut);
    } catch (err) {
      // The cron's reconcile step catches the projection up.
      console.error(JSON.stringify({ msg: "availability projection not updated", reservation: record.id, error: String(err) }));
    }
    return ok;
  }

  /** A fired timer always leaves the record, even when the machine ignores its event. */
  #dropFiredTimer(record: AnyRecord, decision: AnyDecision, timer: AnyTimer, now: number): AnyDecision {
    const without = <T extends AnyTimer>(timers: T[]) => timers.filter((t) => !(t.key === timer.key && t.at === timer.at));
    if (decision.kind === "apply") return { ...decision, next: { ...decision.next, timers: without(decision.next.timers as AnyTimer[]) } } as AnyDecision;
    return {
      kind: "apply",
      next: { ...record, timers: without(record.timers as AnyTimer[]), version: record.version + 1, updatedAt: now },
      effects: [],
      note: { code: "timer_ignored" },
      outcome: decision.outcome,
    } as AnyDecision;
  }

  async #commit(record: AnyRecord, event: AnyEvent, actor: Actor, decision: AnyDecision, now: number, finished?: FinishedJob, receipt?: Receipt): Promise<DispatchResult> {
    if (decision.kind === "ignore") {
      console.log(JSON.stringify({ msg: "event ignored", reservation: record.id, status: record.status, event: event.type, reason: decision.reason }));
      const receipted = receipt ? [receiptStatement(this.env.DB, receipt, now)] : [];
      await recordIgnoredEvent(this.env.DB, record, { type: event.type, actor, fromStatus: record.status, toStatus: record.status, ignored: true, note: { code: "ignored", params: { reason: decision.reason } }, data: event, at: now }, finished, receipted);
      return { applied: false, status: record.status, version: record.version, reason: decision.reason, ...(decision.outcome ? { outcome: decision.outcome as Outcome } : {}) };
    }
    const next = decision.next;
    const outbox: OutboxInput[] = decision.effects.map((effect) => ({ id: newId("job", now), effect }));
    // Manual cases this transition settled: their alerts clear with it.
    const settled = (record.openCases ?? []).filter((c) => !next.openCases?.some((n) => n.case === c.case)).map((c) => caseAlertKey(c.case, record.id));
    const extra: D1PreparedStatement[] = receipt ? [receiptStatement(this.env.DB, receipt, now, versionGuard(next.id, next.version))] : [];
    if (next.kind === "lodging") {
      const guard = versionGuard(next.id, next.version);
      extra.push(...lodgingOrderStatements(this.env.DB, next, false, guard));
      const charge = decision.kind === "apply" && "charge" in decision ? decision.charge : undefined;
      if (charge) extra.push(...ledgerStatements(this.env.DB, { memberId: charge.memberId, kind: "order_payment", amount: -charge.points, ref: charge.ref, orderId: next.id, at: now }, guard));
      const credit = decision.kind === "apply" && "credit" in decision ? decision.credit : undefined;
      if (credit) extra.push(...ledgerStatements(this.env.DB, { memberId: credit.memberId, kind: "refund", amount: credit.points, ref: credit.ref, orderId: next.id, operator: "operator" in event ? event.operator : null, reason: "cancellation", at: now }, guard));
    }
    await commitTransition(this.env.DB, record.version, next, { type: event.type, actor, fromStatus: record.status, toStatus: next.status, ignored: false, note: decision.note, data: event, at: now }, outbox, undefined, settled, finished, extra);
    this.#record = next;
    if (next.kind === "lodging" && record.kind === "lodging" && (next.data.calendar !== record.data.calendar || cancelledLines(next).length !== cancelledLines(record).length)) await this.#syncCalendar(next);
    if (record.status !== next.status) {
      console.log(JSON.stringify({ msg: "transition", reservation: next.id, from: record.status, to: next.status, event: event.type, version: next.version }));
    }
    await this.#afterCommit(next, outbox);
    return { applied: true, status: next.status, version: next.version, ...(decision.outcome ? { outcome: decision.outcome as Outcome } : {}) };
  }

  /**
   * Side effects leave for the queue after the commit, which marked them enqueued already; a
   * failed send takes the mark off, and the sweeper sends them (it also finds a send lost with
   * this object, by age).
   */
  async #afterCommit(record: AnyRecord, outbox: OutboxInput[]): Promise<void> {
    const ids = outbox.map((o) => o.id);
    try {
      await this.#enqueue(ids, false);
    } catch (err) {
      console.error(JSON.stringify({ msg: "enqueue failed; the sweeper will retry", reservation: record.id, error: String(err) }));
      await clearEnqueued(this.#db, ids).catch(() => undefined);
    }
    await this.#syncAlarm(record);
  }

  async #enqueue(jobIds: string[], mark = true): Promise<void> {
    if (!jobIds.length) return;
    const links = await this.links();
    const messages: MessageSendRequest<QueueMessage>[] = jobIds.map((id) => ({ body: { type: "job", id, links } }));
    await this.env.JOBS.sendBatch(messages);
    if (mark) await markEnqueued(this.#db, jobIds, Date.now());
  }

  async #syncAlarm(record: AnyRecord): Promise<void> {
    const next = record.timers.length ? Math.min(...record.timers.map((t) => t.at)) : null;
    if (next === null) {
      if ((await this.#get<number>("alarmAt")) === undefined && (await this.ctx.storage.getAlarm()) === null) return;
      await this.ctx.storage.deleteAlarm();
      await this.#delete(["alarmAt"]);
      return;
    }
    if ((await this.#get<number>("alarmAt")) === next && (await this.ctx.storage.getAlarm()) !== null) return;
    await this.#put({ alarmAt: next });
    await this.ctx.storage.setAlarm(next);
  }

  /**
   * Runs the timers that are due. An alarm fires when its time has come, so everything
   * scheduled up to the alarm's own time counts as due (which also lets tests fire it early).
   */
  override async alarm(): Promise<void> {
    await this.#serial(async () => {
      let record: AnyRecord;
      try {
        record = await this.#load();
      } catch (err) {
        if (err instanceof ReservationNotFound) return;
        throw err;
      }
      const horizon = Math.max(Date.now(), (await this.#get<number>("alarmAt")) ?? 0);
      const due = record.timers.filter((t) => t.at <= horizon).sort((a, b) => a.at - b.at);
      for (const timer of due) {
        const current = await this.#load();
        if (!(current.timers as AnyTimer[]).some((t) => t.key === timer.key && t.at === timer.at)) continue;
        const event = await this.#reconcile(current, timer);
        await this.#apply(event, "system", timer);
      }
      await this.#delete(["alarmAt"]);
      await this.#syncAlarm(await this.#load());
    });
  }

  /**
   * Before a timeout counts, ask the provider what happened: a call that ended without its
   * webhook, a payment that completed just before the deadline.
   */
  async #reconcile(record: AnyRecord, timer: AnyTimer): Promise<AnyEvent> {
    const event = timerEvent(timer);
    if (record.kind === "lodging") {
      return event.type === "calendar_sync" ? { type: "calendar_sync", ok: await this.#syncCalendar(record) } : event;
    }
    if (record.kind === "session" && event.type === "unpaid_check") return unpaidRuleEvent(this.#db, record, timer);
    if (record.kind !== "shop") return event;
    try {
      if (event.type === "call_timeout") {
        const attempt = record.data.attempts.find((a) => a.id === event.attemptId);
        if (attempt?.providerCallId && attempt.result === undefined) {
          const outcome = await providersFor(this.env, this.#db, this.#cfg).voice.getCall(attempt.providerCallId);
          if (outcome) return { type: "call_result", attemptId: attempt.id, result: outcome.result, ...(outcome.summary ? { summary: outcome.summary } : {}), ...(outcome.proposedChange ? { proposedChange: outcome.proposedChange } : {}), providerCallId: attempt.providerCallId };
        }
      }
      if (event.type === "payment_deadline" && record.status === "payment_pending") {
        const sessionId = record.data.payment?.sessionId;
        if (sessionId) {
          const expired = await providersFor(this.env, this.#db, this.#cfg).payments.expireCheckout(sessionId);
          if (expired.state === "already_complete") return { type: "payment_completed", sessionId, paymentIntentId: expired.paymentIntentId, amountJpy: expired.amountJpy };
        }
      }
    } catch (err) {
      // The provider could not be asked; the timeout stands (a late payment is refunded automatically).
      console.error(JSON.stringify({ msg: "reconcile failed", reservation: record.id, timer: timer.type, error: String(err) }));
    }
    return event;
  }
}

const DAY = 86_400_000;

/** The coach's unpaid rule (未払い継続), read when its timer fires; the machine acts on it. */
async function unpaidRuleEvent(db: Db, r: EngagementRecord, timer: AnyTimer): Promise<AnyEvent> {
  const payment = r.data.payment;
  if (r.status !== "payment_pending" || !payment || payment.paidAt) return { type: "unpaid_check" };
  const policy = await coachPolicy(db, r.data.coach.id);
  // The check stands for the timer's own time (an alarm counts everything up to it as due).
  const at = Math.max(Date.now(), timer.at);
  const dueAt = payment.deadlineAt ?? timer.at;
  const d = checkPolicy(policy, { kind: "unpaid", dueAt, now: at, reminded: Boolean(payment.remindedAt) });
  const remindAt = dueAt + policy.unpaid.remindAfterDays * DAY;
  const cancelAt = dueAt + policy.unpaid.cancelAfterDays * DAY;
  const nextCheckAt = [...(payment.remindedAt || d.action === "remind" ? [] : [remindAt]), cancelAt].find((t) => t > at);
  const open = r.data.exceptions?.find((c) => c.kind === "unpaid" && (c.status === "pending" || c.status === "approved"));
  const action = d.action === "remind" || d.action === "cancel_engagement" ? d.action : "wait";
  return { type: "unpaid_check", caseId: open?.id ?? newId("exc", at), rule: d.rule, policyVersion: d.policyVersion, reason: d.reason, action, by: "system", ...(nextCheckAt ? { nextCheckAt } : {}) };
}

/** Who opened a case, as the audit log's actor: the client, or a person of QRV (operator or coach). */
function actorOf(by: string): Actor {
  return by === "requester" || by === "system" ? by : "operator";
}

