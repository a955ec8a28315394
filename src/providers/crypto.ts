// HMAC helpers for webhook signatures (Stripe, Twilio, Bland) on WebCrypto.

const encoder = new TextEncoder();

async function hmac(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash }, false, ["sign"]);
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
