// Sessions governance, the recurring side (seed 001 Run：定期業務（週次）, RACI/SLA, 監査設計): the
// coach's weekly report (portal, PDF download, Monday email with the PDF, figures counted from
// the engagements), response targets edited in the console and used by the ageing and the
// alerts, and the audit log deleted past the coach's retention by the cron.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agedExceptions, coachPolicy, deleteAuditPastRetention, reviewItem, saveCoachPolicy, saveSample } from "../src/db/governance.ts";
import { auditReviews, coachPolicies, coachReports, reservationEvents, sessionExceptions } from "../src/db/schema.ts";
import { DEFAULT_COACH_POLICY } from "../src/domain/sessions/policy.ts";
import { weekOf } from "../src/domain/sessions/weekly.ts";
import { reservationStub } from "../src/durable/client.ts";
import { runAlertRules } from "../src/monitor/alerts.ts";
import { coachWeekly, makeCoachReport, runSessionSchedules } from "../src/reports/coach-weekly.ts";
import type { Doc } from "../src/documents/model.ts";
import { signedInBrowser } from "./browser-client.ts";
import { flashOf, signIn } from "./console-client.ts";
import { db, jobsOf, paySandbox, sentOf, waitForJobs } from "./helpers.ts";
import { pdfText, squash } from "./pdf-text.ts";
import { engagement, inquire, jstAt, seedCoach, waitForEngagement } from "./session-helpers.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function paid(coach: { coachId: string; menuId: string }) {
  const created = await inquire(coach);
  const stub = reservationStub(env, created.id);
  await stub.dispatch({ type: "agree", termsVersion: 1, contractVersion: 1, by: "山田 花子" }, "requester");
  await waitForEngagement(created.id, "payment_pending");
  await expect.poll(async () => (await engagement(created.id)).data.payment?.sessionId).toBeTruthy();
  await paySandbox((await engagement(created.id)).data.payment!.sessionId!);
  await waitForEngagement(created.id, "scheduling");
  return { id: created.id, stub };
}

/** Fires the object's alarms until the session has started. */
async function started(id: string, from: string) {
  const stub = reservationStub(env, id);
  for (let i = 0; i < 10 && (await engagement(id)).status === from; i++) await runDurableObjectAlarm(stub);
}

const table = (doc: Doc, heading: string) => {
  const i = doc.blocks.findIndex((b) => "h2" in b && b.h2 === heading);
  const b = doc.blocks[i + 1]!;
  return "table" in b ? b.table.rows : [];
};

