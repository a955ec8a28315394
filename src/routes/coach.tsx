// /coach: the coach portal (seed 001). Coaches sign in like everyone (phone number and SMS code,
// /account/sign-in); the coach role is a coaches row linked to their user id. They see today's
// and the coming week's sessions, file completion reports (held or no-show; after a trial:
// converted, undecided or dropped), edit their availability, and see their clients with the
// CRM status. Reports are events sent to the engagement's object, like every other change.
//   GET  /coach                          today and the next 7 days, report forms for sessions that started
//   POST /coach/report/:engagementId     the completion report
//   GET|POST /coach/availability         weekly hours, days off and extra hours, buffer, notice
//   GET  /coach/clients                  clients with their CRM status
//   /coach/exceptions                    cases outside the coach's policy (coach-governance.tsx)
//   /coach/templates                     template changes and messages waiting for the coach (coach-templates.tsx)
import type { Context } from "hono";
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { requireAccount } from "../auth/account.ts";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { loadAnyRecord } from "../db/reservations.ts";
import { coachClientList, coachForAccount, coachSessions, getAvailability, saveAvailability } from "../db/sessions.ts";
import type { SessionEvent } from "../domain/reservation/session-machine.ts";
import { availabilityFromForm, exceptionsText, WEEKDAYS, type Availability } from "../domain/sessions/availability.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { engagementStatusLabel } from "../domain/sessions/view.ts";
import { formatClock, formatDateTime, jstDay } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import { CSRF_FIELD, csrfToken, csrfValid, formNonce } from "./csrf.ts";
import { pageLanguage, rememberLanguage } from "./language.tsx";
import { RequesterPage, privatePage } from "./requester-layout.tsx";
import { formLimit } from "./support.tsx";
import { FormBanners, registerCoachExceptions, registerCoachPolicy, registerCoachReport, type CoachEnv } from "./coach-governance.tsx";
import { registerCoachTemplates } from "./coach-templates.tsx";

type C = Context<CoachEnv>;

export const coachPortal = new Hono<CoachEnv>();
coachPortal.use("*", rememberLanguage);
coachPortal.use("*", privatePage);
coachPortal.use("*", requireAccount());
coachPortal.use("*", async (c, next) => {
  const coach = await coachForAccount(createDb(c.env.DB), c.get("account"));
  if (!coach) {
    return c.html(
      <RequesterPage title="コーチポータル / Coach portal" lang={pageLanguage(c)} path={c.req.path}>
        <div class="card" id="not-coach">
          <h1>コーチポータル / Coach portal</h1>
          <p>この電話番号はコーチとして登録されていません。運営にお問い合わせください。</p>
          <p class="muted">This number is not registered as a coach. Please contact the operators.</p>
        </div>
      </RequesterPage>,
      403,
    );
  }
  c.set("coach", coach);
  await next();
});

registerCoachExceptions(coachPortal);
registerCoachPolicy(coachPortal);
registerCoachReport(coachPortal);
registerCoachTemplates(coachPortal);

const FORM_NONCE = /^[A-Za-z0-9_-]{16,64}$/;

