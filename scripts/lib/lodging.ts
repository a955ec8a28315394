// Lodging data from scripts: the daily-rate CSV import (whole file or nothing) and the demo
// lodging that npm run dev seeds (room types, rooms, 180 days of rates, a member with points).
import { readFileSync } from "node:fs";
import { rateUpsertStatements, roomTypeUpsert, roomUpsert, type Statement } from "../../src/db/lodging-statements.ts";
import { newId } from "../../src/domain/ids.ts";
import { hmacHex } from "../../src/providers/crypto.ts";
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

// ---------------------------------------------------------------- the demo lodging (npm run dev)

const DEMO_TYPES = [
  { id: "rty_demo_single", name: "シングル", nameEn: "Single", defaultPoints: 8_000, sort: 1 },
  { id: "rty_demo_twin", name: "ツイン", nameEn: "Twin", defaultPoints: 14_000, sort: 2 },
  { id: "rty_demo_double", name: "ダブル", nameEn: "Double", defaultPoints: 12_000, sort: 3 },
  { id: "rty_demo_suite", name: "スイート", nameEn: "Suite", defaultPoints: 32_000, sort: 4 },
];

const BASIC = ["エアコン", "テレビ", "給湯器", "Wi-Fi"];
const DEMO_ROOMS = [
  ...["201", "202", "203"].map((n) => ({ number: n, type: "rty_demo_single", area: 14, guests: 1, floor: 2, amenities: BASIC })),
  ...["301", "302", "303"].map((n) => ({ number: n, type: "rty_demo_twin", area: 22, guests: 2, floor: 3, amenities: [...BASIC, "冷蔵庫"] })),
  ...["304", "305"].map((n) => ({ number: n, type: "rty_demo_double", area: 18, guests: 2, floor: 3, amenities: BASIC })),
  { number: "401", type: "rty_demo_suite", area: 45, guests: 4, floor: 4, amenities: [...BASIC, "冷蔵庫", "バスタブ", "キッチン"] },
];

/** The demo room that is in Maintenance (a calendar block over the coming week). */
export const DEMO_MAINTENANCE_ROOM = "rom_demo_203";

export const DEMO_MEMBER = { phone: "+819011112222", name: "デモ 会員", email: "member@demo.qrv.test", birthDate: "1990-06-15", idNumber: "DEMO12345678", points: 200_000 };

/** Room types, rooms and 180 days of rates (weekends and the new year dearer). Safe to run again. */
export function seedDemoLodging(target: Target, opts: LocalOptions = {}): { types: number; rooms: number; rates: number } {
  const now = Date.now();
  const statements: Statement[] = [
    ...DEMO_TYPES.map((t) => roomTypeUpsert(t, now)),
    ...DEMO_ROOMS.map((r) => roomUpsert({ id: `rom_demo_${r.number}`, number: r.number, roomTypeId: r.type, floorAreaM2: r.area, maxGuests: r.guests, amenities: r.amenities, images: [], floor: r.floor }, now)),
  ];
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const rates: { roomType: string; date: string; points: number }[] = [];
  for (let d = 0; d < 180; d++) {
    const day = new Date(today + d * 86_400_000);
    const date = day.toISOString().slice(0, 10);
    const weekend = day.getUTCDay() === 5 || day.getUTCDay() === 6;
    const peak = date.slice(5) >= "12-28" || date.slice(5) <= "01-03";
    for (const t of DEMO_TYPES) rates.push({ roomType: t.name, date, points: Math.round((t.defaultPoints * (peak ? 1.5 : weekend ? 1.25 : 1)) / 100) * 100 });
  }
  statements.push(...rateUpsertStatements(rates, now));
  executeSql(target, statements.map((s) => `${inline(s.sql, s.params)};`).join("\n"), opts);
  return { types: DEMO_TYPES.length, rooms: DEMO_ROOMS.length, rates: rates.length };
}

/**
 * The demo member: a person (users row, found by phone, made with a random id when new), their
 * member record (only a keyed hash of the ID number, as the app keeps it) and starting points
 * credited once through the ledger. Returns their users.id.
 */
export async function seedDemoMember(target: Target, sessionSecret: string, opts: LocalOptions = {}): Promise<string> {
  const now = Date.now();
  const m = DEMO_MEMBER;
  const hash = await hmacHex("SHA-256", sessionSecret, `qrv:member-id-document:${m.idNumber}`);
  const memberId = "mem_demo_member";
  executeSql(
    target,
    [
      inline("INSERT INTO users (id, phone, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (phone) DO NOTHING", [newId("usr", now), m.phone, m.name, m.email, now, now]),
      inline("INSERT INTO members (id, user_id, name, id_number_hash, id_number_last4, phone, email, birth_date, points_balance, registered_via, created_at, updated_at) SELECT ?, id, ?, ?, ?, ?, ?, ?, 0, 'front_desk', ?, ? FROM users WHERE phone = ? ON CONFLICT (user_id) DO NOTHING", [memberId, m.name, hash, m.idNumber.slice(-4), m.phone, m.email, m.birthDate, now, now, m.phone]),
      // The starting points, once: the ledger's unique ref makes a second run a no-op.
      inline("INSERT INTO point_ledger (member_id, kind, amount, balance_after, ref, operator, reason, created_at) SELECT id, 'adjustment', ?, points_balance + ?, 'adjustment:demo-start', 'npm run dev', 'demo points', ? FROM members WHERE id = ? AND NOT EXISTS (SELECT 1 FROM point_ledger WHERE ref = 'adjustment:demo-start')", [m.points, m.points, now, memberId]),
      inline("UPDATE members SET points_balance = (SELECT coalesce(sum(amount), 0) FROM point_ledger WHERE member_id = ?) WHERE id = ?", [memberId, memberId]),
    ]
      .map((s) => `${s};`)
      .join("\n"),
    opts,
  );
  const [row] = query<{ id: string }>(target, inline("SELECT user_id AS id FROM members WHERE id = ?", [memberId]), opts);
  if (!row) throw new Error("the demo member was not created");
  return row.id;
}
