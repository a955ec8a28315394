// The console's pages: reservation search and timeline, partner shops (edit, flags, CSV in
// and out in the shops:import format), the dashboards and their CSV, incident records.
import { eq } from "drizzle-orm";
import { jstMidnight } from "../src/domain/metrics.ts";
import { computeManagementSnapshot } from "../src/reports/figures.ts";
import { describe, expect, it } from "vitest";
import { incidents, shops } from "../src/db/schema.ts";
import { parseShopCsv } from "../src/domain/shops-csv.ts";
import { flashOf, signIn } from "./console-client.ts";
import { HOUR, createReservation, db, paySandbox, seedShops, uniquePhone, waitForJobs, waitForStatus } from "./helpers.ts";

async function paidBooking(service: string, shopName: string, priceJpy: number) {
  const where = await seedShops([{ answer: "accepted", name: shopName, priceJpy }], service);
  const { id } = await createReservation(where);
  await paySandbox((await waitForStatus(id, "payment_pending")).data.payment!.sessionId!);
  await waitForStatus(id, "confirmed");
  await waitForJobs(id);
  return { id, where };
}

function csvOf(text: string): string[][] {
  return text.replace(/^\uFEFF/, "").trim().split("\n").map((l) => l.split(","));
}

describe("every page", () => {
  it("renders for a signed-in operator", async () => {
    const op = await signIn();
    for (const path of ["/admin", "/admin/reservations", "/admin/shops", "/admin/shops/new", "/admin/dashboard", "/admin/management", "/admin/alerts", "/admin/incidents", "/admin/incidents/new", "/admin/api-keys"]) {
      const res = await op.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("Cache-Control"), path).toBe("no-store");
    }
  });
});

describe("reservations", () => {
  it("finds a reservation by id, by the phone's last digits, by status, service and date", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "manual" }], "検索テスト");
    const phone = uniquePhone();
    const startAt = Date.parse("2027-03-14T15:00:00+09:00");
    const { id } = await createReservation(where, { startAt, requester: { name: "検索 花子", phone, language: "ja" } });
    await waitForStatus(id, "calling");

    const exact = await op.get(`/admin/reservations?id=${id.toLowerCase()}`);
    expect(exact.status).toBe(302);
    expect(exact.headers.get("Location")).toBe(`/admin/reservations/${id}`);
    expect(await op.html(`/admin/reservations?phone=${phone.slice(-4)}`)).toContain(id);
    expect(await op.html(`/admin/reservations?service=${encodeURIComponent("検索テスト")}&status=calling&date=2027-03-14`)).toContain(id);
    expect(await op.html(`/admin/reservations?service=${encodeURIComponent("検索テスト")}&date=2027-03-15`)).not.toContain(id);
    expect(await op.html(`/admin/reservations?service=${encodeURIComponent("検索テスト")}&status=confirmed`)).not.toContain(id);
  });

  it("shows the whole story: events with who did them, calls, messages with delivery, payment", async () => {
    const op = await signIn();
    const { id } = await paidBooking("詳細テスト", "詳細の店", 6100);
    await expect.poll(async () => (await op.html(`/admin/reservations/${id}`)).match(/class="tag ok">delivered/g)?.length ?? 0).toBe(3);
    const html = await op.html(`/admin/reservations/${id}`);
    for (const text of ["payment_completed", "payment_pending → confirmed", "依頼者", "外部サービス", "詳細の店", "予約OK", "[QRV] ご予約が確定しました", "{{guest_url.", "6,100円", "payment.create"]) expect(html, text).toContain(text);
    expect(html).not.toMatch(/\/r\/[A-Za-z0-9_-]{43}/);
    expect((await op.get("/admin/reservations/QRV-ZZZZZZ")).status).toBe(404);
  });
});

