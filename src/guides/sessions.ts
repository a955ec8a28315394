// Guides for 1-on-1 coach sessions (seed 001): clients (the inquiry, terms and contract,
// paying, choosing a time, moving or cancelling under the coach's policy, the session and the
// follow-up) and coaches (the portal, the exception policy, approvals, templates, the weekly
// report), both in Japanese and English. Written from what the client pages
// (src/routes/client.tsx), the coach portal (src/routes/coach*.tsx) and the session rules
// (src/domain/sessions/, the engagement's machine) do; the coach's policy numbers are the
// defaults a coach starts with, and the guides say that each coach may set their own.
import type { Doc } from "../documents/model.ts";
import { sessionPolicy } from "../domain/reservation/session-machine.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { DEFAULT_COACH_POLICY as P, EXCEPTION_KINDS, EXCEPTION_LABELS } from "../domain/sessions/policy.ts";
import { STANDARD_TEMPLATES } from "../domain/sessions/send-rules.ts";
import { TEMPLATES } from "../domain/sessions/templates.ts";
import type { Guide, GuideContext } from "./types.ts";

const trialDays = sessionPolicy.trialFollowUpDays;
const pageDays = sessionPolicy.pageValidAfterLastSessionMs / 86_400_000;
const payDays = sessionPolicy.paymentDueMs / 86_400_000;

