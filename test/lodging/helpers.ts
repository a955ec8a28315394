// Lodging test helpers: a member of their own per test (a fresh user, fresh phone), and
// the ledger's sum, which must always equal the balance.
import { env } from "cloudflare:workers";
import { upsertUser } from "../../src/auth/sign-in.ts";
import { appendLedger, createMember, type MemberRow } from "../../src/db/members.ts";
import { newId } from "../../src/domain/ids.ts";
import { db, uniqueMobile } from "../helpers.ts";

export async function newMember(opts: { points?: number; birthDate?: string; name?: string } = {}): Promise<MemberRow & { phone: string }> {
  const phone = uniqueMobile();
  const user = await upsertUser(db, phone, { name: opts.name ?? "山田 花子" });
  const member = await createMember(env, db, user.id, { name: opts.name ?? "山田 花子", idNumber: `AB${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, phone, email: `m${Date.now()}@example.jp`, birthDate: opts.birthDate ?? "1990-05-20" }, "online");
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