describe("partner shops", () => {
  it("downloads the shops in the shops:import format, which reads back as it was", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "declined", name: "CSVの店, 本店" }]);
    const res = await op.get("/admin/shops.csv");
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="qrv-shops-\d{8}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A BOM first, so spreadsheet software reads the Japanese; the importer skips it.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split("\n")[0]).toBe("name,phone,email,services,area,priority,price_jpy,sandbox_answer,address");
    const parsed = parseShopCsv(text);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.rows.find((r) => r.area === where.area)).toMatchObject({ name: "CSVの店, 本店", services: ["カット"], sandboxAnswer: "declined" });
  });

  it("imports a good CSV (updating a known phone, keeping its flags); a file with a bad row imports nothing", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "accepted", name: "既存の店" }]);
    const existing = (await db.select().from(shops).where(eq(shops.area, where.area)))[0]!;
    await db.update(shops).set({ paused: true }).where(eq(shops.id, existing.id));
    const newPhone = `03-${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}-${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`;
    const good = ["name,phone,email,services,area,priority,price_jpy,sandbox_answer", `改名した店,${existing.phone},,カット|カラー,${where.area},1,5000,accepted`, `新しい店,${newPhone},,カット,${where.area},2,4000,declined`].join("\n");
    const form = new FormData();
    form.set("file", new File([good], "good.csv", { type: "text/csv" }));
    const ok = await op.post("/admin/shops/import", form);
    expect(ok.status).toBe(303);
    expect(flashOf(ok)).toMatchObject({ kind: "ok", text: "good.csv から 2 店を取り込みました" });
    const after = await db.select().from(shops).where(eq(shops.area, where.area));
    expect(after.map((s) => [s.name, s.paused]).sort()).toEqual([
      ["改名した店", true],
      ["新しい店", false],
    ]);

    const bad = ["name,phone,email,services,area,priority,price_jpy,sandbox_answer", `入らない店,03-1111-2222,,カット,${where.area},3,4000,accepted`, `壊れた行,abc,,カット,${where.area},x,4000,accepted`].join("\n");
    const badForm = new FormData();
    badForm.set("file", new File([bad], "bad.csv", { type: "text/csv" }));
    const refused = await op.post("/admin/shops/import", badForm);
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain("3行目: phone");
    expect(page).toContain("3行目: priority");
    expect(page).not.toContain("2行目");
    expect(await db.select().from(shops).where(eq(shops.area, where.area))).toHaveLength(2);

    const sjis = new FormData();
    sjis.set("file", new File([new Uint8Array([0x83, 0x65, 0x83, 0x58, 0x83, 0x67])], "sjis.csv"));
    expect(await (await op.post("/admin/shops/import", sjis)).text()).toContain("UTF-8");
  });

  it("edits a shop with the CSV's checks, pauses it and marks it do-not-call", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "accepted", name: "編集前" }, { answer: "accepted", name: "隣の店" }]);
    const [shop, other] = await db.select().from(shops).where(eq(shops.area, where.area)).orderBy(shops.priority);
    const form = { name: "編集後", phone: shop!.phone, email: "edited@shops.test", services: "カット|ヘッドスパ", area: where.area, priority: "5", price_jpy: "7200", sandbox_answer: "declined", address: "" };
    expect((await op.post(`/admin/shops/${shop!.id}`, { ...form, price_jpy: "12" })).status).toBe(400);
    const taken = await op.post(`/admin/shops/${shop!.id}`, { ...form, phone: other!.phone });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("隣の店");
    expect((await op.post(`/admin/shops/${shop!.id}`, form)).status).toBe(303);
    expect(await db.query.shops.findFirst({ where: eq(shops.id, shop!.id) })).toMatchObject({ name: "編集後", email: "edited@shops.test", priority: 5, priceJpy: 7200 });
    expect(await op.html(`/admin/shops/${shop!.id}`)).toContain("カット|ヘッドスパ");

    await op.post(`/admin/shops/${shop!.id}/flags`, { flag: "paused", value: "1" });
    await op.post(`/admin/shops/${shop!.id}/flags`, { flag: "do_not_call", value: "1" });
    expect(await db.query.shops.findFirst({ where: eq(shops.id, shop!.id) })).toMatchObject({ paused: true, doNotCall: true });
    await op.post(`/admin/shops/${shop!.id}/flags`, { flag: "paused", value: "0" });
    expect(await db.query.shops.findFirst({ where: eq(shops.id, shop!.id) })).toMatchObject({ paused: false, doNotCall: true });
  });

  it("adds one shop, refusing a phone that is already listed", async () => {
    const op = await signIn();
    const area = `追加${Date.now()}`;
    const phone = uniquePhone();
    const form = { name: "追加した店", phone, email: "", services: "ネイル", area, priority: "1", price_jpy: "3000", sandbox_answer: "accepted", address: "" };
    expect((await op.post("/admin/shops/new", form)).status).toBe(303);
    expect((await op.post("/admin/shops/new", { ...form, name: "二重" })).status).toBe(409);
    expect(await db.select().from(shops).where(eq(shops.area, area))).toHaveLength(1);
  });
});