const W = {
  ja: {
    portal: "コーチポータル",
    hello: (name: string) => `${name} さん`,
    nav: ["セッション", "空き枠", "クライアント", "判断待ち", "メッセージ承認", "ポリシー", "週次"] as const,
    outcome: { held: "実施", no_show: "欠席（ノーショー）", converted: "成約", undecided: "検討中", dropped: "離脱", cancelled: "取消" } as Record<string, string>,
    reported: "完了報告を受け付けました。フォローアップを送信します。",
    toReport: "完了報告待ち",
    none: "ありません。",
    trial: "無料体験",
    notes: "振り返りメモ（受講者に届きます）",
    send: "完了報告を送る",
    today: "今日のセッション",
    todayNone: "今日の残りの予定はありません。",
    week: "今後7日間",
    expired: "フォームの有効期限が切れました。もう一度お試しください。",
    notFound: "見つかりません",
    pickOutcome: "結果を選んでください",
    hours: "空き枠（日本時間）",
    saved: "保存しました。",
    exceptions: "例外（1行に1件: 休み「2026-12-24 off」、追加「2026-12-26 13:00-17:00」）",
    buffer: "セッション間の休憩（分）",
    notice: "予約の締切（開始の何分前まで）",
    save: "保存する",
    clients: "クライアント",
    noClients: "まだいません。",
    crm: { lead: "見込み", trial: "体験", active: "受講中", paused: "休止", churned: "離脱" } as Record<string, string>,
    held: (n: number) => `実施 ${n} 回`,
    start: "開始",
    end: "終了",
  },
  en: {
    portal: "Coach portal",
    hello: (name: string) => name,
    nav: ["Sessions", "Availability", "Clients", "Decisions", "Messages", "Policy", "Weekly"] as const,
    outcome: { held: "Held", no_show: "No-show", converted: "Converted", undecided: "Undecided", dropped: "Dropped", cancelled: "Cancelled" } as Record<string, string>,
    reported: "Report received. The follow-up is on its way to the client.",
    toReport: "Waiting for your report",
    none: "Nothing.",
    trial: "Free trial",
    notes: "Reflection notes (sent to the client)",
    send: "Send the report",
    today: "Today",
    todayNone: "Nothing more today.",
    week: "Next 7 days",
    expired: "This form has expired. Please try again.",
    notFound: "Not found",
    pickOutcome: "Choose an outcome",
    hours: "Availability (Japan time)",
    saved: "Saved.",
    exceptions: 'Exceptions, one a line: a day off "2026-12-24 off", extra hours "2026-12-26 13:00-17:00"',
    buffer: "Break between sessions (minutes)",
    notice: "Minimum notice (minutes before the start)",
    save: "Save",
    clients: "Clients",
    noClients: "None yet.",
    crm: { lead: "Lead", trial: "Trial", active: "Active", paused: "Paused", churned: "Churned" } as Record<string, string>,
    held: (n: number) => `${n} held`,
    start: "start",
    end: "end",
  },
};
const DAY = 86_400_000;

function Nav(props: { on: string; lang: Lang }) {
  const [sessions, hours, clients, decisions, messages, policy, weekly] = W[props.lang].nav;
  const links: [string, string][] = [
    ["/coach", sessions],
    ["/coach/availability", hours],
    ["/coach/clients", clients],
    ["/coach/exceptions", decisions],
    ["/coach/templates", messages],
    ["/coach/policy", policy],
    ["/coach/report", weekly],
  ];
  return (
    <p class="row" id="coach-nav">
      {links.map(([href, label]) => (
        <a class={`button ${href === props.on ? "" : "secondary"}`} href={href}>
          {label}
        </a>
      ))}
    </p>
  );
}

function Keys(props: { c: C }) {
  return (
    <>
      <input type="hidden" name={CSRF_FIELD} value={csrfToken(props.c)} />
      <input type="hidden" name="form" value={formNonce()} />
    </>
  );
}


coachPortal.get("/", async (c) => {
  const coach = c.get("coach");
  const lang = pageLanguage(c);
  const w = W[lang];
  const now = Date.now();
  const todayStart = jstDay(now) * DAY - 9 * 3_600_000;
  const rows = await coachSessions(createDb(c.env.DB), coach.id, todayStart - 7 * DAY, todayStart + 8 * DAY);
  const open = rows.filter((r) => r.session.outcome === null || r.session.outcome === undefined);
  // Reports are due once the session has started (its start timer moved the engagement on).
  const started = (r: (typeof open)[number]) => r.status === "in_session" || r.status === "trial_in_session";
  const toReport = open.filter(started);
  const today = open.filter((r) => !started(r) && r.session.startAt >= todayStart && r.session.startAt < todayStart + DAY);
  const later = open.filter((r) => !started(r) && r.session.startAt >= todayStart + DAY);
  const flash = c.req.query("done") === "report" ? w.reported : c.req.query("refused");
  return c.html(
    <RequesterPage title={`${coach.name} · ${w.portal}`} lang={lang} path={c.req.path}>
      <h1>{w.hello(coach.name)}</h1>
      <Nav on="/coach" lang={lang} />
      {flash ? (
        <p class={`banner ${c.req.query("done") ? "ok" : "bad"}`} id="flash">
          {flash}
        </p>
      ) : null}
      <div class="card" id="to-report">
        <h2>{w.toReport}</h2>
        {toReport.length ? null : <p class="muted">{w.none}</p>}
        {toReport.map((r) => (
          <form method="post" action={`/coach/report/${r.session.engagementId}`} class="stack report" data-once>
            <p>
              <strong>{r.clientName}</strong> {formatDateTime(r.session.startAt, lang)}
              {r.session.trial ? <span class="tag">{w.trial}</span> : null}
            </p>
            <div class="field">
              {(r.session.trial ? ["converted", "undecided", "dropped"] : ["held", "no_show"]).map((o, i) => (
                <label class="choice">
                  <input type="radio" name="outcome" value={o} checked={i === 0} required />
                  <span>{w.outcome[o]}</span>
                </label>
              ))}
            </div>
            <div class="field">
              <label for={`notes-${r.session.engagementId}`}>{w.notes}</label>
              <textarea id={`notes-${r.session.engagementId}`} name="notes" maxlength={4000}></textarea>
            </div>
            <Keys c={c} />
            <button type="submit" class="block">
              {w.send}
            </button>
          </form>
        ))}
      </div>
      <div class="card" id="today">
        <h2>{w.today}</h2>
        {today.length ? null : <p class="muted">{w.todayNone}</p>}
        <SessionList rows={today} lang={lang} />
      </div>
      <div class="card" id="upcoming">
        <h2>{w.week}</h2>
        <SessionList rows={later} lang={lang} />
      </div>
    </RequesterPage>,
  );
});

