// Which language a requester's pages speak. Japanese by default; English when the person
// chose it (the toggle, kept in a cookie), asked for it when booking, or their browser
// prefers it over Japanese.
import type { Lang } from "./reservation/types.ts";

export const LANGUAGES = ["ja", "en"] as const satisfies readonly Lang[];

export function isLang(value: unknown): value is Lang {
  return value === "ja" || value === "en";
}

/**
 * The preferred of Japanese and English in an Accept-Language header ("en-US,en;q=0.9,ja;q=0.8"),
 * by quality then order; undefined when the header names neither.
 */
export function preferredFromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  let best: { lang: Lang; q: number; order: number } | undefined;
  header.split(",").forEach((part, order) => {
    const [tag = "", ...params] = part.trim().split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    if (!isLang(primary)) return;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) return;
    if (!best || q > best.q || (q === best.q && order < best.order)) best = { lang: primary, q, order };
  });
  return best?.lang;
}

export interface LanguageSignals {
  /** The toggle's remembered choice (cookie). */
  chosen?: string | undefined;
  /** The language given when the reservation was requested (its default is Japanese, so only English counts as a choice). */
  reservation?: Lang | undefined;
  acceptLanguage?: string | undefined;
}

export function chooseLanguage(signals: LanguageSignals): Lang {
  if (isLang(signals.chosen)) return signals.chosen;
  if (signals.reservation === "en") return "en";
  return preferredFromAcceptLanguage(signals.acceptLanguage) ?? "ja";
}
