// Guides (seed 000 §3): every guide is a page listed at /guides and a PDF drawn from the same
// source; the PDF's text, read back as a reader would, is the page's Japanese (or English).
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { docText } from "../src/documents/model.ts";
import { wrap } from "../src/documents/pdf.ts";
import { FLOW_IN_TWO_SENTENCES } from "../src/guides/flow.ts";
import { DEFAULT_CANCELLATION_POLICY } from "../src/domain/lodging/refund.ts";
import { AUDIENCES, GUIDES, guideContext } from "../src/guides/index.ts";
import { refundRows } from "../src/guides/lodging.ts";
import { pdfText, squash } from "./pdf-text.ts";

const ORIGIN = "https://qrv.test";
// The values the site quotes, read from the running configuration as the route does.
const ctx = guideContext(env);

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { headers: { Accept: "text/html", ...headers } }));
}

describe("guides", () => {
  it("covers every audience and document that seed 000 §3 asks for", () => {
    const byAudience = (a: string) => GUIDES.filter((g) => g.audience === a).map((g) => g.title.ja);
    expect(byAudience("requesters")).toEqual(["クイックスタートガイド", "サンプル対話例", "キャンセル手順"]);
    expect(byAudience("shops")).toEqual(["提携店向けマニュアル", "電話スクリプト例", "提携店向けFAQ", "トラブルシューティング"]);
    expect(byAudience("operators")).toEqual(["運用マニュアル", "インシデント対応手順書", "ログ確認ガイド", "Slack通知一覧", "サービスカタログ"]);
    expect(byAudience("members")).toEqual(["宿泊会員ガイド"]);
    expect(byAudience("front-desk")).toEqual(["フロント業務マニュアル"]);
    expect(byAudience("clients")).toEqual(["1on1セッション ご利用ガイド"]);
    expect(byAudience("coaches")).toEqual(["コーチ向けガイド"]);
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
        // The page footers ("QRV · title 1/2") are left out: a paragraph may run on past one.
        const footer = squash(`QRV · ${g.doc(lang, ctx).title}`).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        const read = squash(text).replace(new RegExp(`${footer}\\d+/${pages}`, "g"), "");
        // Every heading, sentence and table cell of the source is in the PDF, in order of reading.
        for (const piece of docText(g.doc(lang, ctx))) expect(read, `${g.slug}.${lang}: ${piece}`).toContain(squash(piece));
      }
    }
  });

  it("lodging and session guides are in Japanese and English where members, clients and coaches read them, and quote the rules in force", async () => {
    for (const slug of ["lodging-members", "session-clients", "coach-guide"]) expect(GUIDES.find((g) => g.slug === slug)!.langs).toEqual(["ja", "en"]);
    expect(GUIDES.find((g) => g.slug === "front-desk-manual")!.langs).toEqual(["ja"]);
    // The refund table the members read is the one the cancellation quote applies.
    expect(refundRows(DEFAULT_CANCELLATION_POLICY, "ja")).toEqual([
      ["7日以上前", "100%"],
      ["3〜6日前", "50%"],
      ["0〜2日前", "0%"],
      ["不泊（チェックイン時刻の15:00を過ぎてから）", "0%"],
    ]);
    expect(refundRows({ rows: [{ minDaysBefore: 3, percent: 80 }, { minDaysBefore: 1, percent: 30 }, { minDaysBefore: 0, percent: 0 }], noShowPercent: 0, checkInHourJst: 15 }, "en").slice(0, 3)).toEqual([
      ["3 days or more before", "80%"],
      ["1 to 2 days before", "30%"],
      ["0 days before", "0%"],
    ]);
    const html = await (await get("/guides/lodging-members")).text();
    expect(html).toContain("<h1>宿泊会員ガイド</h1>");
    for (const [when, back] of refundRows(ctx.lodging.cancellation, "ja")) expect(html).toContain(`<td>${when}</td><td>${back}</td>`);
    expect(html).toContain(`前後${ctx.lodging.birthdayWindowDays}日以内の泊は5%割引`);
    const coach = await (await get("/guides/coach-guide", { "Accept-Language": "en" })).text();
    expect(coach).toContain("<h1>Coach guide</h1>");
    expect(coach).toContain("Reschedule: up to 24 hours before, at most 2 times per session.");
    const list = await (await get("/guides")).text();
    for (const id of ["members", "front-desk", "clients", "coaches"]) expect(list).toContain(`id="${id}"`);
  });

  it("breaks Japanese lines between characters but never before closing punctuation, and keeps Latin words whole", () => {
    const lines = wrap("予約が取れたら、SMSで決済リンクが届きます。Stripe Checkout", 100, 10);
    expect(lines.join("")).toBe("予約が取れたら、SMSで決済リンクが届きます。Stripe Checkout".replace(" Checkout", "Checkout"));
    for (const l of lines) expect(l[0]).not.toMatch(/[、。]/);
    expect(lines.some((l) => l.includes("Stripe") && !l.endsWith("Strip"))).toBe(true);
  });
});
