// The console's action forms, read into the operator events the reservation's Durable Object
// applies (src/domain/reservation/types.ts, OperatorEvent). Validation happens here so a bad
// form gets a clear message and nothing is sent.
import { z } from "zod";
import { isManualCase } from "../../domain/cases.ts";
import { normalizePhone } from "../../domain/phone.ts";
import type { OperatorEvent, OperatorEventType } from "../../domain/reservation/types.ts";
import { parseIsoWithOffset } from "../../domain/time.ts";

export const ACTION_LABELS: Record<OperatorEventType, string> = {
  assign_shop: "店舗を手配して決済リンクを送る",
  propose_new_time: "別の日時で電話を再開",
  operator_cancel: "キャンセル",
  operator_note: "対応を記録",
  resend_by_email: "メールで再送",
  correct_phone: "電話番号を訂正して再送",
  reopen_payment: "決済リンクを再発行",
  shop_answer: "店舗の確定回答を記録",
  accept_change: "変更を受け入れる（支払い前は依頼者の承認後に決済リンク）",
  reject_change: "変更をお断りして次の店舗へ",
  refuse_cancellation: "キャンセルをお断りする",
  approve_cancellation: "キャンセルを承認して返金する",
  member_contact_changed: "会員の連絡先の変更を反映",
  forget_requester: "退会した会員の連絡先を消去",
};

const text = (max: number) => z.string().trim().max(max, `${max}文字以内で入力してください`);
const required = (max: number, what: string) => text(max).min(1, `${what}を入力してください`);

/** A datetime-local value ("2026-12-01T15:00"), read as Japan time. */
const jstDateTime = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? parseIsoWithOffset(`${v}+09:00`) : null;
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: "日時を「年-月-日 時:分」で入力してください" });
      return z.NEVER;
    }
    return ms;
  });

const phone = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const p = normalizePhone(v);
    if (!p.ok) {
      ctx.addIssue({ code: "custom", message: `電話番号を確認してください（${p.reason}）` });
      return z.NEVER;
    }
    return p.e164;
  });

const note = text(1000).optional().transform((v) => v || undefined);

const forms = z.discriminatedUnion("action", [
  z.object({ action: z.literal("propose_new_time"), start: jstDateTime, note }),
  z.object({ action: z.literal("operator_cancel"), refund: z.enum(["yes", "no"]).default("no"), reason: required(500, "理由") }),
  z.object({ action: z.literal("operator_note"), note: required(1000, "対応内容"), resolves: z.string().optional() }),
  z.object({ action: z.literal("resend_by_email"), email: z.email("メールアドレスを確認してください").max(254), note }),
  z.object({ action: z.literal("correct_phone"), phone, note }),
  z.object({ action: z.literal("reopen_payment"), confirm: z.literal("yes", { message: "店舗が再度仮押さえに応じることを確認してください" }), note }),
  z.object({ action: z.literal("shop_answer"), answer: z.enum(["accepted", "declined"], { message: "回答を選んでください" }), note }),
  z.object({
    action: z.literal("accept_change"),
    start: jstDateTime,
    party_size: z.coerce.number().int("人数は整数で入力してください").min(1).max(20),
    menu: z.string().trim().max(100, "メニューは100文字以内で入力してください").optional(),
    price_jpy: z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int("金額は整数（円）で入力してください").min(50, "金額は50円以上です").max(1_000_000, "金額は100万円以下です").optional()),
    note,
  }),
  z.object({ action: z.literal("reject_change"), note }),
  z.object({ action: z.literal("refuse_cancellation"), reason: required(500, "理由") }),
  z.object({ action: z.literal("approve_cancellation"), note }),
]);

export type ParsedAction = { ok: true; event: OperatorEvent } | { ok: false; message: string };

/** Reads a posted action form (all but assign_shop, which needs the shop from D1). */
export function parseAction(body: Record<string, unknown>, operator: string): ParsedAction {
  const parsed = forms.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const unknown = issue?.path[0] === "action";
    return { ok: false, message: unknown ? "この操作はありません" : (issue?.message ?? "入力を確認してください") };
  }
  const f = parsed.data;
  const by = { operator, ...("note" in f && f.note ? { note: f.note } : {}) };
  switch (f.action) {
    case "propose_new_time":
      return { ok: true, event: { type: "propose_new_time", startAt: f.start, ...by } };
    case "operator_cancel":
      return { ok: true, event: { type: "operator_cancel", refund: f.refund === "yes", reason: f.reason, operator } };
    case "operator_note": {
      const resolves = f.resolves && isManualCase(f.resolves) ? f.resolves : undefined;
      return { ok: true, event: { type: "operator_note", operator, note: f.note, ...(resolves ? { resolves } : {}) } };
    }
    case "resend_by_email":
      return { ok: true, event: { type: "resend_by_email", email: f.email, ...by } };
    case "correct_phone":
      return { ok: true, event: { type: "correct_phone", phone: f.phone, ...by } };
    case "reopen_payment":
      return { ok: true, event: { type: "reopen_payment", ...by } };
    case "shop_answer":
      return { ok: true, event: { type: "shop_answer", answer: f.answer, ...by } };
    case "accept_change":
      return { ok: true, event: { type: "accept_change", startAt: f.start, partySize: f.party_size, ...(f.menu ? { menu: f.menu } : {}), ...(f.price_jpy !== undefined ? { priceJpy: f.price_jpy } : {}), ...by } };
    case "reject_change":
      return { ok: true, event: { type: "reject_change", ...by } };
    case "refuse_cancellation":
      return { ok: true, event: { type: "refuse_cancellation", reason: f.reason, operator } };
    case "approve_cancellation":
      return { ok: true, event: { type: "approve_cancellation", ...by } };
  }
}

/** The new-shop fields of the assign form (a shop found by hand that is not in the list yet). */
export const newShopForm = z.object({
  new_name: required(100, "店舗名"),
  new_phone: z.string().trim().min(1, "店舗の電話番号を入力してください"),
  new_email: text(254).optional().default(""),
  new_price: z.string().trim().min(1, "料金を入力してください"),
  new_address: text(200).optional().default(""),
});
