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
