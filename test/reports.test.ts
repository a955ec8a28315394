// Scheduled reports (seed 000 §4.2.2, §6): the cron makes the weekly report on Friday and the
// monthly one in the first five business days, once each; their figures equal the
// dashboards' for the same period; they are kept in the console and emailed as PDF. The
// management dashboard reads the nightly batch and says when it ran. The monthly maintenance
// checks are recorded with who and when.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { metricSnapshots, reports } from "../src/db/schema.ts";
import type { Block, Doc } from "../src/documents/model.ts";
import { computeManagementSnapshot, nightlyDue } from "../src/reports/figures.ts";
import { duties, makeReport, runSchedules, weeklyPeriod } from "../src/reports/reports.ts";
import { jstDate } from "../src/domain/metrics.ts";
import { signIn, flashOf } from "./console-client.ts";
import { HOUR, confirmedReservation, createReservation, db, jobsOf, seedShops, sentOf, waitForJobs } from "./helpers.ts";
import { pdfText, squash } from "./pdf-text.ts";

const at = (iso: string) => Date.parse(`${iso}+09:00`);

function table(doc: Doc, heading: string): string[][] {
  const i = doc.blocks.findIndex((b) => "h2" in b && b.h2.startsWith(heading));
  const t = doc.blocks[i + 1] as Extract<Block, { table: unknown }>;
  return t.table.rows;
}

function csvRows(csv: string): string[][] {
  return csv.replace(/^\uFEFF/, "").trim().split("\n").slice(1).map((l) => l.split(","));
}

describe("when reports are due", () => {
  it("weekly on Friday from 17:00, monthly on the first five business days (past New Year's holidays), nightly after 3:00", () => {
    expect(duties(at("2026-12-04T17:00"), null).weekly).toBe(true); // Friday
    expect(duties(at("2026-12-04T16:59"), null).weekly).toBe(false);
    expect(duties(at("2026-12-03T18:00"), null).weekly).toBe(false); // Thursday
    expect(duties(at("2026-12-01T09:00"), null).monthly).toBe(true); // Tuesday the 1st
    expect(duties(at("2026-12-01T08:59"), null).monthly).toBe(false);
    expect(duties(at("2027-01-01T10:00"), null).monthly).toBe(false); // New Year's Day
    expect(duties(at("2027-01-04T08:00"), null).monthly).toBe(false); // first business day, before 9:00
    expect(duties(at("2027-01-08T08:00"), null).monthly).toBe(true); // fifth business day
    expect(duties(at("2027-01-12T10:00"), null).monthly).toBe(false); // sixth (the 11th is a holiday)
    expect(nightlyDue(null, at("2026-12-02T03:00"))).toBe(true);
    expect(nightlyDue(at("2026-12-02T03:00"), at("2026-12-02T23:00"))).toBe(false);
    expect(nightlyDue(at("2026-12-02T03:00"), at("2026-12-03T02:59"))).toBe(false);
    expect(nightlyDue(at("2026-12-02T03:00"), at("2026-12-03T03:00"))).toBe(true);
  });
});

