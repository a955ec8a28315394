// Webhook deliveries already handled, by provider and the provider's own id.
import { and, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { webhookReceipts } from "./schema.ts";

export async function alreadyReceived(db: Db, provider: string, eventId: string): Promise<boolean> {
  const row = await db.query.webhookReceipts.findFirst({ where: and(eq(webhookReceipts.provider, provider), eq(webhookReceipts.eventId, eventId)) });
  return row !== undefined;
}

export async function markReceived(db: Db, provider: string, eventId: string): Promise<void> {
  await db.insert(webhookReceipts).values({ provider, eventId, receivedAt: Date.now() }).onConflictDoNothing();
}

export interface Receipt {
  provider: string;
  eventId: string;
}

/**
 * markReceived as a statement for the batch of the transition the delivery causes, so the
 * receipt is written with its effect or not at all. `guard`: for an update, the version guard.
 */
export function receiptStatement(d1: D1Database, receipt: Receipt, at: number, guard?: { sql: string; params: unknown[] }): D1PreparedStatement {
  return d1
    .prepare(`INSERT INTO webhook_receipts (provider, event_id, received_at) SELECT ?, ?, ? WHERE ${guard ? guard.sql : "true"} ON CONFLICT DO NOTHING`)
    .bind(receipt.provider, receipt.eventId, at, ...(guard?.params ?? []));
}
