// The sandbox's memory of what it "sent", shown on /sandbox and at /sandbox/outbox.
import { sandboxRecords } from "../../db/schema.ts";
import type { Db } from "../../db/client.ts";

export type SandboxChannel = "sms" | "email" | "call" | "payment" | "alert";

export async function recordSent(
  db: Db,
  r: { channel: SandboxChannel; reservationId?: string; to?: string; subject?: string; body: string; providerRef?: string; data?: unknown },
): Promise<void> {
  await db.insert(sandboxRecords).values({
    channel: r.channel,
    reservationId: r.reservationId ?? null,
    to: r.to ?? null,
    subject: r.subject ?? null,
    body: r.body,
    providerRef: r.providerRef ?? null,
    data: JSON.stringify(r.data ?? {}),
    createdAt: Date.now(),
  });
}

export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
