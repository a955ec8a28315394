// Every guide QRV offers, by audience (seed 000 §3). A product adds its guides in its own
// file (lodging: members and front desk; sessions: clients and coaches) and lists them here.
import type { Lang } from "../domain/reservation/types.ts";
import { CATALOGUE_GUIDE } from "./catalogue.ts";
import { OPERATOR_GUIDES } from "./operators.ts";
import { REQUESTER_GUIDES } from "./requesters.ts";
import { SHOP_GUIDES } from "./shops.ts";
import type { Audience, Guide } from "./types.ts";

export type { Audience, Guide, GuideContext } from "./types.ts";

export const GUIDES: readonly Guide[] = [...REQUESTER_GUIDES, ...SHOP_GUIDES, ...OPERATOR_GUIDES, CATALOGUE_GUIDE];

export const AUDIENCES: { id: Audience; label: Record<Lang, string> }[] = [
  { id: "requesters", label: { ja: "ご依頼の方へ", en: "For requesters" } },
  { id: "shops", label: { ja: "提携店の方へ", en: "For partner shops (Japanese)" } },
  { id: "operators", label: { ja: "運営担当者向け", en: "For operators (Japanese)" } },
];

export function findGuide(slug: string): Guide | undefined {
  return GUIDES.find((g) => g.slug === slug);
}

/** The language a guide is shown in: the one asked for when the guide has it, else its first. */
export function guideLang(guide: Guide, wanted: Lang): Lang {
  return guide.langs.includes(wanted) ? wanted : guide.langs[0]!;
}

export function guideTitle(guide: Guide, lang: Lang): string {
  return guide.title[guideLang(guide, lang)]!;
}
