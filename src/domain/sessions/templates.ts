// The coach's message templates (seed 001 Build: テンプレ承認, テンプレ体系 定型＝自動運用). Every
// text QRV sends a session client comes from one of these, with `{{variables}}` filled in by
// the flow. Version 1 of each is QRV's standard text below, agreed with the coach in Build;
// operators propose changes as new versions, and a version sends only once the coach approved
// it (the newest approved version is the one in use). Japanese first, with English.
import { STANDARD_TEMPLATES } from "./send-rules.ts";

/** Notices of the flow that are not among the seed's standard list but are still templates. */
export const FLOW_TEMPLATES = ["rescheduled", "session_cancelled", "engagement_cancelled", "no_show_follow_up", "trial_dropped"] as const;
export const TEMPLATE_KEYS = [...STANDARD_TEMPLATES, ...FLOW_TEMPLATES] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export function isTemplateKey(value: string): value is TemplateKey {
  return (TEMPLATE_KEYS as readonly string[]).includes(value);
}

/**
 * reply: an answer to what the client (or an operator with them) just did, which leaves at
 * once; scheduled: a text QRV starts on its own (reminders, follow-ups), which waits for the
 * end of the coach's quiet hours.
 */
export type TemplateTiming = "reply" | "scheduled";

export interface TemplateText {
  ja: string;
  en: string;
}

interface TemplateDefinition {
  label: TemplateText;
  timing: TemplateTiming;
  /** The variables the flow fills in (besides the common ones). */
  variables: string[];
  text: TemplateText;
}

/** Filled in for every template. */
export const COMMON_VARIABLES = ["client_name", "coach_name", "menu_name", "page_url"] as const;

