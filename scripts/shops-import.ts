// npm run shops:import -- FILE.csv [--remote]
// Upserts partner shops (by phone) from a CSV into the local D1 (or the deployed one).
import { CsvRejected, importShops } from "./lib/shops.ts";
import { targetFrom } from "./lib/wrangler.ts";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: npm run shops:import -- FILE.csv [--remote]\ncolumns: name,phone,email,services,area,priority,price_jpy,sandbox_answer[,address]");
  process.exit(2);
}
const target = targetFrom(args);
try {
  const { imported } = importShops(file, target);
  console.log(`Imported ${imported} shop(s) from ${file} into the ${target} database.`);
} catch (err) {
  if (err instanceof CsvRejected) {
    console.error(err.message);
    for (const e of err.errors) console.error(`  line ${e.line}: ${e.message}`);
    process.exit(1);
  }
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
