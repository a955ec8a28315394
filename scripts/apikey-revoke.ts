// npm run apikey:revoke -- --id KEY_ID [--remote]
// Revokes an API key at once: requests with it get 401 from then on.
import { query, targetFrom, executeSql, inline } from "./lib/wrangler.ts";

const args = process.argv.slice(2);
const i = args.indexOf("--id");
const id = i >= 0 ? args[i + 1]?.trim() : undefined;
if (!id || !/^key_[0-9a-z]{22}$/.test(id)) {
  console.error("usage: npm run apikey:revoke -- --id key_... [--remote]   (npm run apikey:list shows the ids)");
  process.exit(2);
}
const target = targetFrom(args);
try {
  const [row] = query<{ name: string; revoked_at: number | null }>(target, inline("SELECT name, revoked_at FROM api_keys WHERE id = ?", [id]));
  if (!row) {
    console.error(`No API key ${id} in the ${target} database.`);
    process.exit(1);
  }
  if (row.revoked_at) {
    console.log(`API key ${id} "${row.name}" was already revoked.`);
  } else {
    executeSql(target, `${inline("UPDATE api_keys SET revoked_at = ?, revoked_by = 'script' WHERE id = ? AND revoked_at IS NULL", [Date.now(), id])};`);
    console.log(`Revoked API key ${id} "${row.name}" in the ${target} database.`);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