const clients: Guide = {
  slug: "session-clients",
  audience: "clients",
  minutes: 6,
  langs: ["ja", "en"],
  title: { ja: "1on1セッション ご利用ガイド", en: "1-on-1 sessions: client guide" },
  doc(lang: Lang, ctx: GuideContext): Doc {
    if (lang === "en")
      return {
        title: "1-on-1 sessions: client guide",
        subtitle: "For coaching clients · 6 minutes",
        lang,
        blocks: [
          { note: "Everything happens on your own page, linked from the SMS we send: your details, the terms and contract, paying, choosing a time, moving or cancelling it, and the follow-up. Keep the SMS; the link is yours." },
          { h2: "1. The inquiry" },
          {
            ul: [
              `Choose a coach at ${ctx.publicUrl}/sessions, then a menu, and give your name, a mobile number that receives SMS, what you would like to talk about and when suits you. Email is optional. Tick "I would like a free trial first" if the coach offers a free trial.`,
              "You can also ask an AI assistant that uses QRV: it lists the coaches and free times and sends the inquiry for you.",
              "We text you a link to your page. If something is missing, the page asks for it.",
            ],
          },
          { h2: "2. Terms and contract" },
          { p: "The page shows the coach's terms and the contract, each with its version. Tick that you agree to both, sign with your name and press \"Agree and apply\". What you agreed to, and when, is recorded. If the coach changes a document while your page is open, you are asked to read the new version." },
          { h2: "3. Paying" },
          { p: `Pay the menu's price by card with "Go to payment" on the page or the link in the SMS (Stripe's secure page). Pay within ${payDays} day${payDays === 1 ? "" : "s"} of applying: the page shows the deadline. After it, the coach's rule applies: by default a reminder by SMS ${P.unpaid.remindAfterDays} day after the deadline, and the application is cancelled ${P.unpaid.cancelAfterDays} days after it. Until you have paid you cannot choose a time, and you can withdraw the application free of charge ("Withdraw my application").` },
          { h2: "4. Choosing a time" },
          { p: "After paying, the page lists the coach's free times for the next two weeks, day by day (Japan time). Pick one and book it. If someone took it a moment before you, choose another. We text you the time, the meeting URL and what to prepare." },
          { h2: "5. Moving or cancelling a session" },
          {
            ul: [
              `Each coach sets their own policy. By default you can move a session on your page ("Move the session") up to ${P.reschedule.minNoticeHours} hours before it, at most ${P.reschedule.maxPerSession} times per session, and cancel it ("Cancel this session") up to ${P.cancel.minNoticeHours} hours before.`,
              "Within the policy the change happens at once and we text you. A cancelled session is not used up: pick another time when it suits you.",
              "Outside the policy (later, or once too often) your request goes to the coach, and we let you know the decision.",
              "Once you have paid, the application itself cannot be withdrawn on the page; for a refund, contact support.",
            ],
          },
          { h2: "6. The session and the follow-up" },
          {
            ul: [
              "Reminders come the day before and one hour before, with the meeting URL. Open the URL before the day to test your camera and microphone, and note the themes, questions and goals you want to cover.",
              "After the session the coach files a short report. You get an SMS with the coach's reflection notes, the link to book the next session (how many are left in your package) and a one-minute survey (0 to 10).",
              "A missed session counts as one session of your package.",
              `After a free trial you can go on to the terms and contract from the page; we remind you on day ${trialDays.join(" and day ")}.`,
              `When the package is used up, "Continue with the coach" on the page sends you the terms and contract again. Your page stays open ${pageDays} days after the last session.`,
            ],
          },
          { h2: "Help" },
          { p: `Support (weekdays 9:00-18:00 JST): ${ctx.supportPhone} / ${ctx.supportEmail}. What you discuss in a session is confidential.` },
        ],
      };
    return {
      title: "1on1セッション ご利用ガイド",
      subtitle: "セッション受講者向け・所要6分",
      lang,
      blocks: [
        { note: "お申し込みからフォローアップまで、SMSでお送りするリンクのお客様専用ページで行います（情報の入力、規約と契約書、お支払い、日時の選択・変更・取り消し、振り返り）。SMSは保存しておいてください。" },
        { h2: "1. お問い合わせ" },
        {
          ul: [
            `${ctx.publicUrl}/sessions でコーチを選び、メニューを選んで、お名前・SMSが届く携帯電話番号・ご相談内容（テーマ・質問・目標）・ご希望の日時をお知らせください。メールアドレスは任意です。コーチが無料体験を用意している場合は「まず無料体験を希望する」にチェックできます。`,
            "QRVを使えるAIアシスタントに頼むこともできます。コーチと空き時間を調べ、お問い合わせを送ります。",
            "お客様専用ページのリンクをSMSでお送りします。足りない情報があれば、ページでお願いします。",
          ],
        },
        { h2: "2. 規約と契約書" },
        { p: "ページにコーチの利用規約と契約書が版番号つきで表示されます。両方に同意のチェックを入れ、お名前で署名して「同意して申し込む」を押してください。同意した版と日時が記録されます。ページを開いている間にコーチが書類を改めた場合は、新しい版をお読みいただくようご案内します。" },
        { h2: "3. お支払い" },
        { p: `ページの「お支払いへ進む」またはSMSのリンクから、メニューの料金をカードでお支払いください（Stripeの安全な決済ページ）。お支払い期限はお申し込みから${payDays}日後で、ページに表示されます。期限を過ぎると、コーチの設定に従って催促のSMSが届き（標準: 期限の${P.unpaid.remindAfterDays}日後）、その後お申し込みは取り消されます（標準: 期限の${P.unpaid.cancelAfterDays}日後）。お支払いが済むまでは日時を選べません。お支払い前なら、ページの「お申し込みを取り消す」で無料で取り消せます。` },
        { h2: "4. 日時を選ぶ" },
        { p: "お支払い後、ページに2週間以内のコーチの空き枠が日ごとに表示されます（日本時間）。ご都合のよい枠を選んで予約してください。直前にほかの方が予約した枠は選べないため、別の日時をお選びください。日時・参加URL・ご準備いただくことをSMSでお送りします。" },
        { h2: "5. 日時の変更・取り消し" },
        {
          ul: [
            `変更と取り消しのルールはコーチごとに決まっています。標準では、セッションの${P.reschedule.minNoticeHours}時間前まで1回のセッションにつき${P.reschedule.maxPerSession}回までページの「日時を変更する」で日時を変更でき、${P.cancel.minNoticeHours}時間前まで「このセッションを取り消す」で取り消せます。`,
            "ルールの範囲内なら、その場で変更・取り消しされ、SMSでお知らせします。取り消したセッションは消化されません。改めて日時をお選びください。",
            "ルールの範囲外（期限を過ぎた、回数を超えた）のご依頼はコーチの判断をお待ちいただき、結果をお知らせします。",
            "お支払い後は、お申し込み自体をページから取り消すことはできません。返金のご相談はサポートへご連絡ください。",
          ],
        },
        { h2: "6. セッションとフォローアップ" },
        {
          ul: [
            "前日と1時間前に、参加URLつきのリマインドが届きます。前日までにURLを開いてカメラとマイクを確かめ、話したいテーマ・質問・目標をメモしておいてください。",
            "セッション後、コーチが完了報告をすると、振り返りメモ・次回のご予約（パックの残り回数）・1分のアンケート（0〜10）のご案内がSMSで届きます。",
            "ご欠席の場合も、パックのセッション1回分として数えます。",
            `無料体験の後は、ページから規約と契約書へ進めます。体験の${trialDays.join("日後と")}日後にご案内をお送りします。`,
            `パックを使い切ったら、ページの「継続を申し込む」で規約と契約書を改めてお送りします。ページは最後のセッションから${pageDays}日間ご利用いただけます。`,
          ],
        },
        { h2: "お問い合わせ" },
        { p: `サポート（平日9:00〜18:00）: ${ctx.supportPhone} / ${ctx.supportEmail}。セッションの内容は守秘義務の対象です。` },
      ],
    };
  },
};

