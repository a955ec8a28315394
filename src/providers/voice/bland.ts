// Bland.ai's wire format: the call request QRV sends, the webhook Bland posts when a call
// ends (signed with HMAC-SHA256 of the body, hex, in X-Webhook-Signature), and how a call's
// end maps to a call result. The live adapter (below) and the sandbox both speak exactly this.
import { z } from "zod";
import type { LiveSettings } from "../../config.ts";
import { CALL_ANALYSIS_SCHEMA, CLOSING_AMBIGUOUS, CLOSING_CHANGE, FIRST_SENTENCE, callTask } from "../../domain/call-script.ts";
import { CALL_RESULTS, type CallResult } from "../../domain/reservation/types.ts";
import { hmacHex, timingSafeEqual } from "../crypto.ts";
import { httpError, jsonBody, providerFetch, redact } from "../http.ts";
import { ProviderError, type CallOutcome, type CallRequest, type VoicePort } from "../types.ts";

export const BLAND_API = "https://api.bland.ai";
export const BLAND_SIGNATURE_HEADER = "X-Webhook-Signature";
/** A call to a shop is short; Bland counts max_duration in minutes. */
export const BLAND_MAX_DURATION_MINUTES = 4;

/** `from`: the caller number shops see (one you own in Bland); `voice`: a voice that speaks Japanese. */
export function blandCallBody(req: CallRequest, options: { from?: string; voice?: string } = {}) {
  return {
    phone_number: req.shop.phone,
    ...(options.from ? { from: options.from } : {}),
    ...(options.voice ? { voice: options.voice } : {}),
    task: callTask({ shopName: req.shop.name, ...req.request }),
    first_sentence: FIRST_SENTENCE,
    language: "ja",
    max_duration: BLAND_MAX_DURATION_MINUTES,
    wait_for_greeting: true,
    answered_by_enabled: true,
    voicemail: { action: "hangup" },
    record: false,
    webhook: req.webhookUrl,
    webhook_events: ["call"],
    metadata: { reservation_id: req.reservationId, attempt_id: req.attemptId, job_id: req.jobId, shop_id: req.shop.id },
    summary_prompt: `通話の結果（予約可否、変更の提案があればその内容）を日本語で1〜2文に要約してください。曖昧な回答への締めくくりは「${CLOSING_AMBIGUOUS}」、変更依頼には「${CLOSING_CHANGE}」。`,
    analysis_schema: CALL_ANALYSIS_SCHEMA,
  };
}

export async function blandSignature(secret: string, body: string): Promise<string> {
  return hmacHex("SHA-256", secret, body);
}

/** Verifies the raw body; Bland's own example signs the re-serialized JSON, so that is accepted too. */
export async function verifyBlandSignature(secret: string, rawBody: string, header: string | null | undefined): Promise<boolean> {
  if (!header || !secret) return false;
  const given = header.trim().toLowerCase();
  if (timingSafeEqual(await blandSignature(secret, rawBody), given)) return true;
  try {
    const reserialized = JSON.stringify(JSON.parse(rawBody));
    return reserialized !== rawBody && timingSafeEqual(await blandSignature(secret, reserialized), given);
  } catch {
    return false;
  }
}

export const blandCallSchema = z
  .object({
    call_id: z.string().min(1),
    completed: z.boolean().nullish(),
    status: z.string().nullish(),
    queue_status: z.string().nullish(),
    answered_by: z.string().nullish(),
    error_message: z.string().nullish(),
    summary: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    analysis: z.record(z.string(), z.unknown()).nullish(),
    corrected_transcript: z.unknown().optional(),
  })
  .loose();

export type BlandCall = z.infer<typeof blandCallSchema>;

function isCallResult(v: unknown): v is CallResult {
  return typeof v === "string" && (CALL_RESULTS as readonly string[]).includes(v);
}

/**
 * The call result for a finished call, or null while the call is still going on (or for
 * Bland's second, transcript-only webhook). Order: errors, then who answered, then what
 * the analysis extracted; a human who gave no clear answer is `ambiguous`.
 */
