// Copies of a person's contact details outside the rows that own them: what a reservation's
// timeline, its jobs (texts and emails with their recipients and bodies) and the sandbox's
// record of what was sent hold about the requester. Deleting a lodging member removes every
// copy in their orders' rows; the orders, their timeline entries and the ledger stay.
import { displayPhone } from "../domain/phone.ts";

/** Columns that may hold a copy of a requester's name, phone or email, per table keyed by reservation. */
const COPIES: { table: string; columns: string[] }[] = [
  { table: "reservation_events", columns: ["note", "data"] },
  { table: "outbox", columns: ["payload", "last_error"] },
  { table: "sandbox_records", columns: ["to", "subject", "body", "data"] },
];

export interface PersonalValues {
  names: string[];
  /** E.164 */
  phones: string[];
  emails: string[];
}

/** Every way a value is written in those rows: as given, JSON-escaped, and a phone as people write it. */
function spellings(v: PersonalValues): { value: string; replacement: string }[] {
  const out = new Map<string, string>();
  const add = (value: string, replacement: string) => {
    const t = value.trim();
    // A value this short would match inside unrelated text; names and contacts are longer.
    if (t.length < 2) return;
    out.set(t, replacement);
    const escaped = JSON.stringify(t).slice(1, -1);
    if (escaped !== t) out.set(escaped, replacement);
  };
  for (const n of v.names) add(n, "[削除済み]");
  for (const p of v.phones) {
    add(p, "[削除済み]");
    const national = displayPhone(p);
    add(national, "[削除済み]");
    add(national.replace(/\D/g, ""), "[削除済み]");
  }
  for (const e of v.emails) add(e, "[削除済み]");
  // Longest first, so a value inside another (a name inside an email) does not split it.
  return [...out].sort((a, b) => b[0].length - a[0].length).map(([value, replacement]) => ({ value, replacement }));
}

/** Statements that replace every copy of the values in these reservations' rows (for one batch). */
export function scrubCopiesStatements(d1: D1Database, reservationIds: string[], values: PersonalValues): D1PreparedStatement[] {
  if (!reservationIds.length) return [];
  const ids = JSON.stringify(reservationIds);
  const statements: D1PreparedStatement[] = [];
  for (const { value, replacement } of spellings(values)) {
    for (const { table, columns } of COPIES) {
      const set = columns.map((c) => `"${c}" = replace("${c}", ?1, ?2)`).join(", ");
      const where = columns.map((c) => `instr("${c}", ?1) > 0`).join(" OR ");
      statements.push(d1.prepare(`UPDATE ${table} SET ${set} WHERE reservation_id IN (SELECT value FROM json_each(?3)) AND (${where})`).bind(value, replacement, ids));
    }
  }
  return statements;
}
