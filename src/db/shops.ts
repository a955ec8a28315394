// Partner shops: the call list for a request and the catalogue for list_services, both from one
// cached read of the active shops; the statements that upsert an imported CSV live in shop-statements.ts.
import { and, asc, eq } from "drizzle-orm";
import { canonicalName } from "../domain/shops-csv.ts";
import type { ShopRef } from "../domain/reservation/types.ts";
import type { Db } from "./client.ts";
import { shopServices, shops } from "./schema.ts";

function active() {
  return and(eq(shops.paused, false), eq(shops.doNotCall, false));
}

export interface CatalogEntry {
  service: string;
  areas: { area: string; shops: number; fromJpy: number }[];
}

/**
 * How long an isolate reuses the active shops it read (the catalogue for list_services and the
 * call list of a booking come from the same read). A shop added, paused or repriced may show
 * this much later: list_services may still list it, and a booking may still put a paused shop
 * on its call list, but never phones it (each call re-checks the shop before dialling), and a
 * shop added in another isolate is called from the next read on.
 */
export const CATALOG_TTL_MS = 30_000;

interface ActiveShops {
  entries: CatalogEntry[];
  /** Call lists by service and area, lowest priority number first. */
  lists: Map<string, ShopRef[]>;
}

// Values only, never a pending read: a promise tied to another request's I/O must not be shared.
const cached = new WeakMap<Db, { at: number; generation: number; shops: ActiveShops }>();
let generation = 0;

/** Drops this isolate's cached shops (after an operator changes a shop). */
export function forgetCatalog(): void {
  generation++;
}

async function activeShops(db: Db): Promise<ActiveShops> {
  const hit = cached.get(db);
  if (hit && hit.generation === generation && Date.now() - hit.at < CATALOG_TTL_MS) return hit.shops;
  const at = Date.now();
  const readAt = generation;
  const shops = await readActiveShops(db);
  cached.set(db, { at, generation: readAt, shops });
  return shops;
}

/** Services and the areas where at least one active shop offers them (cached, see CATALOG_TTL_MS). */
export async function catalog(db: Db): Promise<CatalogEntry[]> {
  return (await activeShops(db)).entries;
}

/** Shops to phone for this service and area, lowest priority number first (cached, see CATALOG_TTL_MS). */
export async function callList(db: Db, service: string, area: string): Promise<ShopRef[]> {
  return (await activeShops(db)).lists.get(listKey(service, area)) ?? [];
}

const listKey = (service: string, area: string) => `${service}\u0000${area}`;
const collator = new Intl.Collator("ja");

async function readActiveShops(db: Db): Promise<ActiveShops> {
  const rows = await db
    .select({ service: shopServices.service, id: shops.id, name: shops.name, phone: shops.phone, email: shops.email, address: shops.address, area: shops.area, priceJpy: shops.priceJpy, hours: shops.openingHours })
    .from(shops)
    .innerJoin(shopServices, eq(shopServices.shopId, shops.id))
    .where(active())
    .orderBy(asc(shops.priority), asc(shops.name), asc(shops.id));
  const byService = new Map<string, Map<string, { shops: number; fromJpy: number }>>();
  const lists = new Map<string, ShopRef[]>();
  for (const r of rows) {
    const areas = byService.get(r.service) ?? new Map<string, { shops: number; fromJpy: number }>();
    const a = areas.get(r.area) ?? { shops: 0, fromJpy: Number.POSITIVE_INFINITY };
    areas.set(r.area, { shops: a.shops + 1, fromJpy: Math.min(a.fromJpy, r.priceJpy) });
    byService.set(r.service, areas);
    const key = listKey(r.service, r.area);
    const list = lists.get(key) ?? [];
    list.push({ id: r.id, name: r.name, phone: r.phone, priceJpy: r.priceJpy, ...(r.email ? { email: r.email } : {}), ...(r.address ? { address: r.address } : {}), ...(r.hours ? { hours: r.hours } : {}) });
    lists.set(key, list);
  }
  const entries = [...byService.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([service, areas]) => ({ service, areas: [...areas.entries()].sort(([a], [b]) => collator.compare(a, b)).map(([area, v]) => ({ area, ...v })) }));
  return { entries, lists };
}

/** Matches what a person typed to the catalogue's spelling (NFKC, trimmed, case-insensitive). */
export function matchName(input: string, known: string[]): string | undefined {
  const wanted = canonicalName(input).toLowerCase();
  return known.find((k) => k.toLowerCase() === wanted);
}
