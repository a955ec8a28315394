// Buying points (seed 004 §3(2)2): a top-up is a Stripe Checkout Session (the sandbox checkout
// locally) whose reference is the top-up id; the payment's webhook credits the ledger once and
// then tells the member's orders waiting for points, which pay themselves if they now can.
import { and, asc, eq } from "drizzle-orm";
import { config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { createTopUpRow, creditTopUp, setTopUpSession, type CreditResult, type MemberRow } from "../db/members.ts";
import { lodgingOrders } from "../db/schema.ts";
import { formatPoints } from "../domain/lodging/points.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { reservationStub } from "../durable/client.ts";
import { providersFor } from "../providers/index.ts";

/** Where a member goes to buy points (and where Checkout returns them). */
export function topUpPageUrl(env: Env, shortfall?: number): string {
  const base = `${config(env).publicUrl}/member/points`;
  return shortfall ? `${base}?need=${shortfall}` : base;
}

export async function startTopUp(env: Env, db: Db, member: MemberRow, points: number, lang: Lang): Promise<{ topUpId: string; paymentUrl: string }> {
  const cfg = config(env);
  const topUp = await createTopUpRow(db, member.id, points);
  const back = `${cfg.publicUrl}/member/points`;
  const session = await providersFor(env, db, cfg).payments.createCheckout({
    reservationId: topUp.id,
    amountJpy: points,
    description: lang === "ja" ? `QRVポイント ${formatPoints(points, "ja")}` : `QRV points: ${formatPoints(points, "en")}`,
    customerEmail: member.email,
    language: lang,
    successUrl: `${back}?topup=success`,
    cancelUrl: `${back}?topup=cancel`,
    idempotencyKey: topUp.id,
    requestedAt: topUp.createdAt,
  });
  await setTopUpSession(db, topUp.id, session.sessionId);
  return { topUpId: topUp.id, paymentUrl: session.url };
}

/**
 * A top-up's payment arrived (Stripe webhook): credit it once, then wake every order of the
 * member that waits for points, oldest first. Each order's own object decides, one at a time,
 * whether the balance now covers it; the ledger's unique charge per order makes it pay once.
 */
export async function topUpPaid(env: Env, db: Db, topUpId: string, paidJpy: number, eventKey: string): Promise<CreditResult> {
  const result = await creditTopUp(env.DB, db, topUpId, paidJpy);
  if (!result.credited && result.reason !== "already_credited") {
    console.warn(JSON.stringify({ msg: "top-up not credited", topUp: topUpId, reason: result.reason }));
    return result;
  }
  if (result.memberId) {
    const waiting = await db.select({ id: lodgingOrders.id }).from(lodgingOrders).where(and(eq(lodgingOrders.memberId, result.memberId), eq(lodgingOrders.status, "awaiting_payment"))).orderBy(asc(lodgingOrders.createdAt));
    for (const order of waiting) {
      await reservationStub(env, order.id).dispatch({ type: "points_added", topUpId }, "provider", `${eventKey}:${order.id}`);
    }
  }
  return result;
}
