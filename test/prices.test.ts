// Prices are written 6,600円 everywhere, in English as in Japanese (one formatter, formatJpy):
// the reservation page, the SMS, the MCP tools' text and the booking card.
import { beforeAll, describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { createApiKey, createReservation, mcpClient, seedShops, sentOf, waitForJobs, waitForStatus } from "./helpers.ts";

const jane = { name: "Jane Doe", phone: "+819012345678", email: "jane@example.com", language: "en" as const };

async function englishPage(url: string): Promise<string> {
  const res = await exports.default.fetch(new Request(url, { headers: { Accept: "text/html", "Accept-Language": "en" } }));
  expect(res.status).toBe(200);
  return res.text();
}

describe("prices in English", () => {
  let key: string;
  beforeAll(async () => {
    key = (await createApiKey("prices")).key;
  });

  it("the reservation page and the payment SMS read 6,600円, never ¥", async () => {
    const where = await seedShops([{ answer: "accepted", priceJpy: 6600 }]);
    const { id, guestUrl } = await createReservation(where, { requester: jane });
    await waitForStatus(id, "payment_pending");
    await waitForJobs(id);
    const page = await englishPage(guestUrl);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("Pay 6,600円");
    expect(page).not.toContain("¥");
    const sms = (await sentOf(id)).filter((s) => s.channel === "sms").map((s) => s.body);
    expect(sms).toContainEqual(expect.stringMatching(/can take you .* Pay 6,600円 by/));
    expect(sms.join("\n")).not.toContain("¥");
  });

  it("MCP text and the booking card use the same form", async () => {
    const where = await seedShops([{ answer: "accepted", priceJpy: 6600 }]);
    const client = await mcpClient(key);
    const services = await client.callTool({ name: "list_services", arguments: {} });
    const text = (services.content as { text: string }[]).map((c) => c.text).join("\n");
    expect(text).toContain(`${where.area} (1 shop, from 6,600円)`);
    // The card's bundled script carries formatJpy itself (its source is bundled in), and no yen sign.
    const card = await client.readResource({ uri: "ui://qrv/booking-card.html" });
    const html = (card.contents[0] as { text: string }).text;
    const formatter = /(\w+)=new Intl\.NumberFormat\("en-US",\{maximumFractionDigits:0\}\)/.exec(html)?.[1];
    expect(formatter).toBeDefined();
    expect(html).toMatch(new RegExp(`\\$\\{${formatter}\\.format\\(Math\\.round\\(\\w+\\)\\)\\}\\\\u5186\``));
    expect(html).not.toMatch(/¥|\\xA5/);
    await client.close();
  });
});