function SessionList(props: { rows: Awaited<ReturnType<typeof coachSessions>>; lang: Lang }) {
  if (!props.rows.length) return null;
  return (
    <ul class="steps">
      {props.rows.map((r) => (
        <li>
          {formatDateTime(r.session.startAt, props.lang)}–{formatClock(r.session.endAt)} <strong>{r.clientName}</strong> {r.session.trial ? <span class="tag">{W[props.lang].trial}</span> : null}
          <br />
          <a href={r.session.meetingUrl} rel="noreferrer">
            {r.session.meetingUrl}
          </a>
        </li>
      ))}
    </ul>
  );
}

coachPortal.post("/report/:engagementId", formLimit, async (c) => {
  const coach = c.get("coach");
  const w = W[pageLanguage(c)];
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect(`/coach?refused=${encodeURIComponent(w.expired)}`, 303);
  const r = await loadAnyRecord(createDb(c.env.DB), c.req.param("engagementId"));
  // Only this coach's engagements.
  if (!r || r.kind !== "session" || r.data.coach.id !== coach.id) return c.redirect(`/coach?refused=${encodeURIComponent(w.notFound)}`, 303);
  const outcome = String(form.outcome ?? "");
  const notes = typeof form.notes === "string" ? form.notes.trim().slice(0, 4000) : "";
  const by = `coach:${coach.name}`;
  let event: SessionEvent;
  if (outcome === "held" || outcome === "no_show") event = { type: "report", outcome, ...(notes ? { notes } : {}), by };
  else if (outcome === "converted" || outcome === "undecided" || outcome === "dropped") event = { type: "trial_report", outcome, ...(notes ? { notes } : {}), by };
  else return c.redirect(`/coach?refused=${encodeURIComponent(w.pickOutcome)}`, 303);
  const nonce = typeof form.form === "string" && FORM_NONCE.test(form.form) ? form.form : undefined;
  const result = await reservationStub(c.env, r.id).dispatch(event, "operator", nonce ? `coach:${nonce}` : undefined);
  const refused = result.outcome as { type: string; reason?: string } | undefined;
  if (!result.applied && !result.duplicate && refused?.type === "refused") return c.redirect(`/coach?refused=${encodeURIComponent(refused.reason ?? "")}`, 303);
  return c.redirect("/coach?done=report", 303);
});

// ---------------------------------------------------------------- availability

