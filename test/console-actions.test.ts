// The six manual cases of seed 000 §2.2, settled from the operator console: each action goes
// through the console's HTTP route (session, CSRF) to the reservation's Durable Object, makes
// its transition, lands in the audit log with the operator's name, and takes the case (and
// its alert) out of the queue.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alerts, outbox, sandboxRefunds, shops } from "../src/db/schema.ts";
import { reservationStub } from "../src/durable/client.ts";
import { queueItems } from "../src/routes/admin/queue.tsx";
import { flashOf, signIn, type ConsoleClient } from "./console-client.ts";
import { HOUR, createReservation, db, eventsOf, fireAlarm, jobsOf, paySandbox, record, seedShops, sentOf, uniquePhone, waitForJobs, waitForStatus, type SeedShop } from "./helpers.ts";
import type { ManualCaseId } from "../src/domain/cases.ts";
import type { Status } from "../src/domain/reservation/types.ts";

async function act(op: ConsoleClient, id: string, form: Record<string, string>) {
  const res = await op.post(`/admin/reservations/${id}/actions`, { _nonce: crypto.randomUUID(), return_to: `/admin/reservations/${id}`, ...form });
  expect(res.status).toBe(303);
  return flashOf(res);
}

/** The last applied audit event: what the operator did, and who. */
async function lastOperatorEvent(id: string) {
  const e = (await eventsOf(id)).filter((e) => e.actor === "operator").at(-1)!;
  return { type: e.type, ignored: e.ignored, fromStatus: e.fromStatus, toStatus: e.toStatus, operator: (JSON.parse(e.data) as { operator?: string }).operator };
}

async function openCases(id: string): Promise<ManualCaseId[]> {
  return ((await record(id)).openCases ?? []).map((c) => c.case);
}

async function waitForCase(id: string, c: ManualCaseId) {
  await expect.poll(() => openCases(id), { timeout: 10_000 }).toContain(c);
  await waitForJobs(id);
}

async function alertOf(id: string, c: ManualCaseId) {
  return db.query.alerts.findFirst({ where: eq(alerts.key, `${c}:${id}`) });
}

async function inQueue(op: ConsoleClient, id: string, c: ManualCaseId): Promise<boolean> {
  return (await op.html("/admin")).includes(`data-case="${c}" data-reservation="${id}"`);
}

/** A reservation whose calls end in `status`, with the case it opens for an operator. */
async function waitingFor(answers: SeedShop[], status: Status, c: ManualCaseId, service?: string) {
  const where = await seedShops(answers, service);
  const { id } = await createReservation(where);
  await waitForStatus(id, status);
  await waitForCase(id, c);
  return { id, where };
}

const noShopAvailable = () => waitingFor([{ answer: "declined" }, { answer: "no_answer" }], "no_shop_available", "no_shop_available", "ディナー");

