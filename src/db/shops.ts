// Partner shops: the call list for a request, the catalogue for list_services, and the
// statements that upsert an imported CSV live in shop-statements.ts.
import { and, asc, eq } from "drizzle-orm";
import { canonicalName } from "../domain/shops-csv.ts";
import type { ShopRef } from "../domain/reservation/types.ts";
import type { Db } from "./client.ts";
import { shopServices, shops } from "./schema.ts";

function active() {
  return and(eq(shops.paused, false), eq(shops.doNotCall, false));
}

/** Shops to phone for this service and area, lowest priority number first. */
export async function callList(db: Db, service: string, area: string): Promise<ShopRef[]> {
  const rows = await db
    .select({ id: shops.id, name: shops.name, phone: shops.phone, email: shops.email, address: shops.address, priceJpy: shops.priceJpy, hours: shops.openingHours })
    .from(shops)
    .innerJoin(shopServices, eq(shopServices.shopId, shops.id))
    .where(and(active(), eq(shopServices.service, service), eq(shops.area, area)))
    .orderBy(asc(shops.priority), asc(shops.name), asc(shops.id));
  return rows.map((r) => ({ id: r.id, name: r.name, phone: r.phone, priceJpy: r.priceJpy, ...(r.email ? { email: r.email } : {}), ...(r.address ? { address: r.address } : {}), ...(r.hours ? { hours: r.hours } : {}) }));
}

export interface CatalogEntry {
  service: string;
  areas: { area: string; shops: number; fromJpy: number }[];
}

/**
 * How long an isolate reuses the catalogue it read. list_services may show a change to the
 * shops (a shop paused, added or repriced) this much later; a booking never phones a paused
 * shop (its call list is read fresh and each call re-checks the shop), and a name missing from
 * the cached catalogue is looked up fresh (catalog with `fresh`).
 */
export const CATALOG_TTL_MS = 30_000;

// Values only, never a pending read: a promise tied to another request's I/O must not be shared.
const cached = new WeakMap<Db, { at: number; generation: number; entries: CatalogEntry[] }>();
let generation = 0;

/** Drops this isolate's cached catalogue (after an operator changes a shop). */
export function forgetCatalog(): void {
  generation++;
}

/** Services and the areas where at least one active shop offers them (cached, see CATALOG_TTL_MS). */
export async function catalog(db: Db, options: { fresh?: boolean } = {}): Promise<CatalogEntry[]> {
  const hit = cached.get(db);
  if (!options.fresh && hit && hit.generation === generation && Date.now() - hit.at < CATALOG_TTL_MS) return hit.entries;
  const at = Date.now();
  const readAt = generation;
  const entries = await readCatalog(db);
  cached.set(db, { at, generation: readAt, entries });
  return entries;
}

async function readCatalog(db: Db): Promise<CatalogEntry[]> {
  const rows = await db
    .select({ service: shopServices.service, area: shops.area, price: shops.priceJpy })
    .from(shops)
    .innerJoin(shopServices, eq(shopServices.shopId, shops.id))
    .where(active());
  const byService = new Map<string, Map<string, { shops: number; fromJpy: number }>>();
  for (const r of rows) {
    const areas = byService.get(r.service) ?? new Map<string, { shops: number; fromJpy: number }>();
    const a = areas.get(r.area) ?? { shops: 0, fromJpy: Number.POSITIVE_INFINITY };
    areas.set(r.area, { shops: a.shops + 1, fromJpy: Math.min(a.fromJpy, r.price) });
    byService.set(r.service, areas);
  }
  return [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b, "ja"))
    .map(([service, areas]) => ({ service, areas: [...areas.entries()].sort(([a], [b]) => a.localeCompare(b, "ja")).map(([area, v]) => ({ area, ...v })) }));
}

/** Matches what a person typed to the catalogue's spelling (NFKC, trimmed, case-insensitive). */
export function matchName(input: string, known: string[]): string | undefined {
  const wanted = canonicalName(input).toLowerCase();
  return known.find((k) => k.toLowerCase() === wanted);
}