export function outcomeFromBland(call: BlandCall): CallOutcome | null {
  if (call.corrected_transcript !== undefined && call.completed == null) return null;
  const queue = (call.queue_status ?? "").toLowerCase();
  const base = {
    callId: call.call_id,
    ...(typeof call.metadata?.reservation_id === "string" ? { reservationId: call.metadata.reservation_id } : {}),
    ...(typeof call.metadata?.attempt_id === "string" ? { attemptId: call.metadata.attempt_id } : {}),
    ...(call.summary ? { summary: call.summary } : {}),
  };
  if (call.error_message || queue.endsWith("_error")) return { ...base, result: "failed", summary: call.error_message ?? queue };
  const finished = call.completed === true || queue === "complete" || queue === "completed" || (call.status ?? "").toLowerCase() === "completed";
  if (!finished) return null;
  const answeredBy = (call.answered_by ?? "").toLowerCase();
  if (answeredBy === "no-answer" || answeredBy === "voicemail") return { ...base, result: "no_answer" };
  const outcome = call.analysis?.outcome;
  const proposed = call.analysis?.proposed_change;
  const result: CallResult = isCallResult(outcome) && outcome !== "failed" && outcome !== "no_answer" ? outcome : "ambiguous";
  return { ...base, result, ...(result === "change_requested" && typeof proposed === "string" && proposed ? { proposedChange: proposed } : {}) };
}

interface BlandAnswer {
  status?: string;
  call_id?: string;
  message?: string;
  errors?: unknown;
}

function blandDetail(body: BlandAnswer | undefined): string {
  if (!body) return "";
  if (body.message) return body.message;
  return body.errors ? JSON.stringify(body.errors).slice(0, 200) : "";
}

/**
 * Bland.ai: POST /v1/calls to place a call, GET /v1/calls/{id} when a call's webhook never came,
 * POST /v1/calls/{id}/stop to hang up a call the booking no longer needs.
 */
export function blandVoice(s: LiveSettings["bland"]): VoicePort {
  const headers = { Authorization: s.apiKey, Accept: "application/json" };
  return {
    async placeCall(req) {
      const res = await providerFetch("Bland", `${BLAND_API}/v1/calls`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(blandCallBody(req, { ...(s.from ? { from: s.from } : {}), ...(s.voice ? { voice: s.voice } : {}) })),
      });
      const body = (await jsonBody(res)) as BlandAnswer | undefined;
      if (!res.ok) throw httpError("Bland", res, blandDetail(body));
      // An answer with "status": "error" or without a call id is a call that was not queued,
      // whatever the HTTP status said.
      if (body?.status === "error" || !body?.call_id) throw new ProviderError(redact(`Bland: call not queued: ${blandDetail(body) || "no call_id"}`).slice(0, 300), true, "bland_error");
      return { providerCallId: body.call_id };
    },

    async getCall(providerCallId) {
      const res = await providerFetch("Bland", `${BLAND_API}/v1/calls/${encodeURIComponent(providerCallId)}`, { method: "GET", headers });
      const body = await jsonBody(res);
      if (!res.ok) throw httpError("Bland", res, blandDetail(body as BlandAnswer | undefined));
      const call = blandCallSchema.safeParse(body);
      if (!call.success) throw new ProviderError("Bland: the call details are not in the expected shape", true, "bland_shape");
      return outcomeFromBland(call.data);
    },

    async stopCall(providerCallId) {
      const res = await providerFetch("Bland", `${BLAND_API}/v1/calls/${encodeURIComponent(providerCallId)}/stop`, { method: "POST", headers });
      const body = (await jsonBody(res)) as BlandAnswer | undefined;
      // A call that already ended (or never connected) cannot be stopped, and need not be.
      if (res.status === 400 || res.status === 404) return;
      if (!res.ok) throw httpError("Bland", res, blandDetail(body));
    },
  };
}