describe("§2.2.1 no shop available", () => {
  it("assign a shop from the list: calling_success, then the payment link; audited with the operator", async () => {
    const op = await signIn("佐藤");
    const { id } = await noShopAvailable();
    expect(await inQueue(op, id, "no_shop_available")).toBe(true);
    const spare = await seedShops([{ answer: "manual", name: "手配した店", priceJpy: 8800 }], "ディナー");
    const shop = (await db.select().from(shops).where(eq(shops.area, spare.area)))[0]!;
    const flash = await act(op, id, { action: "assign_shop", shop_id: shop.id });
    expect(flash).toMatchObject({ kind: "ok", text: expect.stringContaining("反映しました") });
    expect(await lastOperatorEvent(id)).toEqual({ type: "assign_shop", ignored: false, fromStatus: "no_shop_available", toStatus: "calling_success", operator: "佐藤" });
    const r = await waitForStatus(id, "payment_pending");
    expect(r).toMatchObject({ amountJpy: 8800, data: { shop: { id: shop.id, name: "手配した店" } }, openCases: [] });
    expect((await alertOf(id, "no_shop_available"))!.resolvedAt).toEqual(expect.any(Number));
    expect(await inQueue(op, id, "no_shop_available")).toBe(false);
  });

  it("assign a shop found by hand that is not in the list: it is added, then assigned", async () => {
    const op = await signIn();
    const { id, where } = await noShopAvailable();
    const phone = `03${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
    await act(op, id, { action: "assign_shop", shop_id: "", new_name: "電話で見つけた店", new_phone: phone, new_email: "found@shops.test", new_price: "4500", new_address: "東京都" });
    const added = await db.query.shops.findFirst({ where: eq(shops.name, "電話で見つけた店") });
    expect(added).toMatchObject({ area: where.area, priceJpy: 4500 });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.shop!.id).toBe(added!.id);
    expect((await sentOf(id)).some((s) => s.channel === "email" && s.to === "found@shops.test" && s.subject === "[QRV] 仮予約のお知らせ")).toBe(true);
  });

  it("a bad new shop is refused with a clear message and nothing changes", async () => {
    const op = await signIn();
    const { id } = await noShopAvailable();
    const before = await record(id);
    const flash = await act(op, id, { action: "assign_shop", shop_id: "", new_name: "番号なし", new_phone: "12", new_price: "4500" });
    expect(flash).toMatchObject({ kind: "error", text: expect.stringContaining("phone") });
    expect((await record(id)).version).toBe(before.version);
  });

  it("another date and time: calling starts again for it (and a second miss alerts again)", async () => {
    const op = await signIn();
    const { id } = await noShopAvailable();
    const start = new Date(Date.now() + 96 * HOUR + 9 * HOUR).toISOString().slice(0, 16);
    await act(op, id, { action: "propose_new_time", start, note: "依頼者と電話で合意" });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "propose_new_time", fromStatus: "no_shop_available", toStatus: "calling" });
    expect((await record(id)).startAt).toBe(Date.parse(`${start}:00+09:00`));
    expect((await alertOf(id, "no_shop_available"))!.resolvedAt).toEqual(expect.any(Number));
    // The sample shops decline again: the case and its alert come back as a new occurrence.
    await waitForStatus(id, "no_shop_available");
    await waitForCase(id, "no_shop_available");
    await expect.poll(async () => (await alertOf(id, "no_shop_available"))?.resolvedAt ?? null).toBeNull();
    expect((await sentOf(id)).filter((s) => s.channel === "alert")).toHaveLength(2);
    expect((await sentOf(id)).some((s) => s.channel === "sms" && s.body.includes("もう一度確認します"))).toBe(true);
  });

  it("cancel on the requester's wish: cancelled, free, with the reason", async () => {
    const op = await signIn();
    const { id } = await noShopAvailable();
    await act(op, id, { action: "operator_cancel", refund: "no", reason: "依頼者の希望" });
    const r = await record(id);
    expect(r).toMatchObject({ status: "cancelled", data: { cancellation: { by: "operator", reason: "依頼者の希望", refund: false } }, openCases: [] });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "operator_cancel", toStatus: "cancelled" });
  });
});

async function smsUndeliverable() {
  const where = await seedShops([{ answer: "manual" }]);
  // The sandbox rejects numbers ending in 0000 as invalid (a permanent failure).
  const { id } = await createReservation(where, { requester: { name: "番号違い", phone: "+819011110000", email: "first@example.com", language: "ja" } });
  await waitForCase(id, "sms_undeliverable");
  return id;
}

describe("§2.2.2 SMS undeliverable", () => {
  it("record the phone contact: the case closes, the note is in the audit log", async () => {
    const op = await signIn("鈴木");
    const id = await smsUndeliverable();
    expect((await record(id)).openCases![0]!.messages![0]).toContain("{{guest_url.");
    await act(op, id, { action: "operator_note", resolves: "sms_undeliverable", note: "依頼者に電話し内容を確認" });
    expect(await openCases(id)).toEqual([]);
    const e = (await eventsOf(id)).at(-1)!;
    expect(JSON.parse(e.data)).toMatchObject({ type: "operator_note", operator: "鈴木", note: "依頼者に電話し内容を確認" });
  });

  it("resend by email: the undelivered text goes to the address, with a working link", async () => {
    const op = await signIn();
    const id = await smsUndeliverable();
    await act(op, id, { action: "resend_by_email", email: "second@example.com" });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "resend_by_email", ignored: false });
    expect((await record(id)).requester.email).toBe("second@example.com");
    await waitForJobs(id);
    const mail = (await sentOf(id)).find((s) => s.channel === "email" && s.to === "second@example.com")!;
    expect(mail.body).toContain("ご予約リクエストを受け付けました");
    expect(mail.body).toMatch(/https:\/\/qrv\.test\/r\/[A-Za-z0-9_-]{43}/);
    expect(await openCases(id)).toEqual([]);
  });

  it("correct the number and resend", async () => {
    const op = await signIn();
    const id = await smsUndeliverable();
    const right = uniquePhone();
    await act(op, id, { action: "correct_phone", phone: `0${right.slice(3)}` });
    expect((await record(id)).requester.phone).toBe(right);
    await waitForJobs(id);
    expect((await sentOf(id)).filter((s) => s.channel === "sms").map((s) => s.to)).toEqual([right]);
    expect(await openCases(id)).toEqual([]);
  });

  it("a number that is not a phone number is refused before anything is sent", async () => {
    const op = await signIn();
    const id = await smsUndeliverable();
    const flash = await act(op, id, { action: "correct_phone", phone: "abc" });
    expect(flash).toMatchObject({ kind: "error", text: expect.stringContaining("電話番号") });
    expect(await openCases(id)).toEqual(["sms_undeliverable"]);
  });
});

async function paymentTimeout(startAt = Date.now() + 72 * HOUR) {
  const where = await seedShops([{ answer: "accepted", priceJpy: 5200 }]);
  const { id } = await createReservation(where, { startAt });
  await waitForStatus(id, "payment_pending");
  await fireAlarm(id);
  await waitForStatus(id, "payment_timeout");
  await waitForJobs(id);
  return id;
}

describe("§2.2.3 payment timeout", () => {
  it("needs no one: no Slack alert, no queue item; it stays in the timeline", async () => {
    const op = await signIn();
    const id = await paymentTimeout();
    expect(await openCases(id)).toEqual([]);
    expect(await alertOf(id, "payment_timeout")).toBeUndefined();
    expect((await jobsOf(id)).filter((j) => j.kind === "alert.send")).toEqual([]);
    expect(await inQueue(op, id, "payment_timeout")).toBe(false);
    const page = await op.html(`/admin/reservations/${id}`);
    expect(page).toContain("payment_pending → payment_timeout");
    expect(page).not.toContain(`data-case="payment_timeout"`);
    // A case opened before this rule stays out of the queue too.
    const r = await record(id);
    expect(queueItems([{ ...r, openCases: [{ case: "payment_timeout", at: r.updatedAt }] }], Date.now())).toEqual([]);
  });

  it("on the requester's request, a fresh payment window with the same shop, from the reservation's page", async () => {
    const op = await signIn("山本");
    const id = await paymentTimeout();
    const page = await op.html(`/admin/reservations/${id}`);
    expect(page).toContain(`data-action="reopen_payment"`);
    expect(page).toContain("5,200円");
    const old = (await record(id)).data.payment!.sessionId;
    const refused = await act(op, id, { action: "reopen_payment" });
    expect(refused).toMatchObject({ kind: "error", text: expect.stringContaining("店舗が再度仮押さえに応じること") });
    const flash = await act(op, id, { action: "reopen_payment", confirm: "yes", note: "依頼者から電話" });
    expect(flash).toMatchObject({ kind: "ok" });
    expect(await lastOperatorEvent(id)).toEqual({ type: "reopen_payment", ignored: false, fromStatus: "payment_timeout", toStatus: "calling_success", operator: "山本" });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.payment!.sessionId).not.toBe(old);
    expect(r.openCases).toEqual([]);
    await waitForJobs(id);
    expect((await sentOf(id)).filter((s) => s.channel === "sms" && s.body.includes("5,200円をお支払いいただくと確定します"))).toHaveLength(2);
    expect(await op.html(`/admin/reservations/${id}`)).not.toContain(`data-action="reopen_payment"`);
  });

  it("offers no link for a start too close to reach the shop, and refuses one posted anyway", async () => {
    const op = await signIn();
    const id = await paymentTimeout(Date.now() + 20 * 60_000);
    const page = await op.html(`/admin/reservations/${id}`);
    expect(page).not.toContain(`data-action="reopen_payment"`);
    expect(page).toContain(`id="reopen-payment-closed"`);
    expect(page).toContain("予約日時まで30分を切っている");
    const flash = await act(op, id, { action: "reopen_payment", confirm: "yes" });
    expect(flash).toMatchObject({ kind: "error", text: expect.stringContaining("too close") });
    expect((await record(id)).status).toBe("payment_timeout");
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "reopen_payment", ignored: true });
  });
});

describe("§2.2.4 unclear answer", () => {
  const pending = async () => (await waitingFor([{ answer: "ambiguous", name: "曖昧な店" }, { answer: "accepted", name: "次の店" }], "pending_shop_response", "ambiguous_answer")).id;

  it("the shop said yes: the payment link goes out", async () => {
    const op = await signIn("高橋");
    const id = await pending();
    await act(op, id, { action: "shop_answer", answer: "accepted" });
    expect(await lastOperatorEvent(id)).toEqual({ type: "shop_answer", ignored: false, fromStatus: "pending_shop_response", toStatus: "calling_success", operator: "高橋" });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.shop!.name).toBe("曖昧な店");
  });

  it("the shop said no: calling resumes with the next shop", async () => {
    const op = await signIn();
    const id = await pending();
    await act(op, id, { action: "shop_answer", answer: "declined" });
    expect(await lastOperatorEvent(id)).toMatchObject({ toStatus: "calling" });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.shop!.name).toBe("次の店");
  });

  it("an answer for a reservation that has moved on is refused and recorded as ignored", async () => {
    const op = await signIn();
    const id = await pending();
    await act(op, id, { action: "shop_answer", answer: "accepted" });
    await waitForStatus(id, "payment_pending");
    const flash = await act(op, id, { action: "shop_answer", answer: "declined" });
    expect(flash).toMatchObject({ kind: "error", text: expect.stringContaining("この操作はできません") });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "shop_answer", ignored: true });
  });

  it("a form posted twice is applied once", async () => {
    const op = await signIn();
    const id = await pending();
    const form = { action: "shop_answer", answer: "accepted", _nonce: "same-form" };
    await op.post(`/admin/reservations/${id}/actions`, form);
    const again = await op.post(`/admin/reservations/${id}/actions`, form);
    expect(flashOf(again)).toMatchObject({ kind: "error", text: expect.stringContaining("送信済み") });
    expect((await eventsOf(id)).filter((e) => e.type === "shop_answer")).toHaveLength(1);
  });
});

describe("§2.2.5 change requested", () => {
  const changeRequested = async () => (await waitingFor([{ answer: "change_requested", name: "変更希望の店" }, { answer: "accepted", name: "次の店" }], "change_requested", "change_requested")).id;

  it("accepted with new details: the change goes to the requester for approval, and once approved the link is sent", async () => {
    const op = await signIn();
    const id = await changeRequested();
    const before = await record(id);
    const start = new Date(before.startAt + 30 * 60_000 + 9 * HOUR).toISOString().slice(0, 16);
    await act(op, id, { action: "accept_change", start, party_size: "3" });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "accept_change", fromStatus: "change_requested", toStatus: "change_requested" });
    // The operator's part is done: the case leaves the queue while the requester decides.
    expect(await openCases(id)).toEqual([]);
    expect(await inQueue(op, id, "change_requested")).toBe(false);
    const waiting = await record(id);
    expect(waiting.data.proposedChange).toMatchObject({ startAt: Date.parse(`${start}:00+09:00`), partySize: 3 });
    await reservationStub(env, id).dispatch({ type: "approve_change", hash: waiting.data.proposedChange!.approval.hash }, "requester");
    const r = await waitForStatus(id, "payment_pending");
    expect(r).toMatchObject({ startAt: Date.parse(`${start}:00+09:00`), partySize: 3, data: { shop: { name: "変更希望の店" } } });
    await waitForJobs(id);
    const texts = (await sentOf(id)).filter((s) => s.channel === "sms").map((s) => s.body);
    expect(texts.some((t) => t.includes("変更のご提案") && t.includes("3名"))).toBe(true);
    expect(texts.some((t) => t.includes("ご予約内容を変更しました") && t.includes("3名"))).toBe(true);
  });

  it("rejected: the shop is told and calling resumes with the next shop", async () => {
    const op = await signIn();
    const id = await changeRequested();
    await act(op, id, { action: "reject_change", note: "依頼者は時間を変えられない" });
    const r = await waitForStatus(id, "payment_pending");
    expect(r.data.shop!.name).toBe("次の店");
    await waitForJobs(id);
    expect((await sentOf(id)).some((s) => s.channel === "email" && s.subject === "[QRV] ご提案いただいた変更について")).toBe(true);
  });
});

describe("§2.2.6 cancellation after the deadline", () => {
  async function lateRequest(priceJpy = 7000) {
    const where = await seedShops([{ answer: "accepted", priceJpy }]);
    const { id } = await createReservation(where, { startAt: Date.now() + 47 * HOUR });
    await paySandbox((await waitForStatus(id, "payment_pending")).data.payment!.sessionId!);
    await waitForStatus(id, "confirmed");
    const refused = await reservationStub(env, id).dispatch({ type: "cancel", by: "requester" }, "requester");
    expect(refused.outcome).toMatchObject({ result: "refused_deadline" });
    await waitForCase(id, "late_cancellation");
    return id;
  }

  it("cancel with a refund: refunded in full, once", async () => {
    const op = await signIn();
    const id = await lateRequest(7000);
    await act(op, id, { action: "operator_cancel", refund: "yes", reason: "入院。店舗了承済み" });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "operator_cancel", fromStatus: "confirmed", toStatus: "cancelled" });
    await waitForJobs(id);
    const pi = (await record(id)).data.payment!.paymentIntentId!;
    expect((await db.select().from(sandboxRefunds).where(eq(sandboxRefunds.paymentIntent, pi))).map((r) => r.amount)).toEqual([7000]);
  });

  it("cancel without a refund", async () => {
    const op = await signIn();
    const id = await lateRequest();
    await act(op, id, { action: "operator_cancel", refund: "no", reason: "特別な事情なし" });
    await waitForJobs(id);
    const r = await record(id);
    expect(r).toMatchObject({ status: "cancelled", data: { cancellation: { refund: false } } });
    expect((await jobsOf(id)).some((j) => j.kind === "payment.refund")).toBe(false);
    expect((await sentOf(id)).filter((s) => s.channel === "sms").at(-1)!.body).toContain("返金はございません");
  });

  it("decline: the booking stands and the requester is told", async () => {
    const op = await signIn();
    const id = await lateRequest();
    const missing = await act(op, id, { action: "refuse_cancellation", reason: "" });
    expect(missing).toMatchObject({ kind: "error", text: "理由を入力してください" });
    await act(op, id, { action: "refuse_cancellation", reason: "店舗が了承しませんでした" });
    expect(await record(id)).toMatchObject({ status: "confirmed", openCases: [] });
    expect(await lastOperatorEvent(id)).toMatchObject({ type: "refuse_cancellation", toStatus: "confirmed" });
  });
});

describe("the console's own rules", () => {
  it("a POST without the session's CSRF token changes nothing", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    const before = await record(id);
    const res = await op.post(`/admin/reservations/${id}/actions`, { action: "operator_cancel", refund: "no", reason: "x" }, { csrf: null });
    expect(res.status).toBe(403);
    const forged = await op.post(`/admin/reservations/${id}/actions`, { action: "operator_cancel", refund: "no", reason: "x" }, { csrf: "forged" });
    expect(forged.status).toBe(403);
    expect((await record(id)).version).toBe(before.version);
  });

  it("without a session every page sends the operator to sign in, and a wrong password gets nobody in", async () => {
    const res = await exports.default.fetch(new Request("https://qrv.test/admin/reservations", { redirect: "manual" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/login?next=%2Fadmin%2Freservations");
    const post = await exports.default.fetch(new Request("https://qrv.test/admin/reservations/QRV-AAAAAA/actions", { method: "POST", body: new URLSearchParams({ action: "operator_cancel" }), redirect: "manual" }));
    expect(post.status).toBe(303);
    const wrong = await exports.default.fetch(new Request("https://qrv.test/admin/login", { method: "POST", body: new URLSearchParams({ name: "誰か", password: "nope" }), redirect: "manual" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith("qrv_admin="))).toBe(false);
  });

  it("a tampered session cookie is not a session", async () => {
    const op = await signIn("本物");
    const res = await op.get("/admin");
    expect(res.status).toBe(200);
    const forged = `qrv_admin=${encodeURIComponent(JSON.stringify({ op: "偽物", via: "password", csrf: "x", exp: Date.now() + HOUR }))}.AAAA`;
    const again = await exports.default.fetch(new Request("https://qrv.test/admin", { headers: { Cookie: forged }, redirect: "manual" }));
    expect(again.status).toBe(303);
  });

  it("a dead or failed job can be run again, or marked handled, through its reservation", async () => {
    const op = await signIn("田中");
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const [emailJob, smsJob] = [(await jobsOf(id)).find((j) => j.kind === "email.send")!, (await jobsOf(id)).find((j) => j.kind === "sms.send")!];
    await db.update(outbox).set({ status: "dead", lastError: "retries exhausted" }).where(eq(outbox.id, emailJob.id));
    // A permanent failure (not the dead-letter queue) can be settled the same way.
    await db.update(outbox).set({ status: "failed", lastError: "Twilio 400" }).where(eq(outbox.id, smsJob.id));
    expect(await op.html("/admin/alerts")).toContain(emailJob.id);
    expect(await op.html(`/admin/reservations/${id}`)).toContain(`/admin/jobs/${smsJob.id}/dismiss`);

    const requeued = await op.post(`/admin/jobs/${emailJob.id}/requeue`, { return_to: "/admin/alerts" });
    expect(flashOf(requeued)).toMatchObject({ kind: "ok" });
    await expect.poll(async () => (await db.query.outbox.findFirst({ where: eq(outbox.id, emailJob.id) }))!.status).toBe("done");
    await op.post(`/admin/jobs/${smsJob.id}/dismiss`, {});
    expect((await db.query.outbox.findFirst({ where: eq(outbox.id, smsJob.id) }))!.status).toBe("dismissed");
    const settled = (await eventsOf(id)).filter((e) => e.type === "job_requeued" || e.type === "job_dismissed").map((e) => [e.type, JSON.parse(e.data).operator]);
    expect(settled).toEqual([
      ["job_requeued", "田中"],
      ["job_dismissed", "田中"],
    ]);
    const twice = await op.post(`/admin/jobs/${smsJob.id}/dismiss`, {});
    expect(flashOf(twice)).toMatchObject({ kind: "error" });
  });

  it("a call that died is not placed again", async () => {
    const op = await signIn();
    const where = await seedShops([{ answer: "manual" }]);
    const { id } = await createReservation(where);
    await waitForStatus(id, "calling");
    await waitForJobs(id);
    const call = (await jobsOf(id)).find((j) => j.kind === "call.place")!;
    await db.update(outbox).set({ status: "dead" }).where(eq(outbox.id, call.id));
    const res = await op.post(`/admin/jobs/${call.id}/requeue`, {});
    expect(flashOf(res)).toMatchObject({ kind: "error", text: expect.stringContaining("cannot be run again") });
    expect((await db.query.outbox.findFirst({ where: eq(outbox.id, call.id) }))!.status).toBe("dead");
  });
});

