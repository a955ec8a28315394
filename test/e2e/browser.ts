// The browser for the e2e tests, driven by playwright-core, at a phone's or a laptop's size.
// Screenshots are saved under test-results/screenshots/ (a CI artifact) so a person can look
// at them.
//
// Which Chromium: CHROMIUM_PATH when set; otherwise the system's (Debian's `chromium`) when
// there is one; otherwise the headless Chromium that comes from npm (@sparticuz/chromium,
// unpacked to the temporary folder on first use, with the few shared libraries it needs).
// QRV_BROWSER=npm picks the npm one even when the system has its own. Either way Japanese is
// readable in screenshots: fontconfig is pointed at the system's fonts plus Noto Sans JP from
// npm (@embedpdf/fonts-jp), so a machine with no CJK font still draws 予約 rather than boxes.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const SCREENSHOTS = join("test-results", "screenshots");
const SYSTEM_CHROMIUMS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface ChromiumChoice {
  executablePath: string;
  source: "CHROMIUM_PATH" | "system" | "npm";
  env: Record<string, string>;
}

/** Where an installed package lives (its exports need not list package.json). */
function packageRoot(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

/** The folder of Noto Sans JP from npm. */
function japaneseFontDir(): string {
  return join(packageRoot("@embedpdf/fonts-jp"), "fonts");
}

/**
 * A fontconfig file: the system's own configuration and fonts (unless left out, as on a bare
 * machine), then the npm fonts; its cache lives in the temporary folder.
 */
function fontconfig(extraDirs: string[], systemFonts: boolean): string {
  const dir = join(tmpdir(), systemFonts ? "qrv-fontconfig" : "qrv-fontconfig-bare");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "fonts.conf");
  const system = systemFonts ? `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>/usr/share/fonts</dir>\n  <dir>/usr/local/share/fonts</dir>\n` : "";
  const dirs = extraDirs.map((d) => `  <dir>${d}</dir>\n`).join("");
  writeFileSync(file, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n${system}${dirs}  <cachedir>${join(dir, "cache")}</cachedir>\n</fontconfig>\n`);
  return file;
}

export interface LaunchOptions {
  /** "npm" uses the Chromium from npm even when the system has one (QRV_BROWSER=npm does the same). */
  prefer?: "auto" | "npm";
  /** false hides the system's fonts, as on a machine that has none. */
  systemFonts?: boolean;
}

/** Finds (or unpacks) the Chromium to drive; see the comment at the top. */
export async function resolveChromium(options: LaunchOptions = {}): Promise<ChromiumChoice> {
  const prefer = options.prefer ?? (process.env.QRV_BROWSER === "npm" ? "npm" : "auto");
  const systemFonts = options.systemFonts ?? true;
  const fonts = [japaneseFontDir()];
  if (prefer === "auto" && process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
    return { executablePath: process.env.CHROMIUM_PATH, source: "CHROMIUM_PATH", env: { FONTCONFIG_FILE: fontconfig(fonts, systemFonts) } };
  }
  const system = prefer === "auto" ? SYSTEM_CHROMIUMS.find((p) => existsSync(p)) : undefined;
  if (system) return { executablePath: system, source: "system", env: { FONTCONFIG_FILE: fontconfig(fonts, systemFonts) } };
  const { default: Sparticuz, inflate } = await import("@sparticuz/chromium");
  const executablePath = await Sparticuz.executablePath();
  // The libraries a bare machine may lack (NSS, NSPR, expat), shipped in the same package.
  const libs = await inflate(join(packageRoot("@sparticuz/chromium"), "bin", "al2023.tar.br"));
  const ld = [join(libs, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  return { executablePath, source: "npm", env: { FONTCONFIG_FILE: fontconfig([join(tmpdir(), "fonts"), ...fonts], systemFonts), LD_LIBRARY_PATH: ld } };
}

export async function launch(options: LaunchOptions = {}): Promise<Browser> {
  const choice = await resolveChromium(options);
  const env = { ...(process.env as Record<string, string>), ...choice.env };
  return chromium.launch({ executablePath: choice.executablePath, headless: true, args: ARGS, env });
}

/** An iPhone-sized context (390×844 CSS pixels), Japanese unless asked otherwise. */
export async function phone(browser: Browser, locale = "ja-JP"): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale });
}

/** A laptop-sized context (1280×900), for the operator console. */
export async function desktop(browser: Browser, locale = "ja-JP"): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
