// Signing in to a person's own pages: the same phone proof as the OAuth sign-in, a session
// that lives on the server (signing out ends it, an old cookie opens nothing), and a way back
// that never leaves the site.
import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { requireAccount, type AccountVariables } from "../src/auth/account.ts";
import { safeNext } from "../src/routes/account.tsx";
import { Browser, field, signedInBrowser } from "./browser-client.ts";
import { db, uniqueMobile } from "./helpers.ts";

// A page behind requireAccount, mounted the way a product mounts its own.
const page = new Hono<{ Bindings: Env; Variables: AccountVariables }>();
page.use("*", requireAccount());
page.get("/me", (c) => c.json(c.get("account")));
page.post("/me", (c) => c.text("changed"));

async function visit(browser: Browser, path: string, method = "GET"): Promise<Response> {
  const headers = new Headers();
  if (browser.cookies.size) headers.set("Cookie", [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  const { env } = await import("cloudflare:workers");
  return page.fetch(new Request(`https://qrv.test${path}`, { method, headers, redirect: "manual" }), env);
}

describe("account sign-in", () => {
  it("sends a visitor to sign in and brings them back, signed in as their number", async () => {
    const phone = uniqueMobile();
    const away = await visit(new Browser(), "/me?tab=orders");
    expect(away.status).toBe(303);
    expect(away.headers.get("Location")).toBe("/account/sign-in?next=%2Fme%3Ftab%3Dorders");
    expect((await visit(new Browser(), "/me", "POST")).status).toBe(401);

    const browser = await signedInBrowser(phone, "/me?tab=orders");
    const me = await visit(browser, "/me");
    expect(me.status).toBe(200);
    const account = (await me.json()) as { userId: string; phone: string };
    expect(account.phone).toBe(phone);
    const user = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.phone, account.phone) });
    expect(account.userId).toBe(user!.id);
    // Already signed in: the sign-in page goes straight on.
    const again = await browser.request("/account/sign-in?next=/me");
    expect(again.status).toBe(303);
    expect(again.headers.get("Location")).toBe("/me");
  });

  it("signing out ends the session on the server: the old cookie opens nothing", async () => {
    const browser = await signedInBrowser();
    const stolen = new Browser();
    stolen.cookies = new Map(browser.cookies);
    expect((await visit(stolen, "/me")).status).toBe(200);
    // The sign-out form carries the CSRF token the browser already holds.
    const csrf = browser.cookies.get("__Host-qrv_csrf")!;
    expect((await browser.request("/account/sign-out", { form: { _csrf: "forged".padEnd(43, "x") } })).status).toBe(403);
    expect((await visit(stolen, "/me")).status).toBe(200);
    const out = await browser.request("/account/sign-out", { form: { _csrf: csrf } });
    expect(out.status).toBe(200);
    expect((await visit(stolen, "/me")).status).toBe(303);
  });

  it("refuses a sign-in form posted from another site or without its token, and sends no code", async () => {
    const browser = new Browser();
    const form = await (await browser.request("/account/sign-in?next=/me")).text();
    const before = (await db.query.loginCodes.findMany()).length;
    const noToken = await browser.request("/account/sign-in/phone", { form: { next: "/me", phone: uniqueMobile() } });
    expect(noToken.status).toBe(403);
    const res = await exports.default.fetch(
      new Request("https://qrv.test/account/sign-in/phone", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example", Cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
        body: new URLSearchParams({ next: "/me", phone: uniqueMobile(), _csrf: field(form, "_csrf") }),
      }),
    );
    expect(res.status).toBe(403);
    expect((await db.query.loginCodes.findMany()).length).toBe(before);
  });

  it("only ever comes back to a path on this site", () => {
    expect(safeNext("/member/orders?x=1")).toBe("/member/orders?x=1");
    for (const bad of ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/a b", "", undefined, "/".padEnd(600, "a")]) expect(safeNext(bad)).toBe("/");
  });
});
