import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers /healthz", async () => {
  const res = await exports.default.fetch("https://qrv.test/healthz");
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, d1: "ok" });
});

it("refuses outbound requests nobody expected", async () => {
  await expect(fetch("https://api.stripe.com/v1/charges")).rejects.toThrow();
});
