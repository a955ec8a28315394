// What the operator console reads: the queue of open manual cases, reservation search and
// timelines, partner shops, and the jobs in the dead-letter queue. Reservations are only
// read here; every change to one goes through its Durable Object.
import { and, asc, desc, eq, inArray, like, ne, or, sql, type SQL } from "drizzle-orm";
import type { ShopCsvRow } from "../domain/shops-csv.ts";
import type { ShopRef } from "../domain/reservation/types.ts";
import type { Db } from "./client.ts";
import { rowToRecord, type ReservationRow } from "./reservations.ts";
import { alerts, outbox, reservationEvents, reservations, shopAudit, shopServices, shops } from "./schema.ts";
import { forgetCatalog } from "./shops.ts";

/** Reservations with at least one open manual case (the partial index reservations_open_cases). */
export async function reservationsWithOpenCases(db: Db) {
  const rows = await db.select().from(reservations).where(ne(reservations.openCases, "[]")).orderBy(asc(reservations.updatedAt)).limit(500);
  return rows.map(rowToRecord);
}

export interface ReservationFilter {
  id?: string;
  /** The last digits of the requester's phone. */
  phoneTail?: string;
  status?: string;
  service?: string;
  /** Start date, Japan time, YYYY-MM-DD. */
  date?: string;
}

