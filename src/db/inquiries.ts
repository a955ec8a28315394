// Inquiries recorded from the support form, for operators to work in the console.
import { and, eq, gt, sql } from "drizzle-orm";
import { newId } from "../domain/ids.ts";
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
