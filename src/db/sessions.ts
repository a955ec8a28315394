// 1-on-1 sessions in D1: the coaches' set-up (menus, availability, versioned documents) and
// the projections of each engagement. The projections are written only by the engagement's
// object, inside its commit batch (see commitTransition), so they never disagree with it.
import { and, asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { EngagementRecord } from "../domain/reservation/session-machine.ts";
import type { Availability } from "../domain/sessions/availability.ts";
import type { Db } from "./client.ts";
import { coachAvailability, coachClients, coaches, engagementSessions, engagements, reservations, sessionDocuments, sessionMenus, users } from "./schema.ts";

export type CoachRow = typeof coaches.$inferSelect;
export type MenuRow = typeof sessionMenus.$inferSelect;
export type EngagementRow = typeof engagements.$inferSelect;
export type SessionRow = typeof engagementSessions.$inferSelect;

// ---------------------------------------------------------------- projections (commit batch)

const GUARD = "EXISTS (SELECT 1 FROM reservations WHERE id = ? AND version = ?)";

function insertGuarded(d1: D1Database, table: string, values: Record<string, unknown>, r: EngagementRecord, conflict: string): D1PreparedStatement {
  const names = Object.keys(values);
  return d1
    .prepare(`INSERT INTO ${table} (${names.join(", ")}) SELECT ${names.map(() => "?").join(", ")} WHERE ${GUARD} ${conflict}`)
    .bind(...Object.values(values), r.id, r.version);
}

function upsertSet(names: string[]): string {
  return names.map((n) => `${n} = excluded.${n}`).join(", ");
}

/** Statements that bring the engagement's own tables to this version of the record. */
export function engagementProjection(d1: D1Database, r: EngagementRecord): D1PreparedStatement[] {
  const d = r.data;
  const out: D1PreparedStatement[] = [];
  const current = d.current;
  const eng = {
    id: r.id,
    coach_id: d.coach.id,
    menu_id: d.menu.id,
    client_phone: r.requester.phone,
    client_name: r.requester.name,
    status: r.status,
    crm: d.crm,
    trial: d.trial || r.status.startsWith("trial_") ? 1 : 0,
    sessions_bought: d.sessionsBought,
    sessions_used: d.sessionsUsed,
    next_start_at: current && !current.outcome ? current.start : null,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
  out.push(insertGuarded(d1, "engagements", eng, r, `ON CONFLICT(id) DO UPDATE SET ${upsertSet(Object.keys(eng).filter((k) => k !== "id" && k !== "created_at"))}`));
  for (const s of [...d.history, ...(current ? [current] : [])]) {
    const row = {
      engagement_id: r.id,
      no: s.no,
      coach_id: d.coach.id,
      trial: s.trial ? 1 : 0,
      start_at: s.start,
      end_at: s.end,
      meeting_url: s.meetingUrl,
      outcome: s.outcome ?? null,
      notes: s.notes ?? null,
      reported_at: s.reportedAt ?? null,
      reported_by: s.reportedBy ?? null,
    };
    out.push(insertGuarded(d1, "engagement_sessions", row, r, `ON CONFLICT(engagement_id, no) DO UPDATE SET ${upsertSet(["start_at", "end_at", "meeting_url", "outcome", "notes", "reported_at", "reported_by"])}`));
  }
  for (const a of d.agreements) {
    out.push(insertGuarded(d1, "session_agreements", { engagement_id: r.id, document: a.document, version: a.version, agreed_at: a.at, agreed_by: a.by }, r, "ON CONFLICT DO NOTHING"));
  }
  for (const s of d.surveys) {
    out.push(insertGuarded(d1, "session_surveys", { engagement_id: r.id, session_no: s.sessionNo, coach_id: d.coach.id, score: s.score, comment: s.comment ?? null, created_at: s.at }, r, "ON CONFLICT DO NOTHING"));
  }
  for (const c of d.exceptions ?? []) {
    const row = {
      id: c.id,
      engagement_id: r.id,
      coach_id: d.coach.id,
      kind: c.kind,
      status: c.status,
      in_policy: c.inPolicy ? 1 : 0,
      rule: c.rule,
      policy_version: c.policyVersion,
      reason: c.reason,
      request: JSON.stringify(c.request),
      opened_at: c.at,
      opened_by: c.by,
      decision: c.decision?.decision ?? null,
      decided_at: c.decision?.at ?? null,
      decided_by: c.decision?.by ?? null,
      note: c.decision?.note ?? null,
      done_at: c.doneAt ?? null,
    };
    out.push(insertGuarded(d1, "session_exceptions", row, r, `ON CONFLICT(id) DO UPDATE SET ${upsertSet(["status", "rule", "policy_version", "reason", "decision", "decided_at", "decided_by", "note", "done_at"])}`));
  }
  const held = d.history.filter((s) => s.outcome === "held");
  const client = {
    coach_id: d.coach.id,
    client_phone: r.requester.phone,
    client_name: r.requester.name,
    crm: d.crm,
    engagement_id: r.id,
    sessions_held: held.length,
    last_session_at: held.at(-1)?.start ?? null,
    updated_at: r.updatedAt,
  };
  out.push(insertGuarded(d1, "coach_clients", client, r, `ON CONFLICT(coach_id, client_phone) DO UPDATE SET ${upsertSet(["client_name", "crm", "engagement_id", "sessions_held", "last_session_at", "updated_at"])}`));
  return out;
}

// ---------------------------------------------------------------- coaches and their set-up

export async function listActiveCoaches(db: Db): Promise<{ coach: CoachRow; menus: MenuRow[] }[]> {
  const [cs, ms] = await Promise.all([
    db.select().from(coaches).where(eq(coaches.active, true)).orderBy(asc(coaches.name)),
    db.select().from(sessionMenus).where(eq(sessionMenus.active, true)).orderBy(asc(sessionMenus.priceJpy)),
  ]);
  return cs.map((coach) => ({ coach, menus: ms.filter((m) => m.coachId === coach.id) }));
}

export async function allCoaches(db: Db): Promise<CoachRow[]> {
  return db.select().from(coaches).orderBy(asc(coaches.name));
}

export async function getCoach(db: Db, id: string): Promise<CoachRow | null> {
  return (await db.query.coaches.findFirst({ where: eq(coaches.id, id) })) ?? null;
}

export async function coachForUser(db: Db, userId: string): Promise<CoachRow | null> {
  return (await db.query.coaches.findFirst({ where: and(eq(coaches.userId, userId), eq(coaches.active, true)) })) ?? null;
}

export async function getMenu(db: Db, coachId: string, menuId: string): Promise<MenuRow | null> {
  return (await db.query.sessionMenus.findFirst({ where: and(eq(sessionMenus.id, menuId), eq(sessionMenus.coachId, coachId)) })) ?? null;
}

export async function menusOf(db: Db, coachId: string): Promise<MenuRow[]> {
  return db.select().from(sessionMenus).where(eq(sessionMenus.coachId, coachId)).orderBy(asc(sessionMenus.priceJpy));
}

const NO_HOURS: Availability = { weekly: [], exceptions: [], bufferMinutes: 0, minNoticeMinutes: 0, stepMinutes: 30 };

export async function getAvailability(db: Db, coachId: string): Promise<Availability> {
  const row = await db.query.coachAvailability.findFirst({ where: eq(coachAvailability.coachId, coachId) });
  if (!row) return NO_HOURS;
  return { weekly: JSON.parse(row.weekly), exceptions: JSON.parse(row.exceptions), bufferMinutes: row.bufferMinutes, minNoticeMinutes: row.minNoticeMinutes, stepMinutes: row.stepMinutes };
}

export async function saveAvailability(db: Db, coachId: string, a: Availability, by: string, now = Date.now()): Promise<void> {
  const values = { weekly: JSON.stringify(a.weekly), exceptions: JSON.stringify(a.exceptions), bufferMinutes: a.bufferMinutes, minNoticeMinutes: a.minNoticeMinutes, stepMinutes: a.stepMinutes ?? 30, updatedAt: now, updatedBy: by };
  await db.insert(coachAvailability).values({ coachId, ...values }).onConflictDoUpdate({ target: coachAvailability.coachId, set: values });
}

export type DocumentRow = typeof sessionDocuments.$inferSelect;

/** The current (highest) version of each of the coach's documents. */
export async function currentDocuments(db: Db, coachId: string): Promise<{ terms: DocumentRow | null; contract: DocumentRow | null }> {
  const rows = await db.select().from(sessionDocuments).where(eq(sessionDocuments.coachId, coachId)).orderBy(desc(sessionDocuments.version));
  return { terms: rows.find((r) => r.kind === "terms") ?? null, contract: rows.find((r) => r.kind === "contract") ?? null };
}

export async function documentVersion(db: Db, coachId: string, kind: "terms" | "contract", version: number): Promise<DocumentRow | null> {
  return (await db.query.sessionDocuments.findFirst({ where: and(eq(sessionDocuments.coachId, coachId), eq(sessionDocuments.kind, kind), eq(sessionDocuments.version, version)) })) ?? null;
}

/** A changed document is a new version; engagements keep the version they were sent. */
export async function addDocumentVersion(db: Db, coachId: string, kind: "terms" | "contract", title: string, body: string, by: string, now = Date.now()): Promise<number> {
  const [row] = await db
    .select({ v: sql<number>`coalesce(max(${sessionDocuments.version}), 0)` })
    .from(sessionDocuments)
    .where(and(eq(sessionDocuments.coachId, coachId), eq(sessionDocuments.kind, kind)));
  const version = (row?.v ?? 0) + 1;
  await db.insert(sessionDocuments).values({ coachId, kind, version, title, body, createdAt: now, createdBy: by });
  return version;
}

/** New or existing client: someone this coach already has in the CRM. */
export async function isExistingClient(db: Db, coachId: string, phone: string): Promise<boolean> {
  return Boolean(await db.query.coachClients.findFirst({ where: and(eq(coachClients.coachId, coachId), eq(coachClients.clientPhone, phone)) }));
}

// ---------------------------------------------------------------- engagements

export async function engagementTokenOwner(db: Db, hash: string): Promise<string | null> {
  const row = await db.query.reservations.findFirst({ where: and(eq(reservations.guestTokenHash, hash), eq(reservations.kind, "session")), columns: { id: true } });
  return row?.id ?? null;
}

export async function listEngagements(db: Db, filter: { coachId?: string; status?: string; phone?: string; limit?: number } = {}): Promise<EngagementRow[]> {
  const where = [
    ...(filter.coachId ? [eq(engagements.coachId, filter.coachId)] : []),
    ...(filter.status ? [eq(engagements.status, filter.status)] : []),
    ...(filter.phone ? [eq(engagements.clientPhone, filter.phone)] : []),
  ];
  return db
    .select()
    .from(engagements)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(engagements.updatedAt))
    .limit(filter.limit ?? 500);
}

/** Sessions of one coach starting in [from, to), with the client's name and the engagement's status. */
export async function coachSessions(db: Db, coachId: string, from: number, to: number) {
  return db
    .select({ session: engagementSessions, clientName: engagements.clientName, status: engagements.status, menuId: engagements.menuId })
    .from(engagementSessions)
    .innerJoin(engagements, eq(engagements.id, engagementSessions.engagementId))
    .where(and(eq(engagementSessions.coachId, coachId), gte(engagementSessions.startAt, from), lt(engagementSessions.startAt, to)))
    .orderBy(asc(engagementSessions.startAt));
}

export async function coachClientList(db: Db, coachId?: string) {
  return db
    .select()
    .from(coachClients)
    .where(coachId ? eq(coachClients.coachId, coachId) : undefined)
    .orderBy(desc(coachClients.updatedAt))
    .limit(1000);
}

export async function coachNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: coaches.id, name: coaches.name }).from(coaches).where(inArray(coaches.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function userName(db: Db, userId: string): Promise<string | null> {
  const u = await db.query.users.findFirst({ where: eq(users.id, userId), columns: { name: true } });
  return u?.name ?? null;
}

/**
 * The coach behind a signed-in person: by user id, or, on their first visit, by the coach's
 * phone number (the user id is then linked, so a later change of number keeps the coach).
 */
export async function coachForAccount(db: Db, account: { userId: string; phone: string }, now = Date.now()): Promise<CoachRow | null> {
  const linked = await coachForUser(db, account.userId);
  if (linked) return linked;
  const byPhone = await db.query.coaches.findFirst({ where: and(eq(coaches.phone, account.phone), eq(coaches.active, true), sql`${coaches.userId} IS NULL`) });
  if (!byPhone) return null;
  await db.update(coaches).set({ userId: account.userId, updatedAt: now }).where(and(eq(coaches.id, byPhone.id), sql`${coaches.userId} IS NULL`));
  return { ...byPhone, userId: account.userId };
}
