// Inquiries from requesters (seed 003): classified as a question (how do I...), a bug (it did
// not work as it should) or a request (please make it do...), recorded for operators.
// Questions feed the FAQ; requests keep the person's contact so they can be told when it ships.
import { RESERVATION_ID_PATTERN } from "./ids.ts";
import { normalizePhone } from "./phone.ts";
import type { Lang } from "./reservation/types.ts";
import { nameProblem } from "./text.ts";

export const INQUIRY_CATEGORIES = ["question", "bug", "request"] as const;
export type InquiryCategory = (typeof INQUIRY_CATEGORIES)[number];

/** new → in_progress → closed (operators move them along in the console). */
export const INQUIRY_STATUSES = ["new", "in_progress", "closed"] as const;
export type InquiryStatus = (typeof INQUIRY_STATUSES)[number];

export const INQUIRY_LIMITS = { name: 100, contact: 254, message: 4000 } as const;

/** How many inquiries one sender may post in a window: enough for a person, too few for a flood. */
export const INQUIRY_RATE = { max: 5, windowMs: 60 * 60_000 } as const;

export type InquiryField = "category" | "name" | "contact" | "reservation_id" | "message";
export type InquiryError = "required" | "too_long" | "invalid";

export interface InquiryInput {
  category: InquiryCategory;
  name: string;
  /** An email address as given, or a phone number in E.164. */
  contact: string;
  /** A reservation id the person typed (not proof that it is theirs). */
  reservationId?: string;
  message: string;
}

export type InquiryValidation = { ok: true; value: InquiryInput } | { ok: false; errors: Partial<Record<InquiryField, InquiryError>> };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(value: unknown): string {
  return typeof value === "string" ? value.normalize("NFKC").trim() : "";
}

/** Checks a submitted form. Every problem is reported per field, so the form can say what to fix. */
export function validateInquiry(form: Record<string, unknown>): InquiryValidation {
  const errors: Partial<Record<InquiryField, InquiryError>> = {};
  const category = text(form.category);
  if (!category) errors.category = "required";
  else if (!(INQUIRY_CATEGORIES as readonly string[]).includes(category)) errors.category = "invalid";

  const name = text(form.name);
  if (!name) errors.name = "required";
  else if (name.length > INQUIRY_LIMITS.name) errors.name = "too_long";
  // Right-to-left overrides and zero-width characters would make the name read differently in the console.
  else if (nameProblem(name)) errors.name = "invalid";

  let contact = text(form.contact);
  if (!contact) errors.contact = "required";
  else if (contact.length > INQUIRY_LIMITS.contact) errors.contact = "too_long";
  else if (contact.includes("@")) {
    if (!EMAIL.test(contact)) errors.contact = "invalid";
  } else {
    const phone = normalizePhone(contact);
    if (phone.ok) contact = phone.e164;
    else errors.contact = "invalid";
  }

  const reservationId = text(form.reservation_id).toUpperCase();
  if (reservationId && !RESERVATION_ID_PATTERN.test(reservationId)) errors.reservation_id = "invalid";

  // Line breaks are kept as the person wrote them (seed 003: pass the words on unedited).
  const message = typeof form.message === "string" ? form.message.replace(/\r\n/g, "\n").trim() : "";
  if (!message) errors.message = "required";
  else if (message.length > INQUIRY_LIMITS.message) errors.message = "too_long";

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { category: category as InquiryCategory, name, contact, ...(reservationId ? { reservationId } : {}), message } };
}

export function categoryLabel(category: InquiryCategory, lang: Lang): string {
  const labels: Record<InquiryCategory, Record<Lang, string>> = {
    question: { ja: "質問", en: "Question" },
    bug: { ja: "不具合", en: "Something is not working" },
    request: { ja: "要望", en: "Suggestion" },
  };
  return labels[category][lang];
}

/** Sections of /faq; an entry promoted from an inquiry joins one of them (seed 003). */
export const FAQ_SECTIONS = ["booking", "sms", "payment", "cancellation", "other"] as const;
export type FaqSection = (typeof FAQ_SECTIONS)[number];
export const FAQ_SECTION_LABELS: Record<FaqSection, Record<Lang, string>> = {
  booking: { ja: "予約の流れ", en: "How booking works" },
  sms: { ja: "SMSについて", en: "SMS" },
  payment: { ja: "お支払いについて", en: "Payment" },
  cancellation: { ja: "キャンセルについて", en: "Cancellation" },
  other: { ja: "その他", en: "Other questions" },
};
