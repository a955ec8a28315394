// A reservation parked for an operator closes by itself at its start time (seed 000 §2.2: a
// booking that cannot be made by then is no longer wanted), through the object's own alarm.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alerts, sandboxRecords } from "../src/db/schema.ts";
import { createReservation, db, fireAlarm, record, seedShops, waitForJobs, waitForStatus } from "./helpers.ts";

describe("a parked case at its start time", () => {
  it("an unclear answer left unsettled closes at the start: requester texted, shop told, case closed", async () => {
    const where = await seedShops([{ answer: "ambiguous", name: "曖昧な店", email: "unclear@shops.test" }]);
    const { id } = await createReservation(where, { startAt: Date.now() + 3_000 });
    await waitForStatus(id, "pending_shop_response");
    await waitForJobs(id);
    expect((await record(id)).openCases?.map((c) => c.case)).toEqual(["ambiguous_answer"]);
    const wait = Math.max(0, (await record(id)).startAt - Date.now() + 50);
    await new Promise((r) => setTimeout(r, wait));
    await fireAlarm(id);
    const closed = await record(id);
    expect(closed.status).toBe("cancelled");
    expect(closed.openCases).toEqual([]);
    await waitForJobs(id);
    const sent = await db.select().from(sandboxRecords).where(eq(sandboxRecords.reservationId, id));
    expect(sent.filter((s) => s.channel === "sms").map((s) => s.body)).toContainEqual(expect.stringContaining("までに予約を確定できなかったため"));
    expect(sent.filter((s) => s.channel === "email" && s.to === "unclear@shops.test").map((s) => s.subject)).toEqual(["[QRV] 仮予約取り消しのお知らせ"]);
    // The alert for the case is resolved with it.
    const [alert] = await db.select().from(alerts).where(and(eq(alerts.reservationId, id), eq(alerts.case, "ambiguous_answer")));
    expect(alert?.resolvedAt).toEqual(expect.any(Number));
  });
});
