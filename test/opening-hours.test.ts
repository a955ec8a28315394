// Opening hours in a booking: a shop closed at the requested time is skipped, and a request
// outside every matching shop's hours is refused with the hours (a 03:00 haircut).
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { shops } from "../src/db/schema.ts";
import { createApiKey, createReservation, db, mcpClient, record, seedShops, uniqueMobile, waitForJobs, waitForStatus } from "./helpers.ts";

/** The next day at hh:mm Japan time, as ISO with offset (at least a day ahead). */
function tomorrowAt(hhmm: string): string {
  const day = new Date(Date.now() + 9 * 3_600_000 + 36 * 3_600_000).toISOString().slice(0, 10);
  return `${day}T${hhmm}:00+09:00`;
}

describe("opening hours", () => {
  let key: string;
  beforeAll(async () => {
    key = (await createApiKey("hours")).key;
  });

  it("a request outside every shop's hours is refused with the hours; nothing is booked", async () => {
    const where = await seedShops([{ answer: "accepted", hours: "月-日 10:00-20:00" }]);
    const client = await mcpClient(key);
    const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: tomorrowAt("03:00"), party_size: 1, name: "夜 更子", phone: uniqueMobile(), language: "en" } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).toContain("is open at");
    expect(text).toContain("Mon 10:00-20:00");
    const ok = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: tomorrowAt("15:00"), party_size: 1, name: "昼 花子", phone: uniqueMobile() } });
    expect(ok.isError).toBeFalsy();
    await client.close();
  });

  it("a shop closed at the requested time is skipped; the open one is called", async () => {
    const where = await seedShops([
      { answer: "accepted", name: "朝だけの店", hours: "月-日 08:00-12:00" },
      { answer: "manual", name: "午後の店", hours: "月-日 12:00-20:00" },
    ]);
    const client = await mcpClient(key);
    const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: tomorrowAt("15:00"), party_size: 1, name: "山田 太郎", phone: uniqueMobile() } });
    expect(result.isError).toBeFalsy();
    const id = (result.structuredContent as { reservation_id: string; shops_to_call: number }).reservation_id;
    expect((result.structuredContent as { shops_to_call: number }).shops_to_call).toBe(1);
    await waitForStatus(id, "calling");
    expect((await record(id)).data.attempts.map((a) => a.shopName)).toEqual(["午後の店"]);
    await client.close();
  });

  it("a shop whose hours do not fit when its call comes up is skipped without a call", async () => {
    const where = await seedShops([{ answer: "accepted", name: "変わった店" }, { answer: "manual", name: "次の店" }]);
    // Hours given after the plan was made (here: a plan made without looking at them, as for a
    // time changed later by an operator): the call job checks the shop's current hours.
    const [changed] = await db.select().from(shops).where(eq(shops.area, where.area)).orderBy(shops.priority);
    await db.update(shops).set({ openingHours: "月-日 10:00-20:00" }).where(eq(shops.id, changed!.id));
    const { id } = await createReservation(where, { startAt: Date.parse(tomorrowAt("03:00")) });
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    await expect.poll(async () => (await record(id)).data.attempts.map((a) => [a.shopName, a.result, a.summary])).toEqual([
      ["変わった店", "failed", "skipped: closed at that time"],
      ["次の店", undefined, undefined],
    ]);
  });
});
