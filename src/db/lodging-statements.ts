// SQL statements for lodging data written by scripts and by the app alike (the same upserts
// run through wrangler for `npm run rates:import` / the demo seed, and through D1 in tests).
import type { RateCsvRow } from "../domain/lodging/rates-csv.ts";

export interface Statement {
  sql: string;
  params: (string | number | null)[];
}

/** Upserts daily rates by room type name and date. */
export function rateUpsertStatements(rows: Omit<RateCsvRow, "line">[], now: number): Statement[] {
  return rows.map((r) => ({
    sql: "INSERT INTO room_rates (room_type_id, date, points, updated_at) SELECT id, ?, ?, ? FROM room_types WHERE name = ? ON CONFLICT (room_type_id, date) DO UPDATE SET points = excluded.points, updated_at = excluded.updated_at",
    params: [r.date, r.points, now, r.roomType],
  }));
}

export interface RoomTypeSeed {
  id: string;
  name: string;
  nameEn: string;
  defaultPoints: number;
  sort: number;
}

export interface RoomSeed {
  id: string;
  number: string;
  roomTypeId: string;
  floorAreaM2: number;
  maxGuests: number;
  amenities: string[];
  images: string[];
  floor: number;
}

export function roomTypeUpsert(t: RoomTypeSeed, now: number): Statement {
  return {
    sql: "INSERT INTO room_types (id, name, name_en, default_points, sort, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, default_points = excluded.default_points, sort = excluded.sort, updated_at = excluded.updated_at",
    params: [t.id, t.name, t.nameEn, t.defaultPoints, t.sort, now, now],
  };
}

export function roomUpsert(r: RoomSeed, now: number): Statement {
  return {
    sql: "INSERT INTO rooms (id, number, room_type_id, floor_area_m2, max_guests, amenities, images, floor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET number = excluded.number, room_type_id = excluded.room_type_id, floor_area_m2 = excluded.floor_area_m2, max_guests = excluded.max_guests, amenities = excluded.amenities, images = excluded.images, floor = excluded.floor, updated_at = excluded.updated_at",
    params: [r.id, r.number, r.roomTypeId, r.floorAreaM2, r.maxGuests, JSON.stringify(r.amenities), JSON.stringify(r.images), r.floor, now, now],
  };
}

/**
 * A room from the room CSV, matched by its number: a known room takes the file's values (its
 * photos and front-desk status stay); a new number becomes a room with id `newId`.
 */
export function roomImportUpsert(r: Omit<RoomSeed, "id" | "images">, newId: string, now: number): Statement {
  return {
    sql: "INSERT INTO rooms (id, number, room_type_id, floor_area_m2, max_guests, amenities, images, floor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, ?) ON CONFLICT (number) DO UPDATE SET room_type_id = excluded.room_type_id, floor_area_m2 = excluded.floor_area_m2, max_guests = excluded.max_guests, amenities = excluded.amenities, floor = excluded.floor, updated_at = excluded.updated_at",
    params: [newId, r.number, r.roomTypeId, r.floorAreaM2, r.maxGuests, JSON.stringify(r.amenities), r.floor, now, now],
  };
}
