// Sandbox voice provider: Bland-shaped calls that a scripted shop (the shop's
// `sandbox_answer`) or a person on /sandbox answers, reported through a signed webhook.
import { and, eq } from "drizzle-orm";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import { sandboxCalls, shops } from "../../db/schema.ts";
import { CLOSING_AMBIGUOUS, CLOSING_CHANGE, FIRST_SENTENCE } from "../../domain/call-script.ts";
import { formatDateTime } from "../../domain/time.ts";
import { blandCallBody, outcomeFromBland, type BlandCall } from "../voice/bland.ts";
import type { VoicePort } from "../types.ts";
import { recordSent, recordStatement } from "./records.ts";
import { scheduleWebhook } from "./webhooks.ts";

export const SANDBOX_ANSWERS = ["accepted", "declined", "no_answer", "ambiguous", "change_requested", "manual"] as const;
export type SandboxAnswer = (typeof SANDBOX_ANSWERS)[number];
export type ScriptedAnswer = Exclude<SandboxAnswer, "manual">;

type CallBody = ReturnType<typeof blandCallBody>;

function script(answer: ScriptedAnswer, startAt: number, proposedChange?: string): { summary: string; transcript: string[]; change?: string } {
  const when = formatDateTime(startAt, "ja");
  switch (answer) {
    case "accepted":
      return { summary: `店舗は${when}の予約を受け付けた。`, transcript: [`assistant: ${FIRST_SENTENCE}`, `user: はい、${when}ですね。お受けできます。`, "assistant: ありがとうございます。お支払いの確認後、メールで確定のご連絡をいたします。"] };
    case "declined":
      return { summary: "店舗はその時間は満席のため予約を断った。", transcript: [`assistant: ${FIRST_SENTENCE}`, "user: 申し訳ありません、その時間は埋まっております。", "assistant: 承知いたしました。ありがとうございました。"] };
    case "ambiguous":
      return { summary: "店舗は「確認して後で連絡する」と回答し、確定しなかった。", transcript: [`assistant: ${FIRST_SENTENCE}`, "user: ちょっと確認して、後でご連絡しますね。", `assistant: ${CLOSING_AMBIGUOUS}`] };
    case "change_requested": {
      const change = proposedChange ?? "30分遅い時間なら可能";
      return { summary: `店舗は変更を提案した: ${change}`, transcript: [`assistant: ${FIRST_SENTENCE}`, `user: その時間は難しいですが、${change}です。`, `assistant: ${CLOSING_CHANGE}`], change };
    }
    case "no_answer":
      return { summary: "", transcript: [] };
  }
}

/** The post-call webhook Bland would send for this answer. */
export function sandboxCallPayload(callId: string, body: CallBody, startAt: number, answer: ScriptedAnswer, proposedChange?: string): BlandCall {
  const s = script(answer, startAt, proposedChange);
  const now = new Date().toISOString();
  const human = answer !== "no_answer";
  return {
    call_id: callId,
    c_id: callId,
    to: body.phone_number,
    from: "+815000000000",
    inbound: false,
    completed: true,
    status: "completed",
    queue_status: "complete",
    answered_by: human ? "human" : "no-answer",
    call_length: human ? 1.2 : 0,
    call_ended_by: "ASSISTANT",
    error_message: null,
    summary: s.summary || null,
    concatenated_transcript: s.transcript.join("\n"),
    metadata: body.metadata,
    variables: { call_id: callId },
    analysis: human ? { outcome: answer, proposed_change: s.change ?? "" } : null,
    started_at: now,
    end_at: now,
    created_at: now,
  };
}

export function sandboxVoice(env: Env, db: Db, cfg: Config): VoicePort {
  return {
    async placeCall(req) {
      const shop = await db.query.shops.findFirst({ where: eq(shops.id, req.shop.id), columns: { sandboxAnswer: true } });
      const answer = (SANDBOX_ANSWERS as readonly string[]).includes(shop?.sandboxAnswer ?? "") ? (shop!.sandboxAnswer as SandboxAnswer) : "accepted";
      const body = blandCallBody(req);
      const callId = crypto.randomUUID();
      const call = db.insert(sandboxCalls).values({
        id: callId,
        reservationId: req.reservationId,
        shopId: req.shop.id,
        shopName: req.shop.name,
        phone: req.shop.phone,
        status: answer === "manual" ? "queued" : "completed",
        answer: answer === "manual" ? null : answer,
        request: JSON.stringify({ ...body, start_at: req.request.startAt }),
        createdAt: Date.now(),
        completedAt: answer === "manual" ? null : Date.now(),
      });
      const { sql, params } = call.toSQL();
      await db.$client.batch([
        db.$client.prepare(sql).bind(...params),
        recordStatement(db, { channel: "call", reservationId: req.reservationId, to: req.shop.phone, subject: req.shop.name, body: body.task, providerRef: callId, data: { first_sentence: body.first_sentence, answer } }),
      ]);
      if (answer !== "manual") {
        const payload = sandboxCallPayload(callId, body, req.request.startAt, answer);
        await scheduleWebhook(env, "bland", "/webhooks/bland", JSON.stringify(payload), cfg.sandboxCallDelaySeconds);
      }
      return { providerCallId: callId };
    },

    async getCall(providerCallId) {
      const call = await db.query.sandboxCalls.findFirst({ where: eq(sandboxCalls.id, providerCallId) });
      if (!call || call.status !== "completed" || !call.answer) return null;
      const request = JSON.parse(call.request) as CallBody & { start_at: number };
      return outcomeFromBland(sandboxCallPayload(call.id, request, request.start_at, call.answer as ScriptedAnswer));
    },

    async stopCall(providerCallId) {
      // A call still ringing (a `manual` shop) ends unanswered; one already answered is left as it is.
      const stopped = await db.update(sandboxCalls).set({ status: "stopped", completedAt: Date.now() }).where(and(eq(sandboxCalls.id, providerCallId), eq(sandboxCalls.status, "queued"))).returning();
      const call = stopped[0] ?? (await db.query.sandboxCalls.findFirst({ where: eq(sandboxCalls.id, providerCallId) }));
      if (call) await recordSent(db, { channel: "call", reservationId: call.reservationId, to: call.phone, subject: `${call.shopName}: hung up`, body: stopped.length ? "call stopped before the shop answered" : "the call had already ended", providerRef: call.id });
    },
  };
}

/** A person answers a `manual` call on /sandbox; the webhook goes out at once. */
export async function answerSandboxCall(env: Env, db: Db, callId: string, answer: ScriptedAnswer, proposedChange?: string): Promise<boolean> {
  const updated = await db
    .update(sandboxCalls)
    .set({ status: "completed", answer, completedAt: Date.now() })
    .where(and(eq(sandboxCalls.id, callId), eq(sandboxCalls.status, "queued")))
    .returning();
  const call = updated[0];
  if (!call) return false;
  const request = JSON.parse(call.request) as CallBody & { start_at: number };
  await scheduleWebhook(env, "bland", "/webhooks/bland", JSON.stringify(sandboxCallPayload(call.id, request, request.start_at, answer, proposedChange)));
  return true;
}
