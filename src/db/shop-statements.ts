// Statements that upsert an imported shop CSV, as plain SQL with parameters: the import
// script runs them through wrangler, the console binds them in a D1 batch.
import type { ShopCsvRow } from "../domain/shops-csv.ts";

export interface Statement {
  sql: string;
  params: (string | number | null)[];
}

/**
 * Upserts shops by phone and replaces their services. `newId` names shops seen for the
 * first time; a known phone keeps its id.
 */
export function shopUpsertStatements(rows: ShopCsvRow[], now: number, newId: () => string): Statement[] {
  const out: Statement[] = [];
  for (const r of rows) {
    out.push({
      sql: `INSERT INTO shops (id, name, phone, email, area, priority, price_jpy, sandbox_answer, address, opening_hours, paused, do_not_call, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)
            ON CONFLICT(phone) DO UPDATE SET name = excluded.name, email = excluded.email, area = excluded.area, priority = excluded.priority,
              price_jpy = excluded.price_jpy, sandbox_answer = excluded.sandbox_answer, address = excluded.address, opening_hours = excluded.opening_hours, updated_at = excluded.updated_at`,
      params: [newId(), r.name, r.phone, r.email, r.area, r.priority, r.priceJpy, r.sandboxAnswer, r.address, r.hours, now, now],
    });
    out.push({ sql: "DELETE FROM shop_services WHERE shop_id = (SELECT id FROM shops WHERE phone = ?)", params: [r.phone] });
    for (const service of r.services) {
      out.push({ sql: "INSERT INTO shop_services (shop_id, service) SELECT id, ? FROM shops WHERE phone = ?", params: [service, r.phone] });
    }
  }
  return out;
}
