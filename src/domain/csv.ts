// CSV in and out, one way for every file QRV reads or writes (shops, rates, rooms, dashboard
// charts). Writing: RFC 4180
// quoting, and formula injection neutralized: a text cell a spreadsheet would run as a formula
// (starting with =, +, -, @, tab or carriage return: =HYPERLINK(...), @SUM(...)) gets a leading
// apostrophe, which spreadsheets read as "this is text". Numbers are written as numbers.
// Reading: csv-parse, every record with its line number, and one header check, so each import
// (accepted whole or not at all) names every problem by line and, where it can, by column.
import { parse } from "csv-parse/sync";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (typeof value === "number") return String(value);
  const raw = value ?? "";
  const s = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A cell read back from a file QRV wrote: the protective apostrophe comes off again. */
export function csvCellValue(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** Rows to CSV text (\n line ends). */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return `${rows.map((r) => r.map(csvCell).join(",")).join("\n")}\n`;
}

/** One problem in an uploaded file: its line (1-based) and, when it is one cell's, the column. */
export interface CsvRowError {
  line: number;
  column?: string;
  message: string;
}

export interface CsvRecord {
  record: string[];
  /** `lines`: the line the record ends on (1-based), for messages. */
  info: { lines: number };
}

/** A CSV file's records with their line numbers (a BOM and empty lines skipped), or why it cannot be read. */
export function readCsvRecords(text: string, trim = false): { ok: true; records: CsvRecord[] } | { ok: false; errors: CsvRowError[] } {
  try {
    return { ok: true, records: parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim }) as unknown as CsvRecord[] };
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { ok: false, errors: [{ line, message: `not readable as CSV: ${(err as Error).message}` }] };
  }
}

/** `rowErrors`: rows already refused (wrong cell count, or none at all); the caller adds its own. */
export type CsvTable = { ok: true; columns: string[]; body: CsvRecord[]; rowErrors: CsvRowError[] } | { ok: false; errors: CsvRowError[] };

/**
 * A file whose first line is one of the `accepted` headers (lower-cased, in order) and with at
 * least one row after it; rows with another number of cells are refused by line. `what` names
 * the rows in messages ("shops", "rates", "rooms").
 */
export function readCsvTable(text: string, accepted: readonly (readonly string[])[], what: string, trim = false): CsvTable {
  const read = readCsvRecords(text, trim);
  if (!read.ok) return read;
  const [header, ...records] = read.records;
  const first = accepted[0]!.join(",");
  if (!header) return { ok: false, errors: [{ line: 1, message: `the file is empty; the first line must be: ${first}` }] };
  const columns = header.record.map((h) => h.trim().toLowerCase());
  if (!accepted.some((a) => a.join(",") === columns.join(","))) {
    const also = accepted.length > 1 ? ` (or ${accepted.slice(1).map((a) => a.join(",")).join(" / ")})` : "";
    return { ok: false, errors: [{ line: header.info.lines, message: `the header must be: ${first}${also}; found: ${columns.join(",")}` }] };
  }
  const rowErrors: CsvRowError[] = [];
  if (!records.length) rowErrors.push({ line: header.info.lines + 1, message: `no ${what} after the header` });
  const body: CsvRecord[] = [];
  for (const r of records) {
    if (r.record.length !== columns.length) rowErrors.push({ line: r.info.lines, message: `expected ${columns.length} columns, found ${r.record.length}` });
    else body.push(r);
  }
  return { ok: true, columns, body, rowErrors };
}
