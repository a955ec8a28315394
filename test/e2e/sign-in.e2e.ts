// Signing in from an AI client, in a real browser at a phone's size: the official MCP SDK
// client registers and sends the person to /authorize; they enter their mobile number, the code
// texted to them (read here from the sandbox), and approve; the client then books for them.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, phone, screenshot } from "./browser.ts";
import { enterPhoneAndCode, jstIn, until } from "./qrv.ts";
import { randomMobile } from "../mobile.ts";

const url = inject("qrvUrl");
const CALLBACK = "http://127.0.0.1:45678/callback";
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

class App implements OAuthClientProvider {
  authorizationUrl?: URL;
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  redirectUrl = CALLBACK;
  clientMetadata = { client_name: "E2E Assistant", redirect_uris: [CALLBACK], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
  clientInformation = () => this.client;
  saveClientInformation = (c: OAuthClientInformationMixed) => void (this.client = c);
  tokens = () => this.saved;
  saveTokens = (t: OAuthTokens) => void (this.saved = t);
  redirectToAuthorization = (u: URL) => void (this.authorizationUrl = u);
  saveCodeVerifier = (v: string) => void (this.verifier = v);
  codeVerifier = () => this.verifier;
}

describe("signing in with a phone number", () => {
  it("phone, SMS code and consent on a phone-sized browser, then the client books", async () => {
    const app = new App();
    const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { authProvider: app });
    await expect(new Client({ name: "e2e", version: "1" }).connect(transport)).rejects.toThrow();

    const context = await phone(browser);
    const page = await context.newPage();
    // The client's redirect target is not running: catch the redirect instead of following it.
    // Some Chromium builds (the one from npm) do not route a redirect's target, so the request
    // itself is watched too; the code is in its URL either way.
    let redirected: URL | undefined;
    page.on("request", (request) => {
      if (request.url().startsWith(CALLBACK)) redirected = new URL(request.url());
    });
    await page.route(`${CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<p>signed in</p>" }));
    await page.goto(app.authorizationUrl!.toString());
    await screenshot(page, "sign-in-phone");
    const mobile = randomMobile("080");
    await enterPhoneAndCode(page, url, mobile, () => screenshot(page, "sign-in-code"));
    await page.getByRole("button", { name: "許可する" }).waitFor();
    expect(await page.content()).toContain("E2E Assistant");
    await page.getByLabel(/お名前/).fill("鈴木 次郎");
    await screenshot(page, "sign-in-consent");
    await page.getByRole("button", { name: "許可する" }).click();
    await until(async () => redirected, 10_000, "the redirect back to the client");
    await context.close();

    await transport.finishAuth(redirected!.searchParams.get("code")!);
    const client = new Client({ name: "e2e", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { authProvider: app }));
    const booked = await client.callTool({ name: "request_reservation", arguments: { service: "カット", area: "渋谷", start: jstIn(72), party_size: 1 } });
    expect(booked.isError).toBeFalsy();
    const mine = await client.callTool({ name: "list_my_reservations", arguments: {} });
    expect(JSON.stringify(mine.structuredContent)).toContain((booked.structuredContent as { reservation_id: string }).reservation_id);
    await client.close();
  });
});
