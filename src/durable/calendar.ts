// The calendar object: one instance per bookable resource (a lodging room `room:<id>`, a coach
// `coach:<id>`, addressed by name), the only writer of that resource's time. Nights and slots
// live in the object's own SQLite, so "is all of this free, then take it" is one synchronous
// step that no other request can interleave with: a multi-night stay or a session is a single
// atomic check, at any concurrency.
//
// Every operation is keyed by its owner (an order, an engagement, a block) and idempotent, so a
// retried RPC never takes time twice or frees someone else's. Holds lapse at their expiry even
// before the alarm sweeps them; one alarm is kept at the earliest expiry.
import { DurableObject } from "cloudflare:workers";
import { invalidIntervals, isLive, subtract, type CalendarEntry, type Conflict, type EntryState, type Interval } from "../domain/resource-calendar.ts";

// Refusals and bad input come back as values, never as thrown errors: the caller (an order's or
// an engagement's object) decides what a refusal means, and nothing half-happens on the way.
export type HoldResult = { ok: true } | { ok: false; conflicts: Conflict[]; error?: string };
export type ConfirmResult = { ok: true; count: number } | { ok: false; reason: "not_held" | "invalid"; error?: string };
export type ReleaseResult = { released: number; error?: string };

class CalendarInputError extends Error {
  override name = "CalendarInputError";
}

interface Row extends Record<string, SqlStorageValue> {
  id: number;
  key: string;
  start_ms: number;
  end_ms: number;
  state: EntryState;
  expires_at: number | null;
  note: string | null;
}

function toEntry(r: Row): CalendarEntry {
  return { key: r.key, start: r.start_ms, end: r.end_ms, state: r.state, expiresAt: r.expires_at, note: r.note };
}

function checkKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0 || key.length > 200) throw new CalendarInputError("a key of 1 to 200 characters is needed");
  return key;
}

/** Runs a step that may refuse bad input; the refusal is a value, and nothing was written. */
function refusing(step: () => HoldResult): HoldResult {
  try {
    return step();
  } catch (err) {
    if (err instanceof CalendarInputError) return { ok: false, conflicts: [], error: err.message };
    throw err;
  }
}

function inputError(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof CalendarInputError) return err.message;
    throw err;
  }
}

function checkIntervals(intervals: Interval[]): Interval[] {
  const problem = invalidIntervals(intervals);
  if (problem) throw new CalendarInputError(problem);
  return intervals.map(({ start, end }) => ({ start, end }));
}