describe("the coach's weekly report", () => {
  it("counts the week from the engagements, is kept and emailed once with the PDF, and the portal gives the same PDF", async () => {
    const coach = await seedCoach({ trial: true });
    // A held session with a survey (8), a no-show, a trial converted: all on one day.
    const a = await paid(coach);
    expect(await a.stub.bookSession({ start: jstAt(2, 10), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true });
    await started(a.id, "scheduled");
    await a.stub.dispatch({ type: "report", outcome: "held", notes: "目標を整理", by: "coach" }, "operator");
    await waitForEngagement(a.id, "followed_up");
    await a.stub.dispatch({ type: "survey", score: 8 }, "requester");
    const b = await paid(coach);
    expect(await b.stub.bookSession({ start: jstAt(2, 12), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true });
    await started(b.id, "scheduled");
    await b.stub.dispatch({ type: "report", outcome: "no_show", by: "coach" }, "operator");
    const t = await inquire(coach, { trial: true });
    const tStub = reservationStub(env, t.id);
    expect(await tStub.bookSession({ start: jstAt(2, 14), by: "requester", agreedBy: "山田 花子" })).toMatchObject({ ok: true });
    await started(t.id, "trial_scheduled");
    await tStub.dispatch({ type: "trial_report", outcome: "converted", by: "coach" }, "operator");
    // An in-policy refund (settled at once) and a complaint waiting for the coach.
    const refund = await a.stub.openException({ kind: "refund", amountJpy: 1000, by: "operator:佐藤" });
    expect(refund).toMatchObject({ ok: true, inPolicy: true });
    expect(await b.stub.openException({ kind: "complaint", note: "返信が遅い", by: "operator:佐藤" })).toMatchObject({ ok: true, inPolicy: false });

    // The audit week of now, and a period reaching the sessions' day (they may fall in next week).
    const now = Date.now();
    const week = { ...weekOf(now), start: now - HOUR, end: jstAt(3, 0) };
    await saveSample(db, week.key, [{ id: `case:${refund.caseId}`, engagementId: a.id, coachId: coach.coachId, at: now, summary: "refund" }]);
    expect(await reviewItem(db, week.key, `case:${refund.caseId}`, "fix", "返金理由を記録する", "運営 一郎")).toBe(true);

    const report = await coachWeekly(db, coach.coachId, week);
    expect(report).toMatchObject({ sessionsHeld: 1, noShows: 1, trialsHeld: 1, trialConversions: 1, surveyCount: 1, surveyAverage: 8, pendingApprovals: 1, findings: { ok: 0, fix: 1, notes: ["返金理由を記録する"] } });
    expect(report.exceptions.map((x) => [x.kind, x.inPolicy, x.status]).sort()).toEqual([
      ["complaint", false, "pending"],
      ["refund", true, "done"],
    ]);

    const made = await makeCoachReport(env, db, { id: coach.coachId, name: "テスト コーチ", email: "coach@example.com" }, week, now);
    expect(made.created).toBe(true);
    expect(table(made.doc, "概要")).toEqual([
      ["実施したセッション", "1件"],
      ["無断欠席（ノーショー）", "1件"],
      ["無料体験（うち成約）", "1件（1件）"],
      ["アンケート（件数・平均）", "1件・8"],
      ["例外（ポリシー内／外）", "1件／1件"],
      ["判断待ち（作成時点）", "1件"],
      ["サンプル監査（問題なし／是正）", "0件／1件"],
    ]);
    expect(table(made.doc, "例外と対応").sort()).toEqual([
      ["クレーム/要望", "ポリシー外", "コーチ判断待ち", "1件"],
      ["返金要求", "ポリシー内", "対応済み", "1件"],
    ]);
    // Made again: nothing new, nothing emailed twice.
    expect((await makeCoachReport(env, db, { id: coach.coachId, name: "テスト コーチ", email: "coach@example.com" }, week, now + 60_000)).created).toBe(false);
    const owner = `ops:coach_report:${coach.coachId}:${week.key}`;
    await waitForJobs(owner);
    const jobs = await jobsOf(owner);
    expect(jobs.map((j) => JSON.parse(j.payload).to)).toEqual(["coach@example.com"]);
    expect(await sentOf(owner)).toHaveLength(1);
    const attached = JSON.parse(jobs[0]!.payload).attachments[0] as { filename: string; base64: string };
    expect(attached.filename).toBe(`qrv-coach-weekly-${coach.coachId}-${week.key}.pdf`);
    const text = squash((await pdfText(Uint8Array.from(atob(attached.base64), (c) => c.charCodeAt(0)))).text);
    for (const s of ["週次レポート", "概要", "実施したセッション", "無断欠席（ノーショー）", "1件（1件）", "1件・8", "例外と対応", "返金要求", "ポリシー内", "対応済み", "判断待ちの例外", "サンプル監査の結果", "是正:返金理由を記録する"]) expect(text).toContain(squash(s));

    // The portal: a PDF link on the page, and the PDF for the week with the same headings.
    const browser = await signedInBrowser(coach.phone, "/coach/report");
    expect(await (await browser.request("/coach/report")).text()).toContain(`/coach/report.pdf?week=${week.key}`);
    const pdf = await browser.request(`/coach/report.pdf?week=${week.key}`);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    const portalText = squash((await pdfText(await pdf.arrayBuffer())).text);
    for (const s of ["週次レポート", "概要", "例外と対応", "判断待ちの例外", "サンプル監査の結果", "是正:返金理由を記録する"]) expect(portalText).toContain(squash(s));
  });

  it("the cron sends each active coach the week before's report once, from Monday 17:00", async () => {
    const coach = await seedCoach();
    const thisWeek = weekOf(Date.now());
    const nextMonday = thisWeek.end;
    // Monday 16:59: not yet; 17:00: this week's report; a minute later: nothing more.
    expect((await runSessionSchedules(env, db, nextMonday + 17 * HOUR - 60_000)).filter((d) => d.startsWith("coach_weekly"))).toEqual([]);
    expect(await runSessionSchedules(env, db, nextMonday + 17 * HOUR)).toContain(`coach_weekly:${coach.coachId}`);
    expect(await runSessionSchedules(env, db, nextMonday + 17 * HOUR + 60_000)).not.toContain(`coach_weekly:${coach.coachId}`);
    const rows = await db.select().from(coachReports).where(eq(coachReports.coachId, coach.coachId));
    expect(rows.map((r) => [r.week, r.recipients])).toEqual([[thisWeek.key, "coach@example.com"]]);
    const owner = `ops:coach_report:${coach.coachId}:${thisWeek.key}`;
    await waitForJobs(owner);
    expect((await sentOf(owner)).map((s) => s.to)).toEqual(["coach@example.com"]);
  });
});

describe("response targets (RACI/SLA) in the console", () => {
  it("an operator edits a kind's target: a new policy version names them; the ageing and the alert use it; bad input changes nothing", async () => {
    const coach = await seedCoach();
    const { id } = await paid(coach);
    const op = await signIn("運営 三郎");
    // The coach's policy as seeded (the test helper stores version 1 with no quiet hours).
    const stored = () => db.select().from(coachPolicies).where(eq(coachPolicies.coachId, coach.coachId));
    const seeded = await stored();
    const page = await op.html(`/admin/coaches/${coach.coachId}`);
    expect(page).toContain('name="sla_complaint"');
    expect(page).toContain("監査ログの保存期間: 730日（2年）");

    const form = (over: Record<string, string>) => ({ ...Object.fromEntries(Object.entries(DEFAULT_COACH_POLICY.slaMinutes).map(([k, v]) => [`sla_${k}`, String(v)])), retention_days: "730", ...over });
    expect(flashOf(await op.post(`/admin/coaches/${coach.coachId}/governance`, form({ sla_complaint: "0" })))).toMatchObject({ kind: "error", text: expect.stringContaining("クレーム/要望の対応目標は1分以上") });
    expect(flashOf(await op.post(`/admin/coaches/${coach.coachId}/governance`, form({ sla_refund: "abc" })))).toMatchObject({ kind: "error", text: expect.stringContaining("返金要求") });
    expect(flashOf(await op.post(`/admin/coaches/${coach.coachId}/governance`, form({ retention_days: "30" })))).toMatchObject({ kind: "error", text: expect.stringContaining("365日以上") });
    expect(await stored()).toEqual(seeded);

    expect(flashOf(await op.post(`/admin/coaches/${coach.coachId}/governance`, form({ sla_complaint: "30" })))).toMatchObject({ kind: "ok", text: "対応目標と保存期間を保存しました（第2版）" });
    const added = (await stored()).filter((r) => !seeded.some((x) => x.version === r.version));
    expect(added).toEqual([expect.objectContaining({ version: 2, createdBy: "operator:運営 三郎" })]);
    const policy = await coachPolicy(db, coach.coachId);
    expect(policy.slaMinutes).toEqual({ ...DEFAULT_COACH_POLICY.slaMinutes, complaint: 30 });
    // The coach's other rules stay as they were.
    expect(policy.refund).toEqual(DEFAULT_COACH_POLICY.refund);
    expect(await op.html(`/admin/coaches/${coach.coachId}`)).toContain("operator:運営 三郎");

    const opened = await reservationStub(env, id).openException({ kind: "complaint", note: "説明が足りない", by: "operator:運営 三郎" });
    const [c] = await db.select().from(sessionExceptions).where(eq(sessionExceptions.id, opened.caseId!));
    const aged = (await agedExceptions(db, c!.openedAt + 31 * 60_000)).find((x) => x.row.id === c!.id)!;
    expect(aged).toMatchObject({ targetMs: 30 * 60_000, late: true });
    // The default target (2 h) would not alert at 31 minutes; the edited one does, once.
    expect((await runAlertRules(env, c!.openedAt + 29 * 60_000)).posted.filter((k) => k.includes(c!.id))).toEqual([]);
    expect((await runAlertRules(env, c!.openedAt + 31 * 60_000)).posted.filter((k) => k.includes(c!.id))).toEqual([`session_exception_late:${c!.id}`]);
  });
});

describe("the audit log's retention", () => {
  it("the nightly run deletes only what is past each coach's retention, once a night, and the coach page says so", async () => {
    const short = await seedCoach();
    const long = await seedCoach();
    await saveCoachPolicy(db, short.coachId, { ...DEFAULT_COACH_POLICY, version: 2, auditRetentionDays: 365 }, "test");
    const s = await inquire(short);
    const l = await inquire(long);
    // A night well ahead, so no earlier run of this file counts for it.
    const night = jstAt(40, 3) + 30 * 60_000;
    const event = (reservationId: string, ageDays: number, type: string) => ({ reservationId, version: 99, type, actor: "system", note: "{}", createdAt: night - ageDays * DAY });
    await db.insert(reservationEvents).values([event(s.id, 366, "old_short"), event(s.id, 364, "new_short"), event(l.id, 731, "old_long"), event(l.id, 729, "new_long"), event(l.id, 400, "kept_long")]);
    const kase = (id: string, coachId: string, engagementId: string, status: string, ageDays: number) => ({ id, engagementId, coachId, kind: "complaint", status, inPolicy: false, rule: "complaint.coach", policyVersion: 1, reason: "r", openedAt: night - ageDays * DAY, openedBy: "test", ...(status === "done" ? { doneAt: night - ageDays * DAY } : {}) });
    const ids = { oldDone: `exc_old_${s.id}`, newDone: `exc_new_${s.id}`, oldOpen: `exc_open_${s.id}` };
    await db.insert(sessionExceptions).values([kase(ids.oldDone, short.coachId, s.id, "done", 400), kase(ids.newDone, short.coachId, s.id, "done", 100), kase(ids.oldOpen, short.coachId, s.id, "pending", 400)]);
    await db.insert(auditReviews).values([
      { week: "2000-01-03", itemId: `case:old_${s.id}`, coachId: short.coachId, engagementId: s.id, at: night - 400 * DAY, summary: "old" },
      { week: "2000-01-10", itemId: `case:new_${s.id}`, coachId: short.coachId, engagementId: s.id, at: night - 100 * DAY, summary: "new" },
    ]);

    const done = await runSessionSchedules(env, db, night);
    expect(done).toContain("audit_retention");
    expect(await runSessionSchedules(env, db, night + 60_000)).not.toContain("audit_retention");

    const types = async (id: string) => (await db.select().from(reservationEvents).where(eq(reservationEvents.reservationId, id))).map((e) => e.type);
    expect(await types(s.id)).not.toContain("old_short");
    expect(await types(s.id)).toContain("new_short");
    expect(await types(s.id)).toContain("create");
    expect(await types(l.id)).not.toContain("old_long");
    expect(await types(l.id)).toEqual(expect.arrayContaining(["new_long", "kept_long", "create"]));
    const cases = (await db.select().from(sessionExceptions).where(eq(sessionExceptions.engagementId, s.id))).map((c) => c.id).sort();
    expect(cases).toEqual([ids.newDone, ids.oldOpen].sort());
    expect((await db.select().from(auditReviews).where(and(eq(auditReviews.coachId, short.coachId)))).map((r) => r.summary)).toEqual(["new"]);
    // Idempotent when run again by hand.
    expect(await deleteAuditPastRetention(env, db, night)).toEqual({ events: 0, cases: 0, reviews: 0 });

    const op = await signIn();
    const page = await op.html(`/admin/coaches/${short.coachId}`);
    expect(page).toContain("監査ログの保存期間: 365日（1年）");
    expect(page).toContain("毎晩3時（日本時間）の定期処理で削除");
    expect(page).toContain("最終削除");
  });
});