/** The availability form, shared with the console's coach settings (`hidden`: the page's CSRF field). */
export function AvailabilityForm(props: { action: string; hidden: Child; a: Availability; errors?: string[]; saved?: boolean; lang?: Lang }) {
  const { a } = props;
  const lang = props.lang ?? "ja";
  const w = W[lang];
  const byDay = (d: number) => a.weekly.find((w) => w.weekday === d);
  return (
    <form class="card" method="post" action={props.action} id="availability-form">
      <h2>{w.hours}</h2>
      <FormBanners saved={props.saved ? w.saved : undefined} errors={props.errors} />
      <table class="hours">
        <tbody>
          {WEEKDAYS[lang].map((label, d) => (
            <tr>
              <td>
                <label for={`start-${d}`}>{label}</label>
              </td>
              <td>
                <input type="time" id={`start-${d}`} name={`start_${d}`} value={byDay(d)?.start ?? ""} step={300} aria-label={`${label} ${w.start}`} />
              </td>
              <td>〜</td>
              <td>
                <input type="time" id={`end-${d}`} name={`end_${d}`} value={byDay(d)?.end ?? ""} step={300} aria-label={`${label} ${w.end}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="field">
        <label for="exceptions">{w.exceptions}</label>
        <textarea id="exceptions" name="exceptions">
          {exceptionsText(a.exceptions)}
        </textarea>
      </div>
      <div class="field">
        <label for="buffer">{w.buffer}</label>
        <input type="number" id="buffer" name="buffer" min={0} max={240} value={String(a.bufferMinutes)} />
      </div>
      <div class="field">
        <label for="notice">{w.notice}</label>
        <input type="number" id="notice" name="notice" min={0} max={10080} value={String(a.minNoticeMinutes)} />
      </div>
      {props.hidden}
      <button type="submit" class="block" id="save-availability">
        {w.save}
      </button>
    </form>
  );
}

coachPortal.get("/availability", async (c) => {
  const coach = c.get("coach");
  const a = await getAvailability(createDb(c.env.DB), coach.id);
  const lang = pageLanguage(c);
  return c.html(
    <RequesterPage title={`${W[lang].hours} · ${W[lang].portal}`} lang={lang} path={c.req.path}>
      <h1>{W[lang].hello(coach.name)}</h1>
      <Nav on="/coach/availability" lang={lang} />
      <AvailabilityForm action="/coach/availability" hidden={<input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />} a={a} saved={c.req.query("saved") === "1"} lang={lang} />
    </RequesterPage>,
  );
});

coachPortal.post("/availability", formLimit, async (c) => {
  const coach = c.get("coach");
  const form = await c.req.parseBody();
  const db = createDb(c.env.DB);
  const current = await getAvailability(db, coach.id);
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect("/coach/availability", 303);
  const lang = pageLanguage(c);
  const { availability: next, errors } = availabilityFromForm(form as Record<string, unknown>, current.stepMinutes ?? 30, lang);
  if (errors.length) {
    return c.html(
      <RequesterPage title={`${W[lang].hours} · ${W[lang].portal}`} lang={lang} path={c.req.path}>
        <h1>{W[lang].hello(coach.name)}</h1>
        <Nav on="/coach/availability" lang={lang} />
        <AvailabilityForm action="/coach/availability" hidden={<input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />} a={next} errors={errors} lang={lang} />
      </RequesterPage>,
      400,
    );
  }
  await saveAvailability(db, coach.id, next, `coach:${coach.name}`);
  return c.redirect("/coach/availability?saved=1", 303);
});

// ---------------------------------------------------------------- clients (CRM)


coachPortal.get("/clients", async (c) => {
  const coach = c.get("coach");
  const lang = pageLanguage(c);
  const w = W[lang];
  const db = createDb(c.env.DB);
  const clients = await coachClientList(db, coach.id);
  const statuses = new Map<string, string>();
  await Promise.all(
    clients.map(async (cl) => {
      const r = await loadAnyRecord(db, cl.engagementId);
      if (r?.kind === "session") statuses.set(cl.engagementId, engagementStatusLabel(r.status, lang));
    }),
  );
  return c.html(
    <RequesterPage title={`${w.clients} · ${w.portal}`} lang={lang} path={c.req.path}>
      <h1>{w.hello(coach.name)}</h1>
      <Nav on="/coach/clients" lang={lang} />
      <div class="card" id="clients">
        <h2>{w.clients}</h2>
        {clients.length ? null : <p class="muted">{w.noClients}</p>}
        <table>
          <tbody>
            {clients.map((cl) => (
              <tr>
                <td>
                  <strong>{cl.clientName}</strong>
                  <br />
                  <span class="muted">{statuses.get(cl.engagementId) ?? ""}</span>
                </td>
                <td>
                  <span class={`tag crm-${cl.crm}`}>{w.crm[cl.crm] ?? cl.crm}</span>
                </td>
                <td class="n">{w.held(cl.sessionsHeld)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </RequesterPage>,
  );
});
