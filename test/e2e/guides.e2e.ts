// Guides on a phone, and their PDFs looked at as pictures: the guide page links its PDF, the
// download is a PDF, and pdf.js (pdfjs-dist, with its Japanese CMaps) draws its first page in
// Chromium; the screenshots land in test-results/screenshots/ for a person to check.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, phone, screenshot } from "./browser.ts";

const url = inject("qrvUrl");
let browser: Browser;
const PDFJS = dirname(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")));

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * Draws a page of `pdf` on a canvas with pdf.js, as a PDF reader would, and returns the text it
 * read: the first page whose text has `find` (spaces aside), or page 1.
 */
async function drawPdf(page: Page, pdf: Buffer, find = ""): Promise<string> {
  await page.route("https://pdfjs.test/**", (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === "/doc.pdf") return route.fulfill({ body: pdf, contentType: "application/pdf" });
    if (path === "/") return route.fulfill({ body: '<!doctype html><meta charset="utf-8"><body style="margin:0;background:#888"><canvas id="c"></canvas>', contentType: "text/html" });
    const file = join(PDFJS, "pdfjs-dist", path);
    return route.fulfill({ body: readFileSync(file), contentType: path.endsWith(".mjs") ? "text/javascript" : "application/octet-stream" });
  });
  await page.goto("https://pdfjs.test/");
  // A string, so the test runner leaves the browser's own import() alone.
  return page.evaluate(`(async () => {
    const pdfjs = await import("https://pdfjs.test/build/pdf.mjs");
    pdfjs.GlobalWorkerOptions.workerSrc = "https://pdfjs.test/build/pdf.worker.mjs";
    const doc = await pdfjs.getDocument({ url: "https://pdfjs.test/doc.pdf", cMapUrl: "https://pdfjs.test/cmaps/", cMapPacked: true }).promise;
    const wanted = ${JSON.stringify(find.replace(/\s+/g, ""))};
    let first = await doc.getPage(1);
    for (let n = 1; wanted && n <= doc.numPages; n++) {
      const p = await doc.getPage(n);
      const t = (await p.getTextContent()).items.map((i) => i.str ?? "").join("").replace(/\\s+/g, "");
      if (t.includes(wanted)) { first = p; break; }
    }
    const viewport = first.getViewport({ scale: 390 / first.getViewport({ scale: 1 }).width });
    const canvas = document.getElementById("c");
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    await first.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    const content = await first.getTextContent();
    return content.items.map((i) => i.str ?? "").join("");
  })()`);
}

describe("guides", () => {
  it("lists the guides, shows one on a phone and offers its PDF, which a reader draws in Japanese", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${url}/guides`);
    expect(await page.locator("h1").textContent()).toBe("ガイド");
    await screenshot(page, "guides-list");
    await page.getByRole("link", { name: "クイックスタートガイド" }).click();
    expect(await page.locator("h1").textContent()).toBe("クイックスタートガイド");
    await screenshot(page, "guides-quick-start");
    const href = await page.getByRole("link", { name: "PDFをダウンロード" }).getAttribute("href");
    expect(href).toBe("/guides/quick-start.ja.pdf");
    const res = await page.request.get(`${url}${href}`);
    expect(res.headers()["content-type"]).toBe("application/pdf");
    const pdf = await res.body();
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");

    const reader = await context.newPage();
    const text = await drawPdf(reader, pdf);
    expect(text.replace(/\s+/g, "")).toContain("クイックスタートガイド");
    expect(text.replace(/\s+/g, "")).toContain("予約の流れ");
    await screenshot(reader, "guides-quick-start-pdf");
    await context.close();
  });

  it("shows the lodging members' guide on a phone without sideways scrolling, and its PDF's refund table reads in Japanese", async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${url}/guides`);
    await page.locator("#members").getByRole("link", { name: "宿泊会員ガイド" }).click();
    expect(await page.locator("h1").textContent()).toBe("宿泊会員ガイド");
    expect(await page.getByRole("cell", { name: "7日以上前" }).isVisible()).toBe(true);
    // The page, its tables included, fits the phone's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "guides-lodging-members");
    const href = await page.getByRole("link", { name: "PDFをダウンロード" }).getAttribute("href");
    expect(href).toBe("/guides/lodging-members.ja.pdf");
    const pdf = await (await page.request.get(`${url}${href}`)).body();

    const reader = await context.newPage();
    const text = (await drawPdf(reader, pdf, "返金の規定")).replace(/\s+/g, "");
    expect(text).toContain("返金の規定");
    expect(text).toContain("7日以上前100%");
    expect(text).toContain("チェックイン");
    await screenshot(reader, "guides-lodging-members-pdf");
    await context.close();
  });
});
