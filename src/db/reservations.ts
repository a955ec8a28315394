// Reservation rows: mapping between the domain record and D1, the atomic commit that the
// reservation's Durable Object (and nothing else) uses to write, and the read queries.
import { and, asc, eq } from "drizzle-orm";
import type { AnyRecord } from "../domain/reservation/engine.ts";
import type { EngagementRecord } from "../domain/reservation/session-machine.ts";
import type { Effect, LodgingRecord, LodgingStatus, Note, OpenCase, ReservationRecord, Status, Timer } from "../domain/reservation/types.ts";
import type { Db } from "./client.ts";
import { finishStatement, type JobResult } from "./outbox.ts";
import { reservationEvents, reservations } from "./schema.ts";
import { engagementProjection } from "./sessions.ts";

export type ReservationRow = typeof reservations.$inferSelect;
export type EventRow = typeof reservationEvents.$inferSelect;

/** What every kind's record has, from its row. */
function commonFields(row: ReservationRow) {
  return {
    id: row.id,
    version: row.version,
    requester: {
      name: row.requesterName,
      phone: row.phone,
      ...(row.email ? { email: row.email } : {}),
      language: row.language === "en" ? ("en" as const) : ("ja" as const),
    },
    startAt: row.startAt,
    partySize: row.partySize,
    ...(row.apiKeyId ? { apiKeyId: row.apiKeyId } : {}),
    timers: JSON.parse(row.timers) as Timer[],
    openCases: JSON.parse(row.openCases) as OpenCase[],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function rowToRecord(row: ReservationRow): ReservationRecord {
  return {
    ...commonFields(row),
    kind: row.kind as "shop",
    status: row.status as Status,
    ...(row.amountJpy !== null ? { amountJpy: row.amountJpy } : {}),
    data: JSON.parse(row.data) as ReservationRecord["data"],
  };
}

/** A row of any kind, as its object loads it: a shop booking, a lodging order or a session engagement. */
export function rowToAnyRecord(row: ReservationRow): AnyRecord {
  if (row.kind === "lodging") {
    const record: LodgingRecord = { ...commonFields(row), kind: "lodging", status: row.status as LodgingStatus, data: JSON.parse(row.data) as LodgingRecord["data"] };
    return record;
  }
  if (row.kind !== "session") return rowToRecord(row);
  const shaped = rowToRecord(row) as unknown as EngagementRecord;
  return { ...shaped, kind: "session", status: row.status as EngagementRecord["status"] };
}

/** Column values for a record (the guest token hash is written once, at creation). */
function columns(r: AnyRecord) {
  return {
    kind: r.kind,
    status: r.status,
    version: r.version,
    service: r.kind === "shop" ? r.data.service : r.kind === "session" ? r.data.menu.name : null,
    area: r.kind === "shop" ? r.data.area : r.kind === "session" ? r.data.coach.name : null,
    start_at: r.startAt,
    party_size: r.partySize,
    requester_name: r.requester.name,
    phone: r.requester.phone,
    email: r.requester.email ?? null,
    language: r.requester.language,
    notes: (r.kind === "shop" ? r.data.notes : r.kind === "session" ? r.data.topic : null) ?? null,
    shop_id: r.kind === "shop" ? (r.data.shop?.id ?? null) : null,
    // Lodging orders are paid in points bought earlier: no yen moves with them.
    amount_jpy: r.kind === "lodging" ? null : (r.amountJpy ?? null),
    api_key_id: r.apiKeyId ?? null,
    data: JSON.stringify(r.data),
    timers: JSON.stringify(r.timers),
    next_timer_at: r.timers.length ? Math.min(...r.timers.map((t) => t.at)) : null,
    open_cases: JSON.stringify(r.openCases ?? []),
    updated_at: r.updatedAt,
  };
}

export interface EventInput {
  type: string;
  actor: string;
  fromStatus: AnyRecord["status"] | null;
  toStatus: AnyRecord["status"] | null;
  ignored: boolean;
  note: Note;
  data: unknown;
  at: number;
}

/**
 * A queue job whose result is the event being applied: its finish is written in the same batch
 * as the transition (one D1 write fewer per job, and the job is done exactly when its result is
 * applied).
 */
export interface FinishedJob {
  jobId: string;
  result: JobResult;
}

export interface OutboxInput {
  id: string;
  effect: Effect;
}

export class VersionConflict extends Error {
  constructor(id: string, expected: number) {
    super(`reservation ${id} is not at version ${expected}`);
  }
}

const EVENT_COLUMNS = "reservation_id, version, type, actor, from_status, to_status, ignored, note, data, created_at";
// enqueued_at: committed as sent, in the same batch; the object sends right after the commit
// and clears the mark if the send fails (see UNSENT_AFTER_MS in outbox.ts).
const OUTBOX_COLUMNS = "id, reservation_id, kind, payload, status, attempts, enqueued_at, created_at, updated_at";

function eventValues(id: string, version: number, e: EventInput): unknown[] {
  return [id, version, e.type, e.actor, e.fromStatus, e.toStatus, e.ignored ? 1 : 0, JSON.stringify(e.note), JSON.stringify(e.data ?? {}), e.at];
}

function outboxValues(reservationId: string, o: OutboxInput, at: number): unknown[] {
  const { kind, ...payload } = o.effect;
  return [o.id, reservationId, kind, JSON.stringify(payload), "pending", 0, at, at, at];
}

/**
 * Writes a transition in one D1 batch (a transaction): the reservation row, its event, and
 * its outbox rows. `expectedVersion` null means the reservation is new. For an update, the
 * event and outbox rows are inserted only if the row moved to the new version, so a stale
 * writer can never leave side effects behind. The alerts of manual cases the transition
 * settled (`settledAlertKeys`) are marked resolved in the same batch. `extra` statements (a
 * kind's own rows, a points charge) run last in the same transaction: one that fails rolls
 * everything back. For an update they must guard themselves with `versionGuard`. `gate`
 * statements (a new shop reservation's request claim and booking limits) run first, and the new
 * reservation is written only if the last of them changed a row. Returns false when a gate held
 * the reservation back (nothing written), true otherwise.
 */
export async function commitTransition(
  d1: D1Database,
  expectedVersion: number | null,
  next: AnyRecord,
  event: EventInput,
  outbox: OutboxInput[],
  guestTokenHash?: string,
  settledAlertKeys: string[] = [],
  finished?: FinishedJob,
  extra: D1PreparedStatement[] = [],
  gate: D1PreparedStatement[] = [],
): Promise<boolean> {
  const cols = columns(next);
  const statements: D1PreparedStatement[] = [];
  if (expectedVersion === null && gate.length) {
    // A gated creation: the gate's statements run first, and the reservation (with its event
    // and jobs) is written only if the last of them changed a row; otherwise nothing is.
    if (!guestTokenHash || extra.length || next.kind === "session") throw new Error("a gated creation takes a guest token and no other statements");
    const names = ["id", ...Object.keys(cols), "guest_token_hash", "created_at"];
    const made = "WHERE EXISTS (SELECT 1 FROM reservations WHERE id = ? AND guest_token_hash = ?)";
    statements.push(...gate);
    statements.push(d1.prepare(`INSERT INTO reservations (${names.join(", ")}) SELECT ${names.map(() => "?").join(", ")} WHERE changes() > 0`).bind(next.id, ...Object.values(cols), guestTokenHash, next.createdAt));
    statements.push(d1.prepare(`INSERT INTO reservation_events (${EVENT_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? ${made}`).bind(...eventValues(next.id, next.version, event), next.id, guestTokenHash));
    for (const o of outbox) {
      statements.push(d1.prepare(`INSERT INTO outbox (${OUTBOX_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? ${made}`).bind(...outboxValues(next.id, o, event.at), next.id, guestTokenHash));
    }
    const results = await d1.batch(statements);
    return results[gate.length]!.meta.changes === 1;
  }
  if (expectedVersion === null) {
    const names = ["id", ...Object.keys(cols), "guest_token_hash", "created_at"];
    statements.push(
      d1
        .prepare(`INSERT INTO reservations (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`)
        .bind(next.id, ...Object.values(cols), guestTokenHash, next.createdAt),
    );
    statements.push(d1.prepare(`INSERT INTO reservation_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).bind(...eventValues(next.id, next.version, event)));
    for (const o of outbox) {
      statements.push(d1.prepare(`INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).bind(...outboxValues(next.id, o, event.at)));
    }
  } else {
    const sets = Object.keys(cols).map((k) => `${k} = ?`);
    statements.push(d1.prepare(`UPDATE reservations SET ${sets.join(", ")} WHERE id = ? AND version = ?`).bind(...Object.values(cols), next.id, expectedVersion));
    const moved = "WHERE EXISTS (SELECT 1 FROM reservations WHERE id = ? AND version = ?)";
    statements.push(
      d1.prepare(`INSERT INTO reservation_events (${EVENT_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? ${moved}`).bind(...eventValues(next.id, next.version, event), next.id, next.version),
    );
    for (const o of outbox) {
      statements.push(d1.prepare(`INSERT INTO outbox (${OUTBOX_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? ${moved}`).bind(...outboxValues(next.id, o, event.at), next.id, next.version));
    }
    for (const key of settledAlertKeys) {
      statements.push(d1.prepare(`UPDATE alerts SET resolved_at = ? WHERE key = ? AND resolved_at IS NULL AND EXISTS (SELECT 1 FROM reservations WHERE id = ? AND version = ?)`).bind(event.at, key, next.id, next.version));
    }
    if (finished) statements.push(finishStatement(d1, finished.jobId, finished.result, event.at, { sql: "EXISTS (SELECT 1 FROM reservations WHERE id = ? AND version = ?)", params: [next.id, next.version] }));
  }
  // Each kind's own tables change in the same batch, only if the row reached the new version.
  if (next.kind === "session") statements.push(...engagementProjection(d1, next));
  statements.push(...extra);
  const results = await d1.batch(statements);
  if (expectedVersion !== null && results[0]!.meta.changes !== 1) throw new VersionConflict(next.id, expectedVersion);
  return true;
}

/** A condition (for `WHERE … AND`) that holds only once the reservation row reached `version`. */
export function versionGuard(id: string, version: number): { sql: string; params: [string, number] } {
  return { sql: "EXISTS (SELECT 1 FROM reservations WHERE id = ? AND version = ?)", params: [id, version] };
}

/** An event that changed nothing is still part of the audit log (with the finish of the job that reported it). */
export async function recordIgnoredEvent(d1: D1Database, record: AnyRecord, event: EventInput, finished?: FinishedJob): Promise<void> {
  const insert = d1.prepare(`INSERT INTO reservation_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).bind(...eventValues(record.id, record.version, event));
  if (finished) await d1.batch([insert, finishStatement(d1, finished.jobId, finished.result, event.at)]);
  else await insert.run();
}

/** Job kinds an operator may run again after they died: re-placing a call the reservation has moved past would phone a shop for nothing. */
export const REQUEUEABLE_JOB_KINDS: readonly string[] = ["sms.send", "email.send", "payment.create", "payment.expire", "payment.refund", "alert.send"];

/**
 * An operator's decision about a job that failed for good (dead: retries exhausted; failed:
 * a permanent error), with its audit event, in one batch: `pending` (run it again; the caller
 * enqueues it) or `dismissed` (handled by hand). Returns false when the job is not stuck (any more).
 */
export async function settleDeadJob(d1: D1Database, record: AnyRecord, jobId: string, status: "pending" | "dismissed", event: EventInput): Promise<boolean> {
  const [update] = await d1.batch([
    d1.prepare("UPDATE outbox SET status = ?, locked_until = NULL, enqueued_at = NULL, updated_at = ? WHERE id = ? AND reservation_id = ? AND status IN ('dead', 'failed')").bind(status, event.at, jobId, record.id),
    d1
      .prepare(`INSERT INTO reservation_events (${EVENT_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1`)
      .bind(...eventValues(record.id, record.version, event)),
  ]);
  return update!.meta.changes === 1;
}

/** A shop booking by id (other kinds have their own pages and tools). */
export async function loadRecord(db: Db, id: string): Promise<ReservationRecord | null> {
  const row = await db.query.reservations.findFirst({ where: and(eq(reservations.id, id), eq(reservations.kind, "shop")) });
  return row ? rowToRecord(row) : null;
}

/** Any kind of record by id: what its own object loads. */
export async function loadAnyRecord(db: Db, id: string): Promise<AnyRecord | null> {
  const row = await db.query.reservations.findFirst({ where: eq(reservations.id, id) });
  return row ? rowToAnyRecord(row) : null;
}

export async function findByGuestTokenHash(db: Db, hash: string): Promise<ReservationRecord | null> {
  const row = await db.query.reservations.findFirst({ where: and(eq(reservations.guestTokenHash, hash), eq(reservations.kind, "shop")) });
  return row ? rowToRecord(row) : null;
}

export async function listEvents(db: Db, reservationId: string): Promise<EventRow[]> {
  return db.select().from(reservationEvents).where(eq(reservationEvents.reservationId, reservationId)).orderBy(asc(reservationEvents.id));
}
