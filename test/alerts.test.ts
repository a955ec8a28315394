// Seed 000 §4.3's alert rules, the per-minute monitor that posts them to Slack once per
// condition until it clears, and /healthz.
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordInquiry } from "../src/db/inquiries.ts";
import { alerts, inquiries, outbox, sandboxRecords } from "../src/db/schema.ts";
import { ALERT_RULES, evaluateAlerts, type MonitorSnapshot } from "../src/domain/alert-rules.ts";
import { newId } from "../src/domain/ids.ts";
import { runAlertRules } from "../src/monitor/alerts.ts";
import { createReservation, db, record, seedShops, waitForJobs, waitForStatus } from "./helpers.ts";

const quiet: MonitorSnapshot = { waitingJobs: 0, recentJobs: 0, recentErrors: 0, deadJobs: 0, waitingInquiries: 0, openCases: [] };
const keys = (s: Partial<MonitorSnapshot>) => evaluateAlerts({ ...quiet, ...s }, "https://qrv.test").map((c) => c.key);

describe("the rules (seed 000 §4.3)", () => {
  it("queue length: more than 100 jobs waiting", () => {
    expect(keys({ waitingJobs: 100 })).toEqual([]);
    expect(keys({ waitingJobs: 101 })).toEqual(["queue_backlog"]);
    expect(evaluateAlerts({ ...quiet, waitingJobs: 150 }, "https://qrv.test")[0]).toMatchObject({ priority: "high", text: expect.stringContaining("予約キューが溜まっています") });
  });

  it("error rate: more than 5 % of the jobs that ran in the last 5 minutes", () => {
    expect(keys({ recentJobs: 20, recentErrors: 1 })).toEqual([]); // exactly 5 %
    expect(keys({ recentJobs: 20, recentErrors: 2 })).toEqual(["error_rate"]);
    expect(keys({ recentJobs: ALERT_RULES.errorRateMinJobs - 1, recentErrors: ALERT_RULES.errorRateMinJobs - 1 })).toEqual([]);
    expect(evaluateAlerts({ ...quiet, recentJobs: 10, recentErrors: 1 }, "https://qrv.test")[0]).toMatchObject({ priority: "urgent", text: expect.stringContaining("エラーが多発しています") });
  });

  it("dead-letter queue: anything in it", () => {
    expect(keys({ deadJobs: 0 })).toEqual([]);
    expect(keys({ deadJobs: 1 })).toEqual(["dead_letter"]);
  });

  it("inquiries left unanswered for two hours", () => {
    expect(keys({ waitingInquiries: 0 })).toEqual([]);
    const [c] = evaluateAlerts({ ...quiet, waitingInquiries: 3 }, "https://qrv.test");
    expect(c).toMatchObject({ key: "inquiries_waiting", priority: "medium" });
    expect(c!.text).toBe("2時間以上未対応のお問い合わせがあります\n3件\nhttps://qrv.test/admin/inquiries?status=new&category=all");
  });

  it("every open manual case, with the seed's headline and its priority", () => {
    const conditions = evaluateAlerts({ ...quiet, openCases: [{ reservationId: "QRV-AAAAAA", case: "ambiguous_answer" }, { reservationId: "QRV-BBBBBB", case: "sms_undeliverable" }] }, "https://qrv.test");
    expect(conditions.map((c) => [c.key, c.priority])).toEqual([
      ["ambiguous_answer:QRV-AAAAAA", "high"],
      ["sms_undeliverable:QRV-BBBBBB", "urgent"],
    ]);
    expect(conditions[0]!.text).toContain("予約ID: QRV-AAAAAA が曖昧な回答");
    expect(conditions[0]!.text).toContain("https://qrv.test/admin/reservations/QRV-AAAAAA");
  });

  it("no alert for a payment timeout, even one opened as a case before that rule (seed 000 §2.2.3)", () => {
    expect(keys({ openCases: [{ reservationId: "QRV-CCCCCC", case: "payment_timeout" }, { reservationId: "QRV-DDDDDD", case: "change_requested" }] })).toEqual(["change_requested:QRV-DDDDDD"]);
  });
});

/** Outbox rows of a made-up reservation, at times far from the other tests' rows. */
async function jobs(reservationId: string, n: number, fields: Partial<typeof outbox.$inferInsert>, at: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newId("job", at));
  // D1 binds at most 100 values per statement.
  for (let i = 0; i < ids.length; i += 10) {
    await db.insert(outbox).values(ids.slice(i, i + 10).map((id) => ({ id, reservationId, kind: "email.send", payload: "{}", status: "done", attempts: 1, createdAt: at, updatedAt: at, ...fields })));
  }
  return ids;
}

async function slackPosts(headline: string, since: number) {
  return (await db.select().from(sandboxRecords).where(and(eq(sandboxRecords.channel, "alert"), like(sandboxRecords.body, `${headline}%`)))).filter((r) => r.createdAt >= since);
}

