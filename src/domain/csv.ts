// CSV cells, written one way for every export (shop list, dashboard charts). RFC 4180
// quoting, and formula injection neutralized: a text cell a spreadsheet would run as a formula
// (starting with =, +, -, @, tab or carriage return: =HYPERLINK(...), @SUM(...)) gets a leading
// apostrophe, which spreadsheets read as "this is text". Numbers are written as numbers.

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
