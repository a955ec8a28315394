// Lodging orders in D1: the searchable order and line rows written with the order's
// reservation row (same batch, by the order's object), and the reads for members' pages and tools.
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { LodgingRecord } from "../domain/reservation/types.ts";
import type { Db } from "./client.ts";
import { lodgingOrderLines, lodgingOrders } from "./schema.ts";

type Guard = { sql: string; params: (string | number)[] };

/** The order row (and, when new, its lines) for a commit of `next`. */
export function lodgingOrderStatements(d1: D1Database, next: LodgingRecord, isNew: boolean, guard?: Guard): D1PreparedStatement[] {
  const d = next.data;
  if (isNew) {
    return [
      d1
        .prepare("INSERT INTO lodging_orders (id, member_id, status, check_in, check_out, subtotal_points, discount_points, total_points, paid_at, payment_deadline, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(next.id, d.memberId, next.status, d.checkIn, d.checkOut, d.subtotal, d.discount, d.total, d.payment.paidAt ?? null, d.payment.deadlineAt ?? null, next.createdAt, next.updatedAt),
      ...d.lines.map((l) =>
        d1
          .prepare("INSERT INTO lodging_order_lines (order_id, line_no, room_id, room_number, room_type_id, room_type_name, check_in, check_out, nightly, subtotal_points, discount_points, total_points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(next.id, l.lineNo, l.roomId, l.roomNumber, l.roomTypeId, l.roomTypeName, l.checkIn, l.checkOut, JSON.stringify(l.nightly), l.subtotal, l.discount, l.total),
      ),
    ];
  }
  const cond = guard ? ` AND ${guard.sql}` : "";
  const pending = d.cancellations?.find((c) => c.status === "pending")?.id ?? null;
  const refunded = (d.cancellations ?? []).filter((c) => c.status === "approved").reduce((s, c) => s + c.refund, 0);
  const cancelled = d.lines.filter((l) => l.cancelledAt !== undefined).map((l) => l.lineNo);
  return [
    d1
      .prepare(`UPDATE lodging_orders SET status = ?, paid_at = ?, payment_deadline = ?, pending_cancellation = ?, refunded_points = ?, updated_at = ? WHERE id = ?${cond}`)
      .bind(next.status, d.payment.paidAt ?? null, d.payment.deadlineAt ?? null, pending, refunded, next.updatedAt, next.id, ...(guard?.params ?? [])),
    ...(cancelled.length
      ? [d1.prepare(`UPDATE lodging_order_lines SET status = 'cancelled' WHERE order_id = ? AND line_no IN (${cancelled.map(() => "?").join(", ")}) AND status != 'cancelled'${cond}`).bind(next.id, ...cancelled, ...(guard?.params ?? []))]
      : []),
  ];
}

export type LodgingOrderRow = typeof lodgingOrders.$inferSelect;
export type LodgingLineRow = typeof lodgingOrderLines.$inferSelect;

/** A member's own orders, newest first; by order number or check-in date when given. */
export async function ordersOfMember(db: Db, memberId: string, filter: { orderId?: string; checkIn?: string; limit?: number } = {}): Promise<LodgingOrderRow[]> {
  const conditions: SQL[] = [eq(lodgingOrders.memberId, memberId)];
  if (filter.orderId) conditions.push(eq(lodgingOrders.id, filter.orderId));
  if (filter.checkIn) conditions.push(eq(lodgingOrders.checkIn, filter.checkIn));
  return db.select().from(lodgingOrders).where(and(...conditions)).orderBy(desc(lodgingOrders.createdAt)).limit(filter.limit ?? 50);
}

export async function linesOf(db: Db, orderId: string): Promise<LodgingLineRow[]> {
  return db.select().from(lodgingOrderLines).where(eq(lodgingOrderLines.orderId, orderId)).orderBy(lodgingOrderLines.lineNo);
}
