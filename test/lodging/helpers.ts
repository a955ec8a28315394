// Lodging test helpers: a member of their own per test (a fresh user, fresh phone), and
// the ledger's sum, which must always equal the balance.
import { env } from "cloudflare:workers";
import { upsertUser } from "../../src/auth/sign-in.ts";
import { appendLedger, createMember, type MemberRow } from "../../src/db/members.ts";
import { roomTypeUpsert, roomUpsert } from "../../src/db/lodging-statements.ts";
import { newId } from "../../src/domain/ids.ts";
import { addDays } from "../../src/domain/lodging/dates.ts";
import { todayJst } from "../../src/lodging/orders.ts";
import { db, uniqueMobile } from "../helpers.ts";

export async function newMember(opts: { points?: number; birthDate?: string; name?: string; idNumber?: string } = {}): Promise<MemberRow & { phone: string }> {
  const phone = uniqueMobile();
  const user = await upsertUser(db, phone, { name: opts.name ?? "山田 花子" });
  const member = await createMember(env, db, user.id, { name: opts.name ?? "山田 花子", idNumber: opts.idNumber ?? `AB${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, phone, email: `m${Date.now()}@example.jp`, birthDate: opts.birthDate ?? "1990-05-20" }, "online");
  if (opts.points) {
    const r = await appendLedger(env.DB, { memberId: member.id, kind: "adjustment", amount: opts.points, ref: `adjustment:${newId("adj")}`, operator: "test", reason: "starting points", at: Date.now() });
    if (!r.ok) throw new Error(r.reason);
    return { ...member, pointsBalance: r.balance };
  }
  return member;
}

export async function ledgerSum(memberId: string): Promise<{ sum: number; balance: number; entries: number }> {
  const row = await env.DB.prepare("SELECT coalesce(sum(l.amount), 0) AS sum, count(l.id) AS entries, m.points_balance AS balance FROM members m LEFT JOIN point_ledger l ON l.member_id = m.id WHERE m.id = ? GROUP BY m.id").bind(memberId).first<{ sum: number; balance: number; entries: number }>();
  return row!;
}

let seq = 0;

/** Room types and rooms of this test's own (names and numbers no other test uses). */
export async function seedLodging(spec: { name: string; defaultPoints: number; rooms: number; maxGuests?: number }[]): Promise<{ types: { id: string; name: string; rooms: { id: string; number: string }[] }[] }> {
  const now = Date.now();
  const tag = `${now.toString(36)}${(seq++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const statements: D1PreparedStatement[] = [];
  const types = spec.map((t, i) => {
    const id = newId("rty", now);
    const rooms = Array.from({ length: t.rooms }, (_, k) => ({ id: newId("rom", now), number: `${tag}-${i}${k}` }));
    const typeStmt = roomTypeUpsert({ id, name: `${t.name}${tag}`, nameEn: `${t.name}-${tag}`, defaultPoints: t.defaultPoints, sort: i }, now);
    statements.push(env.DB.prepare(typeStmt.sql).bind(...typeStmt.params));
    for (const r of rooms) {
      const st = roomUpsert({ id: r.id, number: r.number, roomTypeId: id, floorAreaM2: 20, maxGuests: t.maxGuests ?? 2, amenities: ["エアコン", "Wi-Fi"], images: [], floor: 2 }, now);
      statements.push(env.DB.prepare(st.sql).bind(...st.params));
    }
    return { id, name: `${t.name}${tag}`, rooms };
  });
  await env.DB.batch(statements);
  return { types };
}

/** A date `days` from today (Japan time). */
export function inDays(days: number): string {
  return addDays(todayJst(), days);
}
