// The partner-shop CSV (the format of `npm run shops:import` and of the admin upload):
// name,phone,email,services,area,priority,price_jpy,sandbox_answer[,address[,hours]]
// A file is accepted whole or not at all: every bad row is reported with its line number.
import { parse } from "csv-parse/sync";
import { csvCell, csvCellValue } from "./csv.ts";
import { parseHours } from "./opening-hours.ts";
import { displayPhone, normalizePhone } from "./phone.ts";

export const SHOP_CSV_COLUMNS = ["name", "phone", "email", "services", "area", "priority", "price_jpy", "sandbox_answer"] as const;
/** Optional trailing columns. */
export const SHOP_CSV_OPTIONAL = ["address", "hours"] as const;
export const SANDBOX_ANSWER_VALUES = ["accepted", "declined", "no_answer", "ambiguous", "change_requested", "manual"] as const;
export type SandboxAnswerValue = (typeof SANDBOX_ANSWER_VALUES)[number];

/** Stripe's smallest JPY charge. */
const MIN_PRICE_JPY = 50;
const MAX_PRICE_JPY = 1_000_000;

export interface ShopCsvRow {
  line: number;
  name: string;
  phone: string;
  email: string | null;
  services: string[];
  area: string;
  priority: number;
  priceJpy: number;
  sandboxAnswer: SandboxAnswerValue;
  address: string | null;
  /** Weekly opening hours as written (see opening-hours.ts); null when not given. */
  hours: string | null;
}

export interface CsvRowError {
  line: number;
  message: string;
}

export type ShopCsvResult = { ok: true; rows: ShopCsvRow[] } | { ok: false; errors: CsvRowError[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Names of services and areas are compared after NFKC and trimming. */
export function canonicalName(s: string): string {
  return s.normalize("NFKC").trim().replace(/\s+/g, " ");
}

function integer(value: string): number | null {
  const v = value.normalize("NFKC").replaceAll(",", "").trim();
  return /^-?\d+$/.test(v) ? Number(v) : null;
}

export function validateRow(cells: string[], line: number): { row?: ShopCsvRow; errors: string[] } {
  const errors: string[] = [];
  const [name = "", phone = "", email = "", services = "", area = "", priority = "", price = "", answer = "", address = "", hours = ""] = cells.map((c) => csvCellValue(c.trim()));
  if (!name) errors.push("name is empty");
  else if (name.length > 100 || CONTROL.test(name)) errors.push("name is too long or has control characters");
  const p = normalizePhone(phone);
  if (!p.ok) errors.push(`phone "${phone}": ${p.reason}`);
  if (email && !EMAIL.test(email)) errors.push(`email "${email}" is not an email address`);
  const serviceList = services.split("|").map(canonicalName).filter(Boolean);
  if (!serviceList.length) errors.push("services is empty (separate several with |)");
  if (!canonicalName(area)) errors.push("area is empty");
  const prio = integer(priority);
  if (prio === null || prio < 0) errors.push(`priority "${priority}" must be a whole number, 0 or more`);
  const priceJpy = integer(price);
  if (priceJpy === null || priceJpy < MIN_PRICE_JPY || priceJpy > MAX_PRICE_JPY) errors.push(`price_jpy "${price}" must be a whole number of yen from ${MIN_PRICE_JPY} to ${MAX_PRICE_JPY}`);
  const sandboxAnswer = (answer || "accepted") as SandboxAnswerValue;
  if (!SANDBOX_ANSWER_VALUES.includes(sandboxAnswer)) errors.push(`sandbox_answer "${answer}" must be one of ${SANDBOX_ANSWER_VALUES.join(", ")}`);
  const parsedHours = parseHours(hours);
  if (!parsedHours.ok) errors.push(parsedHours.reason);
  if (errors.length || !p.ok) return { errors };
  return {
    errors,
    row: {
      line,
      name,
      phone: p.e164,
      email: email || null,
      services: [...new Set(serviceList)],
      area: canonicalName(area),
      priority: prio!,
      priceJpy: priceJpy!,
      sandboxAnswer,
      address: address || null,
      hours: hours ? hours.normalize("NFKC") : null,
    },
  };
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

export function parseShopCsv(text: string): ShopCsvResult {
  const read = readCsvRecords(text);
  if (!read.ok) return read;
  const [header, ...body] = read.records;
  if (!header) return { ok: false, errors: [{ line: 1, message: `the file is empty; the first line must be: ${SHOP_CSV_COLUMNS.join(",")}` }] };
  const names = header.record.map((h) => h.trim().toLowerCase());
  const expected: string[] = [...SHOP_CSV_COLUMNS];
  const accepted = [expected, [...expected, "address"], [...expected, ...SHOP_CSV_OPTIONAL]].map((h) => h.join(","));
  if (!accepted.includes(names.join(","))) {
    return { ok: false, errors: [{ line: header.info.lines, message: `the header must be: ${SHOP_CSV_COLUMNS.join(",")} (optionally followed by ,address or ,address,hours); found: ${names.join(",")}` }] };
  }
  const errors: CsvRowError[] = [];
  const rows: ShopCsvRow[] = [];
  const phones = new Map<string, number>();
  if (!body.length) errors.push({ line: header.info.lines + 1, message: "no shops after the header" });
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== names.length) {
      errors.push({ line, message: `expected ${names.length} columns, found ${record.length}` });
      continue;
    }
    const { row, errors: rowErrors } = validateRow(record, line);
    for (const message of rowErrors) errors.push({ line, message });
    if (row) {
      const seen = phones.get(row.phone);
      if (seen) errors.push({ line, message: `phone ${row.phone} is already on line ${seen}` });
      else phones.set(row.phone, line);
      rows.push(row);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/** The same format back out (admin download). */
export function toShopCsv(rows: Omit<ShopCsvRow, "line">[]): string {
  const lines = [[...SHOP_CSV_COLUMNS, ...SHOP_CSV_OPTIONAL].join(",")];
  for (const r of rows) {
    // Japanese numbers as people write them (03-6000-0101, as in the sample file), which no
    // spreadsheet takes for a formula; every cell goes through the one CSV writer.
    lines.push([r.name, displayPhone(r.phone), r.email ?? "", r.services.join("|"), r.area, r.priority, r.priceJpy, r.sandboxAnswer, r.address ?? "", r.hours ?? ""].map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}
