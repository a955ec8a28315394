// Prepaid points (seed 004 §3(2)2): the balance never goes below zero under concurrent spends,
// the ledger is append-only and sums to the balance, each charge and credit happens once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appendLedger } from "../../src/db/members.ts";
import { ledgerRef } from "../../src/domain/lodging/points.ts";
import { ledgerSum, newMember } from "./helpers.ts";

const spend = (memberId: string, amount: number, ref: string) => appendLedger(env.DB, { memberId, kind: "order_payment", amount: -amount, ref, at: Date.now() });

describe("points ledger", () => {
  it("never goes below zero when many spends race", async () => {
    const m = await newMember({ points: 10_000 });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => spend(m.id, 3_000, ledgerRef.orderPayment(`race-${m.id}-${i}`))));
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.reason === "insufficient")).toHaveLength(22);
    const totals = await ledgerSum(m.id);
    expect(totals.balance).toBe(1_000);
    expect(totals.sum).toBe(totals.balance);
    expect(totals.entries).toBe(4);
  });

  it("spends the last point exactly, and no more", async () => {
    const m = await newMember({ points: 5_000 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => spend(m.id, 1_000, `order:exact-${m.id}-${i}:payment`)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 0, sum: 0 });
  });

  it("charges an order once, however often it is asked", async () => {
    const m = await newMember({ points: 10_000 });
    const ref = ledgerRef.orderPayment(`once-${m.id}`);
    const results = await Promise.all([spend(m.id, 4_000, ref), spend(m.id, 4_000, ref), spend(m.id, 4_000, ref)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "duplicate")).toHaveLength(2);
    expect(await ledgerSum(m.id)).toMatchObject({ balance: 6_000, sum: 6_000 });
  });

  it("is append-only", async () => {
    const m = await newMember({ points: 1_000 });
    await expect(env.DB.prepare("UPDATE point_ledger SET amount = 999999 WHERE member_id = ?").bind(m.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM point_ledger WHERE member_id = ?").bind(m.id).run()).rejects.toThrow(/append-only/);
  });

  it("keeps only a keyed hash and the last four characters of the ID document", async () => {
    const m = await newMember();
    const row = await env.DB.prepare("SELECT * FROM members WHERE id = ?").bind(m.id).first<Record<string, unknown>>();
    expect(row!.id_number_last4).toMatch(/^\d{4}$/);
    expect(String(row!.id_number_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toMatch(/AB\d{7}/);
  });
});
