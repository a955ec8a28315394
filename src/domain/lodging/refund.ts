// Cancellation refunds (seed 004 §3(3)5): one pure module. A refund comes from the rate each
// room was booked at (what was paid for it, birthday discount included), the rooms cancelled,
// and how long before check-in the member asked, under a policy table the operator sets
// (LODGING_CANCELLATION_POLICY). A room already cancelled is never quoted, or refunded, again.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One row: asking at least `minDaysBefore` whole days before check-in returns `percent` of a room's price. */
export interface PolicyRow {
  minDaysBefore: number;
  percent: number;
}

export interface CancellationPolicy {
  /** Rows from the most days before down; the first that applies wins. */
  rows: PolicyRow[];
  /** After check-in time with no check-in: a no-show. */
  noShowPercent: number;
  /** Check-in time of day, JST (hours); days before are counted to this moment, to the minute. */
  checkInHourJst: number;
}

/** ≥7 days 100 %, 3–6 days 50 %, 0–2 days 0 %, no-show 0 %; check-in at 15:00. */
export const DEFAULT_CANCELLATION_POLICY: CancellationPolicy = {
  rows: [
    { minDaysBefore: 7, percent: 100 },
    { minDaysBefore: 3, percent: 50 },
    { minDaysBefore: 0, percent: 0 },
  ],
  noShowPercent: 0,
  checkInHourJst: 15,
};

/**
 * The operator's table as text, "7:100,3:50,0:0,noshow:0" (days before:percent, and the no-show
 * percent). Rows must cover 0 days and run from more days to fewer with percents not rising.
 */
export function parseCancellationPolicy(text: string | undefined, checkInHourJst = DEFAULT_CANCELLATION_POLICY.checkInHourJst): CancellationPolicy | { error: string } {
  if (!text || !text.trim()) return { ...DEFAULT_CANCELLATION_POLICY, checkInHourJst };
  const rows: PolicyRow[] = [];
  let noShowPercent = 0;
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(noshow|\d{1,3}):(\d{1,3})$/.exec(part);
    if (!m) return { error: `"${part}" is not days:percent (e.g. 7:100) or noshow:percent` };
    const percent = Number(m[2]);
    if (percent > 100) return { error: `${percent} % is more than 100 %` };
    if (m[1] === "noshow") noShowPercent = percent;
    else rows.push({ minDaysBefore: Number(m[1]), percent });
  }
  rows.sort((a, b) => b.minDaysBefore - a.minDaysBefore);
  if (rows.at(-1)?.minDaysBefore !== 0) return { error: "the table needs a row for 0 days before check-in" };
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.minDaysBefore === rows[i - 1]!.minDaysBefore) return { error: `two rows for ${rows[i]!.minDaysBefore} days` };
    if (rows[i]!.percent > rows[i - 1]!.percent) return { error: "a refund cannot grow closer to check-in" };
  }
  return { rows, noShowPercent, checkInHourJst };
}

/** The moment a stay starts for the policy: check-in time on the check-in date, JST. */
export function checkInMoment(date: string, policy: CancellationPolicy): number {
  const ms = Date.parse(`${date}T00:00:00+09:00`);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${date}`);
  return ms + policy.checkInHourJst * 60 * MINUTE;
}

/** The row that applies: whole days (24 h, to the minute) left before check-in, or a no-show. */
export type AppliedRow = { kind: "days"; daysBefore: number; row: PolicyRow } | { kind: "no_show"; percent: number };

export function applicableRow(checkIn: string, now: number, policy: CancellationPolicy): AppliedRow {
  const left = checkInMoment(checkIn, policy) - now;
  if (left <= 0) return { kind: "no_show", percent: policy.noShowPercent };
  const daysBefore = Math.floor(left / DAY);
  const row = policy.rows.find((r) => daysBefore >= r.minDaysBefore) ?? policy.rows.at(-1)!;
  return { kind: "days", daysBefore, row };
}

export function rowPercent(row: AppliedRow): number {
  return row.kind === "no_show" ? row.percent : row.row.percent;
}

/** The row as staff and members read it. */
export function describeRow(row: AppliedRow): { ja: string; en: string } {
  if (row.kind === "no_show") return { ja: `不泊（チェックイン時刻以降）: ${row.percent}%返金`, en: `No-show (after check-in time): ${row.percent} % back` };
  return { ja: `チェックインの${row.row.minDaysBefore}日以上前（残り${row.daysBefore}日）: ${row.row.percent}%返金`, en: `${row.row.minDaysBefore}+ days before check-in (${row.daysBefore} left): ${row.row.percent} % back` };
}

/** What the refund needs of an order's room line. */
export interface RefundLine {
  lineNo: number;
  roomNumber: string;
  checkIn: string;
  /** What was paid for the room (its rate at booking, less any discount). */
  total: number;
}

export interface RefundQuoteLine {
  lineNo: number;
  roomNumber: string;
  paid: number;
  refund: number;
  percent: number;
}

export type RefundQuote =
  | { ok: true; lines: RefundQuoteLine[]; refund: number; paid: number; row: AppliedRow; full: boolean }
  | { ok: false; message: { ja: string; en: string } };

/**
 * What cancelling `roomNumbers` (all remaining rooms when absent) returns now. `cancelled` lists
 * the line numbers already cancelled: they are never quoted again, so partial then full
 * cancellations add up to at most what was paid. Each room rounds down to a whole point.
 */
export function quoteRefund(lines: readonly RefundLine[], cancelled: readonly number[], now: number, policy: CancellationPolicy, roomNumbers?: readonly string[]): RefundQuote {
  const open = lines.filter((l) => !cancelled.includes(l.lineNo));
  if (!open.length) return { ok: false, message: { ja: "この予約はすでにすべてキャンセルされています。", en: "Every room of this order is already cancelled." } };
  let chosen = open;
  if (roomNumbers && roomNumbers.length) {
    const wanted = [...new Set(roomNumbers)];
    const unknown = wanted.filter((n) => !lines.some((l) => l.roomNumber === n));
    if (unknown.length) return { ok: false, message: { ja: `この予約に含まれない部屋です: ${unknown.join(", ")}`, en: `Not a room of this order: ${unknown.join(", ")}` } };
    const gone = wanted.filter((n) => !open.some((l) => l.roomNumber === n));
    if (gone.length) return { ok: false, message: { ja: `すでにキャンセル済みの部屋です: ${gone.join(", ")}`, en: `Already cancelled: ${gone.join(", ")}` } };
    chosen = open.filter((l) => wanted.includes(l.roomNumber));
  }
  const checkIn = chosen.map((l) => l.checkIn).sort()[0]!;
  const row = applicableRow(checkIn, now, policy);
  const percent = rowPercent(row);
  const quoted = chosen.map((l) => ({ lineNo: l.lineNo, roomNumber: l.roomNumber, paid: l.total, percent, refund: Math.floor((l.total * percent) / 100) }));
  return {
    ok: true,
    lines: quoted,
    refund: quoted.reduce((s, l) => s + l.refund, 0),
    paid: quoted.reduce((s, l) => s + l.paid, 0),
    row,
    full: chosen.length === open.length,
  };
}
