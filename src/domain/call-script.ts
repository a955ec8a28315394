// What the AI voice agent says when it phones a partner shop, in Japanese. The closings for
// an unclear answer and for a change request are the seed's words (seed 000 §2.2.4, §2.2.5).
import { formatDateTime } from "./time.ts";

export const CLOSING_AMBIGUOUS = "では、お電話を切らせていただきます。ご連絡お待ちしております";
export const CLOSING_CHANGE = "承知しました。確認して折り返しご連絡いたします";

export const FIRST_SENTENCE =
  "お忙しいところ失礼いたします。こちらはQualfia（クオルフィア）の予約代行サービスの自動音声アシスタントです。ご予約のお願いでお電話いたしました。";

export interface CallScriptInput {
  shopName: string;
  service: string;
  startAt: number;
  partySize: number;
  requesterName: string;
  notes?: string;
}

export function callTask(input: CallScriptInput): string {
  return [
    `あなたはQualfia（クオルフィア）の予約代行サービスの自動音声アシスタントです。${input.shopName}に電話をかけ、次の予約ができるか確認してください。`,
    "",
    "予約内容:",
    `- サービス: ${input.service}`,
    `- 日時: ${formatDateTime(input.startAt, "ja")}`,
    `- 人数: ${input.partySize}名`,
    `- 予約者名: ${input.requesterName} 様`,
    ...(input.notes ? [`- ご要望: ${input.notes}`] : []),
    "",
    "進め方:",
    "1. 自動音声であること、Qualfiaの予約代行であることを最初に伝えてください。",
    "2. 上記の日時と人数で予約できるかを丁寧に尋ねてください。",
    "3. 予約できる場合は予約者名を伝え、「ありがとうございます。お支払いの確認後、メールで確定のご連絡をいたします」とお礼を言って終えてください。",
    "4. 断られた場合は、お礼を言って終えてください。",
    `5. 「検討します」「後で連絡します」など、はっきりしない回答の場合は「${CLOSING_AMBIGUOUS}」と言って終えてください。`,
    `6. 時間をずらす、人数やメニューを変えるなどの変更を提案された場合は、変更内容を正確に聞き取り、「${CLOSING_CHANGE}」と言って終えてください。その場で承諾はしないでください。`,
    "7. 依頼者の電話番号やメールアドレス、支払い情報は伝えないでください。分からない質問には「確認して折り返します」と答えてください。",
    "8. 丁寧な敬語で、簡潔に話してください。",
  ].join("\n");
}

/** The fields the provider extracts from the conversation after the call. */
export const CALL_ANALYSIS_SCHEMA = {
  outcome:
    "accepted | declined | ambiguous | change_requested のいずれか1語。accepted=予約を受けた, declined=断られた, ambiguous=検討する・後で連絡など確定しない, change_requested=時間や内容の変更を提案された",
  proposed_change: "変更を提案された場合、その内容（例: 15:30からなら可能）。なければ空文字",
} as const;
