// npm run apikey:create -- --name NAME [--remote]
// Creates an API key for an MCP client. The key is printed once, alone on the last line;
// only its SHA-256 is stored.
import { createApiKey } from "./lib/apikeys.ts";
import { targetFrom } from "./lib/wrangler.ts";

const args = process.argv.slice(2);
const i = args.indexOf("--name");
const name = i >= 0 ? args[i + 1]?.trim() : undefined;
if (!name || name.startsWith("--") || name.length > 100) {
  console.error("usage: npm run apikey:create -- --name NAME [--remote]");
  process.exit(2);
}
const target = targetFrom(args);
try {
  const { id, key } = await createApiKey(name, target);
  console.log(`Created API key ${id} "${name}" in the ${target} database. Send it as: Authorization: Bearer <key>`);
  console.log("The key is shown only now:");
  console.log(key);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
