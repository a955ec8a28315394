// How QRV works, in two sentences (seed 000 §3.1.3: the AI explains the flow the first time
// a person uses QRV). The MCP server's instructions and its first answer quote these, and the
// quick-start guide opens with them.
import { policy } from "../domain/policy.ts";

const minutes = policy.paymentWindowMs / 60_000;
const hours = policy.cancelDeadlineMs / 3_600_000;

export const FLOW_IN_TWO_SENTENCES = {
  ja: `QRVは、ご依頼の内容で提携店に自動音声で順番に電話し、予約が取れたらSMSで決済リンクをお送りします（${minutes}分以内のお支払いで確定）。受付・確定・前日のリマインダーもSMSで届き、キャンセルはSMSのリンクから${hours}時間前まで無料（全額返金）です。`,
  en: `QRV phones partner shops one after another with an automated voice agent and, when one accepts, texts you a payment link (pay within ${minutes} minutes to confirm). You get texts when the request is received, when it is confirmed and the evening before, and you can cancel free of charge (full refund) from the link until ${hours} hours before the start.`,
} as const;
