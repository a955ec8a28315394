// Talking to a running QRV from browser tests: book through MCP (the official SDK), read
// what the sandbox sent.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Page } from "playwright-core";
import { toIsoTokyo } from "../../src/domain/time.ts";

export async function mcp(url: string, apiKey: string, name = "qrv-e2e"): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${apiKey}` } } }));
  return client;
}

export function jstIn(hours: number): string {
  return toIsoTokyo(Math.ceil((Date.now() + hours * 3_600_000) / 3_600_000) * 3_600_000);
}

/** The calendar date (YYYY-MM-DD) in Japan `days` from now. */
export function jstDateIn(days: number): string {
  return toIsoTokyo(Date.now() + days * 86_400_000).slice(0, 10);
}

/** A new booking each time (its own idempotency key), even when two tests ask alike. */
export async function book(url: string, apiKey: string, args: Record<string, unknown>): Promise<{ reservation_id: string; guest_url: string }> {
  const client = await mcp(url, apiKey);
  try {
    const result = await client.callTool({ name: "request_reservation", arguments: { party_size: 2, name: "山田 太郎", phone: "090-1234-5678", email: "taro@example.com", idempotency_key: crypto.randomUUID(), ...args } });
    if (result.isError) throw new Error(JSON.stringify(result.content));
    return result.structuredContent as { reservation_id: string; guest_url: string };
  } finally {
    await client.close();
  }
}

export interface SandboxRecord {
  channel: string;
  reservation_id: string | null;
  to: string | null;
  subject: string | null;
  body: string;
}

/** The SMS messages the sandbox sent for a reservation, oldest first. */
export async function texts(url: string, reservationId: string): Promise<SandboxRecord[]> {
  return sent(url, reservationId, "sms");
}

/** Waits until `fn` returns a value, polling. */
export async function until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The link to the reservation's guest page, as texted in the first SMS. */
export async function guestLink(url: string, reservationId: string): Promise<string> {
  const sms = await until(async () => (await texts(url, reservationId)).find((t) => /\/r\/[A-Za-z0-9_-]{43}/.test(t.body)), 20_000, "the SMS with the guest link");
  return sms.body.match(/https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/)![0];
}

/** The sandbox checkout link, as texted when a shop accepted. */
export async function paymentLink(url: string, reservationId: string): Promise<string> {
  const sms = await until(async () => (await texts(url, reservationId)).find((t) => t.body.includes("/sandbox/checkout/")), 20_000, "the payment SMS");
  return sms.body.match(/https?:\/\/\S+\/sandbox\/checkout\/[A-Za-z0-9_]+/)![0];
}

/** Pays on the sandbox checkout the way its plain HTML form does (for tests that are about what comes after). */
export async function payCheckout(checkoutUrl: string): Promise<void> {
  const res = await fetch(`${checkoutUrl}/pay`, { method: "POST", body: new URLSearchParams({ card: "4242424242424242" }), redirect: "manual" });
  if (res.status !== 303) throw new Error(`sandbox checkout answered ${res.status}`);
}

/** Everything the sandbox recorded for a reservation on one channel, oldest first. */
export async function sent(url: string, reservationId: string, channel: "sms" | "email" | "payment" | "call" | "alert"): Promise<SandboxRecord[]> {
  const res = await fetch(`${url}/sandbox/outbox?reservation_id=${reservationId}&channel=${channel}`);
  const { records } = (await res.json()) as { records: SandboxRecord[] };
  return records.reverse();
}

/**
 * A session client agreeing to the terms and contract on their page (/s/<token>/terms), as its
 * form does: the CSRF cookie the page sets, its hidden fields, both boxes ticked and a name.
 */
export async function agreeOnClientPage(pageUrl: string, name: string): Promise<void> {
  const page = await fetch(`${pageUrl}/terms`, { headers: { "Accept-Language": "ja" }, redirect: "manual" });
  const html = await page.text();
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const field = (n: string) => html.match(new RegExp(`name="${n}" value="([^"]*)"`))?.[1] ?? "";
  const res = await fetch(`${pageUrl}/terms`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: new URL(pageUrl).origin },
    body: new URLSearchParams({ _csrf: field("_csrf"), form: field("form"), terms_version: field("terms_version"), contract_version: field("contract_version"), agree_terms: "1", agree_contract: "1", name }),
    redirect: "manual",
  });
  if (res.status !== 303 || !res.headers.get("location")?.includes("done=agreed")) throw new Error(`agreeing on the client page answered ${res.status} ${res.headers.get("location") ?? ""}`);
}

/** Calls a tool and returns its structured result; a tool error is thrown with its message. */
export async function callTool<T>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** One tool call on a connection of its own, closed afterwards (as a stateless client would). */
export async function callOnce<T>(url: string, apiKey: string, name: string, args: Record<string, unknown>): Promise<T> {
  const client = await mcp(url, apiKey);
  try {
    return await callTool<T>(client, name, args);
  } finally {
    await client.close();
  }
}

/**
 * The person's part of proving a phone number on a page showing the number step (/authorize,
 * /account/sign-in): the number, the code the sandbox texted, and "確認する". `beforeCode` runs
 * once the code step is showing (a screenshot, say).
 */
export async function enterPhoneAndCode(page: Page, url: string, mobile: string, beforeCode?: () => Promise<unknown>): Promise<void> {
  await page.getByLabel("携帯電話番号").fill(mobile);
  await page.getByRole("button", { name: "コードを送る" }).click();
  await page.getByLabel("確認コード").waitFor();
  const sms = await until(async () => {
    const { records } = (await (await fetch(`${url}/sandbox/outbox?channel=sms`)).json()) as { records: SandboxRecord[] };
    return records.find((r) => r.to === `+81${mobile.slice(1)}` && /確認コード/.test(r.body));
  }, 10_000, "the sign-in SMS");
  await beforeCode?.();
  await page.getByLabel("確認コード").fill(sms.body.match(/(\d{6})/)![1]!);
  await page.getByRole("button", { name: "確認する" }).click();
}
