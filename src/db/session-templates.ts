// The coach's message templates in D1 (seed 001 Build: テンプレ承認). Version 1 of every
// template is the standard text in the code, agreed with the coach in Build; operators propose
// changes (a new version each), the coach approves or rejects them in the coach portal, and the
// newest approved version is the one QRV sends. The rows keep who proposed and who decided.
import { and, desc, eq, max, sql } from "drizzle-orm";
import type { ClientMessage, EngagementData } from "../domain/reservation/session-machine.ts";
import { quietUntil } from "../domain/sessions/send-rules.ts";
import { TEMPLATE_KEYS, TEMPLATES, standardVersion, templateTextProblems, type ApprovedTemplate, type SessionMessaging, type TemplateKey, type TemplateText } from "../domain/sessions/templates.ts";
import type { Db } from "./client.ts";
import { coachPolicy } from "./governance.ts";
import { engagements, reservations, sessionTemplates } from "./schema.ts";

export type TemplateRow = typeof sessionTemplates.$inferSelect;

/** The newest approved version of each template the coach changed (the others send version 1). */
export async function approvedTemplates(db: Db, coachId: string): Promise<Partial<Record<TemplateKey, ApprovedTemplate>>> {
  const rows = await db
    .select()
    .from(sessionTemplates)
    .where(and(eq(sessionTemplates.coachId, coachId), eq(sessionTemplates.status, "approved")))
    .orderBy(desc(sessionTemplates.version));
  const out: Partial<Record<TemplateKey, ApprovedTemplate>> = {};
  for (const r of rows) {
    const key = r.template as TemplateKey;
    if (!out[key]) out[key] = { version: r.version, text: { ja: r.textJa, en: r.textEn } };
  }
  return out;
}

/** What the engagement's object needs to check the flow's own messages before they leave. */
export async function sessionMessaging(db: Db, coachId: string, now: number): Promise<SessionMessaging> {
  const [templates, policy] = await Promise.all([approvedTemplates(db, coachId), coachPolicy(db, coachId)]);
  const quiet = quietUntil(policy, now);
  return { templates, bannedPhrases: policy.bannedPhrases, ...(quiet ? { quietUntil: quiet } : {}) };
}

/** The version in use of one template (approved; version 1 unless the coach approved a change). */
export async function templateInUse(db: Db, coachId: string, key: TemplateKey): Promise<ApprovedTemplate> {
  return (await approvedTemplates(db, coachId))[key] ?? standardVersion(key);
}

/** One version of a template, if it exists (version 1 is the standard text). */
export async function templateVersion(db: Db, coachId: string, key: TemplateKey, version: number): Promise<{ text: TemplateText; status: string } | null> {
  if (version === 1) return { text: TEMPLATES[key].text, status: "approved" };
  const row = await db.query.sessionTemplates.findFirst({ where: and(eq(sessionTemplates.coachId, coachId), eq(sessionTemplates.template, key), eq(sessionTemplates.version, version)) });
  return row ? { text: { ja: row.textJa, en: row.textEn }, status: row.status } : null;
}

export interface CatalogueEntry {
  key: TemplateKey;
  inUse: ApprovedTemplate;
  /** Changes waiting for the coach. */
  proposed: TemplateRow[];
  /** Every stored version, newest first. */
  history: TemplateRow[];
}

/** The coach's whole catalogue: each template's version in use, the proposals waiting and the history. */
export async function templateCatalogue(db: Db, coachId: string): Promise<CatalogueEntry[]> {
  const rows = await db.select().from(sessionTemplates).where(eq(sessionTemplates.coachId, coachId)).orderBy(desc(sessionTemplates.version)).limit(2000);
  return TEMPLATE_KEYS.map((key) => {
    const history = rows.filter((r) => r.template === key);
    const approved = history.find((r) => r.status === "approved");
    return { key, inUse: approved ? { version: approved.version, text: { ja: approved.textJa, en: approved.textEn } } : standardVersion(key), proposed: history.filter((r) => r.status === "proposed"), history };
  });
}

