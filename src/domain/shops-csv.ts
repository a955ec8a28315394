// The partner-shop CSV (the format of `npm run shops:import` and of the admin upload):
// name,phone,email,services,area,priority,price_jpy,sandbox_answer[,address[,hours]]
// A file is accepted whole or not at all: every bad row is reported with its line number.
import { csvCell, csvCellValue, readCsvTable, type CsvRowError } from "./csv.ts";
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

export type { CsvRowError } from "./csv.ts";

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

export function parseShopCsv(text: string): ShopCsvResult {
  const expected: string[] = [...SHOP_CSV_COLUMNS];
  const table = readCsvTable(text, [expected, [...expected, "address"], [...expected, ...SHOP_CSV_OPTIONAL]], "shops");
  if (!table.ok) return table;
  const errors: CsvRowError[] = [...table.rowErrors];
  const rows: ShopCsvRow[] = [];
  const phones = new Map<string, number>();
  for (const { record, info } of table.body) {
    const line = info.lines;
    const { row, errors: rowErrors } = validateRow(record, line);
    for (const message of rowErrors) errors.push({ line, message });
    if (row) {
      const seen = phones.get(row.phone);
      if (seen) errors.push({ line, column: "phone", message: `phone ${row.phone} is already on line ${seen}` });
      else phones.set(row.phone, line);
      rows.push(row);
    }
  }
  errors.sort((a, b) => a.line - b.line);
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
