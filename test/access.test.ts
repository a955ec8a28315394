// /admin behind Cloudflare Access: the Cf-Access-Jwt-Assertion header is verified against the
// team's keys (served here through MSW from keys made in the test) and the application's AUD.
import { env } from "cloudflare:workers";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { JWKS_OPTIONS } from "../src/auth/access.ts";
import { admin } from "../src/routes/admin/index.tsx";
import { network } from "./msw.ts";

const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
let teams = 0;

/** Keys are cached per team, so each test has its own team. */
function newTeam(): string {
  teams += 1;
  return `https://qrv-${teams}-${Math.floor(Math.random() * 1e9)}.cloudflareaccess.com`;
}

async function signingKey(kid: string): Promise<{ kid: string; privateKey: CryptoKey; jwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/** The team's certs endpoint; returns how many times it was fetched. */
function serveKeys(team: string, current: () => JWK[]): () => number {
  let fetches = 0;
  network.use(
    http.get(`${team}/cdn-cgi/access/certs`, () => {
      fetches += 1;
      return HttpResponse.json({ keys: current() });
    }),
  );
  return () => fetches;
}

async function accessToken(key: { kid: string; privateKey: CryptoKey }, claims: { iss: string; aud?: string; email?: string; expiresIn?: string | number }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: claims.email ?? "operator@qualfia.example", type: "app", identity_nonce: "n" })
    .setProtectedHeader({ alg: "RS256", kid: key.kid })
    .setIssuer(claims.iss)
    .setAudience(claims.aud ?? AUD)
    .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(claims.expiresIn ?? "1h")
    .sign(key.privateKey);
}

function get(team: string, token?: string, extra: Partial<Env> = {}) {
  return admin.request("/", { headers: token ? { "Cf-Access-Jwt-Assertion": token } : {} }, { ...env, ACCESS_TEAM_DOMAIN: team, ACCESS_AUD: AUD, ...extra });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Cloudflare Access in front of /admin", () => {
  it("lets in a valid token, names the operator by email, and fetches the keys once", async () => {
    const team = newTeam();
    const key = await signingKey("k1");
    const fetches = serveKeys(team, () => [key.jwk]);
    const token = await accessToken(key, { iss: team, email: "hanako@qualfia.example" });
    const res = await get(team, token);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("hanako@qualfia.example");
    // A session cookie carries the CSRF token for the forms.
    expect(res.headers.getSetCookie().some((c) => c.startsWith("qrv_admin=") && c.includes("HttpOnly") && c.includes("SameSite=Strict"))).toBe(true);
    expect((await get(team, token)).status).toBe(200);
    expect(fetches()).toBe(1);
  });

  it("refuses a request that did not come through Access", async () => {
    const team = newTeam();
    serveKeys(team, () => []);
    const res = await get(team);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Cloudflare Access");
  });

  it("refuses a token for another application (wrong AUD)", async () => {
    const team = newTeam();
    const key = await signingKey("k1");
    serveKeys(team, () => [key.jwk]);
    expect((await get(team, await accessToken(key, { iss: team, aud: "another-application-aud" }))).status).toBe(403);
  });

  it("refuses an expired token", async () => {
    const team = newTeam();
    const key = await signingKey("k1");
    serveKeys(team, () => [key.jwk]);
    const expired = await accessToken(key, { iss: team, expiresIn: Math.floor(Date.now() / 1000) - 120 });
    expect((await get(team, expired)).status).toBe(403);
  });

  it("refuses a token from another team, or signed by a key that is not the team's", async () => {
    const team = newTeam();
    const key = await signingKey("k1");
    serveKeys(team, () => [key.jwk]);
    expect((await get(team, await accessToken(key, { iss: newTeam() }))).status).toBe(403);
    const forger = await signingKey("k1");
    expect((await get(team, await accessToken(forger, { iss: team }))).status).toBe(403);
    expect((await get(team, "not.a.jwt")).status).toBe(403);
  });

  it("follows a key rotation: a token with a new key fetches the keys again (not more often than the cooldown)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const team = newTeam();
    const old = await signingKey("2026-10");
    const rotated = await signingKey("2026-11");
    let served = [old.jwk];
    const fetches = serveKeys(team, () => served);
    expect((await get(team, await accessToken(old, { iss: team }))).status).toBe(200);
    expect(fetches()).toBe(1);

    // Access publishes the new key; a token signed with it arrives within the cooldown: the
    // cached keys do not know it and the endpoint is not hammered.
    served = [rotated.jwk, old.jwk];
    expect((await get(team, await accessToken(rotated, { iss: team }))).status).toBe(403);
    expect(fetches()).toBe(1);

    // After the cooldown the unknown key makes the set load again, and both keys verify.
    vi.setSystemTime(Date.now() + JWKS_OPTIONS.cooldownDuration! + 1_000);
    expect((await get(team, await accessToken(rotated, { iss: team }))).status).toBe(200);
    expect(fetches()).toBe(2);
    expect((await get(team, await accessToken(old, { iss: team }))).status).toBe(200);

    // The old key is withdrawn; once the cache is stale its tokens no longer get in.
    served = [rotated.jwk];
    vi.setSystemTime(Date.now() + JWKS_OPTIONS.cacheMaxAge! + 1_000);
    expect((await get(team, await accessToken(old, { iss: team }))).status).toBe(403);
    expect((await get(team, await accessToken(rotated, { iss: team }))).status).toBe(200);
  });

  it("with Access configured there is no password sign-in", async () => {
    const team = newTeam();
    const res = await admin.request("/login", { method: "POST", body: new URLSearchParams({ name: "x", password: "test-admin-password" }) }, { ...env, ACCESS_TEAM_DOMAIN: team, ACCESS_AUD: AUD });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("qrv_admin="))).toBe(false);
  });
});

describe("without Access", () => {
  it("is closed when no real password is set", async () => {
    const placeholder = await admin.request("/", {}, { ...env, ADMIN_PASSWORD: "change-me-locally" });
    expect(placeholder.status).toBe(503);
    const empty = await admin.request("/login", {}, { ...env, ADMIN_PASSWORD: "" });
    expect(empty.status).toBe(503);
  });

  it("is closed with live providers: production is served behind Access only", async () => {
    const res = await admin.request("/", {}, { ...env, PROVIDERS: "live" });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("ACCESS_TEAM_DOMAIN");
  });
});
