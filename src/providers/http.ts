// Outbound HTTP for the live adapters, with one failure policy for every provider: a network
// error, a timeout, 429 and 5xx are transient (the queue retries the job with backoff); any
// other 4xx is permanent (the job fails at once and the reservation is told).
import { ProviderError } from "./types.ts";

/** Long enough for a slow provider, short enough to leave the queue consumer time to retry. */
export const PROVIDER_TIMEOUT_MS = 15_000;

/** Phone numbers and email addresses never reach logs or stored errors. */
export function redact(text: string): string {
  return text
    .replace(/(?<![\w+])\+?\d[\d -]{5,}\d(?!\w)/g, (m) => (m.replace(/\D/g, "").length >= 7 ? `${m.slice(0, 3)}***${m.slice(-2)}` : m))
    .replace(/[^\s@"'<>]+@[^\s@"'<>]+\.[A-Za-z]{2,}/g, (m) => `${m[0]}***${m.slice(m.indexOf("@"))}`);
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Seconds from a Retry-After header (seconds or an HTTP date), if there is one. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const n = Number(header);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The ProviderError for an HTTP answer that was not a success. */
export function httpError(provider: string, res: Response, detail: string, code?: string): ProviderError {
  const message = redact(`${provider} ${res.status}${code ? ` (${code})` : ""}: ${detail || res.statusText}`).slice(0, 400);
  return new ProviderError(message, !isTransientStatus(res.status), code ?? String(res.status), retryAfterSeconds(res.headers.get("Retry-After")));
}

/** fetch, with network failures and timeouts turned into transient ProviderErrors. */
export async function providerFetch(provider: string, url: string, init: RequestInit, timeoutMs = PROVIDER_TIMEOUT_MS): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const what = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError") ? "timed out" : "network error";
    throw new ProviderError(`${provider}: ${what}${err instanceof Error ? ` (${redact(err.message).slice(0, 200)})` : ""}`, false, "network");
  }
}

/** Reads a JSON body, or undefined when the provider answered with something else. */
export async function jsonBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return `Basic ${btoa(s)}`;
}
