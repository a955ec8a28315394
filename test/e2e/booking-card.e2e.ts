// The MCP Apps booking card in Chromium, inside a minimal host page that does what an Apps host
// does: renders the ui:// resource in a sandboxed iframe, answers ui/initialize, sends the tool
// result, opens links and passes the card's tools/call on to QRV over MCP.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, screenshot } from "./browser.ts";
import { book, jstIn, mcp, paymentLink } from "./qrv.ts";

const url = inject("qrvUrl");
const apiKey = inject("qrvApiKey");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const HOST = `<!doctype html><html><body style="margin:12px;background:#f3f4f6">
<iframe id="app" sandbox="allow-scripts" style="width:100%;height:320px;border:0"></iframe>
<script>
  window.fromApp = [];
  const frame = document.getElementById("app");
  const post = (m) => frame.contentWindow.postMessage({ jsonrpc: "2.0", ...m }, "*");
  window.addEventListener("message", async (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    window.fromApp.push(m);
    if (m.method === "ui/initialize") post({ id: m.id, result: { protocolVersion: m.params.protocolVersion, hostInfo: { name: "test-host", version: "1" }, hostCapabilities: { openLinks: {}, serverTools: {} }, hostContext: { locale: "ja-JP" } } });
    else if (m.method === "ui/notifications/initialized") post({ method: "ui/notifications/tool-result", params: window.toolResult });
    else if (m.method === "ui/open-link") post({ id: m.id, result: {} });
    else if (m.method === "tools/call") post({ id: m.id, result: await window.callTool(m.params.name, m.params.arguments) });
  });
</script></body></html>`;

describe("the booking card (MCP Apps)", () => {
  it("shows status, countdown and pay for a pending payment, opens the link, and cancels through the host", async () => {
    const { reservation_id: id } = await book(url, apiKey, { service: "カット", area: "渋谷", start: jstIn(96) });
    await paymentLink(url, id);
    const client = await mcp(url, apiKey, "card-host");
    const { tools } = await client.listTools();
    const meta = tools.find((t) => t.name === "get_reservation")!._meta as Record<string, { resourceUri?: string } | string>;
    expect(meta.ui).toEqual({ resourceUri: "ui://qrv/booking-card.html" });
    expect(meta["openai/outputTemplate"]).toBe("ui://qrv/booking-card.html");
    const resource = await client.readResource({ uri: "ui://qrv/booking-card.html" });
    const card = resource.contents[0] as { mimeType: string; text: string };
    expect(card.mimeType).toBe("text/html;profile=mcp-app");
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
    await page.evaluate(([toolResult, html]) => {
      (window as unknown as { toolResult: unknown }).toolResult = toolResult;
      (document.getElementById("app") as HTMLIFrameElement).srcdoc = html as string;
    }, [result, card.text] as const);
    const app = page.frameLocator("#app");
    await expect.poll(() => app.locator("#id").textContent()).toBe(id);
    expect(await app.locator("#status").textContent()).toBe(view.status_label);
    await expect.poll(() => app.locator("#countdown").textContent()).toMatch(/残り \d{1,2}:\d{2} left/);
    await screenshot(page, "booking-card-payment-pending");

    await app.locator("#pay").click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { fromApp: { method?: string; params?: { url?: string } }[] }).fromApp.find((m) => m.method === "ui/open-link")?.params?.url)).toBe(view.payment_url);

    await app.locator("#cancel").click();
    await expect.poll(() => app.locator("#card").getAttribute("data-status"), { timeout: 15_000 }).toBe("cancelled");
    await screenshot(page, "booking-card-cancelled");
    await context.close();
    await client.close();
  });
});
