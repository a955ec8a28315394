// Proving a phone number: a six-digit code sent by SMS. A code lives 10 minutes and allows 5
// tries; codes are limited per number and per client address, and go only to the numbers the
// operator allows (Japanese mobiles by default), so the page cannot be used to pump SMS.
import { and, count, eq, gt, sql } from "drizzle-orm";
import { config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { loginCodes, users } from "../db/schema.ts";
import { newId, sha256Hex } from "../domain/ids.ts";
import { normalizePhone, textable } from "../domain/phone.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { providersFor } from "../providers/index.ts";
import { timingSafeEqual } from "../providers/crypto.ts";

const MINUTE = 60_000;

export const signInPolicy = {
  codeTtlMs: 10 * MINUTE,
  maxTries: 5,
  /**
   * Codes per phone number asked from one client address: a few in a short window, a bounded
   * number per day. Counted per address, so a stranger elsewhere spends only their own quota
   * for the number, never its owner's.
   */
  perPhone: [
    { windowMs: 10 * MINUTE, max: 3 },
    { windowMs: 24 * 60 * MINUTE, max: 10 },
  ],
  /**
   * Codes per phone number from every address together, which bounds the texts strangers can
   * send to one number. A browser that has proved this number before is not held by it.
   */
  perPhoneTotal: [{ windowMs: 24 * 60 * MINUTE, max: 20 }],
  /** Codes per client address (CF-Connecting-IP). */
  perAddress: [{ windowMs: 60 * MINUTE, max: 10 }],
} as const;

export type StartResult =
  | { ok: true; loginId: string; phone: string }
  | { ok: false; reason: "invalid" | "not_allowed" | "rate_limited" | "send_failed"; message: { ja: string; en: string } };

export type VerifyResult =
  | { ok: true; phone: string }
  | { ok: false; reason: "wrong" | "expired" | "too_many" | "unknown"; triesLeft: number; message: { ja: string; en: string } };

function sixDigits(): string {
  // Rejection sampling over 32-bit values keeps every code equally likely.
  const limit = 4_294_000_000;
  for (;;) {
    const [n] = crypto.getRandomValues(new Uint32Array(1));
    if (n! < limit) return String(n! % 1_000_000).padStart(6, "0");
  }
}

async function codeHash(loginId: string, code: string): Promise<string> {
  return sha256Hex(`${loginId}:${code}`);
}

async function sentSince(db: Db, where: { phone?: string; clientAddress?: string }, since: number): Promise<number> {
  const conditions = [gt(loginCodes.createdAt, since), ...(where.phone ? [eq(loginCodes.phone, where.phone)] : []), ...(where.clientAddress ? [eq(loginCodes.clientAddress, where.clientAddress)] : [])];
  const [row] = await db.select({ n: count() }).from(loginCodes).where(and(...conditions));
  return row?.n ?? 0;
}

export function signInSms(code: string, lang: Lang): string {
  return lang === "ja"
    ? `【QRV】サインイン確認コード: ${code}（10分間有効）。このコードは誰にも教えないでください。`
    : `[QRV] Your sign-in code: ${code} (valid for 10 minutes). Never share this code.`;
}

/**
 * `provedBefore` says whether this browser has signed in with the number before (a signed
 * cookie, see routes/authorize.tsx): such a browser is not held by the all-addresses limit.
 */
export async function startSignIn(env: Env, db: Db, input: { phone: string; clientAddress: string; lang: Lang; provedBefore?: (phone: string) => Promise<boolean> }, now = Date.now()): Promise<StartResult> {
  const parsed = normalizePhone(input.phone);
  if (!parsed.ok) return { ok: false, reason: "invalid", message: { ja: "電話番号を確認してください（例: 090-1234-5678）。", en: "Please check the phone number (e.g. 090-1234-5678)." } };
  const phone = parsed.e164;
  if (!textable(phone, config(env).smsPrefixes)) {
    return { ok: false, reason: "not_allowed", message: { ja: "この電話番号にはコードを送れません。日本の携帯電話番号（070・080・090）をお使いください。", en: "Codes can only be sent to Japanese mobile numbers (070, 080, 090)." } };
  }
  const tooMany = { ok: false, reason: "rate_limited", message: { ja: "コードの送信回数が多すぎます。しばらくしてからお試しください。", en: "Too many codes were sent to this number. Please try again later." } } as const;
  for (const limit of signInPolicy.perPhone) {
    if ((await sentSince(db, { phone, clientAddress: input.clientAddress }, now - limit.windowMs)) >= limit.max) return tooMany;
  }
  for (const limit of signInPolicy.perPhoneTotal) {
    if ((await sentSince(db, { phone }, now - limit.windowMs)) >= limit.max && !(await input.provedBefore?.(phone))) return tooMany;
  }
  for (const limit of signInPolicy.perAddress) {
    if ((await sentSince(db, { clientAddress: input.clientAddress }, now - limit.windowMs)) >= limit.max) {
      return { ok: false, reason: "rate_limited", message: { ja: "コードの送信回数が多すぎます。しばらくしてからお試しください。", en: "Too many codes were requested. Please try again later." } };
    }
  }
  const loginId = newId("lgn", now);
  const code = sixDigits();
  await db.insert(loginCodes).values({ id: loginId, phone, codeHash: await codeHash(loginId, code), clientAddress: input.clientAddress, createdAt: now, expiresAt: now + signInPolicy.codeTtlMs });
  const cfg = config(env);
  try {
    // Sent at once (not through the outbox): the person is waiting on the page and must
    // hear right away if the number cannot receive SMS.
    await providersFor(env, db, cfg).sms.send({ to: phone, body: signInSms(code, input.lang), jobId: loginId, reservationId: loginId, statusCallback: `${cfg.publicUrl}/webhooks/twilio/sms?login=${loginId}` });
  } catch (err) {
    console.error(JSON.stringify({ msg: "sign-in code not sent", login: loginId, error: err instanceof Error ? err.message : String(err) }));
    await db.update(loginCodes).set({ usedAt: now }).where(eq(loginCodes.id, loginId));
    return { ok: false, reason: "send_failed", message: { ja: "SMSを送れませんでした。番号を確認して、もう一度お試しください。", en: "We could not send an SMS to this number. Please check it and try again." } };
  }
  return { ok: true, loginId, phone };
}

export async function verifySignIn(db: Db, loginId: string, code: string, now = Date.now()): Promise<VerifyResult> {
  // One try is counted before the code is compared, atomically, so parallel guesses cannot
  // exceed the limit.
  const [row] = await db
    .update(loginCodes)
    .set({ attempts: sql`${loginCodes.attempts} + 1` })
    .where(and(eq(loginCodes.id, loginId), sql`${loginCodes.usedAt} IS NULL`, gt(loginCodes.expiresAt, now), sql`${loginCodes.attempts} < ${signInPolicy.maxTries}`))
    .returning();
  if (!row) {
    const existing = await db.query.loginCodes.findFirst({ where: eq(loginCodes.id, loginId) });
    if (!existing) return { ok: false, reason: "unknown", triesLeft: 0, message: { ja: "もう一度、電話番号からやり直してください。", en: "Please start again with your phone number." } };
    if (existing.attempts >= signInPolicy.maxTries) return { ok: false, reason: "too_many", triesLeft: 0, message: { ja: "入力回数の上限に達しました。新しいコードを送ってください。", en: "Too many tries. Please request a new code." } };
    return { ok: false, reason: "expired", triesLeft: 0, message: { ja: "コードの有効期限が切れたか、使用済みです。新しいコードを送ってください。", en: "This code has expired or was already used. Please request a new one." } };
  }
  const digits = code.normalize("NFKC").replace(/\D/g, "");
  if (!timingSafeEqual(await codeHash(loginId, digits), row.codeHash)) {
    const triesLeft = signInPolicy.maxTries - row.attempts;
    return triesLeft > 0
      ? { ok: false, reason: "wrong", triesLeft, message: { ja: `コードが違います（あと${triesLeft}回）。`, en: `That code is not right (${triesLeft} tries left).` } }
      : { ok: false, reason: "too_many", triesLeft: 0, message: { ja: "入力回数の上限に達しました。新しいコードを送ってください。", en: "Too many tries. Please request a new code." } };
  }
  // A code works once.
  const used = await db.update(loginCodes).set({ usedAt: now }).where(and(eq(loginCodes.id, loginId), sql`${loginCodes.usedAt} IS NULL`)).returning({ id: loginCodes.id });
  if (!used.length) return { ok: false, reason: "expired", triesLeft: 0, message: { ja: "このコードは使用済みです。", en: "This code was already used." } };
  return { ok: true, phone: row.phone };
}

/**
 * The person behind a verified number, created on first sign-in; name and email once given.
 * The one place users are made. The id is random: it begins every OAuth code and token, so it
 * must say nothing about the number (a hash of a phone number is reversed in minutes).
 */
export async function upsertUser(db: Db, phone: string, details: { name?: string; email?: string } = {}, now = Date.now()) {
  const id = newId("usr", now);
  const name = details.name?.trim() || null;
  const email = details.email?.trim() || null;
  await db
    .insert(users)
    .values({ id, phone, name, email, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: users.phone,
      set: { ...(name ? { name } : {}), ...(email ? { email } : {}), updatedAt: now },
    });
  return (await db.query.users.findFirst({ where: eq(users.phone, phone) }))!;
}