describe("the monitor: once per condition until it clears", () => {
  it("posts a backlog once, resolves it when it clears, and posts again when it comes back", async () => {
    const started = Date.now();
    const now = Date.UTC(2099, 0, 1);
    await jobs("QRV-BACKLG", 101, { status: "pending", attempts: 0 }, now - 10 * 60_000);
    const waiting = eq(outbox.reservationId, "QRV-BACKLG");
    const first = await runAlertRules(env, now);
    expect(first.posted).toContain("queue_backlog");
    const second = await runAlertRules(env, now + 60_000);
    expect(second.posted).not.toContain("queue_backlog");
    expect(await slackPosts("予約キューが溜まっています", started)).toHaveLength(1);

    await db.update(outbox).set({ status: "done" }).where(waiting);
    const cleared = await runAlertRules(env, now + 120_000);
    expect(cleared.resolved).toContain("queue_backlog");
    expect(await db.query.alerts.findFirst({ where: eq(alerts.key, "queue_backlog") })).toMatchObject({ resolvedAt: now + 120_000 });

    await db.update(outbox).set({ status: "pending" }).where(waiting);
    expect((await runAlertRules(env, now + 180_000)).posted).toContain("queue_backlog");
    expect(await db.query.alerts.findFirst({ where: eq(alerts.key, "queue_backlog") })).toMatchObject({ resolvedAt: null, createdAt: now + 180_000 });
    expect(await slackPosts("予約キューが溜まっています", started)).toHaveLength(2);
    await db.update(outbox).set({ status: "done" }).where(waiting);
    await runAlertRules(env, now + 240_000);
  });

  it("measures the error rate over the last five minutes only", async () => {
    const now = Date.UTC(2099, 5, 1);
    await jobs("QRV-ERRATE", 18, {}, now - 60_000);
    await jobs("QRV-ERRATE", 2, { status: "pending", lastError: "Twilio 503" }, now - 60_000);
    // Failures older than the window do not count.
    await jobs("QRV-ERRATE", 50, { status: "failed", lastError: "old" }, now - 6 * 60_000);
    const result = await runAlertRules(env, now);
    expect(result.posted).toContain("error_rate");
    expect(result.conditions.find((c) => c.key === "error_rate")!.text).toContain("10.0%（2/20件");
    // Five minutes later none of them is in the window any more.
    expect((await runAlertRules(env, now + 6 * 60_000)).resolved).toContain("error_rate");
  });

  it("alerts on the dead-letter queue until every dead job is handled", async () => {
    const now = Date.UTC(2099, 8, 1);
    const [dead] = await jobs("QRV-DEADLQ", 1, { status: "dead", lastError: "retries exhausted" }, now);
    expect((await runAlertRules(env, now)).posted).toContain("dead_letter");
    expect((await runAlertRules(env, now + 60_000)).posted).not.toContain("dead_letter");
    await db.update(outbox).set({ status: "dismissed" }).where(eq(outbox.id, dead!));
    expect((await runAlertRules(env, now + 120_000)).conditions.map((c) => c.key)).not.toContain("dead_letter");
  });

  it("a manual case already posted by its reservation is not posted again; one whose post was lost is", async () => {
    const where = await seedShops([{ answer: "ambiguous" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "pending_shop_response");
    await waitForJobs(id);
    const key = `ambiguous_answer:${id}`;
    expect((await runAlertRules(env)).posted).not.toContain(key);
    expect((await db.select().from(sandboxRecords).where(and(eq(sandboxRecords.reservationId, id), eq(sandboxRecords.channel, "alert"))))).toHaveLength(1);

    // The alert job never ran (its row is gone): the monitor posts the open case itself.
    await db.delete(alerts).where(eq(alerts.key, key));
    expect((await runAlertRules(env)).posted).toContain(key);
    expect((await runAlertRules(env)).posted).not.toContain(key);
    expect((await db.select().from(sandboxRecords).where(and(eq(sandboxRecords.reservationId, id), eq(sandboxRecords.channel, "alert"))))).toHaveLength(2);
    expect((await record(id)).openCases!.map((c) => c.case)).toEqual(["ambiguous_answer"]);
  });

  it("resolves an alert whose case is no longer open", async () => {
    const now = Date.now();
    await db.insert(alerts).values({ id: newId("alr"), key: "change_requested:QRV-GONE22", reservationId: "QRV-GONE22", case: "change_requested", priority: "medium", text: "x", createdAt: now, sentAt: now });
    expect((await runAlertRules(env)).resolved).toContain("change_requested:QRV-GONE22");
  });
});

describe("the monitor: inquiries nobody answered", () => {
  it("alerts once when a new inquiry has waited two hours, and clears when it is taken up", async () => {
    const now = Date.now();
    const input = { category: "bug" as const, name: "待つ人", contact: "wait@example.com", message: "SMSが届きません", language: "ja" as const, source: "support_page" as const };
    const fresh = await recordInquiry(db, input, now - ALERT_RULES.inquiryWaitingMs + 60_000);
    expect((await runAlertRules(env, now)).conditions.map((c) => c.key)).not.toContain("inquiries_waiting");
    const old = await recordInquiry(db, input, now - ALERT_RULES.inquiryWaitingMs - 60_000);
    const first = await runAlertRules(env, now);
    expect(first.posted).toContain("inquiries_waiting");
    expect(first.conditions.find((c) => c.key === "inquiries_waiting")!.text).toContain("\n1件\n");
    expect((await slackPosts("2時間以上未対応", now - 1000)).length).toBe(1);
    expect((await runAlertRules(env, now + 60_000)).posted).not.toContain("inquiries_waiting");
    await db.update(inquiries).set({ status: "in_progress" }).where(eq(inquiries.id, old));
    // The fresh one is not late yet at this moment: nothing holds, the alert resolves.
    expect((await runAlertRules(env, now + 30_000)).resolved).toContain("inquiries_waiting");
    await db.update(inquiries).set({ status: "closed" }).where(eq(inquiries.id, fresh));
  });
});

describe("/healthz", () => {
  it("checks D1 and the queue producer, quickly", async () => {
    const started = Date.now();
    const res = await exports.default.fetch("https://qrv.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, d1: "ok", queue: "ok" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });
});
