// The coach's side of sessions governance (seed 001). /coach/exceptions: the coach decides the cases outside their policy (seed 001 Run: 例外処理,
// コーチ → 判断・指示). The SMS a coach gets links to one case; the list shows every case
// waiting. Approve, reject or instruct, with a note; only the first answer counts, and QRV then
// acts (a refund, the move of a session) and the audit log records it.
//   GET  /coach/exceptions           cases waiting for the coach, the latest decided ones
//   GET  /coach/exceptions/:id       one case with the decision form
//   POST /coach/exceptions/:id       the decision
//   GET|POST /coach/policy           the coach's exception policy (a change is a new version)
//   GET  /coach/report?week=…        the weekly report (週次レポート)
import type { Context } from "hono";
import type { Hono } from "hono";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { coachPolicy, coachPolicyAt, getException, openExceptions, saveCoachPolicy, type ExceptionRow } from "../db/governance.ts";
import { weekFromQuery, weekOf } from "../domain/sessions/weekly.ts";
import { renderPdf } from "../documents/pdf.ts";
import { coachReportFilename, coachWeekly, coachWeeklyDoc } from "../reports/coach-weekly.ts";
import { pdfResponse } from "./document-view.tsx";
import { loadAnyRecord } from "../db/reservations.ts";
import type { CoachRow } from "../db/sessions.ts";
import type { AccountVariables } from "../auth/account.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { EXCEPTION_LABELS, isLate, validatePolicy, type CoachPolicy, type ExceptionKind } from "../domain/sessions/policy.ts";
import { formatJpy } from "../domain/money.ts";
import { explainRule } from "../domain/sessions/rule-words.ts";
import { formatDateTime } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import { CSRF_FIELD, csrfToken, csrfValid } from "./csrf.ts";
import { pageLanguage } from "./language.tsx";
import { RequesterPage } from "./requester-layout.tsx";
import { formLimit } from "./support.tsx";

/** The coach portal's context: a signed-in account that is a coach. */
export type CoachEnv = { Bindings: Env; Variables: AccountVariables & { coach: CoachRow } };
type C = Context<CoachEnv>;

const W = {
  ja: {
    title: "判断待ちの例外",
    none: "判断待ちはありません。",
    client: "受講者",
    rule: "該当ルール",
    policy: "ポリシー版",
    asked: "依頼日時",
    late: "対応期限超過",
    requestedStart: "希望の新しい日時",
    amount: "返金額",
    note: "メモ",
    yourNote: "判断メモ・指示（運営に届きます）",
    approve: "承認する",
    reject: "却下する",
    instruct: "別の指示をする",
    decided: "判断を受け付けました。運営が対応し、記録に残します。",
    already: "この件はすでに判断済みです。",
    notFound: "見つかりません",
    expired: "フォームの有効期限が切れました。もう一度お試しください。",
    status: { pending: "判断待ち", approved: "承認済み（対応中）", done: "対応済み", rejected: "却下", instructed: "指示済み" } as Record<string, string>,
    back: "一覧へ",
  },
  en: {
    title: "Exceptions waiting for you",
    none: "Nothing is waiting for you.",
    client: "Client",
    rule: "Rule",
    policy: "Policy version",
    asked: "Asked",
    late: "Past its response target",
    requestedStart: "New time asked for",
    amount: "Refund",
    note: "Note",
    yourNote: "Your note or instruction (the operators see it)",
    approve: "Approve",
    reject: "Reject",
    instruct: "Give another instruction",
    decided: "Decision received. The operators act on it and it is recorded.",
    already: "This case was already decided.",
    notFound: "Not found",
    expired: "This form has expired. Please try again.",
    status: { pending: "Waiting for you", approved: "Approved (in progress)", done: "Done", rejected: "Rejected", instructed: "Instructed" } as Record<string, string>,
    back: "All cases",
  },
};

