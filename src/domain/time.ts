// Time is stored as UTC epoch milliseconds and shown in Asia/Tokyo.

export const TIME_ZONE = "Asia/Tokyo";

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses ISO 8601 with an explicit offset ("2026-12-01T15:00+09:00"); anything else is null. */
export function parseIsoWithOffset(input: string): number | null {
  if (!ISO_WITH_OFFSET.test(input)) return null;
  const ms = Date.parse(input);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March; reject dates that do not exist.
  const [datePart] = input.split("T");
  const [y, m, d] = datePart!.split("-").map(Number);
  const offsetMatch = input.match(/(Z|[+-]\d{2}:\d{2})$/)![1]!;
  const offsetMin = offsetMatch === "Z" ? 0 : (offsetMatch[0] === "-" ? -1 : 1) * (Number(offsetMatch.slice(1, 3)) * 60 + Number(offsetMatch.slice(4, 6)));
  const local = new Date(ms + offsetMin * 60_000);
  if (local.getUTCFullYear() !== y || local.getUTCMonth() + 1 !== m || local.getUTCDate() !== d) return null;
  return ms;
}

const formatters = {
  ja: new Intl.DateTimeFormat("ja-JP", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  }),
  en: new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  }),
};

const shortFormatters = {
  ja: new Intl.DateTimeFormat("ja-JP", { timeZone: TIME_ZONE, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" }),
  en: new Intl.DateTimeFormat("en-GB", { timeZone: TIME_ZONE, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
};

const clockFormatter = new Intl.DateTimeFormat("ja-JP", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" });

/** "2026/12/1(火) 15:00" or "Tue, 1 Dec 2026, 15:00" (JST). */
export function formatDateTime(ms: number, lang: "ja" | "en"): string {
  return lang === "ja" ? `${formatters.ja.format(ms)}` : `${formatters.en.format(ms)} JST`;
}

/** "12/1 15:00" for timelines. */
export function formatShort(ms: number, lang: "ja" | "en"): string {
  return shortFormatters[lang].format(ms);
}

/** "15:10" (JST), for deadlines within the hour. */
export function formatClock(ms: number): string {
  return clockFormatter.format(ms);
}

export function toIsoTokyo(ms: number): string {
  const local = new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+09:00`;
}

/** Days since the epoch, counted in Japan time (for "today" and "tomorrow"). */
export function jstDay(ms: number): number {
  return Math.floor((ms + 9 * 3_600_000) / 86_400_000);
}
