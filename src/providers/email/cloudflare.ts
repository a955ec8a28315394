// Live email through Cloudflare Email Service: the `send_email` binding (EMAIL in
// wrangler.toml) with a structured message. The binding has no idempotency key; the outbox
// claim makes each email job run once, and only a failure the binding reports is retried.
import type { LiveSettings } from "../../config.ts";
import { redact } from "../http.ts";
import { ProviderError, type EmailPort } from "../types.ts";

/**
 * Codes the binding throws (Error.code) that sending the same message again cannot fix: the
 * message, the sender's domain or the recipient is wrong, or the recipient is suppressed.
 * Limits and internal errors are retried; so is an error without a code.
 */
export const PERMANENT_EMAIL_ERRORS: ReadonlySet<string> = new Set([
  "E_VALIDATION_ERROR",
  "E_FIELD_MISSING",
  "E_TOO_MANY_RECIPIENTS",
  "E_TOO_MANY_ATTACHMENTS",
  "E_CONTENT_TOO_LARGE",
  "E_SENDER_NOT_VERIFIED",
  "E_SENDER_DOMAIN_NOT_AVAILABLE",
  "E_RECIPIENT_NOT_ALLOWED",
  "E_RECIPIENT_SUPPRESSED",
  "E_HEADER_NOT_ALLOWED",
  "E_HEADER_USE_API_FIELD",
  "E_HEADER_VALUE_INVALID",
  "E_HEADER_VALUE_TOO_LONG",
  "E_HEADER_NAME_INVALID",
  "E_HEADERS_TOO_LARGE",
  "E_HEADERS_TOO_MANY",
]);

export function emailFailure(err: unknown): ProviderError {
  const code = typeof (err as { code?: unknown })?.code === "string" ? (err as { code: string }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(`Email Service${code ? ` (${code})` : ""}: ${redact(message).slice(0, 300)}`, code !== undefined && PERMANENT_EMAIL_ERRORS.has(code), code ?? "email");
}

export function cloudflareEmail(s: LiveSettings["email"]): EmailPort {
  return {
    async send(msg) {
      try {
        const sent = await s.binding.send({
          from: { name: s.fromName, email: s.from },
          to: msg.to,
          replyTo: s.replyTo,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          ...(msg.attachments?.length ? { attachments: msg.attachments.map((a) => ({ disposition: "attachment" as const, filename: a.filename, type: a.type, content: a.content })) } : {}),
        });
        return { providerRef: sent.messageId };
      } catch (err) {
        throw emailFailure(err);
      }
    },
  };
}
