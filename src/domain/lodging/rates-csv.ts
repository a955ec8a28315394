// The daily-rate CSV (`npm run rates:import`, and the console's import in the front-desk work):
// room_type,date,points — one row per room type and night. A file is accepted whole or not at
// all: every bad row is reported with its line number.
import { csvCellValue, readCsvTable, toCsv, type CsvRowError } from "../csv.ts";
import { canonicalName } from "../shops-csv.ts";
import { isDate } from "./dates.ts";

export const RATE_CSV_COLUMNS = ["room_type", "date", "points"] as const;
const MAX_POINTS = 10_000_000;

export interface RateCsvRow {
  line: number;
  roomType: string;
  date: string;
  points: number;
}

export type RateCsvResult = { ok: true; rows: RateCsvRow[] } | { ok: false; errors: CsvRowError[] };

/** `knownTypes`: the room type names that exist; a row naming another is refused by line. */
export function parseRateCsv(text: string, knownTypes: readonly string[]): RateCsvResult {
  const table = readCsvTable(text, [RATE_CSV_COLUMNS], "rates", true);
  if (!table.ok) return table;
  const types = new Map(knownTypes.map((t) => [canonicalName(t), t]));
  const errors: CsvRowError[] = [...table.rowErrors];
  const rows: RateCsvRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of table.body) {
    const line = info.lines;
    const [type = "", date = "", pointsText = ""] = record.map(csvCellValue);
    const roomType = types.get(canonicalName(type));
    if (!roomType) errors.push({ line, column: "room_type", message: `room_type "${type}" is not a room type (${[...types.values()].join(", ") || "none yet"})` });
    if (!isDate(date)) errors.push({ line, column: "date", message: `date "${date}" must be a date as YYYY-MM-DD` });
    const digits = pointsText.normalize("NFKC").replaceAll(",", "");
    const points = /^\d+$/.test(digits) ? Number(digits) : NaN;
    if (!Number.isSafeInteger(points) || points > MAX_POINTS) errors.push({ line, column: "points", message: `points "${pointsText}" must be a whole number from 0 to ${MAX_POINTS}` });
    if (roomType && isDate(date)) {
      const key = `${roomType}|${date}`;
      const first = seen.get(key);
      if (first) errors.push({ line, column: "date", message: `${roomType} on ${date} is already on line ${first}` });
      else seen.set(key, line);
    }
    if (roomType && isDate(date) && Number.isSafeInteger(points) && points <= MAX_POINTS) rows.push({ line, roomType, date, points });
  }
  errors.sort((a, b) => a.line - b.line);
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/** The same format back out (export), through the one CSV writer (formulas neutralized). */
export function toRateCsv(rows: Omit<RateCsvRow, "line">[]): string {
  return toCsv([[...RATE_CSV_COLUMNS], ...rows.map((r) => [r.roomType, r.date, r.points])]);
}
