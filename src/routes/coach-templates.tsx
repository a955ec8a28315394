// The coach's message approvals (seed 001 Build: テンプレ承認; Run 送信ルール: 非定型・高リスクは
// コーチ承認). On a phone: the template changes operators proposed (the text in use beside the
// new one; only an approved version ever sends), the messages written or edited for one client
// that wait for the coach (refunds and complaints always do), and the whole catalogue in use.
//   GET  /coach/templates                              proposals and messages waiting, the catalogue
//   POST /coach/templates/:key/:version                approve or reject a proposed version
//   POST /coach/messages/:engagementId/:messageId      approve (it leaves once) or reject a message
import type { Context, Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { decideTemplate, messagesAwaitingCheck, proposedTemplates, templateCatalogue } from "../db/session-templates.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { isTemplateKey, TEMPLATES, type TemplateKey } from "../domain/sessions/templates.ts";
import { RESERVATION_ID_PATTERN } from "../domain/ids.ts";
import { formatDateTime } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import { FormBanners, type CoachEnv } from "./coach-governance.tsx";
import { CSRF_FIELD, csrfValid } from "./csrf.ts";
import { pageLanguage } from "./language.tsx";
import { Csrf, RequesterPage } from "./requester-layout.tsx";
import { formLimit } from "./support.tsx";

type C = Context<CoachEnv>;

const T = {
  ja: {
    title: "メッセージの承認",
    intro: "受講者に送るメッセージはすべて、あなたが承認したテンプレートから送られます。運営が提案した変更は、承認するまで送られません。{{client_name}}（受講者名）などの部分は、送るときに受講者ごとの内容に置き換わります。",
    proposals: "テンプレートの変更提案",
    noProposals: "承認待ちの変更はありません。",
    inUse: (v: number) => `現在の版 v${v}`,
    proposed: (v: number, by: string, at: string) => `提案 v${v}（${by}・${at}）`,
    reason: "提案の理由",
    yourNote: "メモ（運営に届きます）",
    approve: "この版を承認する",
    reject: "却下する",
    messages: "あなたの承認待ちのメッセージ",
    noMessages: "承認待ちのメッセージはありません。",
    messageFor: (name: string) => `${name} さんへ`,
    topic: { refund: "返金", complaint: "クレーム対応", other: "個別の文面" } as Record<string, string>,
    edited: (key: string, v: number) => `テンプレ「${key}」v${v} を個別に編集`,
    free: "運営が書いた文面",
    writtenBy: (by: string) => `作成: ${by}`,
    approveMessage: "承認して送る",
    rejectMessage: "差し戻す",
    catalogue: "使用中のテンプレート",
    english: "English",
    approved: "承認しました。次の送信からこの版が使われます。",
    rejected: "却下しました。",
    sent: "承認しました。メッセージを送ります（送信しない時間帯なら終わり次第）。",
    returned: "差し戻しました。",
    already: "すでに判断済みです。",
    expired: "フォームの有効期限が切れました。もう一度お試しください。",
  },
  en: {
    title: "Message approvals",
    intro: "Every message to your clients comes from a template you approved. A change the operators propose is never sent until you approve it. Parts such as {{client_name}} are filled in for each client when the message is sent.",
    proposals: "Proposed template changes",
    noProposals: "No change is waiting for you.",
    inUse: (v: number) => `In use: v${v}`,
    proposed: (v: number, by: string, at: string) => `Proposed v${v} (${by}, ${at})`,
    reason: "Why",
    yourNote: "Note (the operators see it)",
    approve: "Approve this version",
    reject: "Reject",
    messages: "Messages waiting for your approval",
    noMessages: "No message is waiting for you.",
    messageFor: (name: string) => `To ${name}`,
    topic: { refund: "Refund", complaint: "Complaint", other: "Written for one client" } as Record<string, string>,
    edited: (key: string, v: number) => `Template "${key}" v${v}, edited for this client`,
    free: "Written by an operator",
    writtenBy: (by: string) => `By ${by}`,
    approveMessage: "Approve and send",
    rejectMessage: "Send back",
    catalogue: "Templates in use",
    english: "English",
    approved: "Approved. The next messages use this version.",
    rejected: "Rejected.",
    sent: "Approved. The message goes out (after your quiet hours, if they are on).",
    returned: "Sent back.",
    already: "This was already decided.",
    expired: "This form has expired. Please try again.",
  },
};

const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;
const ENGAGEMENT_ID = RESERVATION_ID_PATTERN;

const label = (key: TemplateKey, lang: Lang) => TEMPLATES[key].label[lang];

/** The coach's answer to a proposal or a message: a note, then approve or reject. */
function Decision(props: { c: C; note: string; approve: string; reject: string }) {
  return (
    <>
      <div class="field">
        <label>{props.note}</label>
        <textarea name="note" maxlength={500}></textarea>
      </div>
      <Csrf c={props.c} />
      <button type="submit" class="block" name="decision" value="approve">
        {props.approve}
      </button>
      <button type="submit" class="block secondary" name="decision" value="reject">
        {props.reject}
      </button>
    </>
  );
}

export function registerCoachTemplates(portal: Hono<CoachEnv>): void {
  portal.get("/templates", async (c) => {
    const coach = c.get("coach");
    const lang = pageLanguage(c);
    const w = T[lang];
    const db = createDb(c.env.DB);
    const [proposals, catalogue, waiting] = await Promise.all([proposedTemplates(db, coach.id), templateCatalogue(db, coach.id), messagesAwaitingCheck(db, coach.id)]);
    const inUse = new Map(catalogue.map((e) => [e.key, e.inUse]));
    const flash = c.req.query("done");
    const saved = flash === "approved" ? w.approved : flash === "rejected" ? w.rejected : flash === "sent" ? w.sent : flash === "returned" ? w.returned : undefined;
    const refused = c.req.query("refused");
    return c.html(
      <RequesterPage title={`${w.title} · ${coach.name}`} lang={lang} path={c.req.path}>
        <h1>{w.title}</h1>
        <p class="muted">{w.intro}</p>
        <FormBanners saved={saved} errors={refused ? [refused] : undefined} />
        <div class="card" id="proposals">
          <h2>{w.proposals}</h2>
          {proposals.length ? null : <p class="muted">{w.noProposals}</p>}
          {proposals.map((p) => {
            if (!isTemplateKey(p.template)) return null;
            const current = inUse.get(p.template)!;
            return (
              <form method="post" action={`/coach/templates/${p.template}/${p.version}`} class="stack" data-proposal={`${p.template}:${p.version}`} data-once>
                <h3>{label(p.template, lang)}</h3>
                <p class="muted">{w.inUse(current.version)}</p>
                <div class="msg-text">{current.text[lang]}</div>
                <p>
                  <span class="tag warn">{w.proposed(p.version, p.proposedBy, formatDateTime(p.proposedAt, lang))}</span>
                </p>
                <div class="msg-text new" data-text="ja">
                  {p.textJa}
                </div>
                <details>
                  <summary>{w.english}</summary>
                  <div class="msg-text new" data-text="en">
                    {p.textEn}
                  </div>
                </details>
                {p.reason ? (
                  <p>
                    {w.reason}: {p.reason}
                  </p>
                ) : null}
                <Decision c={c} note={w.yourNote} approve={w.approve} reject={w.reject} />
              </form>
            );
          })}
        </div>
        <div class="card" id="messages">
          <h2>{w.messages}</h2>
          {waiting.length ? null : <p class="muted">{w.noMessages}</p>}
          {waiting.map(({ engagementId, clientName, message: m }) => (
            <form method="post" action={`/coach/messages/${engagementId}/${m.id}`} class="stack" data-message={m.id} data-once>
              <h3>
                {w.messageFor(clientName)} <span class={`tag ${m.topic === "other" ? "" : "bad"}`}>{w.topic[m.topic] ?? m.topic}</span>
              </h3>
              <p class="muted">
                {m.template && isTemplateKey(m.template) ? w.edited(label(m.template, lang), m.templateVersion ?? 1) : w.free}・{w.writtenBy(m.writtenBy)}・{formatDateTime(m.at, lang)}
              </p>
              <div class="msg-text new">{m.body}</div>
              <Decision c={c} note={w.yourNote} approve={w.approveMessage} reject={w.rejectMessage} />
            </form>
          ))}
        </div>
        <div class="card" id="catalogue">
          <h2>{w.catalogue}</h2>
          {catalogue.map((e) => (
            <details data-template={e.key}>
              <summary>
                {label(e.key, lang)} <span class="tag ok">v{e.inUse.version}</span> {e.proposed.length ? <span class="tag warn">{w.proposed(e.proposed[0]!.version, e.proposed[0]!.proposedBy, formatDateTime(e.proposed[0]!.proposedAt, lang))}</span> : null}
              </summary>
              <div class="msg-text">{e.inUse.text.ja}</div>
              <div class="msg-text">{e.inUse.text.en}</div>
            </details>
          ))}
        </div>
      </RequesterPage>,
    );
  });

  portal.post("/templates/:key/:version", formLimit, async (c) => {
    const coach = c.get("coach");
    const w = T[pageLanguage(c)];
    const form = await c.req.parseBody();
    if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect(`/coach/templates?refused=${encodeURIComponent(w.expired)}`, 303);
    const key = c.req.param("key");
    const version = Number(c.req.param("version"));
    const decision = String(form.decision ?? "");
    if (!isTemplateKey(key) || !Number.isInteger(version) || version < 2 || (decision !== "approve" && decision !== "reject")) return c.redirect("/coach/templates", 303);
    const note = typeof form.note === "string" ? form.note : "";
    const ok = await decideTemplate(createDb(c.env.DB), { coachId: coach.id, key, version, approve: decision === "approve", note, by: `coach:${coach.name}` });
    if (!ok) return c.redirect(`/coach/templates?refused=${encodeURIComponent(w.already)}`, 303);
    return c.redirect(`/coach/templates?done=${decision === "approve" ? "approved" : "rejected"}`, 303);
  });

  portal.post("/messages/:engagementId/:messageId", formLimit, async (c) => {
    const coach = c.get("coach");
    const w = T[pageLanguage(c)];
    const form = await c.req.parseBody();
    if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect(`/coach/templates?refused=${encodeURIComponent(w.expired)}`, 303);
    const engagementId = c.req.param("engagementId");
    const messageId = c.req.param("messageId");
    const decision = String(form.decision ?? "");
    if (!ENGAGEMENT_ID.test(engagementId) || !MESSAGE_ID.test(messageId) || (decision !== "approve" && decision !== "reject")) return c.redirect("/coach/templates", 303);
    // Only a message to one of this coach's clients (the list is the coach's own).
    const mine = (await messagesAwaitingCheck(createDb(c.env.DB), coach.id)).some((x) => x.engagementId === engagementId && x.message.id === messageId);
    if (!mine) return c.redirect(`/coach/templates?refused=${encodeURIComponent(w.already)}`, 303);
    const note = typeof form.note === "string" ? form.note.trim().slice(0, 500) : "";
    const result = await reservationStub(c.env, engagementId).checkMessage({ messageId, by: `coach:${coach.name}`, role: "coach", approve: decision === "approve", ...(note ? { note } : {}) });
    if (!result.ok) return c.redirect(`/coach/templates?refused=${encodeURIComponent(result.message.startsWith("this message was already checked") ? w.already : result.message)}`, 303);
    return c.redirect(`/coach/templates?done=${decision === "approve" ? "sent" : "returned"}`, 303);
  });
}
