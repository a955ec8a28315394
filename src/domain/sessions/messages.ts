// What QRV sends a coach about their sessions (Japanese with English). What QRV sends a
// client comes from the coach's approved templates (templates.ts), never from here.
import { EXCEPTION_LABELS, type ExceptionKind } from "./policy.ts";

export const sessionSms = {
  /** To the coach: an exception outside their policy waits for their decision (コーチへ判断依頼). */
  coachApproval(coachName: string, clientName: string, kind: ExceptionKind, url: string): string {
    return `【QRV】${coachName}さん、${clientName}さんの「${EXCEPTION_LABELS[kind].ja}」がポリシー外のため、ご判断をお願いします / Your decision is needed: ${EXCEPTION_LABELS[kind].en}\n${url}`;
  },
  /** To the coach: a message to a client (a refund, a complaint) waits for their approval. */
  coachMessageApproval(coachName: string, clientName: string, url: string): string {
    return `【QRV】${coachName}さん、${clientName}さんへのメッセージがあなたの承認待ちです / A message to ${clientName} waits for your approval\n${url}`;
  },
};
