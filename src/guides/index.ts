// Every guide QRV offers, by audience (seed 000 §3). A product adds its guides in its own
// file (lodging: members and front desk; sessions: clients and coaches) and lists them here.
import { config } from "../config.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { CATALOGUE_GUIDE } from "./catalogue.ts";
import { LODGING_GUIDES } from "./lodging.ts";
import { OPERATOR_GUIDES } from "./operators.ts";
import { REQUESTER_GUIDES } from "./requesters.ts";
import { SESSION_GUIDES } from "./sessions.ts";
import { SHOP_GUIDES } from "./shops.ts";
import type { Audience, Guide, GuideContext } from "./types.ts";

export type { Audience, Guide, GuideContext } from "./types.ts";

export const GUIDES: readonly Guide[] = [...REQUESTER_GUIDES, ...SHOP_GUIDES, ...OPERATOR_GUIDES, CATALOGUE_GUIDE, ...LODGING_GUIDES, ...SESSION_GUIDES];

export const AUDIENCES: { id: Audience; label: Record<Lang, string> }[] = [
  { id: "requesters", label: { ja: "ご依頼の方へ", en: "For requesters" } },
  { id: "shops", label: { ja: "提携店の方へ", en: "For partner shops (Japanese)" } },
  { id: "operators", label: { ja: "運営担当者向け", en: "For operators (Japanese)" } },
  { id: "members", label: { ja: "宿泊会員の方へ", en: "For lodging members" } },
  { id: "front-desk", label: { ja: "フロントスタッフ向け", en: "For the front desk (Japanese)" } },
  { id: "clients", label: { ja: "1on1セッションを受ける方へ", en: "For coaching clients" } },
  { id: "coaches", label: { ja: "コーチの方へ", en: "For coaches" } },
];

/** The running configuration's values that guides quote (support contacts, lodging rules). */
export function guideContext(env: Env): GuideContext {
  const cfg = config(env);
  return {
    supportPhone: cfg.supportPhone,
    supportEmail: cfg.supportEmail,
    publicUrl: cfg.publicUrl,
    lodging: { cancellation: cfg.lodgingCancellationPolicy, birthdayWindowDays: cfg.lodgingBirthdayWindowDays, paymentWindowMinutes: Math.round(cfg.lodgingPaymentWindowMs / 60_000) },
  };
}

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