/** "Saved" after a redirect, or the form's errors (the coach portal's forms). */
export function FormBanners(props: { saved?: string | undefined; errors?: string[] | undefined }) {
  return (
    <>
      {props.saved ? (
        <p class="banner ok" id="saved">
          {props.saved}
        </p>
      ) : null}
      {props.errors?.length ? (
        <ul class="banner bad" id="errors">
          {props.errors.map((e) => (
            <li>{e}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

const CASE_ID = /^exc_[A-Za-z0-9_-]{1,64}$/;

function CaseFacts(props: { row: ExceptionRow; clientName: string; lang: Lang; late: boolean; policy: CoachPolicy }) {
  const { row, lang } = props;
  const w = W[lang];
  const req = JSON.parse(row.request) as { start?: number; amountJpy?: number; note?: string };
  return (
    <dl class="facts">
      <dt>{w.client}</dt>
      <dd>{props.clientName}</dd>
      <dt>{w.rule}</dt>
      <dd>
        <span id="rule-words">{explainRule(row.rule, props.policy, lang)}</span> <small class="muted">({row.rule})</small>
      </dd>
      <dt>{w.policy}</dt>
      <dd>v{row.policyVersion}</dd>
      <dt>{w.asked}</dt>
      <dd>
        {formatDateTime(row.openedAt, lang)} {props.late ? <span class="tag bad">{w.late}</span> : null}
      </dd>
      {req.start !== undefined ? (
        <>
          <dt>{w.requestedStart}</dt>
          <dd>{formatDateTime(req.start, lang)}</dd>
        </>
      ) : null}
      {req.amountJpy !== undefined ? (
        <>
          <dt>{w.amount}</dt>
          <dd>{formatJpy(req.amountJpy)}</dd>
        </>
      ) : null}
      {req.note ? (
        <>
          <dt>{w.note}</dt>
          <dd>{req.note}</dd>
        </>
      ) : null}
    </dl>
  );
}

async function clientName(c: C, engagementId: string): Promise<string> {
  const r = await loadAnyRecord(createDb(c.env.DB), engagementId);
  return r?.requester.name ?? "";
}

export function registerCoachExceptions(portal: Hono<CoachEnv>): void {
  portal.get("/exceptions", async (c) => {
    const coach = c.get("coach");
    const lang = pageLanguage(c);
    const w = W[lang];
    const db = createDb(c.env.DB);
    const rows = (await openExceptions(db, coach.id)).filter((r) => r.status === "pending");
    const policy = await coachPolicy(db, coach.id);
    const now = Date.now();
    const names = await Promise.all(rows.map((r) => clientName(c, r.engagementId)));
    return c.html(
      <RequesterPage title={`${w.title} · ${coach.name}`} lang={lang} path={c.req.path}>
        <h1>{w.title}</h1>
        <div class="card" id="exceptions">
          {rows.length ? null : <p class="muted">{w.none}</p>}
          <ul class="steps">
            {rows.map((r, i) => (
              <li>
                <a href={`/coach/exceptions/${r.id}`}>
                  {EXCEPTION_LABELS[r.kind as ExceptionKind][lang]} — {names[i]}
                </a>{" "}
                {isLate(policy, r.kind as ExceptionKind, r.openedAt, now) ? <span class="tag bad">{w.late}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      </RequesterPage>,
    );
  });

  portal.get("/exceptions/:id", async (c) => {
    const coach = c.get("coach");
    const lang = pageLanguage(c);
    const w = W[lang];
    const db = createDb(c.env.DB);
    const id = c.req.param("id");
    const row = CASE_ID.test(id) ? await getException(db, id) : null;
    if (!row || row.coachId !== coach.id) return c.html(<RequesterPage title={w.notFound} lang={lang} path={c.req.path}><div class="card"><h1>{w.notFound}</h1></div></RequesterPage>, 404);
    const policy = await coachPolicy(db, coach.id);
    const flash = c.req.query("done") === "1" ? w.decided : c.req.query("refused");
    return c.html(
      <RequesterPage title={`${EXCEPTION_LABELS[row.kind as ExceptionKind][lang]} · ${w.title}`} lang={lang} path={c.req.path}>
        <h1>{EXCEPTION_LABELS[row.kind as ExceptionKind][lang]}</h1>
        {flash ? (
          <p class={`banner ${c.req.query("done") ? "ok" : "bad"}`} id="flash">
            {flash}
          </p>
        ) : null}
        <div class="card" id="case">
          <p>
            <span class={`tag case-${row.status}`} id="case-status">
              {w.status[row.status] ?? row.status}
            </span>
          </p>
          <CaseFacts row={row} clientName={await clientName(c, row.engagementId)} lang={lang} policy={await coachPolicyAt(db, coach.id, row.policyVersion)} late={row.status === "pending" && isLate(policy, row.kind as ExceptionKind, row.openedAt, Date.now())} />
          {row.decision ? <p class="muted">{row.note ?? ""}</p> : null}
        </div>
        {row.status === "pending" ? (
          <form class="card stack" method="post" action={`/coach/exceptions/${row.id}`} id="decide" data-once>
            <div class="field">
              <label for="note">{w.yourNote}</label>
              <textarea id="note" name="note" maxlength={2000}></textarea>
            </div>
            <input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />
            <button type="submit" class="block" name="decision" value="approve" id="approve">
              {w.approve}
            </button>
            <button type="submit" class="block secondary" name="decision" value="reject" id="reject">
              {w.reject}
            </button>
            <button type="submit" class="block secondary" name="decision" value="instruct" id="instruct">
              {w.instruct}
            </button>
          </form>
        ) : null}
        <p>
          <a href="/coach/exceptions">{w.back}</a>
        </p>
      </RequesterPage>,
    );
  });

  portal.post("/exceptions/:id", formLimit, async (c) => {
    const coach = c.get("coach");
    const w = W[pageLanguage(c)];
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const base = `/coach/exceptions/${encodeURIComponent(id)}`;
    if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect(`${base}?refused=${encodeURIComponent(w.expired)}`, 303);
    const row = CASE_ID.test(id) ? await getException(createDb(c.env.DB), id) : null;
    if (!row || row.coachId !== coach.id) return c.redirect(`/coach/exceptions?refused=${encodeURIComponent(w.notFound)}`, 303);
    const decision = String(form.decision ?? "");
    if (decision !== "approve" && decision !== "reject" && decision !== "instruct") return c.redirect(base, 303);
    const note = typeof form.note === "string" ? form.note.trim().slice(0, 2000) : "";
    const result = await reservationStub(c.env, row.engagementId).decideException({ caseId: row.id, decision, ...(note ? { note } : {}), by: `coach:${coach.name}` });
    if (!result.ok) return c.redirect(`${base}?refused=${encodeURIComponent(result.message.startsWith("this case was already decided") ? w.already : result.message)}`, 303);
    return c.redirect(`${base}?done=1`, 303);
  });
}

// ---------------------------------------------------------------- the policy (例外権限)

const P = {
  ja: {
    title: "例外ポリシー",
    intro: "運営があなたに確認せずに対応してよい範囲です。範囲外はすべてあなたの判断を待ちます。変更すると新しい版になり、記録には適用した版が残ります。",
    version: (v: number) => `現在の版: v${v}`,
    rescheduleHours: "日時変更: セッションの何時間前まで",
    rescheduleMax: "日時変更: 1回のセッションにつき最大何回",
    cancelHours: "キャンセル: セッションの何時間前まで",
    refundJpy: "返金: 何円まで",
    refundPct: "返金: または支払額の何％まで",
    noShow: "無断欠席はセッション1回分として消化する",
    remind: "未払い: 期限の何日後に催促",
    cancelDays: "未払い: 期限の何日後に取消",
    banned: "使わない言い回し（1行に1つ）",
    quiet: "送信しない時間帯（日本時間）",
    save: "新しい版として保存",
    saved: "保存しました。",
  },
  en: {
    title: "Exception policy",
    intro: "What the operators may do without asking you. Everything else waits for your decision. A change makes a new version; the record keeps the version applied.",
    version: (v: number) => `Current version: v${v}`,
    rescheduleHours: "Reschedule: up to how many hours before",
    rescheduleMax: "Reschedule: at most how many times per session",
    cancelHours: "Cancel: up to how many hours before",
    refundJpy: "Refund: up to how many yen",
    refundPct: "Refund: or up to what % of what was paid",
    noShow: "A no-show uses up the session",
    remind: "Unpaid: remind how many days after the deadline",
    cancelDays: "Unpaid: cancel how many days after the deadline",
    banned: "Phrases never to use (one a line)",
    quiet: "Quiet hours (Japan time)",
    save: "Save as a new version",
    saved: "Saved.",
  },
};

function PolicyForm(props: { c: C; p: CoachPolicy; lang: Lang; errors?: string[]; saved?: boolean }) {
  const { p, lang } = props;
  const w = P[lang];
  const num = (id: string, label: string, value: number, max: number) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input type="number" id={id} name={id} min={0} max={max} value={String(value)} required />
    </div>
  );
  return (
    <form class="card stack" method="post" action="/coach/policy" id="policy-form">
      <p class="muted">{w.intro}</p>
      <p id="policy-version">{w.version(p.version)}</p>
      <FormBanners saved={props.saved ? w.saved : undefined} errors={props.errors} />
      {num("reschedule_hours", w.rescheduleHours, p.reschedule.minNoticeHours, 336)}
      {num("reschedule_max", w.rescheduleMax, p.reschedule.maxPerSession, 10)}
      {num("cancel_hours", w.cancelHours, p.cancel.minNoticeHours, 336)}
      {num("refund_jpy", w.refundJpy, p.refund.maxJpy, 1_000_000)}
      {num("refund_pct", w.refundPct, p.refund.maxPercent, 100)}
      <label class="choice">
        <input type="checkbox" name="no_show_consumes" value="1" checked={p.noShow.consumesSession} />
        <span>{w.noShow}</span>
      </label>
      {num("remind_days", w.remind, p.unpaid.remindAfterDays, 30)}
      {num("cancel_days", w.cancelDays, p.unpaid.cancelAfterDays, 60)}
      <div class="field">
        <label for="banned">{w.banned}</label>
        <textarea id="banned" name="banned">{p.bannedPhrases.join("\n")}</textarea>
      </div>
      <div class="field">
        <label for="quiet_start">{w.quiet}</label>
        <p class="row">
          <input type="time" id="quiet_start" name="quiet_start" value={p.quietHours.start} required aria-label={`${w.quiet} start`} />〜
          <input type="time" id="quiet_end" name="quiet_end" value={p.quietHours.end} required aria-label={`${w.quiet} end`} />
        </p>
      </div>
      <input type="hidden" name={CSRF_FIELD} value={csrfToken(props.c)} />
      <button type="submit" class="block" id="save-policy">
        {w.save}
      </button>
    </form>
  );
}

export function registerCoachPolicy(portal: Hono<CoachEnv>): void {
  portal.get("/policy", async (c) => {
    const coach = c.get("coach");
    const lang = pageLanguage(c);
    const p = await coachPolicy(createDb(c.env.DB), coach.id);
    return c.html(
      <RequesterPage title={`${P[lang].title} · ${coach.name}`} lang={lang} path={c.req.path}>
        <h1>{P[lang].title}</h1>
        <PolicyForm c={c} p={p} lang={lang} saved={c.req.query("saved") === "1"} />
      </RequesterPage>,
    );
  });

  portal.post("/policy", formLimit, async (c) => {
    const coach = c.get("coach");
    const lang = pageLanguage(c);
    const db = createDb(c.env.DB);
    const form = await c.req.parseBody();
    if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect("/coach/policy", 303);
    const previous = await coachPolicy(db, coach.id);
    const n = (k: string) => (typeof form[k] === "string" && /^\d{1,7}$/.test(form[k] as string) ? Number(form[k]) : -1);
    const str = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
    const checked = validatePolicy(
      {
        reschedule: { minNoticeHours: n("reschedule_hours"), maxPerSession: n("reschedule_max") },
        cancel: { minNoticeHours: n("cancel_hours") },
        refund: { maxJpy: n("refund_jpy"), maxPercent: n("refund_pct") },
        noShow: { consumesSession: form.no_show_consumes === "1" },
        unpaid: { remindAfterDays: n("remind_days"), cancelAfterDays: n("cancel_days") },
        bannedPhrases: str("banned").split(/\r?\n/).slice(0, 100).map((s) => s.slice(0, 100)),
        quietHours: { start: str("quiet_start"), end: str("quiet_end") },
        slaMinutes: previous.slaMinutes,
        auditRetentionDays: previous.auditRetentionDays,
      },
      previous,
    );
    if (!checked.ok) {
      return c.html(
        <RequesterPage title={`${P[lang].title} · ${coach.name}`} lang={lang} path={c.req.path}>
          <h1>{P[lang].title}</h1>
          <PolicyForm c={c} p={previous} lang={lang} errors={checked.errors} />
        </RequesterPage>,
        400,
      );
    }
    await saveCoachPolicy(db, coach.id, checked.policy, `coach:${coach.name}`);
    return c.redirect("/coach/policy?saved=1", 303);
  });
}

// ---------------------------------------------------------------- the weekly report (週次レポート)

const R = {
  ja: {
    title: "週次レポート",
    week: (k: string) => `${k} の週`,
    prev: "前の週",
    held: "実施したセッション",
    noShows: "無断欠席",
    trials: "無料体験（うち成約）",
    survey: "アンケート（件数・平均）",
    exceptions: "例外（ポリシー内／外）",
    pending: "判断待ち",
    findings: "サンプル監査（問題なし／是正）",
    sop: "是正とSOPの追記",
    none: "ありません。",
    pdf: "PDFをダウンロード",
    emailed: "前の週のレポートは毎週月曜17時に、登録のメールアドレスへPDFでもお送りします（運営のサンプル監査の結果を含みます）。",
  },
  en: {
    title: "Weekly report",
    week: (k: string) => `Week of ${k}`,
    prev: "Previous week",
    held: "Sessions held",
    noShows: "No-shows",
    trials: "Free trials (converted)",
    survey: "Surveys (count, average)",
    exceptions: "Exceptions (in / out of policy)",
    pending: "Waiting for your decision",
    findings: "Sample audit (ok / fixed)",
    sop: "Fixes and SOP notes",
    none: "None.",
    pdf: "Download PDF (Japanese)",
    emailed: "Every Monday at 17:00 (Japan time) the week before's report, with the operators' sample audit, is also emailed to you as a PDF.",
  },
};

export function registerCoachReport(portal: Hono<CoachEnv>): void {
  /** The same week as a PDF (the document the Monday email attaches), in Japanese. */
  portal.get("/report.pdf", async (c) => {
    const coach = c.get("coach");
    const now = Date.now();
    const week = weekFromQuery(c.req.query("week"), now);
    const doc = coachWeeklyDoc(coach.name, await coachWeekly(createDb(c.env.DB), coach.id, week), week, now);
    return pdfResponse(renderPdf(doc, { createdAt: now, footer: `QRV · ${doc.title}` }), coachReportFilename(coach.id, week.key), "private");
  });

  portal.get("/report", async (c) => {
    const coach = c.get("coach");
    const lang = pageLanguage(c);
    const w = R[lang];
    const db = createDb(c.env.DB);
    const week = weekFromQuery(c.req.query("week"), Date.now());
    const report = await coachWeekly(db, coach.id, week);
    const inPolicy = report.exceptions.filter((x) => x.inPolicy).length;
    const rows: [string, string, string][] = [
      ["held", w.held, String(report.sessionsHeld)],
      ["no-shows", w.noShows, String(report.noShows)],
      ["trials", w.trials, `${report.trialsHeld}（${report.trialConversions}）`],
      ["survey", w.survey, `${report.surveyCount} · ${report.surveyAverage ?? "—"}`],
      ["exceptions", w.exceptions, `${inPolicy} / ${report.exceptions.length - inPolicy}`],
      ["pending", w.pending, String(report.pendingApprovals)],
      ["findings", w.findings, `${report.findings.ok} / ${report.findings.fix}`],
    ];
    return c.html(
      <RequesterPage title={`${w.title} · ${coach.name}`} lang={lang} path={c.req.path}>
        <h1>{w.title}</h1>
        <p class="muted" id="report-week">
          {w.week(report.week)} · <a href={`/coach/report?week=${weekOf(week.start - 1).key}`}>{w.prev}</a>
        </p>
        <p>
          <a class="button secondary" href={`/coach/report.pdf?week=${report.week}`} id="report-pdf">
            {w.pdf}
          </a>
        </p>
        <p class="muted">{w.emailed}</p>
        <div class="card">
          <table id="report">
            <tbody>
              {rows.map(([id, label, value]) => (
                <tr id={`r-${id}`}>
                  <td>{label}</td>
                  <td class="n">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="card" id="report-fixes">
          <h2>{w.sop}</h2>
          {report.findings.notes.length ? (
            <ul>
              {report.findings.notes.map((n) => (
                <li>{n}</li>
              ))}
            </ul>
          ) : (
            <p class="muted">{w.none}</p>
          )}
        </div>
      </RequesterPage>,
    );
  });
}
