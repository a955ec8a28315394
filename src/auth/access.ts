// Cloudflare Access in front of /admin (production): every request carries the
// Cf-Access-Jwt-Assertion header, a JWT signed by the team's keys. It is checked here against
// the team's JWKS (fetched once, cached per isolate, fetched again when Access rotates its
// keys) and the application's AUD tag.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type RemoteJWKSetOptions } from "jose";

export const ACCESS_JWT_HEADER = "Cf-Access-Jwt-Assertion";

export interface AccessSettings {
  /** https://<team>.cloudflareaccess.com: the issuer of the tokens and the home of the keys. */
  teamDomain: string;
  /** The Access application's Application Audience (AUD) tag. */
  aud: string;
}

/** Access is on when both values are set; without them /admin falls back to the local password. */
export function accessSettings(env: Env): AccessSettings | null {
  const team = (env.ACCESS_TEAM_DOMAIN ?? "").trim().replace(/\/+$/, "");
  const aud = (env.ACCESS_AUD ?? "").trim();
  if (!team || !aud) return null;
  return { teamDomain: team.startsWith("https://") ? team : `https://${team}`, aud };
}

/**
 * How keys are cached: up to 10 minutes, and a token signed with a key the cache does not
 * know (Access rotated its keys) fetches the set again, at most every 30 seconds.
 */
export const JWKS_OPTIONS: RemoteJWKSetOptions = { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 };

const keySets = new Map<string, JWTVerifyGetKey>();

/** The team's signing keys, shared by every request this isolate serves. */
export function accessKeys(teamDomain: string): JWTVerifyGetKey {
  let keys = keySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`${teamDomain}/cdn-cgi/access/certs`), JWKS_OPTIONS);
    keySets.set(teamDomain, keys);
  }
  return keys;
}

export class AccessDenied extends Error {
  override name = "AccessDenied";
}

export interface AccessIdentity {
  /** The person's email, or a service token's client id. */
  operator: string;
  sub: string;
}

/** Verifies an Access token: signature by a current team key, issuer, audience, expiry. */
export async function verifyAccessJwt(token: string, settings: AccessSettings, keys: JWTVerifyGetKey = accessKeys(settings.teamDomain)): Promise<AccessIdentity> {
  try {
    const { payload } = await jwtVerify(token, keys, { issuer: settings.teamDomain, audience: settings.aud, algorithms: ["RS256"], clockTolerance: 30 });
    const operator = typeof payload.email === "string" && payload.email ? payload.email : typeof payload.common_name === "string" ? payload.common_name : payload.sub;
    if (!operator) throw new AccessDenied("the token names nobody");
    return { operator, sub: payload.sub ?? operator };
  } catch (err) {
    if (err instanceof AccessDenied) throw err;
    if (err instanceof errors.JOSEError) throw new AccessDenied(`${err.code}: ${err.message}`);
    throw err;
  }
}
