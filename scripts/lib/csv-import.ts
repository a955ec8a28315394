// The command line of a CSV import (shops, rates): FILE.csv [--remote], the whole file or
// nothing, every problem printed with its line number.
import { CsvRejected } from "./shops.ts";
import { targetFrom, type Target } from "./wrangler.ts";

export function runCsvImport(what: string, usage: string, run: (file: string, target: Target) => { imported: number }): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  if (!file) {
    console.error(usage);
    process.exit(2);
  }
  const target = targetFrom(args);
  try {
    const { imported } = run(file, target);
    console.log(`Imported ${imported} ${what} from ${file} into the ${target} database.`);
  } catch (err) {
    if (err instanceof CsvRejected) {
      console.error(err.message);
      for (const e of err.errors) console.error(`  line ${e.line}: ${e.message}`);
      process.exit(1);
    }
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
