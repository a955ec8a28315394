// Importing a partner-shop CSV into D1: the whole file or nothing.
import { readFileSync } from "node:fs";
import { shopUpsertStatements } from "../../src/db/shop-statements.ts";
import { newId } from "../../src/domain/ids.ts";
import { parseShopCsv, type CsvRowError } from "../../src/domain/shops-csv.ts";
import { executeSql, inline, type LocalOptions, type Target } from "./wrangler.ts";

export class CsvRejected extends Error {
  readonly errors: CsvRowError[];
  constructor(file: string, errors: CsvRowError[]) {
    super(`${file}: ${errors.length} problem(s); nothing was imported`);
    this.errors = errors;
  }
}

export function importShops(file: string, target: Target, opts: LocalOptions = {}): { imported: number } {
  const result = parseShopCsv(readFileSync(file, "utf8"));
  if (!result.ok) throw new CsvRejected(file, result.errors);
  const now = Date.now();
  const statements = shopUpsertStatements(result.rows, now, () => newId("shp", now));
  executeSql(target, statements.map((s) => `${inline(s.sql, s.params)};`).join("\n"), opts);
  return { imported: result.rows.length };
}