/** Proposals waiting for the coach, oldest first. */
export async function proposedTemplates(db: Db, coachId: string): Promise<TemplateRow[]> {
  const rows = await db.select().from(sessionTemplates).where(and(eq(sessionTemplates.coachId, coachId), eq(sessionTemplates.status, "proposed")));
  return rows.sort((a, b) => a.proposedAt - b.proposedAt);
}

/**
 * An operator proposes a change to a template (the next version). It sends nothing until the
 * coach approves it. One proposal per template waits at a time.
 */
export async function proposeTemplate(db: Db, input: { coachId: string; key: TemplateKey; text: TemplateText; reason: string; by: string }, now = Date.now()): Promise<{ ok: true; version: number } | { ok: false; errors: string[] }> {
  const text = { ja: input.text.ja.trim(), en: input.text.en.trim() };
  const errors = templateTextProblems(input.key, text);
  const inUse = await templateInUse(db, input.coachId, input.key);
  if (!errors.length && inUse.text.ja === text.ja && inUse.text.en === text.en) errors.push("the text is the same as the version in use");
  const waiting = await db.query.sessionTemplates.findFirst({ where: and(eq(sessionTemplates.coachId, input.coachId), eq(sessionTemplates.template, input.key), eq(sessionTemplates.status, "proposed")) });
  if (waiting) errors.push(`version ${waiting.version} of this template is already waiting for the coach`);
  if (errors.length) return { ok: false, errors };
  const [top] = await db.select({ v: max(sessionTemplates.version) }).from(sessionTemplates).where(and(eq(sessionTemplates.coachId, input.coachId), eq(sessionTemplates.template, input.key)));
  const version = Math.max(top?.v ?? 1, 1) + 1;
  await db.insert(sessionTemplates).values({ coachId: input.coachId, template: input.key, version, textJa: text.ja, textEn: text.en, status: "proposed", reason: input.reason.trim().slice(0, 500), proposedAt: now, proposedBy: input.by });
  return { ok: true, version };
}

/** The coach approves or rejects a proposed version; only the first answer counts. */
export async function decideTemplate(db: Db, input: { coachId: string; key: TemplateKey; version: number; approve: boolean; note?: string; by: string }, now = Date.now()): Promise<boolean> {
  const updated = await db
    .update(sessionTemplates)
    .set({ status: input.approve ? "approved" : "rejected", decidedAt: now, decidedBy: input.by, decisionNote: input.note?.trim().slice(0, 500) || null })
    .where(and(eq(sessionTemplates.coachId, input.coachId), eq(sessionTemplates.template, input.key), eq(sessionTemplates.version, input.version), eq(sessionTemplates.status, "proposed")))
    .returning({ version: sessionTemplates.version });
  return updated.length === 1;
}

export interface MessageAwaiting {
  engagementId: string;
  clientName: string;
  message: ClientMessage;
}

/**
 * Messages to this coach's clients that wait for a check (edited or free texts, and the
 * high-risk ones only the coach may release), oldest first.
 */
export async function messagesAwaitingCheck(db: Db, coachId: string): Promise<MessageAwaiting[]> {
  const rows = await db
    .select({ id: reservations.id, data: reservations.data, name: engagements.clientName })
    .from(reservations)
    .innerJoin(engagements, eq(engagements.id, reservations.id))
    .where(and(eq(engagements.coachId, coachId), sql`EXISTS (SELECT 1 FROM json_each(${reservations.data}, '$.messages') m WHERE json_extract(m.value, '$.status') = 'awaiting_check')`))
    .limit(200);
  return rows
    .flatMap((r) => ((JSON.parse(r.data) as EngagementData).messages ?? []).filter((m) => m.status === "awaiting_check").map((message) => ({ engagementId: r.id, clientName: r.name, message })))
    .sort((a, b) => a.message.at - b.message.at);
}
