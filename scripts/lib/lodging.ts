// Lodging data from scripts: the daily-rate CSV import (whole file or nothing).
import { readFileSync } from "node:fs";
import { rateUpsertStatements } from "../../src/db/lodging-statements.ts";
import { parseRateCsv } from "../../src/domain/lodging/rates-csv.ts";
import { CsvRejected } from "./shops.ts";
import { executeSql, inline, query, type LocalOptions, type Target } from "./wrangler.ts";

export function importRates(file: string, target: Target, opts: LocalOptions = {}): { imported: number } {
  const types = query<{ name: string }>(target, "SELECT name FROM room_types", opts).map((t) => t.name);
  const result = parseRateCsv(readFileSync(file, "utf8"), types);
  if (!result.ok) throw new CsvRejected(file, result.errors);
  const statements = rateUpsertStatements(result.rows, Date.now());
  executeSql(target, statements.map((s) => `${inline(s.sql, s.params)};`).join("\n"), opts);
  return { imported: result.rows.length };
}
