// The sandbox's memory of what it "sent", shown on /sandbox and at /sandbox/outbox.
import type { Db } from "../../db/client.ts";

export type SandboxChannel = "sms" | "email" | "call" | "payment" | "alert";

export interface SentRecord {
  channel: SandboxChannel;
  reservationId?: string;
  to?: string;
  subject?: string;
  body: string;
  providerRef?: string;
  data?: unknown;
}

export async function recordSent(db: Db, r: SentRecord): Promise<void> {
  await recordStatement(db, r).run();
}

/**
 * recordSent as a statement, to go in one D1 batch with the record it reports on.
 * `ifPreviousChanged`: written only if the statement before it in the batch changed a row.
 */
export function recordStatement(db: Db, r: SentRecord, ifPreviousChanged = false): D1PreparedStatement {
  return db.$client
    .prepare(`INSERT INTO sandbox_records (channel, reservation_id, "to", subject, body, provider_ref, data, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?${ifPreviousChanged ? " WHERE changes() > 0" : ""}`)
    .bind(r.channel, r.reservationId ?? null, r.to ?? null, r.subject ?? null, r.body, r.providerRef ?? null, JSON.stringify(r.data ?? {}), Date.now());
}

export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
