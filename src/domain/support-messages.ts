// What QRV sends to a person about their inquiry (seed 000 §7, seed 003): the closing note
// with the one-question satisfaction survey, and "what you asked for has shipped". Sent by
// SMS to a phone number or by email to an address, in the language they wrote in.
import { email } from "./messages.ts";
import type { Effect, Lang } from "./reservation/types.ts";

export function isEmailAddress(contact: string): boolean {
  return contact.includes("@");
}

function message(contact: string, lang: Lang, template: string, subject: string, lines: string[], sms: string): Effect {
  if (!isEmailAddress(contact)) return { kind: "sms.send", to: contact, body: sms, template };
  const e = email(subject, lines, lang);
  return { kind: "email.send", to: contact, recipient: "requester", subject: e.subject, text: e.text, html: e.html, template };
}

/** Sent when an operator closes an inquiry: it is done, and how satisfied were you (1-5)? */
export function inquiryClosedMessage(input: { contact: string; name: string; lang: Lang; surveyUrl: string }): Effect {
  const { contact, name, lang, surveyUrl } = input;
  return lang === "en"
    ? message(
        contact,
        lang,
        "inquiry_closed",
        "Your inquiry is resolved",
        [`Dear ${name},`, "", "Thank you for contacting QRV support. We have finished handling your inquiry.", "", "How satisfied are you with our answer? One question, 1 to 5:", surveyUrl],
        `[QRV] Your inquiry is resolved. How satisfied are you (1-5)? ${surveyUrl}`,
      )
    : message(
        contact,
        lang,
        "inquiry_closed",
        "お問い合わせの対応を完了しました",
        [`${name} 様`, "", "QRVカスタマーサポートにお問い合わせいただき、ありがとうございました。お問い合わせへの対応を完了しました。", "", "対応にどのくらい満足されましたか？ 1〜5の1問だけのアンケートです:", surveyUrl],
        `[QRV] お問い合わせの対応を完了しました。満足度（1〜5）をお聞かせください: ${surveyUrl}`,
      );
}

/** Sent once to each person whose request is part of a feature that shipped. */
export function requestShippedMessage(input: { contact: string; name: string; lang: Lang; title: string; note: string }): Effect {
  const { contact, name, lang, title, note } = input;
  return lang === "en"
    ? message(contact, lang, "request_shipped", "What you asked for is now available", [`Dear ${name},`, "", "Thank you for your suggestion to QRV. It is now available:", "", note || title], `[QRV] Thank you for your suggestion. It is now available: ${note || title}`)
    : message(contact, lang, "request_shipped", "ご要望いただいた機能を公開しました", [`${name} 様`, "", "QRVへのご要望をありがとうございました。いただいたご要望を実現しました。", "", note || title], `[QRV] ご要望ありがとうございました。実現しました: ${note || title}`);
}
