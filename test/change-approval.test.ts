// The approval record when a shop asks for a change (issue 17 §5), end to end: booked through
// MCP (the first approval), the shop asks for a change on the call, an operator accepts it in
// the console, the requester is texted a link to their page, sees old against new and
// approves or declines there (CSRF, one answer per form). No payment link before approval,
// and the payment is the amount approved.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { approvalHash } from "../src/domain/approval.ts";
import { flashOf, signIn, type ConsoleClient } from "./console-client.ts";
import { HOUR, createApiKey, eventsOf, jobsOf, mcpClient, record, seedShops, sentOf, startIn, waitForJobs, waitForStatus } from "./helpers.ts";

const ORIGIN = "https://qrv.test";

interface ChangeForm {
  cookie: string;
  csrf: string;
  nonce: string;
  hash: string;
}

async function act(op: ConsoleClient, id: string, form: Record<string, string>) {
  const res = await op.post(`/admin/reservations/${id}/actions`, { _nonce: crypto.randomUUID(), return_to: `/admin/reservations/${id}`, ...form });
  expect(res.status).toBe(303);
  return flashOf(res);
}

/** Booked through MCP with an API key; the first shop asks for a change, the second would accept. */
async function changeAsked(): Promise<{ id: string; key: string; firstHash: string }> {
  const where = await seedShops([{ answer: "change_requested", name: "変更希望の店", priceJpy: 6600 }, { answer: "accepted", name: "次の店", priceJpy: 6600 }]);
  const { key } = await createApiKey("change approval");
  const client = await mcpClient(key);
  const result = await client.callTool({ name: "request_reservation", arguments: { service: where.service, area: where.area, start: startIn(72), party_size: 2, name: "山田 太郎", phone: "090-1234-5678", language: "ja" } });
  const structured = result.structuredContent as { reservation_id: string; approval: { hash: string } };
  await client.close();
  await waitForStatus(structured.reservation_id, "change_requested");
  await expect.poll(async () => ((await record(structured.reservation_id)).openCases ?? []).map((c) => c.case), { timeout: 10_000 }).toContain("change_requested");
  await waitForJobs(structured.reservation_id);
  return { id: structured.reservation_id, key, firstHash: structured.approval.hash };
}

/** The operator accepts the shop's change: half an hour later, 3 people, 7,700 yen (above the first approval's 6,600). */
async function acceptChange(op: ConsoleClient, id: string, priceJpy = "7700") {
  const r = await record(id);
  const start = new Date(r.startAt + 30 * 60_000 + 9 * HOUR).toISOString().slice(0, 16);
  await act(op, id, { action: "accept_change", start, party_size: "3", price_jpy: priceJpy });
  await waitForJobs(id);
  return Date.parse(`${start}:00+09:00`);
}

async function smsTo(id: string): Promise<string[]> {
  return (await sentOf(id)).filter((s) => s.channel === "sms").map((s) => s.body);
}

/** The guest page link in the text that asks for the approval. */
async function approvalLink(id: string): Promise<string> {
  const text = (await smsTo(id)).find((b) => b.includes("変更のご提案"));
  expect(text, "the approval SMS").toBeDefined();
  return text!.match(/https:\/\/qrv\.test\/r\/[A-Za-z0-9_-]+/)![0];
}

async function openChangeForm(guestUrl: string): Promise<{ html: string; form: ChangeForm }> {
  const res = await exports.default.fetch(new Request(guestUrl, { headers: { Accept: "text/html" }, redirect: "manual" }));
  expect(res.status).toBe(200);
  const html = await res.text();
  const cookie = res.headers.get("Set-Cookie")?.match(/(__Host-qrv_csrf=[^;]+)/)?.[1];
  const field = (name: string) => html.match(new RegExp(`name="${name}" value="([^"]+)"`))?.[1] ?? "";
  return { html, form: { cookie: cookie ?? "", csrf: field("_csrf"), nonce: field("form"), hash: field("hash") } };
}