describe("reports", () => {
  it("the weekly report's figures equal the operations dashboard's, it is kept once, and emailed as a PDF", async () => {
    await confirmedReservation(Date.now() + 72 * HOUR);
    const now = Date.now();
    const { report, created } = await makeReport(env, db, "weekly", now);
    expect(created).toBe(true);
    const doc = JSON.parse(report.doc) as Doc;
    const op = await signIn("レポート担当");
    const csv = csvRows(await (await op.get("/admin/dashboard/success-week.csv")).text());
    const pct = (v: string) => (v === "" ? "—" : `${v}%`);
    // The report's days (Monday to today, or to Friday) are among the dashboard's last seven, with the same figures.
    const days = table(doc, "予約成功率・決済成功率（日別）");
    expect(days[0]![0]).toBe(jstDate(weeklyPeriod(now).start));
    expect(days).toEqual(csv.filter(([day]) => days.some((d) => d[0] === day)).map(([day, req, dec, booked, br, closed, paid, pr]) => [day!, req!, dec!, booked!, pct(br!), closed!, paid!, pct(pr!)]));
    const today = days.find((d) => d[0] === jstDate(now));
    if (today) expect(today[1]).not.toBe("0"); // on a weekday the booking just made is in its day

    // Made again for the same week: the same report, nothing emailed twice.
    expect((await makeReport(env, db, "weekly", now + 60_000)).created).toBe(false);
    await waitForJobs(`ops:${report.id}`);
    const jobs = await jobsOf(`ops:${report.id}`);
    expect(jobs.map((j) => JSON.parse(j.payload).to).sort()).toEqual(["ceo@qrv.example", "ops@qrv.example"]);
    const sent = await sentOf(`ops:${report.id}`);
    expect(sent).toHaveLength(2);
    expect(JSON.parse(sent[0]!.data).attachments).toEqual([{ filename: expect.stringMatching(/^qrv-weekly-\d{4}-\d{2}-\d{2}\.pdf$/), type: "application/pdf", bytes: expect.any(Number) }]);
    const attached = JSON.parse(jobs[0]!.payload).attachments[0].base64 as string;
    const { text } = await pdfText(Uint8Array.from(atob(attached), (c) => c.charCodeAt(0)));
    expect(squash(text)).toContain(squash(doc.title));
    expect(squash(text)).toContain("予約成功率・決済成功率（日別）");
    expect(squash(text)).toContain("サポートKPI");

    // Kept in the console, as a page and as the same PDF.
    const list = await op.html("/admin/reports");
    expect(list).toContain(`href="/admin/reports/${report.id}"`);
    expect(await op.html(`/admin/reports/${report.id}`)).toContain("予約成功率・決済成功率（日別）");
    const pdf = await op.get(`/admin/reports/${report.id}.pdf`);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(squash((await pdfText(await pdf.arrayBuffer())).text)).toContain(squash(doc.title));
  });

  it("the weekly report covers Monday 00:00 to Friday (Japan time): the cron's Friday 17:00 report counts Friday until then, not the weekend before", async () => {
    const where = await seedShops([{ answer: "declined", name: "週の境目の店" }]);
    const made = async (iso: string) => {
      const r = await createReservation(where, { startAt: at("2026-12-20T12:00") });
      await env.DB.prepare("UPDATE reservations SET created_at = ? WHERE id = ?").bind(at(iso), r.id).run();
    };
    await made("2026-11-15T23:59"); // Sunday before: last week
    await made("2026-11-16T00:00"); // Monday, the first minute
    await made("2026-11-18T12:00"); // Wednesday
    await made("2026-11-20T16:59"); // Friday, before the report
    await made("2026-11-20T17:30"); // Friday, after the cron made it
    await made("2026-11-21T10:00"); // Saturday

    const friday = at("2026-11-20T17:00");
    expect(duties(friday, null).weekly).toBe(true);
    expect(await runSchedules(env, db, friday)).toContain("weekly");
    expect(await runSchedules(env, db, friday + 60_000)).not.toContain("weekly");
    const [row] = (await db.select().from(reports)).filter((r) => r.kind === "weekly" && r.periodStart === at("2026-11-16T00:00"));
    expect(row!.periodEnd).toBe(friday + 1);
    const doc = JSON.parse(row!.doc) as Doc;
    expect(doc.title).toBe("週次運用レポート 2026-11-16 〜 2026-11-20");
    expect(doc.subtitle).toContain("対象 月曜0:00〜");
    const days = table(doc, "予約成功率・決済成功率（日別）");
    expect(days.map((d) => [d[0], d[1]])).toEqual([
      ["2026-11-16", "1"],
      ["2026-11-17", "0"],
      ["2026-11-18", "1"],
      ["2026-11-19", "0"],
      ["2026-11-20", "1"],
    ]);
    expect(table(doc, "概要")[0]).toEqual(["依頼", "3件"]);

    // Made by hand on Saturday, the week runs to Friday 24:00 and not into Saturday.
    expect(weeklyPeriod(at("2026-11-21T10:00"))).toEqual({ start: at("2026-11-16T00:00"), end: at("2026-11-21T00:00"), until: at("2026-11-21T00:00") });
    expect(weeklyPeriod(at("2026-11-22T23:59")).start).toBe(at("2026-11-16T00:00"));
    expect(weeklyPeriod(at("2026-11-23T00:00")).start).toBe(at("2026-11-23T00:00"));
  });

  it("the monthly report's figures equal the management dashboard's, which shows the nightly batch's time", async () => {
    await confirmedReservation(Date.now() + 72 * HOUR, {}, 7700);
    // The next month's first day: the month just ended is this one, which has the booking.
    const jst = new Date(Date.now() + 9 * HOUR);
    const nextMonth = Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth() + 1, 1) - 9 * HOUR;
    const nightly = await computeManagementSnapshot(db, nextMonth + 3 * HOUR);
    expect(nightly.data.end).toBe(nextMonth);
    const op = await signIn();
    const page = await op.html("/admin/management");
    expect(page).toContain("夜間バッチ（毎日3:00）で集計しています。最終集計:");

    // The dashboard as the month closed: the nightly batch at 3:00 on the first. (When the first
    // business day comes later, as in January, that day's batch already covers the new month.)
    const counts = csvRows(await (await op.get("/admin/management/monthly-reservations.csv")).text());
    const revenue = csvRows(await (await op.get("/admin/management/monthly-revenue.csv")).text());
    const services = csvRows(await (await op.get("/admin/management/services.csv")).text());
    const ranking = csvRows(await (await op.get("/admin/management/shop-ranking.csv")).text());
    const [snap] = await db.select().from(metricSnapshots);
    expect(snap!.computedAt).toBe(nightly.computedAt);

    // The cron on the first business day from 9:00 makes the monthly report, once.
    let firstBusiness = nextMonth + 9 * HOUR + 30 * 60_000;
    while (!duties(firstBusiness, nightly.computedAt).monthly) firstBusiness += 24 * HOUR;
    const done = await runSchedules(env, db, firstBusiness);
    expect(done).toContain("monthly");
    expect(await runSchedules(env, db, firstBusiness + 60_000)).not.toContain("monthly");
    const rows = await db.select().from(reports);
    const monthly = rows.filter((r) => r.kind === "monthly");
    expect(monthly).toHaveLength(1);
    const doc = JSON.parse(monthly[0]!.doc) as Doc;

    const yen = (v: string) => `${Number(v).toLocaleString("ja-JP")}円`;
    expect(table(doc, "月間予約件数の推移")).toEqual(counts);
    expect(counts.at(-1)![2]).not.toBe("0");
    expect(table(doc, "月間売上の推移")).toEqual(revenue.map(([m, g, r, n]) => [m!, yen(g!), yen(r!), yen(n!)]));
    expect(table(doc, "サービスタイプ別の予約割合")).toEqual(services.map(([s, n, p]) => [s!, n!, `${p}%`]));
    expect(table(doc, "提携店別の予約件数ランキング")).toEqual(ranking.map(([rank, , name, area, n, rev]) => [rank!, name!, area!, n!, yen(rev!)]));
  });

  it("an operator makes a report now from the console; an unknown kind is refused", async () => {
    const op = await signIn();
    const res = await op.post("/admin/reports/make", { kind: "weekly" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(/^\/admin\/reports\/rep_/);
    expect(flashOf(await op.post("/admin/reports/make", { kind: "yearly" }))?.kind).toBe("error");
  });
});

describe("monthly maintenance checklist", () => {
  it("records who did the backup check and the vulnerability scan, with the npm audit output attached", async () => {
    const op = await signIn("システム管理者");
    const page = await op.html("/admin/reports");
    expect(page).toMatch(/npx wrangler d1 time-travel restore qrv --timestamp=\d{4}-\d{2}-\d{2}T\d{2}:00:00\+09:00/);
    const month = page.match(/月次点検 (\d{4}-\d{2})/)![1]!;
    expect(flashOf(await op.post(`/admin/maintenance/${month}/audit`, { note: "", attachment: " " }))?.text).toContain("npm audit の出力");
    await op.post(`/admin/maintenance/${month}/backup`, { note: "1時間前のブックマークを確認" });
    await op.post(`/admin/maintenance/${month}/audit`, { note: "High 0件", attachment: "found 0 vulnerabilities" });
    expect((await op.post(`/admin/maintenance/${month}/nope`, { note: "" })).status).toBe(404);
    const after = await op.html("/admin/reports");
    const backup = after.split('id="check-backup"')[1]!.split('id="check-audit"')[0]!;
    expect(backup).toContain("実施済み");
    expect(backup).toContain("実施: システム管理者");
    expect(after).toContain("found 0 vulnerabilities");
  });
});