export const TEMPLATES: Record<TemplateKey, TemplateDefinition> = {
  first_reply: {
    label: { ja: "一次返信", en: "First reply" },
    timing: "reply",
    variables: [],
    text: {
      ja: "【QRV】{{client_name}}さん、{{coach_name}}さんへのお問い合わせありがとうございます。内容を確認し、追ってご連絡します。\n{{page_url}}",
      en: "[QRV] {{client_name}}, thank you for contacting {{coach_name}}. We are reading your message and will be in touch.\n{{page_url}}",
    },
  },
  missing_info: {
    label: { ja: "不足情報の回収", en: "Request for missing information" },
    timing: "reply",
    variables: ["missing"],
    text: {
      ja: "【QRV】{{coach_name}}さんへのお問い合わせありがとうございます。お手数ですが次の情報をお知らせください: {{missing}}\n{{page_url}}",
      en: "[QRV] Thank you for contacting {{coach_name}}. Please tell us: {{missing}}\n{{page_url}}",
    },
  },
  terms_and_contract: {
    label: { ja: "規約・契約書の送付", en: "Terms and contract" },
    timing: "reply",
    variables: [],
    text: {
      ja: "【QRV】{{coach_name}}さんの「{{menu_name}}」お申し込みの規約と契約書をお送りします。内容をご確認のうえ、同意してお申し込みください。\n{{page_url}}",
      en: '[QRV] Here are the terms and the contract for "{{menu_name}}" with {{coach_name}}. Please read them, agree and apply on your page.\n{{page_url}}',
    },
  },
  payment_link: {
    label: { ja: "決済リンク", en: "Payment link" },
    timing: "reply",
    variables: ["amount", "payment_url"],
    text: {
      ja: "【QRV】お申し込みありがとうございます。{{amount}}のお支払いはこちらから: {{payment_url}}\nお支払い後、日時をお選びいただけます。",
      en: "[QRV] Thank you for applying. Pay {{amount}} here: {{payment_url}}\nThen pick a time on your page.",
    },
  },
  payment_reminder: {
    label: { ja: "支払いリマインド", en: "Payment reminder" },
    timing: "scheduled",
    variables: ["amount"],
    text: {
      ja: "【QRV】{{coach_name}}さんの「{{menu_name}}」のお支払い（{{amount}}）がまだ確認できていません。期限を過ぎるとお申し込みは取り消しになります。こちらからお手続きください: {{page_url}}",
      en: '[QRV] We have not received your payment ({{amount}}) for "{{menu_name}}" with {{coach_name}} yet. Past the deadline the application is cancelled. You can pay here: {{page_url}}',
    },
  },
  scheduling: {
    label: { ja: "日程調整", en: "Scheduling" },
    timing: "reply",
    variables: [],
    text: {
      ja: "【QRV】お支払いを確認しました。セッションの日時をお選びください。\n{{page_url}}",
      en: "[QRV] Payment received. Please pick a time for your session.\n{{page_url}}",
    },
  },
  pre_session: {
    label: { ja: "事前案内", en: "Pre-session information" },
    timing: "reply",
    variables: ["session_kind", "start", "meeting_url"],
    text: {
      ja: "【QRV】{{coach_name}}さんとの{{session_kind}}は {{start}} に決まりました。\nURL: {{meeting_url}}\n話したいテーマ・質問・目標をご準備ください。前日までに接続テストをお願いします。キャンセルポリシーと守秘義務はこちら: {{page_url}}",
      en: "[QRV] Your {{session_kind}} with {{coach_name}} is set for {{start}}.\nURL: {{meeting_url}}\nPlease prepare your themes, questions and goals, and test your connection the day before. Cancellation policy and confidentiality: {{page_url}}",
    },
  },
  reminder: {
    label: { ja: "リマインド", en: "Reminder" },
    timing: "scheduled",
    variables: ["when", "start", "meeting_url"],
    text: {
      ja: "【QRV】リマインド: {{coach_name}}さんとのセッションは{{when}}（{{start}}）です。URL: {{meeting_url}}\n{{page_url}}",
      en: "[QRV] Reminder: your session with {{coach_name}} is {{when}} ({{start}}). URL: {{meeting_url}}\n{{page_url}}",
    },
  },
  follow_up: {
    label: { ja: "フォローアップ", en: "Follow-up" },
    timing: "scheduled",
    variables: ["next"],
    text: {
      ja: "【QRV】本日はありがとうございました。振り返りメモ、{{next}}、アンケート（1分）はこちら: {{page_url}}",
      en: "[QRV] Thank you for today's session. Your reflection notes, {{next}} and a one-minute survey: {{page_url}}",
    },
  },
  trial_invitation: {
    label: { ja: "無料体験の案内", en: "Trial invitation" },
    timing: "reply",
    variables: [],
    text: {
      ja: "【QRV】{{coach_name}}さんの無料体験セッションのご案内です。ご都合のよい日時をお選びください。\n{{page_url}}",
      en: "[QRV] You are invited to a free trial session with {{coach_name}}. Pick a time that suits you.\n{{page_url}}",
    },
  },
  trial_follow_up: {
    label: { ja: "無料体験後のフォロー", en: "Trial follow-up" },
    timing: "scheduled",
    variables: ["resend"],
    text: {
      ja: "【QRV】先日は無料体験にご参加いただきありがとうございました{{resend}}。継続をご検討の方は、こちらから規約と契約書をご確認いただけます: {{page_url}}",
      en: "[QRV] Thank you for joining the free trial{{resend}}. If you would like to continue, the terms and contract are here: {{page_url}}",
    },
  },
  next_booking: {
    label: { ja: "次回予約の案内", en: "Next-booking invitation" },
    timing: "scheduled",
    variables: ["remaining"],
    text: {
      ja: "【QRV】{{coach_name}}さんとの次回セッション（残り{{remaining}}回）のご予約はこちらから: {{page_url}}",
      en: "[QRV] Book your next session with {{coach_name}} ({{remaining}} left) here: {{page_url}}",
    },
  },
  rescheduled: {
    label: { ja: "日時変更のお知らせ", en: "Session moved" },
    timing: "reply",
    variables: ["start"],
    text: {
      ja: "【QRV】セッションの日時を {{start}} に変更しました。\n{{page_url}}",
      en: "[QRV] Your session now starts {{start}}.\n{{page_url}}",
    },
  },
  session_cancelled: {
    label: { ja: "セッション取消のお知らせ", en: "Session cancelled" },
    timing: "reply",
    variables: [],
    text: {
      ja: "【QRV】セッションの予約を取り消しました。改めて日時をお選びいただけます。\n{{page_url}}",
      en: "[QRV] Your session booking is cancelled. You can pick another time on your page.\n{{page_url}}",
    },
  },
  engagement_cancelled: {
    label: { ja: "お申し込み取消のお知らせ", en: "Application cancelled" },
    timing: "reply",
    variables: [],
    text: {
      ja: "【QRV】{{coach_name}}さんへのお申し込みを取り消しました。料金はかかりません。",
      en: "[QRV] Your application to {{coach_name}} is cancelled. You have not been charged.",
    },
  },
  no_show_follow_up: {
    label: { ja: "欠席時のフォロー", en: "No-show follow-up" },
    timing: "scheduled",
    variables: ["next"],
    text: {
      ja: "【QRV】本日のセッションにご参加いただけなかったようです。{{next}}はこちらから: {{page_url}}",
      en: "[QRV] We missed you at today's session. For {{next}}: {{page_url}}",
    },
  },
  trial_dropped: {
    label: { ja: "無料体験のお礼（見送り）", en: "Trial: thanks (not continuing)" },
    timing: "scheduled",
    variables: [],
    text: {
      ja: "【QRV】無料体験へのご参加ありがとうございました。またのご縁をお待ちしています。",
      en: "[QRV] Thank you for joining the free trial. We hope to see you again.",
    },
  },
};

