// The browser tests run on a machine without Debian's Chromium or any Japanese font: the
// Chromium from npm starts, and Japanese is drawn with the font from npm, not as boxes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launch, resolveChromium, screenshot } from "./browser.ts";

describe("a machine with only Node and npm", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ prefer: "npm", systemFonts: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("uses the Chromium that came from npm", async () => {
    const choice = await resolveChromium({ prefer: "npm" });
    expect(choice.source).toBe("npm");
    expect(choice.executablePath).not.toMatch(/^\/usr\//);
    expect(browser.version()).toMatch(/^\d+\./);
  });

  it("draws Japanese with real glyphs, not the missing-glyph box", async () => {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><meta charset="utf-8"><canvas id="c" width="64" height="32"></canvas><p style="font:24px sans-serif">予約が確定しました</p>`);
    // The same pixels for 予 and for an unassigned code point mean no font has 予.
    const pixels = await page.evaluate(() => {
      const c = document.getElementById("c") as HTMLCanvasElement;
      const ctx = c.getContext("2d")!;
      const draw = (text: string) => {
        ctx.clearRect(0, 0, 64, 32);
        ctx.font = "24px sans-serif";
        ctx.fillText(text, 4, 26);
        return Array.from(ctx.getImageData(0, 0, 64, 32).data).join(",");
      };
      return { kanji: draw("予"), kana: draw("あ"), missing: draw("\u0378") };
    });
    expect(pixels.kanji).not.toBe(pixels.missing);
    expect(pixels.kana).not.toBe(pixels.missing);
    expect(pixels.kanji).not.toBe(pixels.kana);
    await screenshot(page, "npm-chromium-japanese");
    await page.close();
  });
});
