// Creating API keys in D1 from the command line.
import { newApiKey } from "../../src/domain/api-key.ts";
import { executeSql, inline, query, type LocalOptions, type Target } from "./wrangler.ts";

/** A personal key (userId) acts as that person's sign-in; without one, the key is an integrator's. */
export async function createApiKey(name: string, target: Target, opts: LocalOptions = {}, userId?: string): Promise<{ id: string; key: string }> {
  const { id, key, row } = await newApiKey(name);
  executeSql(target, `${inline("INSERT INTO api_keys (id, name, key_hash, key_prefix, created_at, user_id) VALUES (?, ?, ?, ?, ?, ?)", [row.id, row.name, row.keyHash, row.keyPrefix, row.createdAt, userId ?? null])};`, opts);
  return { id, key };
}

/** The person (users.id) with this verified number: they must have signed in once (their id is made there). */
export function userIdForPhone(phone: string, target: Target, opts: LocalOptions = {}): string {
  const [row] = query<{ id: string }>(target, inline("SELECT id FROM users WHERE phone = ?", [phone]), opts);
  if (!row) throw new Error(`No one with ${phone} has signed in yet. They sign in once (the member page, /member, or an MCP client's sign-in), then run this again.`);
  return row.id;
}
