// npm run apikey:list [-- --remote]
// Lists API keys (never the keys themselves: only their first characters are kept).
import { query, targetFrom } from "./lib/wrangler.ts";

const target = targetFrom(process.argv.slice(2));
try {
  const rows = query<{ id: string; name: string; key_prefix: string; created_at: number; revoked_at: number | null }>(target, "SELECT id, name, key_prefix, created_at, revoked_at FROM api_keys ORDER BY created_at");
  if (!rows.length) console.log(`No API keys in the ${target} database.`);
  for (const r of rows) {
    console.log(`${r.id}  ${r.key_prefix}…  ${new Date(r.created_at).toISOString().slice(0, 10)}  ${r.revoked_at ? "revoked" : "active "}  ${r.name}`);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
