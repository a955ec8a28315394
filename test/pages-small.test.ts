// Smaller things a person notices: the sandbox checkout states one deadline (QRV's) and obeys
// its own CSP, prices read 6,600円, and /favicon.ico is an icon rather than a 404.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BUSINESS_HOURS } from "../src/domain/business-hours.ts";
import { createReservation, seedShops, waitForStatus } from "./helpers.ts";

async function page(path: string, lang: "ja" | "en"): Promise<string> {
  const res = await exports.default.fetch(new Request(`https://qrv.test${path}`, { headers: { Accept: "text/html", "Accept-Language": lang } }));
  expect(res.status).toBe(200);
  return res.text();
}

describe("pages", () => {
  it("the sandbox checkout states one deadline, QRV's, and carries no inline style", async () => {
    const where = await seedShops([{ answer: "accepted", priceJpy: 6600 }]);
    const { id } = await createReservation(where);
    const r = await waitForStatus(id, "payment_pending");
    const html = await (await exports.default.fetch(`https://qrv.test/sandbox/checkout/${r.data.payment!.sessionId}`)).text();
    expect(html).toContain("6,600円");
    expect(html).toContain("お支払い期限 / Pay by");
    expect(html).not.toContain("Checkout Session expires");
    expect(html).not.toMatch(/ style="/);
  });

  it("the support promise (about an hour) is bound to the support hours the pages state, which are the business hours", async () => {
    const open = `${BUSINESS_HOURS.openHourJst}:00`;
    const close = `${BUSINESS_HOURS.closeHourJst}:00`;
    expect(await page("/faq", "en")).toContain(`usually within an hour during support hours (weekdays ${open}–${close} Japan time)`);
    expect(await page("/faq", "ja")).toContain(`受付時間内なら1時間以内が目安。受付時間は平日 ${open}〜${close}`);
    expect(await page("/support", "en")).toContain(`Weekdays ${open}–${close} (Japan time)`);
    expect(await page("/support", "ja")).toContain(`平日 ${open}〜${close}`);
  });

  it("/favicon.ico is QRV's icon, not a 404", async () => {
    const res = await exports.default.fetch("http://127.0.0.1:8787/favicon.ico");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(await res.text()).toMatch(/^<svg /);
  });
});
