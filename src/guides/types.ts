// What a guide is: one structured source (a Doc per language) that /guides shows as a page
// and as a PDF. Each audience's guides live in their own file; index.ts lists them all, so a
// new product adds a file and one line there.
import type { Block, Doc } from "../documents/model.ts";
import type { CancellationPolicy } from "../domain/lodging/refund.ts";
import type { Lang } from "../domain/reservation/types.ts";

export type Audience = "requesters" | "shops" | "operators" | "members" | "front-desk" | "clients" | "coaches";

/** Values a guide quotes from the running configuration, so it never disagrees with it. */
export interface GuideContext {
  supportPhone: string;
  supportEmail: string;
  publicUrl: string;
  /** Lodging rules the operator may set (LODGING_*): the members' and front desk's guides quote them. */
  lodging: { cancellation: CancellationPolicy; birthdayWindowDays: number; paymentWindowMinutes: number };
}

export interface Guide {
  /** URL name: /guides/<slug> and /guides/<slug>.pdf */
  slug: string;
  audience: Audience;
  /** Reading time in minutes (seed 000 §3). */
  minutes: number;
  /** Languages the guide is written in, the first being the default. */
  langs: readonly Lang[];
  title: Partial<Record<Lang, string>>;
  doc(lang: Lang, ctx: GuideContext): Doc;
}

const READERS: Record<Audience, string> = { requesters: "依頼者向け", shops: "提携店向け", operators: "運営担当者向け", members: "宿泊会員向け", "front-desk": "フロントスタッフ向け", clients: "セッション受講者向け", coaches: "コーチ向け" };

/** A guide written in Japanese only (shops, operators and the front desk work in Japanese). */
export function japaneseGuide(audience: Audience, slug: string, title: string, minutes: number, blocks: (ctx: GuideContext) => Block[]): Guide {
  return {
    slug,
    audience,
    minutes,
    langs: ["ja"],
    title: { ja: title },
    doc: (_lang, ctx) => ({ title, subtitle: `${READERS[audience]}・所要${minutes}分`, lang: "ja", blocks: blocks(ctx) }),
  };
}