/** Start of a Japan-time day, as epoch milliseconds. */
export function jstDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00+09:00`);
}

export async function searchReservations(db: Db, f: ReservationFilter, limit = 100): Promise<ReservationRow[]> {
  // Shop bookings; engagements and lodging orders have their own console pages.
  const where: SQL[] = [eq(reservations.kind, "shop")];
  if (f.id) where.push(like(reservations.id, `%${f.id.toUpperCase().replace(/[%_]/g, "")}%`));
  if (f.phoneTail) where.push(like(reservations.phone, `%${f.phoneTail.replace(/\D/g, "")}`));
  if (f.status) where.push(eq(reservations.status, f.status));
  if (f.service) where.push(eq(reservations.service, f.service));
  if (f.date) {
    const start = jstDayStart(f.date);
    if (Number.isFinite(start)) where.push(sql`${reservations.startAt} >= ${start} AND ${reservations.startAt} < ${start + 86_400_000}`);
  }
  return db
    .select()
    .from(reservations)
    .where(and(...where))
    .orderBy(desc(reservations.createdAt))
    .limit(limit);
}

export async function serviceNames(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ service: shopServices.service }).from(shopServices).orderBy(asc(shopServices.service));
  return rows.map((r) => r.service);
}

/** Everything the reservation page shows: the audit log, every job (messages, calls, payments) and its alerts. */
export async function reservationTimeline(db: Db, id: string) {
  const [events, jobs, alertRows] = await Promise.all([
    db.select().from(reservationEvents).where(eq(reservationEvents.reservationId, id)).orderBy(asc(reservationEvents.id)),
    db.select().from(outbox).where(eq(outbox.reservationId, id)).orderBy(asc(outbox.createdAt), asc(outbox.id)),
    db.select().from(alerts).where(eq(alerts.reservationId, id)).orderBy(asc(alerts.createdAt)),
  ]);
  return { events, jobs, alerts: alertRows };
}

// ------------------------------------------------------------------ shops

export type ShopRow = typeof shops.$inferSelect & { services: string[] };

/** D1 binds at most 100 values per statement. */
export function chunks<T>(items: T[], size = 90): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

async function withServices(db: Db, rows: (typeof shops.$inferSelect)[]): Promise<ShopRow[]> {
  if (!rows.length) return [];
  const services = (await Promise.all(chunks(rows.map((r) => r.id)).map((ids) => db.select().from(shopServices).where(inArray(shopServices.shopId, ids))))).flat();
  return rows.map((r) => ({ ...r, services: services.filter((s) => s.shopId === r.id).map((s) => s.service).sort() }));
}

export async function listShops(db: Db, q?: string): Promise<ShopRow[]> {
  const text = q?.trim();
  const rows = await db
    .select()
    .from(shops)
    .where(text ? or(like(shops.name, `%${text}%`), like(shops.area, `%${text}%`), like(shops.phone, `%${text.replace(/\D/g, "") || text}%`)) : undefined)
    .orderBy(asc(shops.area), asc(shops.priority), asc(shops.name))
    .limit(1000);
  return withServices(db, rows);
}

export async function getShop(db: Db, id: string): Promise<ShopRow | null> {
  const row = await db.query.shops.findFirst({ where: eq(shops.id, id) });
  return row ? (await withServices(db, [row]))[0]! : null;
}

export async function shopByPhone(db: Db, phone: string) {
  return db.query.shops.findFirst({ where: eq(shops.phone, phone) });
}

/** Shops that could take a booking for this service (any area), the reservation's area first. */
export async function shopsForService(db: Db, service: string, area: string): Promise<ShopRow[]> {
  const rows = await db
    .select({ shop: shops })
    .from(shops)
    .innerJoin(shopServices, eq(shopServices.shopId, shops.id))
    .where(and(eq(shopServices.service, service), eq(shops.doNotCall, false)))
    .orderBy(sql`${shops.area} = ${area} DESC`, asc(shops.area), asc(shops.priority));
  return withServices(db, rows.map((r) => r.shop));
}

export function toShopRef(s: typeof shops.$inferSelect): ShopRef {
  return { id: s.id, name: s.name, phone: s.phone, priceJpy: s.priceJpy, ...(s.email ? { email: s.email } : {}), ...(s.address ? { address: s.address } : {}) };
}

export interface ShopAuditEntry {
  operator: string;
  action: "edited" | "paused" | "resumed" | "do_not_call" | "callable" | "added" | "imported";
  shopId?: string | null;
  detail: object;
}

/** The audit row for a shop change, to run in the same batch as the change itself. */
export function shopAuditStatement(d1: D1Database, entry: ShopAuditEntry, now: number): D1PreparedStatement {
  return d1.prepare("INSERT INTO shop_audit (at, operator, action, shop_id, detail) VALUES (?, ?, ?, ?, ?)").bind(now, entry.operator, entry.action, entry.shopId ?? null, JSON.stringify(entry.detail));
}

/** The newest audit entries for one shop. */
export async function shopHistory(db: Db, shopId: string, limit = 20) {
  return db.select().from(shopAudit).where(eq(shopAudit.shopId, shopId)).orderBy(desc(shopAudit.at), desc(shopAudit.id)).limit(limit);
}

/** Rewrites one shop from a validated row (its services replaced), in one batch with its audit entry. */
export async function updateShop(d1: D1Database, id: string, row: Omit<ShopCsvRow, "line">, now: number, operator: string): Promise<void> {
  await d1.batch([
    shopAuditStatement(d1, { operator, action: "edited", shopId: id, detail: row }, now),
    d1
      .prepare("UPDATE shops SET name = ?, phone = ?, email = ?, area = ?, priority = ?, price_jpy = ?, sandbox_answer = ?, address = ?, opening_hours = ?, updated_at = ? WHERE id = ?")
      .bind(row.name, row.phone, row.email, row.area, row.priority, row.priceJpy, row.sandboxAnswer, row.address, row.hours, now, id),
    d1.prepare("DELETE FROM shop_services WHERE shop_id = ?").bind(id),
    ...row.services.map((service) => d1.prepare("INSERT INTO shop_services (shop_id, service) VALUES (?, ?)").bind(id, service)),
  ]);
  forgetCatalog();
}

export async function setShopFlag(d1: D1Database, id: string, flag: "paused" | "doNotCall", value: boolean, now: number, operator: string): Promise<boolean> {
  const column = flag === "paused" ? "paused" : "do_not_call";
  const action = flag === "paused" ? (value ? "paused" : "resumed") : value ? "do_not_call" : "callable";
  const [updated] = await d1.batch([
    d1.prepare(`UPDATE shops SET ${column} = ?, updated_at = ? WHERE id = ? RETURNING id`).bind(value ? 1 : 0, now, id),
    d1.prepare("INSERT INTO shop_audit (at, operator, action, shop_id, detail) SELECT ?, ?, ?, id, ? FROM shops WHERE id = ?").bind(now, operator, action, JSON.stringify({ [column]: value }), id),
  ]);
  forgetCatalog();
  return (updated?.results.length ?? 0) > 0;
}

// ------------------------------------------------------------------ dead-letter queue

export async function deadJobs(db: Db, limit = 200) {
  return db.select().from(outbox).where(eq(outbox.status, "dead")).orderBy(desc(outbox.updatedAt)).limit(limit);
}
