// npm run rates:import -- FILE.csv [--remote]
// Sets daily rates per room type and date (room_type,date,points) in the local D1 (or the deployed one).
import { importRates } from "./lib/lodging.ts";
import { CsvRejected } from "./lib/shops.ts";
import { targetFrom } from "./lib/wrangler.ts";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: npm run rates:import -- FILE.csv [--remote]\ncolumns: room_type,date,points");
  process.exit(2);
}
const target = targetFrom(args);
try {
  const { imported } = importRates(file, target);
  console.log(`Imported ${imported} rate(s) from ${file} into the ${target} database.`);
} catch (err) {
  if (err instanceof CsvRejected) {
    console.error(err.message);
    for (const e of err.errors) console.error(`  line ${e.line}: ${e.message}`);
    process.exit(1);
  }
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
