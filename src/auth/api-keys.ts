// Looking up the API key a request carries (stored as its SHA-256).
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import { API_KEY_PREFIX } from "../domain/api-key.ts";
import { sha256Hex } from "../domain/ids.ts";

export async function findApiKey(db: Db, key: string): Promise<{ id: string; name: string } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const row = await db.query.apiKeys.findFirst({ where: and(eq(apiKeys.keyHash, await sha256Hex(key)), isNull(apiKeys.revokedAt)), columns: { id: true, name: true } });
  return row ?? null;
}
