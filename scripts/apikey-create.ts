// npm run apikey:create -- --name NAME [--for-user PHONE] [--remote]
// Creates an API key for an MCP client. With --for-user, a personal key: it acts exactly as
// that person's own sign-in would (lodging members use one for their assistant). The key is
// printed once, alone on the last line; only its SHA-256 is stored.
import { normalizePhone } from "../src/domain/phone.ts";
import { createApiKey, userIdForPhone } from "./lib/apikeys.ts";
import { targetFrom } from "./lib/wrangler.ts";

const args = process.argv.slice(2);
const option = (flag: string) => {
  const i = args.indexOf(flag);
  const v = i >= 0 ? args[i + 1]?.trim() : undefined;
  return v && !v.startsWith("--") ? v : undefined;
};
const name = option("--name");
const forUser = args.includes("--for-user") ? option("--for-user") : null;
if (!name || name.length > 100 || forUser === undefined) {
  console.error("usage: npm run apikey:create -- --name NAME [--for-user PHONE] [--remote]");
  process.exit(2);
}
const target = targetFrom(args);
try {
  let userId: string | undefined;
  if (forUser) {
    const phone = normalizePhone(forUser);
    if (!phone.ok) throw new Error(`--for-user: ${phone.reason}`);
    userId = userIdForPhone(phone.e164, target);
  }
  const { id, key } = await createApiKey(name, target, {}, userId);
  console.log(`Created ${userId ? `a personal API key for ${forUser}` : "API key"} ${id} "${name}" in the ${target} database. Send it as: Authorization: Bearer <key>`);
  console.log("The key is shown only now:");
  console.log(key);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
