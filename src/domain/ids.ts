// Identifiers. Reservation ids are short enough to read over the phone; everything else
// is time-ordered and random. Tokens come from the platform CSPRNG.

// No 0/O, 1/I/L: a person reads these aloud to support.
const READABLE = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

function randomChars(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const out: string[] = [];
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < limit && out.length < length) out.push(alphabet[b % alphabet.length]!);
    }
  }
  return out.join("");
}

export const RESERVATION_ID_PATTERN = /^QRV-[A-HJ-NP-Z2-9]{6}$/;

export function newReservationId(): string {
  return `QRV-${randomChars(READABLE, 6)}`;
}

/** Time-ordered id: `prefix_` + 10 chars of milliseconds + 12 random chars. */
export function newId(prefix: string, now = Date.now()): string {
  let t = now;
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = BASE32[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${randomChars(BASE32, 12)}`;
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** 256 bits from the CSPRNG, URL-safe. */
export function newSecretToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Lodging order numbers: QRL- and 8 readable characters, quoted by members at the front desk. */
export const LODGING_ORDER_ID_PATTERN = /^QRL-[A-HJ-NP-Z2-9]{8}$/;

export function newLodgingOrderId(): string {
  return `QRL-${randomChars(READABLE, 8)}`;
}

/** The order number an idempotency key stands for: the same key (for the same member) is the same order. */
export async function lodgingOrderIdFor(seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`lodging-order:${seed}`)));
  return `QRL-${[...digest.slice(0, 8)].map((b) => READABLE[b % READABLE.length]).join("")}`;
}
