// Whether a configuration may face the public, decided in one pure place. It reads only plain
// strings (no Worker types), so deployment scripts import it as the Worker does: a deploy that
// would publish a sandbox is refused by the same rule that keeps a running sandbox local.

/**
 * How a configuration faces the world:
 * - `live`: real providers;
 * - `demo`: sandbox providers, deliberately public (`PUBLIC_DEMO=true`): every page, the console
 *   and /healthz say so;
 * - `local_only`: sandbox providers that must never be public: /sandbox shows sign-in codes
 *   and guest links, so it is served only to requests that reach a loopback host.
 */
export type SandboxExposure = "live" | "demo" | "local_only";

export function sandboxExposure(env: { PROVIDERS?: string; PUBLIC_DEMO?: string }): SandboxExposure {
  if (env.PROVIDERS === "live") return "live";
  return env.PUBLIC_DEMO === "true" ? "demo" : "local_only";
}

/** localhost, 127.0.0.1 and [::1]: the only hosts a sandbox answers on without PUBLIC_DEMO. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h === "127.0.0.1" || h === "[::1]" || h === "::1";
}

export const SANDBOX_NOT_PUBLIC =
  "PROVIDERS is not live and PUBLIC_DEMO is not true: a sandbox answers only on localhost. Set PROVIDERS=live for a deployment, or PUBLIC_DEMO=true for a deliberate public demo.";

/**
 * Whether sandbox pages and providers may serve this request: never for live providers (there
 * is no sandbox), always for a declared demo, and otherwise only on a loopback host.
 */
export function sandboxServes(env: { PROVIDERS?: string; PUBLIC_DEMO?: string }, url: string | URL): boolean {
  const exposure = sandboxExposure(env);
  if (exposure === "live") return false;
  return exposure === "demo" || isLoopbackHost(new URL(url).hostname);
}
