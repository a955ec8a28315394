// The queries behind the dashboards (seed 000 §4.2). Days and months are grouped in Japan
// time (+9 h); money comes from the payment recorded on each reservation.
import { sql } from "drizzle-orm";
import type { ReservationFacts } from "../domain/metrics.ts";
import type { Db } from "./client.ts";

const JST_MS = 9 * 3_600_000;
const MONTH = (column: string) => `strftime('%Y-%m', (${column} + ${JST_MS}) / 1000, 'unixepoch')`;
const PAID_AT = "json_extract(data, '$.payment.paidAt')";
/** Seed 000's numbers are about shop bookings; revenue counts every kind of reservation. */
const SHOP = "kind = 'shop'";

export async function statusCountsSince(db: Db, since: number): Promise<{ status: string; n: number }[]> {
  return db.all<{ status: string; n: number }>(sql`SELECT status, count(*) AS n FROM reservations WHERE kind = 'shop' AND created_at >= ${since} GROUP BY status`);
}

export async function reservationFactsSince(db: Db, since: number, until = Number.MAX_SAFE_INTEGER): Promise<ReservationFacts[]> {
  const rows = await db.all<{ createdAt: number; status: string; shopAccepted: number; linkSent: number; paid: number }>(
    sql.raw(
      `SELECT created_at AS createdAt, status, shop_id IS NOT NULL AS shopAccepted,
              json_extract(data, '$.payment.sessionId') IS NOT NULL AS linkSent, ${PAID_AT} IS NOT NULL AS paid
       FROM reservations WHERE ${SHOP} AND created_at >= ${Number(since)} AND created_at < ${Number(until)}`,
    ),
  );
  return rows.map((r) => ({ createdAt: r.createdAt, status: r.status, shopAccepted: !!r.shopAccepted, linkSent: !!r.linkSent, paid: !!r.paid }));
}

export interface MonthCount {
  month: string;
  requests: number;
  bookings: number;
}

/** Requests per month (by when they came in) and paid bookings per month (by when they were paid). */
export async function monthlyReservations(db: Db, since: number, until = Number.MAX_SAFE_INTEGER): Promise<MonthCount[]> {
  const [requests, bookings] = await Promise.all([
    db.all<{ month: string; n: number }>(sql.raw(`SELECT ${MONTH("created_at")} AS month, count(*) AS n FROM reservations WHERE ${SHOP} AND created_at >= ${Number(since)} AND created_at < ${Number(until)} GROUP BY month`)),
    db.all<{ month: string; n: number }>(sql.raw(`SELECT ${MONTH(PAID_AT)} AS month, count(*) AS n FROM reservations WHERE ${SHOP} AND ${PAID_AT} >= ${Number(since)} AND ${PAID_AT} < ${Number(until)} GROUP BY month`)),
  ]);
  const months = [...new Set([...requests, ...bookings].map((r) => r.month))];
  return months.map((month) => ({ month, requests: requests.find((r) => r.month === month)?.n ?? 0, bookings: bookings.find((r) => r.month === month)?.n ?? 0 }));
}

export interface MonthRevenue {
  month: string;
  grossJpy: number;
  refundedJpy: number;
  netJpy: number;
}

/** Money taken per month (when paid), less what cancellations gave back. Late payments that were refunded never count. */
export async function monthlyRevenue(db: Db, since: number, until = Number.MAX_SAFE_INTEGER): Promise<MonthRevenue[]> {
  const rows = await db.all<{ month: string; gross: number; refunded: number }>(
    sql.raw(
      `SELECT ${MONTH(PAID_AT)} AS month,
              sum(json_extract(data, '$.payment.amountJpy')) AS gross,
              sum(CASE WHEN json_extract(data, '$.cancellation.refund') THEN coalesce(json_extract(data, '$.payment.refund.amountJpy'), 0) ELSE 0 END) AS refunded
       FROM reservations WHERE ${PAID_AT} >= ${Number(since)} AND ${PAID_AT} < ${Number(until)} GROUP BY month`,
    ),
  );
  return rows.map((r) => ({ month: r.month, grossJpy: r.gross ?? 0, refundedJpy: r.refunded ?? 0, netJpy: (r.gross ?? 0) - (r.refunded ?? 0) }));
}

/** Paid bookings per service type. */
export async function bookingsByService(db: Db, since: number, until = Number.MAX_SAFE_INTEGER): Promise<{ service: string; n: number }[]> {
  return db.all<{ service: string; n: number }>(
    sql.raw(`SELECT coalesce(service, '') AS service, count(*) AS n FROM reservations WHERE ${SHOP} AND ${PAID_AT} >= ${Number(since)} AND ${PAID_AT} < ${Number(until)} GROUP BY service ORDER BY n DESC, service`),
  );
}

/** Partner shops by paid bookings. */
export async function shopRanking(db: Db, since: number, limit = 10, until = Number.MAX_SAFE_INTEGER): Promise<{ shopId: string; name: string; area: string; n: number; revenueJpy: number }[]> {
  return db.all(
    sql.raw(
      `SELECT r.shop_id AS shopId, coalesce(s.name, json_extract(r.data, '$.shop.name')) AS name, coalesce(s.area, r.area) AS area, count(*) AS n,
              sum(json_extract(r.data, '$.payment.amountJpy')) AS revenueJpy
       FROM reservations r LEFT JOIN shops s ON s.id = r.shop_id
       WHERE r.shop_id IS NOT NULL AND json_extract(r.data, '$.payment.paidAt') >= ${Number(since)} AND json_extract(r.data, '$.payment.paidAt') < ${Number(until)}
       GROUP BY r.shop_id ORDER BY n DESC, revenueJpy DESC LIMIT ${Math.floor(limit)}`,
    ),
  );
}