const coaches: Guide = {
  slug: "coach-guide",
  audience: "coaches",
  minutes: 8,
  langs: ["ja", "en"],
  title: { ja: "コーチ向けガイド", en: "Coach guide" },
  doc(lang: Lang, ctx: GuideContext): Doc {
    const kinds = EXCEPTION_KINDS.map((k) => [EXCEPTION_LABELS[k][lang], lang === "ja" ? `${P.slaMinutes[k] / 60}時間` : `${P.slaMinutes[k] / 60} h`]);
    const templates = STANDARD_TEMPLATES.map((t) => TEMPLATES[t].label[lang]).join(lang === "ja" ? "、" : ", ");
    if (lang === "en")
      return {
        title: "Coach guide",
        subtitle: "For coaches · 8 minutes",
        lang,
        blocks: [
          { note: "QRV runs the routine of your 1-on-1 sessions (inquiries, terms, payment, booking, reminders, follow-ups) and asks you only for what your policy leaves to you. Your portal is at /coach." },
          { h2: "Signing in" },
          { p: `Open ${ctx.publicUrl}/coach and sign in with your mobile number and the six-digit code we text you. The operators register your number as a coach; if the portal says the number is not registered, contact them.` },
          { h2: "The portal" },
          {
            table: {
              head: ["Page", "What you do there"],
              rows: [
                ["Home", "Today's sessions and the next 7 days. Sessions that have started wait for your report: held or no-show; after a free trial, converted, undecided or dropped. Your reflection notes go to the client with the follow-up."],
                ["Availability", "Weekly hours per weekday (Japan time), exceptions one a line (a day off: \"2026-12-24 off\"; extra hours: \"2026-12-26 13:00-17:00\"), the break between sessions and the minimum notice for a booking. Clients only see times that fit."],
                ["Clients", "Your clients with their status: lead, trial, active, paused, churned."],
                ["Exceptions", "Cases outside your policy, waiting for your decision."],
                ["Policy", "What the operators may do without asking you."],
                ["Message approvals", "Template changes and messages waiting for your approval, and the templates in use."],
                ["Weekly report", "Your week, Monday to Sunday."],
              ],
            },
          },
          { h2: "Your exception policy" },
          { p: "Every exception is checked against your policy. Inside it, QRV or an operator acts alone; outside it, you decide. Each change you save becomes a new version, and the audit log keeps the version and the rule that allowed each action. You start with these defaults:" },
          {
            ul: [
              `Reschedule: up to ${P.reschedule.minNoticeHours} hours before, at most ${P.reschedule.maxPerSession} times per session.`,
              `Cancel: up to ${P.cancel.minNoticeHours} hours before.`,
              `Refund: up to ¥${P.refund.maxJpy.toLocaleString("en-US")}, or up to ${P.refund.maxPercent}% of what was paid.`,
              "A no-show uses up the session.",
              `Unpaid: ${payDays} day${payDays === 1 ? "" : "s"} after agreeing the payment is due; QRV reminds the client ${P.unpaid.remindAfterDays} day after the deadline and cancels the application ${P.unpaid.cancelAfterDays} days after it, by itself.`,
              `Quiet hours: no message leaves for a client between ${P.quietHours.start} and ${P.quietHours.end} (Japan time); it waits until they end.`,
              "Phrases never to use: messages containing them are stopped before they leave.",
              "Complaints and terms violations are always yours to decide.",
            ],
          },
          { h2: "Approvals" },
          {
            ol: [
              "When a case is outside your policy you get an SMS with a link to it. The Exceptions page lists every case waiting, with the client, the rule, the policy version and what was asked (a new time, a refund amount).",
              "Approve, reject or give another instruction, with a note for the operators. Only the first answer counts.",
              "QRV then acts: an approved move of a session is booked on your calendar, an approved refund is paid back. Everything is recorded.",
            ],
          },
          { h3: "Response targets (default)" },
          { table: { head: ["Case", "Target"], rows: kinds } },
          { p: "A case waiting longer than its target is marked late and the operators are alerted. The operators can set the targets with you in the console." },
          { h2: "Templates and messages" },
          {
            ul: [
              `The standard templates: ${templates}.`,
              "Every message to your clients comes from a template version you approved, and passes a check before it leaves: every variable filled, none of your banned phrases. The flow's messages (terms, payment, booking, reminders, follow-ups) go out by themselves this way.",
              "Message approvals (/coach/templates): a template change the operators propose is never sent until you approve that version; the text in use is shown beside the new one.",
              "A message written or edited for one client needs a second operator; one about a refund or a complaint waits for your approval there (you get an SMS with the link). It leaves once, when approved.",
            ],
          },
          { h2: "The weekly report" },
          { p: "Weekly report shows, for the week from Monday: sessions held, no-shows, free trials (and how many converted), surveys (count and average), exceptions inside and outside your policy, cases waiting for you, and the operators' sample audit of the week's cases and messages (fine, or to fix, with what was changed in the procedures). Earlier weeks are one click back, and each week downloads as a PDF (in Japanese). Every Monday at 17:00 (Japan time) the week before's report, with the operators' sample audit, is also emailed to you as a PDF." },
          { h2: "Help" },
          { p: `Operators (weekdays 9:00-18:00 JST): ${ctx.supportPhone} / ${ctx.supportEmail}` },
        ],
      };
    return {
      title: "コーチ向けガイド",
      subtitle: "コーチ向け・所要8分",
      lang,
      blocks: [
        { note: "QRVが1on1セッションの定型業務（問い合わせ、規約、決済、予約、リマインド、フォローアップ）を行い、ポリシーでコーチの判断とした事項だけをお尋ねします。コーチポータルは /coach です。" },
        { h2: "サインイン" },
        { p: `${ctx.publicUrl}/coach を開き、携帯電話番号とSMSで届く6桁のコードでサインインします。電話番号は運営がコーチとして登録します。「コーチとして登録されていません」と表示されたら運営にご連絡ください。` },
        { h2: "ポータルの画面" },
        {
          table: {
            head: ["画面", "できること"],
            rows: [
              ["ホーム", "今日のセッションと今後7日間。始まったセッションは完了報告待ちに並びます（実施・欠席。無料体験の後は成約・検討中・離脱）。振り返りメモはフォローアップとともに受講者に届きます。"],
              ["空き枠", "曜日ごとの時間帯（日本時間）、例外（1行に1件: 休み「2026-12-24 off」、追加「2026-12-26 13:00-17:00」）、セッション間の休憩（分）、予約の締切（開始の何分前まで）。受講者には条件に合う枠だけが表示されます。"],
              ["クライアント", "受講者と状態（見込み・体験・受講中・休止・離脱）。"],
              ["例外", "ポリシー外で、コーチの判断を待っている件。"],
              ["ポリシー", "運営がコーチに確認せずに対応してよい範囲。"],
              ["メッセージの承認", "承認を待つテンプレートの変更とメッセージ、使用中のテンプレート。"],
              ["週次レポート", "月曜から日曜までの1週間のまとめ。"],
            ],
          },
        },
        { h2: "例外ポリシー" },
        { p: "例外はすべてコーチのポリシーで判定します。範囲内ならQRVまたは運営が対応し、範囲外はコーチが判断します。保存するたびに新しい版になり、各対応にどの版のどのルールを適用したかが監査ログに残ります。最初の設定は次のとおりです。" },
        {
          ul: [
            `日程変更: セッションの${P.reschedule.minNoticeHours}時間前まで、1回のセッションにつき${P.reschedule.maxPerSession}回まで。`,
            `キャンセル: セッションの${P.cancel.minNoticeHours}時間前まで。`,
            `返金: ${P.refund.maxJpy.toLocaleString("ja-JP")}円まで、または支払額の${P.refund.maxPercent}%まで。`,
            "無断欠席はセッション1回分として消化する。",
            `未払い: お支払い期限は同意から${payDays}日後。期限の${P.unpaid.remindAfterDays}日後にQRVが催促し、${P.unpaid.cancelAfterDays}日後にお申し込みを取り消します（自動）。`,
            `送信しない時間帯: ${P.quietHours.start}〜${P.quietHours.end}（日本時間）。この間の受講者へのメッセージは、時間帯が明けてから送ります。`,
            "使わない言い回し: 含むメッセージは送信前に止まります。",
            "クレームと規約違反は、常にコーチが判断します。",
          ],
        },
        { h2: "判断（承認）" },
        {
          ol: [
            "ポリシー外の件が起きると、その件へのリンクつきのSMSが届きます。「例外」画面には判断待ちの件が、受講者・該当ルール・ポリシー版・依頼内容（希望の新しい日時、返金額）とともに並びます。",
            "「承認する」「却下する」「別の指示をする」のいずれかを、運営へのメモとともに選びます。最初の判断だけが有効です。",
            "承認するとQRVが対応します（日程変更ならカレンダーの予約を移し、返金なら返金します）。すべて記録に残ります。",
          ],
        },
        { h3: "対応目標（標準）" },
        { table: { head: ["件", "目標"], rows: kinds } },
        { p: "目標の時間を過ぎた件は「対応期限超過」と表示され、運営にアラートが届きます。目標の時間は、コーチと相談のうえ運営がコンソールで設定します。" },
        { h2: "テンプレートとメッセージ" },
        {
          ul: [
            `標準テンプレート: ${templates}。`,
            "受講者へのメッセージはすべて、コーチが承認した版のテンプレートから作られ、送信前にチェックします（変数がすべて埋まっている、使わない言い回しがない）。フローのメッセージ（規約、決済、予約、リマインド、フォローアップ）もこの形で自動で送られます。",
            "「メッセージの承認」（/coach/templates）: 運営が提案したテンプレートの変更は、コーチがその版を承認するまで送られません。使用中の文面と新しい文面が並んで表示されます。",
            "1人の受講者のために書いた・変えたメッセージは別の運営担当者が確認します。返金・クレームに関わるものは「メッセージの承認」でコーチの承認を待ちます（リンクつきのSMSが届きます）。承認されると1回だけ送られます。",
          ],
        },
        { h2: "週次レポート" },
        { p: "「週次レポート」には、月曜からの1週間の、実施したセッション、無断欠席、無料体験（うち成約）、アンケート（件数・平均）、例外（ポリシー内／外）、判断待ち、運営による対応とメッセージのサンプル監査（問題なし／是正と手順への追記）が出ます。前の週もさかのぼれ、週ごとにPDFでダウンロードできます。前の週のレポートは毎週月曜17時に、登録のメールアドレスへPDFでもお送りします（運営のサンプル監査の結果を含みます）。" },
        { h2: "お問い合わせ" },
        { p: `運営（平日9:00〜18:00）: ${ctx.supportPhone} / ${ctx.supportEmail}` },
      ],
    };
  },
};

export const SESSION_GUIDES: Guide[] = [clients, coaches];