/** A version of a template the coach approved (version 1: QRV's standard text, agreed in Build). */
export interface ApprovedTemplate {
  version: number;
  text: TemplateText;
}

/** What the pre-send check of the flow's own messages needs from the coach's settings (the object reads them). */
export interface SessionMessaging {
  /** The newest approved version of each template; a template missing here sends its standard version 1. */
  templates: Partial<Record<TemplateKey, ApprovedTemplate>>;
  bannedPhrases: string[];
  /** Set when `now` is inside the coach's quiet hours: when they end. */
  quietUntil?: number;
}

export function standardVersion(key: TemplateKey): ApprovedTemplate {
  return { version: 1, text: TEMPLATES[key].text };
}

/** Checks a proposed text: both languages given, and only the template's own variables used. */
export function templateTextProblems(key: TemplateKey, text: TemplateText): string[] {
  const problems: string[] = [];
  const allowed = new Set<string>([...COMMON_VARIABLES, ...TEMPLATES[key].variables]);
  for (const lang of ["ja", "en"] as const) {
    const body = text[lang].trim();
    const name = lang === "ja" ? "日本語" : "English";
    if (!body) problems.push(`${name}: the text is empty`);
    if (body.length > 1000) problems.push(`${name}: at most 1000 characters`);
    const unknown = [...body.matchAll(/\{\{([^}]*)\}\}/g)].map((m) => m[1]!).filter((v) => !allowed.has(v));
    if (unknown.length) problems.push(`${name}: unknown variables ${[...new Set(unknown)].map((v) => `{{${v}}}`).join(", ")} (allowed: ${[...allowed].map((v) => `{{${v}}}`).join(", ")})`);
  }
  return problems;
}

const MESSAGE_NOTES: Record<string, string> = { session_message_sent: "sent", session_message_queued: "queued", session_message_blocked: "blocked", session_message_drafted: "drafted", session_message_expired: "expired" };

/**
 * The messages an audit row's note speaks of, as "template vN sent" (a transition's notes may
 * be one or several, `multi`): the audit log's template and version column.
 */
export function messagesInNote(noteJson: string): string[] {
  let note: { code?: string; params?: Record<string, unknown> };
  try {
    note = JSON.parse(noteJson) as typeof note;
  } catch {
    return [];
  }
  const all: (typeof note)[] = note.code === "multi" && typeof note.params?.notes === "string" ? (JSON.parse(note.params.notes) as (typeof note)[]) : [note];
  return all.flatMap((n) => {
    const what = MESSAGE_NOTES[n.code ?? ""];
    const p = n.params ?? {};
    if (!what || typeof p.template !== "string") return [];
    return [`${p.template} v${typeof p.version === "number" ? p.version : 1} ${what}`];
  });
}
