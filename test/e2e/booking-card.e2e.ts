// The MCP Apps booking card in Chromium, inside a minimal host page built on the ext-apps
// AppBridge (what an Apps host runs): it renders the ui:// resource in a sandboxed iframe,
// answers the view's ui/initialize, sends it the tool result, opens links and passes the
// card's tools/call on to QRV over MCP. Also checks the committed card bundle is current.
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bookingCardScript } from "../../scripts/build-apps.ts";
import { BOOKING_CARD_SCRIPT } from "../../src/mcp/apps/booking-card.bundle.ts";
import { launch, screenshot } from "./browser.ts";
import { book, jstIn, mcp, paymentLink } from "./qrv.ts";

const url = inject("qrvUrl");
const apiKey = inject("qrvApiKey");
let browser: Browser;
let bridgeScript: string;

beforeAll(async () => {
  browser = await launch();
  // The host side of ext-apps, bundled for the page as the global ExtAppsBridge.
  const built = await build({
    stdin: { contents: 'export { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";', resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    format: "iife",
    globalName: "ExtAppsBridge",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  bridgeScript = built.outputFiles[0]!.text;
});
afterAll(async () => {
  await browser?.close();
});

/** The host page: an AppBridge per view, connected before the view loads so no message is missed. */
const HOST = `<!doctype html><html><body style="margin:12px;background:#f3f4f6">
<iframe id="app" sandbox="allow-scripts" style="width:100%;height:320px;border:0"></iframe>
<script>
  window.opened = [];
  window.startHost = async (toolResult, html) => {
    const { AppBridge, PostMessageTransport } = ExtAppsBridge;
    const frame = document.getElementById("app");
    const bridge = new AppBridge(null, { name: "test-host", version: "1.0.0" }, { openLinks: {}, serverTools: {} }, { hostContext: { locale: "ja-JP", theme: "light", displayMode: "inline" } });
    bridge.oninitialized = () => { window.initialized = true; bridge.sendToolResult(toolResult); };
    bridge.onopenlink = async ({ url }) => { window.opened.push(url); return {}; };
    bridge.oncalltool = async (params) => window.callTool(params.name, params.arguments ?? {});
    bridge.onsizechange = ({ height }) => { if (height) frame.style.height = height + "px"; };
    await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
    frame.srcdoc = html;
  };
</script></body></html>`;

describe("the booking card (MCP Apps)", () => {
  it("shows status, countdown and pay for a pending payment, opens the link, and cancels through the host", async () => {
    const { reservation_id: id } = await book(url, apiKey, { service: "カット", area: "渋谷", start: jstIn(96) });
    await paymentLink(url, id);
    const client = await mcp(url, apiKey, "card-host");
    const { tools } = await client.listTools();
    for (const name of ["request_reservation", "get_reservation"]) {
      const tool = tools.find((t) => t.name === name)!;
      const meta = tool._meta as Record<string, { resourceUri?: string } | string>;
      // MCP Apps' key (and the older flat one registerAppTool adds), and ChatGPT's template key.
      expect(meta.ui, name).toEqual({ resourceUri: "ui://qrv/booking-card.html" });
      expect(meta["ui/resourceUri"], name).toBe("ui://qrv/booking-card.html");
      expect(meta["openai/outputTemplate"], name).toBe("ui://qrv/booking-card.html");
      expect(tool.icons?.length, name).toBe(1);
    }
    const listed = (await client.listResources()).resources.find((r) => r.uri === "ui://qrv/booking-card.html");
    expect(listed?.mimeType).toBe("text/html;profile=mcp-app");
    const resource = await client.readResource({ uri: "ui://qrv/booking-card.html" });
    const card = resource.contents[0] as { mimeType: string; text: string };
    expect(card.mimeType).toBe("text/html;profile=mcp-app");
    // The view's script is the ext-apps client bundle built from src/mcp/apps/view, inline.
    expect(card.text).toContain(BOOKING_CARD_SCRIPT);
    const result = await client.callTool({ name: "get_reservation", arguments: { reservation_id: id } });
    const view = result.structuredContent as { status: string; payment_url: string; status_label: string };
    expect(view.status).toBe("payment_pending");
    // Without Apps support the same result reads as text.
    expect(JSON.stringify(result.content)).toContain(view.payment_url);

    // A chat panel's width on a laptop, where hosts show app views inline.
    const context = await browser.newContext({ viewport: { width: 480, height: 700 }, locale: "ja-JP" });
    const page = await context.newPage();
    await page.exposeFunction("callTool", async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }));
    await page.setContent(HOST);
    await page.addScriptTag({ content: bridgeScript });
    await page.evaluate(([toolResult, html]) => (window as unknown as { startHost: (r: unknown, h: string) => Promise<void> }).startHost(toolResult, html as string), [result, card.text] as const);
    const app = page.frameLocator("#app");
    await expect.poll(() => page.evaluate(() => (window as unknown as { initialized?: boolean }).initialized)).toBe(true);
    await expect.poll(() => app.locator("#id").textContent()).toBe(id);
    expect(await app.locator("#status").textContent()).toBe(view.status_label);
    await expect.poll(() => app.locator("#countdown").textContent()).toMatch(/残り \d{1,2}:\d{2} left/);
    await screenshot(page, "booking-card-payment-pending");

    await app.locator("#pay").click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { opened: string[] }).opened)).toEqual([view.payment_url]);

    await app.locator("#cancel").click();
    await expect.poll(() => app.locator("#card").getAttribute("data-status"), { timeout: 15_000 }).toBe("cancelled");
    await screenshot(page, "booking-card-cancelled");
    await context.close();
    await client.close();
  });

  it("the committed card bundle is what npm run build:apps builds", async () => {
    expect(BOOKING_CARD_SCRIPT === (await bookingCardScript()), "run npm run build:apps").toBe(true);
  });
});