export class CalendarObject extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS entries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL,
      start_ms INTEGER NOT NULL,
      end_ms INTEGER NOT NULL,
      state TEXT NOT NULL,
      expires_at INTEGER,
      note TEXT
    );
    CREATE INDEX IF NOT EXISTS entries_time ON entries (start_ms, end_ms);
    CREATE INDEX IF NOT EXISTS entries_key ON entries (key);`);
  }

  // ------------------------------------------------------------------ RPC

  /** Holds every interval for `key` until `expiresAt`, or none of them. Holding again refreshes. */
  async hold(key: string, intervals: Interval[], expiresAt: number): Promise<HoldResult> {
    const result = refusing(() => {
      checkKey(key);
      if (!Number.isSafeInteger(expiresAt) || expiresAt <= Date.now()) throw new CalendarInputError("a hold needs an expiry in the future");
      return this.#take(key, checkIntervals(intervals), "held", expiresAt, null);
    });
    await this.#rearm();
    return result;
  }

  /** Books every interval for `key` at once (a hold and its confirmation in one step), or none. */
  async book(key: string, intervals: Interval[]): Promise<HoldResult> {
    const result = refusing(() => this.#take(checkKey(key), checkIntervals(intervals), "booked", null, null));
    await this.#rearm();
    return result;
  }

  /** Turns the key's live holds into bookings. Already booked is fine; nothing held is not. */
  async confirm(key: string): Promise<ConfirmResult> {
    const bad = inputError(() => checkKey(key));
    if (bad) return { ok: false, reason: "invalid", error: bad };
    const now = Date.now();
    const result = this.ctx.storage.transactionSync((): ConfirmResult => {
      const lapsed = this.#sql.exec("SELECT count(*) AS n FROM entries WHERE key = ? AND state = 'held' AND expires_at <= ?", key, now).one().n as number;
      if (lapsed > 0) {
        this.#sql.exec("DELETE FROM entries WHERE key = ? AND state = 'held'", key);
        return { ok: false, reason: "not_held" };
      }
      const held = this.#sql.exec("UPDATE entries SET state = 'booked', expires_at = NULL WHERE key = ? AND state = 'held'", key).rowsWritten;
      if (held > 0) return { ok: true, count: held };
      const booked = this.#sql.exec("SELECT count(*) AS n FROM entries WHERE key = ? AND state = 'booked'", key).one().n as number;
      return booked > 0 ? { ok: true, count: 0 } : { ok: false, reason: "not_held" };
    });
    await this.#rearm();
    return result;
  }

  /**
   * Frees the key's time: all of it, or only the parts inside `intervals` (a partial
   * cancellation, an early departure). Releasing what is already free does nothing.
   */
  async release(key: string, intervals?: Interval[]): Promise<ReleaseResult> {
    const bad = inputError(() => (checkKey(key), intervals === undefined || checkIntervals(intervals)));
    if (bad) return { released: 0, error: bad };
    const cuts = intervals === undefined ? null : intervals;
    const released = this.ctx.storage.transactionSync(() => {
      const rows = [...this.#sql.exec<Row>("SELECT * FROM entries WHERE key = ?", key)];
      let freed = 0;
      for (const row of rows) {
        if (!cuts) {
          freed += row.end_ms - row.start_ms;
          this.#sql.exec("DELETE FROM entries WHERE id = ?", row.id);
          continue;
        }
        let pieces: Interval[] = [{ start: row.start_ms, end: row.end_ms }];
        for (const cut of cuts) pieces = pieces.flatMap((p) => subtract(p, cut));
        const kept = pieces.reduce((sum, p) => sum + (p.end - p.start), 0);
        if (kept === row.end_ms - row.start_ms) continue;
        freed += row.end_ms - row.start_ms - kept;
        this.#sql.exec("DELETE FROM entries WHERE id = ?", row.id);
        for (const p of pieces) this.#insert(row.key, p, row.state, row.expires_at, row.note);
      }
      return freed;
    });
    await this.#rearm();
    // Milliseconds freed: a count of nights or minutes is the caller's reading of it.
    return { released };
  }

  /** Takes time out of sale (maintenance, a day off), refused where it would break a hold or booking. */
  async block(key: string, intervals: Interval[], note: string): Promise<HoldResult> {
    return refusing(() => {
      if (typeof note !== "string" || note.length > 500) throw new CalendarInputError("a block's note is text of at most 500 characters");
      return this.#take(checkKey(key), checkIntervals(intervals), "blocked", null, note);
    });
  }

  /** Everything that occupies time in [from, to), in time order; lapsed holds are left out. An empty range has nothing. */
  async entries(from: number, to: number): Promise<CalendarEntry[]> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from >= to) return [];
    const now = Date.now();
    return [...this.#sql.exec<Row>("SELECT * FROM entries WHERE start_ms < ? AND end_ms > ? ORDER BY start_ms, id", to, from)].map(toEntry).filter((e) => isLive(e, now));
  }

  /** Sweeps lapsed holds and keeps the alarm at the next expiry. Safe to run twice. */
  override async alarm(): Promise<void> {
    this.#sql.exec("DELETE FROM entries WHERE state = 'held' AND expires_at <= ?", Date.now());
    await this.#rearm();
  }

  // ------------------------------------------------------------------ internals

  /** The check and the write, with no await between them: nothing else runs in the object meanwhile. */
  #take(key: string, intervals: Interval[], state: EntryState, expiresAt: number | null, note: string | null): HoldResult {
    const now = Date.now();
    const conflicts: Conflict[] = [];
    for (const i of intervals) {
      const rows = this.#sql.exec<Row>("SELECT * FROM entries WHERE key != ? AND start_ms < ? AND end_ms > ?", key, i.end, i.start);
      for (const row of rows) {
        const entry = toEntry(row);
        // Blocks may overlap each other (two reasons for one closed day); nothing else may.
        if (!isLive(entry, now) || (state === "blocked" && entry.state === "blocked")) continue;
        if (!conflicts.some((c) => c.key === entry.key && c.start === entry.start && c.end === entry.end)) conflicts.push({ key: entry.key, start: entry.start, end: entry.end, state: entry.state });
      }
    }
    if (conflicts.length > 0) return { ok: false, conflicts };
    this.ctx.storage.transactionSync(() => {
      for (const i of intervals) {
        const own = [...this.#sql.exec<Row>("SELECT * FROM entries WHERE key = ? AND start_ms < ? AND end_ms > ?", key, i.end, i.start)];
        const same = own.find((r) => r.start_ms === i.start && r.end_ms === i.end);
        if (same) {
          // Taking again what the key already has: a booking stays booked, a hold is refreshed or confirmed.
          if (same.state === "held") this.#sql.exec("UPDATE entries SET state = ?, expires_at = ?, note = ? WHERE id = ?", state, expiresAt, note, same.id);
          continue;
        }
        if (own.some((r) => isLive(toEntry(r), now) && r.state !== "held")) throw new CalendarInputError("this key already holds part of that time in another shape; release it first");
        this.#sql.exec("DELETE FROM entries WHERE key = ? AND state = 'held' AND start_ms < ? AND end_ms > ?", key, i.end, i.start);
        this.#insert(key, i, state, expiresAt, note);
      }
    });
    return { ok: true };
  }

  #insert(key: string, i: Interval, state: EntryState, expiresAt: number | null, note: string | null): void {
    this.#sql.exec("INSERT INTO entries (key, start_ms, end_ms, state, expires_at, note) VALUES (?, ?, ?, ?, ?, ?)", key, i.start, i.end, state, expiresAt, note);
  }

  async #rearm(): Promise<void> {
    const next = this.#sql.exec("SELECT min(expires_at) AS t FROM entries WHERE state = 'held'").one().t as number | null;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== next) await this.ctx.storage.setAlarm(next);
  }
}

