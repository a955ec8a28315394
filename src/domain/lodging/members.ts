// Members of the lodging (seed 004 §3(2)1): who they are, checked at the edge. The ID
// document number (身分証番号) is sensitive: QRV keeps only what the front desk needs to match
// a presented document (a keyed hash of the normalised number and its last four characters),
// shows it masked, and never logs it. See docs/architecture.md, "Members and the ID document".
import { nameProblem } from "../text.ts";
import { isDate } from "./dates.ts";

/** What a deleted member's records show instead of their name (their orders and ledger stay). */
export const DELETED_MEMBER_NAME = "退会済み会員";

export interface MemberInput {
  name: string;
  idNumber: string;
  /** E.164, normalised by the caller through src/domain/phone.ts. */
  phone: string;
  email: string;
  birthDate: string;
}

export type MemberCheck = { ok: true; value: MemberInput } | { ok: false; errors: { field: keyof MemberInput; message: { ja: string; en: string } }[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Document numbers are compared after NFKC, upper case, and without spaces and hyphens. */
export function normalizeIdNumber(raw: string): string {
  return raw.normalize("NFKC").toUpperCase().replace(/[\s\-‐－―ー]/g, "");
}

/** What a page or a log may show of a document number: its last four characters only. */
export function maskIdNumber(last4: string): string {
  return `••••${last4}`;
}

export function idNumberLast4(normalized: string): string {
  return normalized.slice(-4);
}

/**
 * `idNumberOptional`: editing a member at the desk, where an empty ID number keeps the one on
 * record (the value comes back empty) and a new one replaces it.
 */
export function validateMember(input: { name: string; idNumber: string; phone: string; email: string; birthDate: string }, today: string, opts: { idNumberOptional?: boolean } = {}): MemberCheck {
  const errors: Extract<MemberCheck, { ok: false }>["errors"] = [];
  const name = input.name.normalize("NFKC").trim().replace(/\s+/g, " ");
  // A name that hides characters (controls, bidi overrides, zero-width) is refused, as everywhere in QRV.
  if (!name || name.length > 100 || nameProblem(input.name)) errors.push({ field: "name", message: { ja: "お名前を入力してください（100文字まで）。", en: "Please enter your name (up to 100 characters)." } });
  const id = normalizeIdNumber(input.idNumber);
  if (!(opts.idNumberOptional && id === "") && !/^[0-9A-Z]{6,20}$/.test(id)) errors.push({ field: "idNumber", message: { ja: "身分証番号は英数字6〜20文字で入力してください。", en: "The ID document number is 6 to 20 letters or digits." } });
  const email = input.email.trim();
  if (!EMAIL.test(email) || email.length > 254) errors.push({ field: "email", message: { ja: "メールアドレスを確認してください。", en: "Please check the email address." } });
  const birth = input.birthDate.trim();
  if (!isDate(birth) || birth > today || birth < "1900-01-01") errors.push({ field: "birthDate", message: { ja: "生年月日を確認してください（例: 1990-04-01）。", en: "Please check the date of birth (e.g. 1990-04-01)." } });
  if (!input.phone) errors.push({ field: "phone", message: { ja: "携帯電話番号を確認してください。", en: "Please check the mobile number." } });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { name, idNumber: id, phone: input.phone, email, birthDate: birth } };
}
