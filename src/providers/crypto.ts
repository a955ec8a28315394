// HMAC helpers for webhook signatures (Stripe, Twilio, Bland) on WebCrypto.

const encoder = new TextEncoder();

// Imported keys, per isolate: the keys are the deployment's webhook and session secrets (a few),
// imported once instead of on every signature. The key is kept, not the import's promise (a
// promise belongs to the request that made it). Bounded, in case a caller passes many keys.
const imported = new Map<string, CryptoKey>();
const MAX_IMPORTED = 32;

async function importHmacKey(hash: "SHA-1" | "SHA-256", key: string): Promise<CryptoKey> {
  const id = `${hash}:${key}`;
  const cached = imported.get(id);
  if (cached) return cached;
  const k = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash }, false, ["sign"]);
  if (imported.size >= MAX_IMPORTED) imported.clear();
  imported.set(id, k);
  return k;
}

async function hmac(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<Uint8Array> {
  const k = await importHmacKey(hash, key);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, encoder.encode(data)));
}

export async function hmacHex(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<string> {
  return [...(await hmac(hash, key, data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function hmacBase64(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<string> {
  let s = "";
  for (const b of await hmac(hash, key, data)) s += String.fromCharCode(b);
  return btoa(s);
}

/** Constant-time comparison of two strings (length is not secret). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
