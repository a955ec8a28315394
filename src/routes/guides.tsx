// /guides: every guide by audience (seed 000 §3), each a page and a PDF drawn from the same
// source (src/guides/). Japanese first; guides for requesters, members, clients and coaches also in English.
import { Hono } from "hono";
import { renderPdf } from "../documents/pdf.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { isLang } from "../domain/language.ts";
import { AUDIENCES, GUIDES, findGuide, guideContext, guideLang, guideTitle } from "../guides/index.ts";
import { DocBody, pdfResponse } from "./document-view.tsx";
import { pageLanguage, rememberLanguage } from "./language.tsx";
import { RequesterPage } from "./requester-layout.tsx";

export const guides = new Hono<{ Bindings: Env }>();

guides.use("*", rememberLanguage);

export function guidePdfPath(slug: string, lang: Lang): string {
  return `/guides/${slug}.${lang}.pdf`;
}

guides.get("/", (c) => {
  const lang = pageLanguage(c);
  const ja = lang === "ja";
  return c.html(
    <RequesterPage title={`${ja ? "ガイド" : "Guides"} · QRV`} lang={lang} path="/guides" indexable>
      <h1>{ja ? "ガイド" : "Guides"}</h1>
      {AUDIENCES.map((a) => (
        <section class="card" id={a.id}>
          <h2>{a.label[lang]}</h2>
          <ul class="guide-list">
            {GUIDES.filter((g) => g.audience === a.id).map((g) => {
              const gl = guideLang(g, lang);
              return (
                <li>
                  <a href={`/guides/${g.slug}`}>{guideTitle(g, lang)}</a> <span class="muted">{ja ? `${g.minutes}分` : `${g.minutes} min`}</span>{" "}
                  <a class="muted" href={guidePdfPath(g.slug, gl)}>
                    PDF
                  </a>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </RequesterPage>,
  );
});

guides.get("/:file", (c) => {
  const file = c.req.param("file");
  const pdf = file.match(/^([a-z0-9-]+)\.(ja|en)\.pdf$/);
  if (pdf) {
    const guide = findGuide(pdf[1]!);
    const lang = pdf[2]!;
    if (!guide || !isLang(lang) || !guide.langs.includes(lang)) return c.notFound();
    const doc = guide.doc(lang, guideContext(c.env));
    return pdfResponse(renderPdf(doc, { createdAt: Date.now(), footer: `QRV · ${doc.title}` }), `qrv-${guide.slug}-${lang}.pdf`, "public");
  }
  const guide = findGuide(file);
  if (!guide) return c.notFound();
  const lang = guideLang(guide, pageLanguage(c));
  const doc = guide.doc(lang, guideContext(c.env));
  const ja = lang === "ja";
  return c.html(
    <RequesterPage title={`${doc.title} · QRV`} lang={lang} path={`/guides/${guide.slug}`} indexable>
      <p class="muted">
        <a href="/guides">{ja ? "← ガイド一覧" : "← All guides"}</a>
      </p>
      <h1>{doc.title}</h1>
      <p>
        <a class="button secondary" href={guidePdfPath(guide.slug, lang)} download>
          {ja ? "PDFをダウンロード" : "Download PDF"}
        </a>
      </p>
      <section class="card">
        <DocBody doc={doc} />
      </section>
    </RequesterPage>,
  );
});
