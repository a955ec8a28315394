// Rooms and room types as staff enter them (seed 004 §3(1)1–2): one set of checks for the
// console's forms and the room CSV, so a value the form refuses is refused in a file too, by
// line and column. The room CSV is the console's export format:
//   number,room_type,floor_area_m2,max_guests,floor,amenities[,status]
// `status` is written on export and ignored on import (the front desk moves statuses), so an
// exported file can be edited and uploaded back. Rooms are matched by number: a known number
// is updated, a new one added.
import { csvCellValue, readCsvTable, type CsvRowError } from "../csv.ts";
import { canonicalName } from "../shops-csv.ts";
import { nameProblem } from "../text.ts";

type Message = { ja: string; en: string };
export type FieldErrors<F extends string> = { field: F; message: Message }[];

export interface RoomFields {
  number: string;
  floorAreaM2: number;
  maxGuests: number;
  floor: number;
  amenities: string[];
}

export type RoomFieldName = "number" | "floor_area_m2" | "max_guests" | "floor" | "amenities";

const toNumber = (v: string) => {
  const t = v.normalize("NFKC").trim();
  return t === "" ? NaN : Number(t);
};

/** A room's own values as typed (form fields or CSV cells), checked and normalised. */
export function validateRoomFields(raw: Record<RoomFieldName, string>): { ok: true; value: RoomFields } | { ok: false; errors: FieldErrors<RoomFieldName> } {
  const errors: FieldErrors<RoomFieldName> = [];
  const number = raw.number.normalize("NFKC").trim();
  if (!/^[0-9A-Za-z-]{1,10}$/.test(number)) errors.push({ field: "number", message: { ja: "部屋番号は英数字とハイフン10文字以内で入力してください", en: "A room number is up to 10 letters, digits or hyphens" } });
  const area = toNumber(raw.floor_area_m2);
  if (!(area >= 1 && area <= 1000)) errors.push({ field: "floor_area_m2", message: { ja: "広さは1〜1000㎡で入力してください", en: "The floor area is 1 to 1000 m²" } });
  const guests = toNumber(raw.max_guests);
  if (!Number.isInteger(guests) || guests < 1 || guests > 20) errors.push({ field: "max_guests", message: { ja: "定員は1〜20の整数で入力してください", en: "Capacity is a whole number from 1 to 20" } });
  const floor = toNumber(raw.floor);
  if (!Number.isInteger(floor) || floor < -5 || floor > 200) errors.push({ field: "floor", message: { ja: "階は-5〜200の整数で入力してください", en: "The floor is a whole number from -5 to 200" } });
  const amenities = [...new Set(raw.amenities.split("|").map(canonicalName).filter(Boolean))];
  if (amenities.length > 30 || amenities.some((a) => a.length > 40 || nameProblem(a))) errors.push({ field: "amenities", message: { ja: "設備は「|」区切りで30件まで、1件40文字までです", en: "Up to 30 amenities separated by |, 40 characters each" } });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { number, floorAreaM2: area, maxGuests: guests, floor, amenities } };
}

export interface RoomTypeFields {
  name: string;
  nameEn: string | null;
  defaultPoints: number;
  description: string;
  sort: number;
}

export type RoomTypeFieldName = "name" | "name_en" | "default_points" | "description" | "sort";

/** A room type as typed in the console: a Japanese name, an optional English one, the default nightly rate in points. */
export function validateRoomType(raw: Record<RoomTypeFieldName, string>): { ok: true; value: RoomTypeFields } | { ok: false; errors: FieldErrors<RoomTypeFieldName> } {
  const errors: FieldErrors<RoomTypeFieldName> = [];
  const name = canonicalName(raw.name);
  if (!name || name.length > 40 || nameProblem(raw.name)) errors.push({ field: "name", message: { ja: "タイプ名（日本語）を40文字以内で入力してください", en: "Give the type's Japanese name, up to 40 characters" } });
  const nameEn = canonicalName(raw.name_en);
  if (nameEn.length > 60 || (nameEn && nameProblem(raw.name_en))) errors.push({ field: "name_en", message: { ja: "英語名は60文字以内で入力してください", en: "The English name is up to 60 characters" } });
  const points = toNumber(raw.default_points.replaceAll(",", ""));
  if (!Number.isSafeInteger(points) || points < 0 || points > 1_000_000) errors.push({ field: "default_points", message: { ja: "基本料金は0〜1,000,000ポイントの整数で入力してください", en: "The default rate is a whole number of points from 0 to 1,000,000" } });
  const description = raw.description.normalize("NFKC").trim();
  if (description.length > 1000) errors.push({ field: "description", message: { ja: "説明は1000文字以内で入力してください", en: "The description is up to 1000 characters" } });
  const sort = raw.sort.trim() === "" ? 0 : toNumber(raw.sort);
  if (!Number.isInteger(sort) || sort < 0 || sort > 999) errors.push({ field: "sort", message: { ja: "表示順は0〜999の整数で入力してください", en: "The display order is a whole number from 0 to 999" } });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { name, nameEn: nameEn || null, defaultPoints: points, description, sort } };
}

// ---------------------------------------------------------------- the room CSV

export const ROOM_CSV_COLUMNS = ["number", "room_type", "floor_area_m2", "max_guests", "floor", "amenities"] as const;
/** Written on export, ignored on import. */
export const ROOM_CSV_READ_ONLY = ["status"] as const;

export interface RoomCsvRow extends RoomFields {
  line: number;
  roomTypeId: string;
}

/**
 * The whole file or nothing: every row is checked before any is written. `types`: the room
 * types that exist (matched by Japanese or English name, or id).
 */
export function parseRoomCsv(text: string, types: readonly { id: string; name: string; nameEn: string | null }[]): { ok: true; rows: RoomCsvRow[] } | { ok: false; errors: CsvRowError[] } {
  const table = readCsvTable(text, [ROOM_CSV_COLUMNS, [...ROOM_CSV_COLUMNS, ...ROOM_CSV_READ_ONLY]], "rooms", true);
  if (!table.ok) return table;
  const byName = new Map<string, string>();
  for (const t of types) {
    byName.set(canonicalName(t.name).toLowerCase(), t.id);
    if (t.nameEn) byName.set(canonicalName(t.nameEn).toLowerCase(), t.id);
    byName.set(t.id.toLowerCase(), t.id);
  }
  const errors: CsvRowError[] = [...table.rowErrors];
  const rows: RoomCsvRow[] = [];
  const numbers = new Map<string, number>();
  for (const { record, info } of table.body) {
    const line = info.lines;
    const [number = "", type = "", area = "", guests = "", floor = "", amenities = ""] = record.map(csvCellValue);
    const roomTypeId = byName.get(canonicalName(type).toLowerCase());
    if (!roomTypeId) errors.push({ line, column: "room_type", message: `「${type}」という部屋タイプはありません（${types.map((t) => t.name).join("、") || "タイプ未登録"}）` });
    const checked = validateRoomFields({ number, floor_area_m2: area, max_guests: guests, floor, amenities });
    if (!checked.ok) {
      for (const e of checked.errors) errors.push({ line, column: e.field, message: e.message.ja });
      continue;
    }
    const first = numbers.get(checked.value.number);
    if (first) errors.push({ line, column: "number", message: `部屋番号 ${checked.value.number} は${first}行目にもあります` });
    else numbers.set(checked.value.number, line);
    if (roomTypeId) rows.push({ line, roomTypeId, ...checked.value });
  }
  errors.sort((a, b) => a.line - b.line);
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}
