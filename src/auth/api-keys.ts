// Looking up the API key a request carries (stored as its SHA-256).
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import { API_KEY_PREFIX } from "../domain/api-key.ts";
import { sha256Hex } from "../domain/ids.ts";

/** How often "last used" is written for a key in use (not on every request). */
const LAST_USED_RESOLUTION_MS = 60 * 60_000;

export async function findApiKey(db: Db, key: string, now = Date.now()): Promise<{ id: string; name: string; userId: string | null } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const row = await db.query.apiKeys.findFirst({ where: and(eq(apiKeys.keyHash, await sha256Hex(key)), isNull(apiKeys.revokedAt)), columns: { id: true, name: true, lastUsedAt: true, userId: true } });
  if (!row) return null;
  if (row.lastUsedAt === null || row.lastUsedAt < now - LAST_USED_RESOLUTION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { id: row.id, name: row.name, userId: row.userId };
}
