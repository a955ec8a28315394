// What inquiries teach (seed 003): questions become FAQ entries, requests are grouped into
// feature requests whose askers are told once when it ships, bugs are linked to incidents.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { newId } from "../domain/ids.ts";
import type { FaqSection } from "../domain/inquiries.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { requestShippedMessage } from "../domain/support-messages.ts";
import type { Db } from "./client.ts";
import { enqueueOpsJobs, opsJob } from "./ops-outbox.ts";
import { faqEntries, featureRequests, incidents, inquiries } from "./schema.ts";

export type FaqEntryRow = typeof faqEntries.$inferSelect;
export type FeatureRequestRow = typeof featureRequests.$inferSelect;

export interface FaqEntryInput {
  section: FaqSection;
  questionJa: string;
  answerJa: string;
  questionEn: string;
  answerEn: string;
}

export async function addFaqEntry(db: Db, input: FaqEntryInput, by: string, sourceInquiryId: string | null, now = Date.now()): Promise<string> {
  const id = newId("faq", now);
  await db.insert(faqEntries).values({ id, ...input, sourceInquiryId, createdBy: by, createdAt: now });
  return id;
}

export async function listFaqEntries(db: Db): Promise<FaqEntryRow[]> {
  return db.select().from(faqEntries).orderBy(asc(faqEntries.createdAt));
}

export async function deleteFaqEntry(db: Db, id: string): Promise<boolean> {
  return (await db.delete(faqEntries).where(eq(faqEntries.id, id)).returning({ id: faqEntries.id })).length > 0;
}

export async function createFeatureRequest(db: Db, title: string, by: string, now = Date.now()): Promise<string> {
  const id = newId("feat", now);
  await db.insert(featureRequests).values({ id, title, status: "planned", createdBy: by, updatedBy: by, createdAt: now, updatedAt: now });
  return id;
}

export async function listFeatureRequests(db: Db): Promise<(FeatureRequestRow & { askers: number; told: number })[]> {
  const rows = await db.select().from(featureRequests).orderBy(desc(featureRequests.createdAt));
  const counts = await db
    .select({ id: inquiries.featureRequestId, askers: sql<number>`count(*)`, told: sql<number>`count(${inquiries.shippedNotifiedAt})` })
    .from(inquiries)
    .where(inArray(inquiries.featureRequestId, rows.length ? rows.map((r) => r.id) : [""]))
    .groupBy(inquiries.featureRequestId);
  return rows.map((r) => {
    const c = counts.find((x) => x.id === r.id);
    return { ...r, askers: Number(c?.askers ?? 0), told: Number(c?.told ?? 0) };
  });
}

/** Groups a request (要望) under a planned feature. */
export async function linkToFeature(db: Db, inquiryId: string, featureId: string): Promise<boolean> {
  const feature = await db.query.featureRequests.findFirst({ where: and(eq(featureRequests.id, featureId), eq(featureRequests.status, "planned")) });
  if (!feature) return false;
  const rows = await db.update(inquiries).set({ featureRequestId: featureId }).where(and(eq(inquiries.id, inquiryId), eq(inquiries.category, "request"))).returning({ id: inquiries.id });
  return rows.length > 0;
}

/**
 * Marks a planned feature shipped and tells everyone who asked for it, by SMS or email, once:
 * each asker's "told" mark and their message are written in one batch, and only by the save
 * that moved the feature to shipped; a second click, a second tab or a later re-run finds
 * them told and sends nothing.
 */
export async function shipFeature(env: Env, db: Db, featureId: string, note: { ja: string; en: string }, by: string, now = Date.now()): Promise<{ shipped: boolean; told: number }> {
  const feature = await db.query.featureRequests.findFirst({ where: eq(featureRequests.id, featureId) });
  if (!feature || feature.status !== "planned") return { shipped: false, told: 0 };
  const askers = await db.select().from(inquiries).where(and(eq(inquiries.featureRequestId, featureId), isNull(inquiries.shippedNotifiedAt)));
  const d1 = env.DB;
  // A mark unique to this save: only the save whose mark landed sends.
  const mark = `${now}:${crypto.randomUUID()}`;
  const statements: D1PreparedStatement[] = [
    d1
      .prepare("UPDATE feature_requests SET status = 'shipped', shipped_at = ?, shipped_note_ja = ?, shipped_note_en = ?, updated_by = ?, updated_at = ? WHERE id = ? AND status = 'planned'")
      .bind(now, note.ja, note.en, `${by} #${mark}`, now, featureId),
  ];
  const jobs: string[] = [];
  for (const a of askers) {
    const lang: Lang = a.language === "en" ? "en" : "ja";
    statements.push(
      d1
        .prepare("UPDATE inquiries SET shipped_notified_at = ? WHERE id = ? AND shipped_notified_at IS NULL AND EXISTS (SELECT 1 FROM feature_requests WHERE id = ? AND updated_by = ?)")
        .bind(now, a.id, featureId, `${by} #${mark}`),
    );
    const effect = requestShippedMessage({ contact: a.contact, name: a.name, lang, title: feature.title, note: lang === "en" ? note.en : note.ja });
    const job = opsJob(d1, a.id, effect, now, { sql: "WHERE EXISTS (SELECT 1 FROM feature_requests WHERE id = ? AND updated_by = ?) AND EXISTS (SELECT 1 FROM inquiries WHERE id = ? AND shipped_notified_at = ?)", binds: [featureId, `${by} #${mark}`, a.id, now] });
    statements.push(job.statement);
    jobs.push(job.id);
  }
  // The mark served its purpose; the record keeps who shipped it.
  statements.push(d1.prepare("UPDATE feature_requests SET updated_by = ? WHERE id = ? AND updated_by = ?").bind(by, featureId, `${by} #${mark}`));
  const results = await d1.batch(statements);
  const shipped = (results[0]?.meta.changes ?? 0) > 0;
  if (shipped) await enqueueOpsJobs(env, db, jobs);
  return { shipped, told: shipped ? askers.length : 0 };
}

/** Links a bug to the incident it became (or unlinks it with null). */
export async function linkToIncident(db: Db, inquiryId: string, incidentId: string | null): Promise<boolean> {
  if (incidentId && !(await db.query.incidents.findFirst({ where: eq(incidents.id, incidentId), columns: { id: true } }))) return false;
  const rows = await db.update(inquiries).set({ incidentId }).where(and(eq(inquiries.id, inquiryId), eq(inquiries.category, "bug"))).returning({ id: inquiries.id });
  return rows.length > 0;
}

export async function recentIncidents(db: Db, limit = 30): Promise<{ id: string; title: string; level: string; detectedAt: number }[]> {
  return db.select({ id: incidents.id, title: incidents.title, level: incidents.level, detectedAt: incidents.detectedAt }).from(incidents).orderBy(desc(incidents.detectedAt)).limit(limit);
}
