// Creating API keys in D1 from the command line.
import { newApiKey } from "../../src/domain/api-key.ts";
import { executeSql, inline, type LocalOptions, type Target } from "./wrangler.ts";

export async function createApiKey(name: string, target: Target, opts: LocalOptions = {}): Promise<{ id: string; key: string }> {
  const { id, key, row } = await newApiKey(name);
  executeSql(target, `${inline("INSERT INTO api_keys (id, name, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?)", [row.id, row.name, row.keyHash, row.keyPrefix, row.createdAt])};`, opts);
  return { id, key };
}
