// A browser for workerd tests: a cookie jar and its own client address, talking to the Worker
// through exports.default.fetch; and the person's part of signing in with a phone number.
import { exports } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { sandboxRecords } from "../src/db/schema.ts";
import { db, uniqueAddress, uniqueMobile } from "./helpers.ts";

const BASE = "https://qrv.test";

/** A browser with a cookie jar, talking to the Worker. */
export class Browser {
  cookies = new Map<string, string>();
  // Its own address: a shared one would count another test's codes against the per-address limit.
  readonly address = uniqueAddress();
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers({ "CF-Connecting-IP": this.address, "Accept-Language": "ja" });
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (init.form) headers.set("Content-Type", "application/x-www-form-urlencoded");
    const res = await exports.default.fetch(new Request(new URL(url, BASE), { method: init.method ?? (init.form ? "POST" : "GET"), headers, body: init.form ? new URLSearchParams(init.form) : null, redirect: "manual" }));
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair!.split("=");
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join("="));
    }
    return res;
  }
}

export function field(html: string, name: string): string {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} field in:\n${html.slice(0, 2000)}`);
  return m[1]!.replaceAll("&amp;", "&");
}

/** The code the sandbox texted for a sign-in. */
export async function smsCode(loginId: string): Promise<string> {
  const [sms] = await db.select().from(sandboxRecords).where(eq(sandboxRecords.reservationId, loginId)).orderBy(desc(sandboxRecords.id)).limit(1);
  return sms!.body.match(/(\d{6})/)![1]!;
}


/**
 * Signs a person in to their own pages (/account/sign-in) with the code the sandbox texted, and
 * returns the browser holding the session. `phone` defaults to a fresh mobile number.
 */
export async function signedInBrowser(phone = uniqueMobile(), next = "/"): Promise<Browser> {
  const browser = new Browser();
  const start = await browser.request(`/account/sign-in?next=${encodeURIComponent(next)}`);
  expect(start.status).toBe(200);
  const form = await start.text();
  const sent = await browser.request("/account/sign-in/phone", { form: { next, phone, _csrf: field(form, "_csrf") } });
  expect(sent.status).toBe(200);
  const html = await sent.text();
  const loginId = field(html, "login_id");
  const verified = await browser.request("/account/sign-in/code", { form: { next, login_id: loginId, code: await smsCode(loginId), _csrf: field(html, "_csrf") } });
  expect(verified.status).toBe(303);
  expect(verified.headers.get("Location")).toBe(next);
  return browser;
}
