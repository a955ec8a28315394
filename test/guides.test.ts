// Guides (seed 000 §3): every guide is a page listed at /guides and a PDF drawn from the same
// source; the PDF's text, read back as a reader would, is the page's Japanese (or English).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { docText } from "../src/documents/model.ts";
import { wrap } from "../src/documents/pdf.ts";
import { FLOW_IN_TWO_SENTENCES } from "../src/guides/flow.ts";
import { AUDIENCES, GUIDES } from "../src/guides/index.ts";
import { pdfText, squash } from "./pdf-text.ts";

const ORIGIN = "https://qrv.test";
const ctx = { supportPhone: "03-0000-0000", supportEmail: "support@qrv.example", publicUrl: ORIGIN };

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { Accept: "text/html", ...headers } }));
}

describe("guides", () => {
  it("covers every audience and document that seed 000 §3 asks for", () => {
    const byAudience = (a: string) => GUIDES.filter((g) => g.audience === a).map((g) => g.title.ja);
    expect(byAudience("requesters")).toEqual(["クイックスタートガイド", "サンプル対話例", "キャンセル手順"]);
    expect(byAudience("shops")).toEqual(["提携店向けマニュアル", "電話スクリプト例", "提携店向けFAQ", "トラブルシューティング"]);
    expect(byAudience("operators")).toEqual(["運用マニュアル", "インシデント対応手順書", "ログ確認ガイド", "Slack通知一覧", "サービスカタログ"]);
    expect(new Set(GUIDES.map((g) => g.slug)).size).toBe(GUIDES.length);
    for (const g of GUIDES) expect(AUDIENCES.map((a) => a.id)).toContain(g.audience);
  });

  it("lists every guide at /guides with its page and PDF", async () => {
    const res = await get("/guides");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const g of GUIDES) {
      expect(html).toContain(`href="/guides/${g.slug}"`);
      expect(html).toContain(`href="/guides/${g.slug}.ja.pdf"`);
      expect(html).toContain(g.title.ja!);
    }
  });

  it("shows a guide as a page with a link to its PDF, in English when asked and written", async () => {
    const ja = await (await get("/guides/quick-start")).text();
    expect(ja).toContain("<h1>クイックスタートガイド</h1>");
    expect(ja).toContain('href="/guides/quick-start.ja.pdf"');
    expect(ja).toContain(FLOW_IN_TWO_SENTENCES.ja);
    const en = await (await get("/guides/quick-start", { "Accept-Language": "en-US,en" })).text();
    expect(en).toContain("<h1>Quick start</h1>");
    expect(en).toContain('href="/guides/quick-start.en.pdf"');
    // A shop guide is Japanese only: an English reader still gets it, in Japanese.
    const shop = await (await get("/guides/phone-script", { "Accept-Language": "en" })).text();
    expect(shop).toContain("<h1>電話スクリプト例</h1>");
    expect((await get("/guides/nope")).status).toBe(404);
    expect((await get("/guides/phone-script.en.pdf")).status).toBe(404);
  });

  it("makes each guide's PDF from the same source: its text reads back as the page's", async () => {
    for (const g of GUIDES) {
      for (const lang of g.langs) {
        const res = await get(`/guides/${g.slug}.${lang}.pdf`);
        expect(res.status, g.slug).toBe(200);
        expect(res.headers.get("Content-Type")).toBe("application/pdf");
        expect(res.headers.get("Content-Disposition")).toContain(`qrv-${g.slug}-${lang}.pdf`);
        const { pages, text } = await pdfText(await res.arrayBuffer());
        expect(pages).toBeGreaterThan(0);
        const read = squash(text);
        // Every heading, sentence and table cell of the source is in the PDF, in order of reading.
        for (const piece of docText(g.doc(lang, ctx))) expect(read, `${g.slug}.${lang}: ${piece}`).toContain(squash(piece));
      }
    }
  });

  it("breaks Japanese lines between characters but never before closing punctuation, and keeps Latin words whole", () => {
    const lines = wrap("予約が取れたら、SMSで決済リンクが届きます。Stripe Checkout", 100, 10);
    expect(lines.join("")).toBe("予約が取れたら、SMSで決済リンクが届きます。Stripe Checkout".replace(" Checkout", "Checkout"));
    for (const l of lines) expect(l[0]).not.toMatch(/[、。]/);
    expect(lines.some((l) => l.includes("Stripe") && !l.endsWith("Strip"))).toBe(true);
  });
});
