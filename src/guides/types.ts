// What a guide is: one structured source (a Doc per language) that /guides shows as a page
// and as a PDF. Each audience's guides live in their own file; index.ts lists them all, so a
// new product adds a file and one line there.
import type { Doc } from "../documents/model.ts";
import type { Lang } from "../domain/reservation/types.ts";

export type Audience = "requesters" | "shops" | "operators";

/** Values a guide quotes from the running configuration, so it never disagrees with it. */
export interface GuideContext {
  supportPhone: string;
  supportEmail: string;
  publicUrl: string;
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
