// Looking up the API key a request carries (stored as its SHA-256).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import { API_KEY_PREFIX } from "../domain/api-key.ts";
import { sha256Hex } from "../domain/ids.ts";

/** How often "last used" is written for a key in use (not on every request). */
const LAST_USED_RESOLUTION_MS = 60 * 60_000;

const FIND_KEY = "SELECT id, name, last_used_at AS lastUsedAt, user_id AS userId FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL LIMIT 1";

export async function findApiKey(db: Db, key: string, now = Date.now()): Promise<{ id: string; name: string; userId: string | null } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  // Every MCP request with a key runs this (never cached, so a revocation holds at once): one
  // prepared statement, without the query builder.
  const row = await db.$client.prepare(FIND_KEY).bind(await sha256Hex(key)).first<{ id: string; name: string; lastUsedAt: number | null; userId: string | null }>();
  if (!row) return null;
  if (row.lastUsedAt === null || row.lastUsedAt < now - LAST_USED_RESOLUTION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { id: row.id, name: row.name, userId: row.userId };
}