describe("dashboards", () => {
  it("operations: today's reservations by status, manual operations, the week's rates, recent alerts, as CSV too", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "ambiguous" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "pending_shop_response");
    await waitForJobs(id);
    const html = await op.html("/admin/dashboard");
    expect(html).toContain('<meta http-equiv="refresh" content="300"/>');
    expect(html).toContain("<svg");
    expect(html).toContain(id);
    const status = csvOf(await (await op.get("/admin/dashboard/status-today.csv")).text());
    expect(status[0]).toEqual(["status", "label", "count"]);
    expect(Number(status.find((r) => r[0] === "pending_shop_response")![2])).toBeGreaterThanOrEqual(1);
    const week = csvOf(await (await op.get("/admin/dashboard/success-week.csv")).text());
    expect(week).toHaveLength(8);
    expect(week[0]).toEqual(["day", "requests", "decided", "booked", "booking_rate_pct", "payment_links_closed", "paid", "payment_rate_pct"]);
    const alertsCsv = await (await op.get("/admin/dashboard/alerts.csv")).text();
    expect(alertsCsv).toContain(`ambiguous_answer,high,${id}`);
    expect((await op.get("/admin/dashboard/nope.csv")).status).toBe(404);
  });

  it("management: a paid booking counts in its month, its revenue, its service and its shop's ranking", async () => {
    const op = await signIn();
    const service = `経営テスト${Date.now()}`;
    await paidBooking(service, "ランキングの店", 9900);
    // The dashboard shows the nightly batch (seed 000 §4.2.2); tonight's run counts today, and so does "compute now".
    await computeManagementSnapshot(db, jstMidnight(Date.now()) + 27 * HOUR);
    expect((await op.post("/admin/management/compute", {})).headers.get("Location")).toBe("/admin/management");
    const month = new Date(Date.now() + 9 * HOUR).toISOString().slice(0, 7);
    const counts = csvOf(await (await op.get("/admin/management/monthly-reservations.csv")).text());
    expect(counts).toHaveLength(13);
    expect(Number(counts.at(-1)![2])).toBeGreaterThanOrEqual(1);
    expect(counts.at(-1)![0]).toBe(month);
    const revenue = csvOf(await (await op.get("/admin/management/monthly-revenue.csv")).text());
    expect(Number(revenue.at(-1)![1])).toBeGreaterThanOrEqual(9900);
    expect(await (await op.get("/admin/management/services.csv")).text()).toContain(`${service},1,`);
    expect(await (await op.get("/admin/management/shop-ranking.csv")).text()).toContain("ランキングの店");
    expect((await op.html("/admin/management")).match(/<svg/g)).toHaveLength(4);
  });
});

describe("incidents (seed 000 §5.3.1)", () => {
  it("records the seven fields, says what is missing, and lists by level and month", async () => {
    const op = await signIn("記録係");
    const missing = await op.post("/admin/incidents/new", { title: "SMS遅延", level: "high", detected_at: "2027-02-10T09:30", impact: "" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("影響範囲を入力してください");
    const backwards = await op.post("/admin/incidents/new", { title: "SMS遅延", level: "high", detected_at: "2027-02-10T09:30", impact: "SMS", recovered_at: "2027-02-10T08:00" });
    expect(await backwards.text()).toContain("復旧日時は発生日時より後にしてください");

    const created = await op.post("/admin/incidents/new", { title: "SMS遅延", level: "high", detected_at: "2027-02-10T09:30", impact: "SMS送信 約20件", cause: "Twilio障害", actions: "復旧待ち、依頼者へ案内", recovered_at: "", prevention: "" });
    expect(created.status).toBe(303);
    const id = created.headers.get("Location")!.split("/").pop()!;
    expect(await db.query.incidents.findFirst({ where: eq(incidents.id, id) })).toMatchObject({ level: "high", detectedAt: Date.parse("2027-02-10T09:30:00+09:00"), recoveredAt: null, createdBy: "記録係" });

    await op.post(`/admin/incidents/${id}`, { title: "SMS遅延", level: "high", detected_at: "2027-02-10T09:30", impact: "SMS送信 約20件", cause: "Twilio障害", actions: "復旧待ち", recovered_at: "2027-02-10T10:45", prevention: "障害時の案内文を用意" });
    expect(await db.query.incidents.findFirst({ where: eq(incidents.id, id) })).toMatchObject({ recoveredAt: Date.parse("2027-02-10T10:45:00+09:00"), prevention: "障害時の案内文を用意" });

    expect(await op.html("/admin/incidents?level=high&month=2027-02")).toContain(`/admin/incidents/${id}`);
    expect(await op.html("/admin/incidents?level=low&month=2027-02")).not.toContain(`/admin/incidents/${id}`);
    expect(await op.html("/admin/incidents?month=2027-03")).not.toContain(`/admin/incidents/${id}`);
  });
});
