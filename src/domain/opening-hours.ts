// A shop's weekly opening hours, in Japan time: the CSV's `hours` column, the console's field.
// Written as rules separated by ";", each a set of days and one or more time ranges:
//   月-金 10:00-20:00; 土,日 10:00-18:00        (or Mon-Fri 10:00-20:00; Sat,Sun 10:00-18:00)
//   火-日 11:30-14:00,17:00-23:00
//   金 18:00-02:00                              (past midnight: the range ends the next day)
// Days not named are closed. Empty means the hours are unknown, and the shop is always called.
// A booking fits when its start time falls inside a range (opening <= start < closing).

const JA_DAYS = ["日", "月", "火", "水", "木", "金", "土"];
const EN_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAY_NAMES: Record<string, number> = Object.fromEntries([...JA_DAYS.map((d, i) => [d, i]), ...EN_DAYS.map((d, i) => [d.toLowerCase(), i])]);

/** Minutes from Sunday 00:00, [from, to) with `to` possibly past the week's end for a late Saturday. */
export interface OpenRange {
  day: number;
  from: number;
  to: number;
}

export type WeeklyHours = OpenRange[];

export type HoursResult = { ok: true; hours: WeeklyHours | null } | { ok: false; reason: string };

function day(token: string): number | undefined {
  const t = token.trim().replace(/曜日?$/, "");
  return DAY_NAMES[t] ?? DAY_NAMES[t.toLowerCase().slice(0, 3)];
}

function days(spec: string): number[] | string {
  const out = new Set<number>();
  for (const part of spec.split(/[,、・]/)) {
    const [a, b, ...rest] = part.split(/[-~〜–]/);
    const from = day(a ?? "");
    if (from === undefined || rest.length) return `"${part.trim()}" is not a day (月 火 水 木 金 土 日, or Mon to Sun)`;
    const to = b === undefined ? from : day(b);
    if (to === undefined) return `"${part.trim()}" is not a range of days`;
    for (let d = from; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === to) break;
    }
  }
  return [...out];
}

function minutes(hhmm: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h <= 24 && min < 60 && h * 60 + min <= 24 * 60 ? h * 60 + min : null;
}

/** Reads the hours as written in the CSV or the console; names the first problem. */
export function parseHours(text: string | null | undefined): HoursResult {
  const src = (text ?? "").normalize("NFKC").trim();
  if (!src) return { ok: true, hours: null };
  if (src.length > 300) return { ok: false, reason: "hours: at most 300 characters" };
  const ranges: OpenRange[] = [];
  for (const rule of src.split(";").map((r) => r.trim()).filter(Boolean)) {
    const m = /^(\S+)\s+(.+)$/.exec(rule);
    if (!m) return { ok: false, reason: `hours: "${rule}" needs days then times, e.g. 月-金 10:00-20:00` };
    const ds = days(m[1]!);
    if (typeof ds === "string") return { ok: false, reason: `hours: ${ds}` };
    for (const span of m[2]!.split(",")) {
      const [a, b, ...rest] = span.split("-");
      const from = minutes(a ?? "");
      const to = minutes(b ?? "");
      if (from === null || to === null || rest.length || from === to) return { ok: false, reason: `hours: "${span.trim()}" is not a time range like 10:00-20:00` };
      for (const d of ds) ranges.push({ day: d, from: d * 1440 + from, to: d * 1440 + (to > from ? to : to + 1440) });
    }
  }
  return ranges.length ? { ok: true, hours: ranges } : { ok: false, reason: "hours: no days given" };
}

/** Whether a booking starting at `startAt` (UTC ms) falls within the hours; unknown hours always do. */
export function isOpenAt(hours: WeeklyHours | null, startAt: number): boolean {
  if (!hours) return true;
  const jst = new Date(startAt + 9 * 3_600_000);
  const t = jst.getUTCDay() * 1440 + jst.getUTCHours() * 60 + jst.getUTCMinutes();
  const week = 7 * 1440;
  // A range past Saturday midnight also covers the first hours of Sunday.
  return hours.some((r) => (t >= r.from && t < r.to) || (t + week >= r.from && t + week < r.to));
}

/** Whether a shop with these stored hours (as written) takes a booking starting then; unreadable or no hours: yes. */
export function openAt(text: string | null | undefined, startAt: number): boolean {
  const parsed = parseHours(text);
  return !parsed.ok || isOpenAt(parsed.hours, startAt);
}

/** Stored hours (as written) in a person's words; text that no longer reads is shown as it is. */
export function describeHours(text: string | null | undefined, lang: "ja" | "en"): string {
  const parsed = parseHours(text);
  return parsed.ok ? formatHours(parsed.hours, lang) : (text ?? "");
}

/** The hours as a person reads them, e.g. "月 10:00-20:00, 火 10:00-20:00". */
export function formatHours(hours: WeeklyHours | null, lang: "ja" | "en"): string {
  if (!hours) return lang === "ja" ? "営業時間の登録なし" : "hours not given";
  const names = lang === "ja" ? JA_DAYS : EN_DAYS;
  const clock = (m: number) => `${String(Math.floor((m % 1440) / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const byDay = new Map<number, string[]>();
  for (const r of [...hours].sort((a, b) => a.from - b.from)) byDay.set(r.day, [...(byDay.get(r.day) ?? []), `${clock(r.from)}-${clock(r.to)}`]);
  return [1, 2, 3, 4, 5, 6, 0]
    .filter((d) => byDay.has(d))
    .map((d) => `${names[d]} ${byDay.get(d)!.join(",")}`)
    .join(lang === "ja" ? "、" : ", ");
}
