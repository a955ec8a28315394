// request_reservation is safe to retry: a repeated request makes one reservation and phones
// shops once; an idempotency_key makes that explicit for 24 hours.
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { claimStatement, heldClaim } from "../src/db/request-keys.ts";
import { reservations } from "../src/db/schema.ts";
import { createApiKey, db, mcpClient, seedShops, startIn, uniqueMobile } from "./helpers.ts";

type Out = { reservation_id: string; status: string; guest_url: string; message: string; repeated?: boolean };

async function reservationsOf(apiKeyId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(reservations).where(eq(reservations.apiKeyId, apiKeyId));
  return row!.n;
}

describe("request_reservation, sent twice", () => {
  let where: { service: string; area: string };
  beforeAll(async () => {
    where = await seedShops([{ answer: "manual", priceJpy: 5500 }], `カット${Math.random().toString(36).slice(2, 6)}`);
  });
  const request = (phone: string, extra: Record<string, unknown> = {}) => ({ service: where.service, area: where.area, start: startIn(72), party_size: 2, name: "山田 太郎", phone, language: "en", ...extra });

  it("without a key: the identical request returns the first reservation, with a line saying so", async () => {
    const key = await createApiKey("retrying client");
    const client = await mcpClient(key.key);
    const args = request(uniqueMobile());
    const first = (await client.callTool({ name: "request_reservation", arguments: args })).structuredContent as Out;
    const second = await client.callTool({ name: "request_reservation", arguments: args });
    expect(second.isError, JSON.stringify(second.content)).toBeFalsy();
    const again = second.structuredContent as Out;
    expect(again.reservation_id).toBe(first.reservation_id);
    expect(again.guest_url).toBe(first.guest_url);
    expect(again.repeated).toBe(true);
    expect(again.message).toContain(`same request as ${first.reservation_id}`);
    expect(await reservationsOf(key.id)).toBe(1);

    // A different request (another time) is a new booking.
    const other = (await client.callTool({ name: "request_reservation", arguments: { ...args, start: startIn(96) } })).structuredContent as Out;
    expect(other.reservation_id).not.toBe(first.reservation_id);
    expect(await reservationsOf(key.id)).toBe(2);
    await client.close();
  });

  it("without a key, asking again after cancelling is a new booking", async () => {
    const key = await createApiKey("changed their mind");
    const client = await mcpClient(key.key);
    const args = request(uniqueMobile());
    const first = (await client.callTool({ name: "request_reservation", arguments: args })).structuredContent as Out;
    await client.callTool({ name: "cancel_reservation", arguments: { reservation_id: first.reservation_id } });
    const again = (await client.callTool({ name: "request_reservation", arguments: args })).structuredContent as Out;
    expect(again.reservation_id).not.toBe(first.reservation_id);
    expect(again.repeated).toBeUndefined();
    expect(await reservationsOf(key.id)).toBe(2);
    await client.close();
  });

  it("sent at the same moment: one reservation", async () => {
    const key = await createApiKey("double send");
    const client = await mcpClient(key.key);
    const args = request(uniqueMobile());
    const results = await Promise.all([1, 2, 3].map(() => client.callTool({ name: "request_reservation", arguments: args })));
    const ids = new Set(results.map((r) => (r.structuredContent as Out).reservation_id));
    expect(ids.size).toBe(1);
    expect(await reservationsOf(key.id)).toBe(1);
    await client.close();
  });

  it("another caller's identical request is theirs, not a repeat", async () => {
    const phone = uniqueMobile();
    const a = await createApiKey("caller a");
    const b = await createApiKey("caller b");
    const ca = await mcpClient(a.key);
    const cb = await mcpClient(b.key);
    const ra = (await ca.callTool({ name: "request_reservation", arguments: request(phone) })).structuredContent as Out;
    const rb = (await cb.callTool({ name: "request_reservation", arguments: request(phone) })).structuredContent as Out;
    expect(ra.reservation_id).not.toBe(rb.reservation_id);
    expect(rb.repeated).toBeUndefined();
    await Promise.all([ca.close(), cb.close()]);
  });

  it("with an idempotency_key: the same key returns the first; the key with another request is refused", async () => {
    const key = await createApiKey("keyed client");
    const client = await mcpClient(key.key);
    const phone = uniqueMobile();
    const idem = crypto.randomUUID();
    const first = (await client.callTool({ name: "request_reservation", arguments: request(phone, { idempotency_key: idem }) })).structuredContent as Out;
    const again = (await client.callTool({ name: "request_reservation", arguments: request(phone, { idempotency_key: idem }) })).structuredContent as Out;
    expect(again.reservation_id).toBe(first.reservation_id);
    const misuse = await client.callTool({ name: "request_reservation", arguments: request(phone, { idempotency_key: idem, party_size: 3 }) });
    expect(misuse.isError).toBe(true);
    expect((misuse.content as { text: string }[])[0]!.text).toContain(`idempotency_key: already used for a different request (${first.reservation_id})`);
    // A new key is a new booking even for the same request.
    const fresh = (await client.callTool({ name: "request_reservation", arguments: request(phone, { idempotency_key: crypto.randomUUID() }) })).structuredContent as Out;
    expect(fresh.reservation_id).not.toBe(first.reservation_id);
    expect(await reservationsOf(key.id)).toBe(2);
    await client.close();
  });

  it("a claim older than its window is taken over by the next request", async () => {
    const caller = `api_key:test-${crypto.randomUUID()}`;
    const t0 = Date.now();
    const claim = async (reservationId: string, now: number) => (await claimStatement(env.DB, { caller, key: "same:x", fingerprint: "fp", reservationId, ttlMs: 600_000, now }).run()).meta.changes === 1;
    expect(await claim("QRV-AAAAAA", t0)).toBe(true);
    expect(await claim("QRV-BBBBBB", t0 + 599_000)).toBe(false);
    expect(await heldClaim(db, caller, "same:x")).toEqual({ reservationId: "QRV-AAAAAA", fingerprint: "fp" });
    expect(await claim("QRV-CCCCCC", t0 + 601_000)).toBe(true);
    expect(await heldClaim(db, caller, "same:x")).toEqual({ reservationId: "QRV-CCCCCC", fingerprint: "fp" });
  });

  it("with an API key, name and phone are both reported when both are missing", async () => {
    const key = await createApiKey("forgetful");
    const client = await mcpClient(key.key);
    const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 1 } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).toContain("name: required");
    expect(text).toContain("phone: required");
    await client.close();
  });

  it("the description states the limits and how often to poll", async () => {
    const key = await createApiKey("reader");
    const client = await mcpClient(key.key);
    const { tools } = await client.listTools();
    const request = tools.find((t) => t.name === "request_reservation")!;
    expect(request.description).toContain("at least 30 minutes and at most 180 days ahead");
    expect(request.description).toMatch(/every 30 seconds/);
    expect(tools.find((t) => t.name === "get_reservation")!.description).toMatch(/every 30 seconds/);
    const services = await client.callTool({ name: "list_services", arguments: {} });
    expect((services.content as { text: string }[])[0]!.text).toContain(`${where.area} (1 shop, from 5,500円)`);
    await client.close();
  });
});