async function answer(guestUrl: string, form: Partial<ChangeForm>, decision: "approve" | "decline", headers: Record<string, string> = { Origin: ORIGIN }): Promise<Response> {
  const body = new URLSearchParams({ decision, ...(form.csrf ? { _csrf: form.csrf } : {}), ...(form.nonce ? { form: form.nonce } : {}), ...(form.hash ? { hash: form.hash } : {}) });
  return exports.default.fetch(new Request(`${guestUrl}/change`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...(form.cookie ? { Cookie: form.cookie } : {}), ...headers }, body, redirect: "manual" }));
}

const paymentJobs = async (id: string) => (await jobsOf(id)).filter((j) => j.kind === "payment.create");

describe("a shop's change before payment: a new approval the requester gives on their page", () => {
  it("no payment link before approval; approving once sends one link, for the approved amount", async () => {
    const op = await signIn("佐藤");
    const { id, key, firstHash } = await changeAsked();
    const newStart = await acceptChange(op, id);

    // The change waits for the requester: nothing to pay, no link, the operator's case closed.
    const waiting = await record(id);
    expect(waiting).toMatchObject({ status: "change_requested", partySize: 2, openCases: [] });
    expect(waiting.data.payment).toBeUndefined();
    expect(await paymentJobs(id)).toEqual([]);
    expect((await smsTo(id)).some((b) => b.includes("/checkout/") || b.includes("お支払いいただくと確定"))).toBe(false);
    const proposed = waiting.data.proposedChange!;
    expect(proposed).toMatchObject({ startAt: newStart, partySize: 3, amountJpy: 7700 });
    // The hash is the snapshot's own, and the new snapshot points back at what was first approved.
    expect(proposed.approval.hash).toBe(await approvalHash(proposed.approval.snapshot));
    expect(proposed.approval.snapshot).toMatchObject({ revision: 2, supersedes: firstHash, shop: "変更希望の店", party_size: 3, price_jpy: { max: 7700 }, proposed: { by: "operator", name: "佐藤" }, asked_by: { kind: "api_key" } });
    expect(waiting.data.approval?.hash).toBe(firstHash);

    // Over MCP, get_reservation shows the change waiting for the requester, and no payment link.
    const client = await mcpClient(key);
    const got = (await client.callTool({ name: "get_reservation", arguments: { reservation_id: id } })).structuredContent as Record<string, unknown>;
    await client.close();
    expect(got).toMatchObject({ status: "change_requested", approval: { hash: firstHash }, change_approval: { status: "awaiting_requester", hash: proposed.approval.hash, amount_jpy: 7700, snapshot: { revision: 2, party_size: 3 } } });
    expect(got.payment_url).toBeUndefined();
    expect(got.status_label).toBe("変更内容のご承認待ち");

    // The SMS links to the page, which shows old against new and the buttons.
    const guestUrl = await approvalLink(id);
    const { html, form } = await openChangeForm(guestUrl);
    expect(html).toContain("予約内容の変更のご確認");
    expect(html).toContain("変更内容のご承認待ち");
    // What they approved when asking was an upper bound; the change is an exact amount.
    expect(html).toMatch(/<th scope="row">金額<\/th><td>お支払いは6,600円まで<\/td><td><strong>7,700円<\/strong><\/td>/);
    expect(html).toMatch(/<tr class="changed"><th scope="row">人数<\/th><td>2名<\/td><td><strong>3名<\/strong><\/td><\/tr>/);
    expect(html).toContain("7,700円");
    expect(html).toContain(proposed.approval.hash);
    expect(form.hash).toBe(proposed.approval.hash);

    // Without the CSRF cookie nothing happens.
    const forged = await answer(guestUrl, { csrf: form.csrf, nonce: form.nonce, hash: form.hash }, "approve");
    expect(forged.status).toBe(403);
    expect((await record(id)).status).toBe("change_requested");

    const approved = await answer(guestUrl, form, "approve");
    expect(approved.status).toBe(303);
    expect(approved.headers.get("Location")).toMatch(/\?change=approved$/);
    const pending = await waitForStatus(id, "payment_pending");
    expect(pending).toMatchObject({ startAt: newStart, partySize: 3, amountJpy: 7700, data: { approval: { hash: proposed.approval.hash, approvedVia: "guest_page" }, payment: { amountJpy: 7700 } } });
    expect(pending.data.earlierApprovals?.map((a) => a.hash)).toEqual([firstHash]);
    expect(pending.data.payment!.amountJpy).toBeLessThanOrEqual(pending.data.approval!.snapshot.price_jpy.max);

    // The same form again (a double tap), and another tab's form: one approval, one payment link.
    expect((await answer(guestUrl, form, "approve")).status).toBe(303);
    const again = await openChangeForm(guestUrl);
    expect(again.html).not.toContain('id="change-approve"');
    expect((await answer(guestUrl, { ...form, nonce: "another-tab-form-0001" }, "approve")).status).toBe(303);
    await waitForJobs(id);
    expect(await paymentJobs(id)).toHaveLength(1);
    expect((await eventsOf(id)).filter((e) => e.type === "approve_change" && !e.ignored)).toHaveLength(1);
    const links = (await smsTo(id)).filter((b) => b.includes("お支払いいただくと確定"));
    expect(links).toHaveLength(1);
    expect(links[0]).toContain("7,700円");
  });

  it("declining closes the request politely: nothing charged, the shop told, no payment link", async () => {
    const op = await signIn();
    const { id } = await changeAsked();
    await acceptChange(op, id);
    const guestUrl = await approvalLink(id);
    const { form } = await openChangeForm(guestUrl);
    const res = await answer(guestUrl, form, "decline");
    expect(res.headers.get("Location")).toMatch(/\?change=declined$/);
    const r = await waitForStatus(id, "cancelled");
    expect(r.data.cancellation).toMatchObject({ by: "requester", refund: false });
    await waitForJobs(id);
    expect(await paymentJobs(id)).toEqual([]);
    expect((await smsTo(id)).some((b) => b.includes("今回のご依頼は終了しました") && b.includes("ありがとうございました"))).toBe(true);
    expect((await sentOf(id)).some((s) => s.channel === "email" && s.subject === "[QRV] ご提案いただいた変更について")).toBe(true);
    const page = await (await exports.default.fetch(new Request(`${guestUrl}?change=declined`, { headers: { Accept: "text/html" } }))).text();
    expect(page).toContain("変更をお断りし、今回のご依頼を終了しました");
  });

  it("a page showing a replaced proposal approves nothing: the requester is shown the newer one", async () => {
    const op = await signIn();
    const { id } = await changeAsked();
    await acceptChange(op, id, "7700");
    const guestUrl = await approvalLink(id);
    const { form: old } = await openChangeForm(guestUrl);
    // The operator corrects the price before the requester answers: a new proposal, a new hash.
    await acceptChange(op, id, "7150");
    const res = await answer(guestUrl, old, "approve");
    expect(res.headers.get("Location")).toMatch(/\?change=stale$/);
    const r = await record(id);
    expect(r.status).toBe("change_requested");
    expect(r.data.proposedChange?.amountJpy).toBe(7150);
    expect(await paymentJobs(id)).toEqual([]);
    const { form: fresh } = await openChangeForm(guestUrl);
    expect(fresh.hash).toBe(r.data.proposedChange!.approval.hash);
    expect(fresh.hash).not.toBe(old.hash);
    await answer(guestUrl, { ...fresh, cookie: old.cookie, csrf: old.csrf }, "approve");
    expect((await waitForStatus(id, "payment_pending")).data.payment?.amountJpy).toBe(7150);
  });
});
