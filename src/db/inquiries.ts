// Inquiries recorded from the support form, for operators to work in the console.
import { and, eq, gt, gte, isNull, lt, sql } from "drizzle-orm";
import { newId, newSecretToken, sha256Hex } from "../domain/ids.ts";
import type { KpiInquiry } from "../domain/support-kpis.ts";
import { inquiryClosedMessage } from "../domain/support-messages.ts";
import { enqueueOpsJobs, opsJob } from "./ops-outbox.ts";
import type { InquiryInput } from "../domain/inquiries.ts";
import type { Lang } from "../domain/reservation/types.ts";
import type { Db } from "./client.ts";
import { inquiries } from "./schema.ts";

export type InquiryRow = typeof inquiries.$inferSelect;

export interface NewInquiry extends InquiryInput {
  language: Lang;
  source: "guest_page" | "support_page";
  /** Set only when the guest link proved the reservation is the person's own. */
  verifiedReservationId?: string;
  userAgent?: string;
  /** A keyed hash of the sender's address (see clientKey in routes/support.tsx). */
  clientKey?: string;
}

/** Records one inquiry (one INSERT: there is no half-written inquiry). Returns its id. */
export async function recordInquiry(db: Db, input: NewInquiry, now = Date.now()): Promise<string> {
  const id = newId("inq", now);
  const reservationId = input.verifiedReservationId ?? input.reservationId ?? null;
  await db.insert(inquiries).values({
    id,
    createdAt: now,
    reservationId,
    reservationVerified: input.verifiedReservationId !== undefined,
    name: input.name,
    contact: input.contact,
    category: input.category,
    message: input.message,
    language: input.language,
    status: "new",
    source: input.source,
    userAgent: input.userAgent?.slice(0, 400) ?? null,
    clientKey: input.clientKey ?? null,
    updatedAt: now,
  });
  return id;
}

/** Inquiries the same sender posted since `since`. */
export async function inquiriesFrom(db: Db, clientKey: string, since: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(inquiries).where(and(eq(inquiries.clientKey, clientKey), gt(inquiries.createdAt, since)));
  return row?.n ?? 0;
}

export interface InquiryWork {
  status: "new" | "in_progress" | "closed";
  note: string;
  operator: string;
  publicUrl: string;
}

/**
 * An operator's save: status and note, plus the KPI clocks (the first response is the first
 * save that answers or notes; closing stops the resolution clock, reopening clears it) and, on
 * closing, the closing message with a one-time survey link, in the same batch. A double
 * submit or a second tab finds the status already moved and sends nothing twice.
 */
export async function saveInquiryWork(env: Env, db: Db, id: string, work: InquiryWork, now = Date.now()): Promise<InquiryRow | null> {
  const row = await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) });
  if (!row) return null;
  const answered = work.status !== "new" || (work.note !== "" && work.note !== row.operatorNote);
  const firstResponseAt = row.firstResponseAt ?? (answered ? now : null);
  const closedAt = work.status === "closed" ? (row.closedAt ?? now) : null;
  const closing = work.status === "closed" && row.status !== "closed" && row.satisfaction === null;
  const token = closing ? newSecretToken() : null;
  const tokenHash = token ? await sha256Hex(token) : null;
  const d1 = env.DB;
  const statements: D1PreparedStatement[] = [
    d1
      .prepare(
        "UPDATE inquiries SET status = ?, operator_note = ?, handled_by = ?, updated_at = ?, first_response_at = ?, closed_at = ?, survey_token_hash = COALESCE(?, survey_token_hash) WHERE id = ? AND status = ?",
      )
      .bind(work.status, work.note, work.operator, now, firstResponseAt, closedAt, tokenHash, id, row.status),
  ];
  const jobs: string[] = [];
  if (token) {
    const effect = inquiryClosedMessage({ contact: row.contact, name: row.name, lang: row.language === "en" ? "en" : "ja", surveyUrl: `${work.publicUrl}/satisfaction/${token}` });
    const job = opsJob(d1, id, effect, now, { sql: "WHERE EXISTS (SELECT 1 FROM inquiries WHERE id = ? AND survey_token_hash = ?)", binds: [id, tokenHash] });
    statements.push(job.statement);
    jobs.push(job.id);
  }
  await d1.batch(statements);
  await enqueueOpsJobs(env, db, jobs);
  return (await db.query.inquiries.findFirst({ where: eq(inquiries.id, id) })) ?? null;
}

/** The inquiry a survey link belongs to (by the token's hash). */
export async function inquiryBySurveyToken(db: Db, token: string): Promise<InquiryRow | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return db.query.inquiries.findFirst({ where: eq(inquiries.surveyTokenHash, await sha256Hex(token)) });
}

/** Records the 1-5 score once; a second answer changes nothing. Returns whether this one counted. */
export async function recordSatisfaction(db: Db, id: string, score: number, now = Date.now()): Promise<boolean> {
  const rows = await db
    .update(inquiries)
    .set({ satisfaction: score, satisfactionAt: now })
    .where(and(eq(inquiries.id, id), isNull(inquiries.satisfaction)))
    .returning({ id: inquiries.id });
  return rows.length > 0;
}

/** The rows the support KPIs are computed from: inquiries received in [from, to). */
export async function kpiInquiries(db: Db, from: number, to: number): Promise<KpiInquiry[]> {
  return db
    .select({ createdAt: inquiries.createdAt, firstResponseAt: inquiries.firstResponseAt, closedAt: inquiries.closedAt, satisfaction: inquiries.satisfaction })
    .from(inquiries)
    .where(and(gte(inquiries.createdAt, from), lt(inquiries.createdAt, to)));
}
