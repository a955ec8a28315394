// /coach: the coach portal (seed 001). Coaches sign in like everyone (phone number and SMS code,
// /account/sign-in); the coach role is a coaches row linked to their user id. They see today's
// and the coming week's sessions, file completion reports (held or no-show; after a trial:
// converted, undecided or dropped), edit their availability, and see their clients with the
// CRM status. Reports are events sent to the engagement's object, like every other change.
//   GET  /coach                          today and the next 7 days, report forms for sessions that started
//   POST /coach/report/:engagementId     the completion report
//   GET|POST /coach/availability         weekly hours, days off and extra hours, buffer, notice
//   GET  /coach/clients                  clients with their CRM status
import type { Context } from "hono";
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { requireAccount, type AccountVariables } from "../auth/account.ts";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import { loadAnyRecord } from "../db/reservations.ts";
import { coachClientList, coachForAccount, coachSessions, getAvailability, saveAvailability, type CoachRow } from "../db/sessions.ts";
import type { SessionEvent } from "../domain/reservation/session-machine.ts";
import { availabilityFromForm, exceptionsText, WEEKDAYS_JA as WEEKDAYS, type Availability } from "../domain/sessions/availability.ts";
import { engagementStatusLabel } from "../domain/sessions/view.ts";
import { formatClock, formatDateTime, jstDay } from "../domain/time.ts";
import { reservationStub } from "../durable/client.ts";
import { CSRF_FIELD, csrfToken, csrfValid, formNonce } from "./csrf.ts";
import { RequesterPage, privatePage } from "./requester-layout.tsx";
import { formLimit } from "./support.tsx";

type CoachEnv = { Bindings: Env; Variables: AccountVariables & { coach: CoachRow } };
type C = Context<CoachEnv>;

export const coachPortal = new Hono<CoachEnv>();
coachPortal.use("*", privatePage);
coachPortal.use("*", requireAccount());
coachPortal.use("*", async (c, next) => {
  const coach = await coachForAccount(createDb(c.env.DB), c.get("account"));
  if (!coach) {
    return c.html(
      <RequesterPage title="コーチポータル" lang="ja" path={c.req.path}>
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

const FORM_NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const DAY = 86_400_000;

function Nav(props: { on: string }) {
  const links: [string, string][] = [
    ["/coach", "セッション"],
    ["/coach/availability", "空き枠"],
    ["/coach/clients", "クライアント"],
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

const OUTCOME_JA: Record<string, string> = { held: "実施", no_show: "欠席（ノーショー）", converted: "成約", undecided: "検討中", dropped: "離脱", cancelled: "取消" };

coachPortal.get("/", async (c) => {
  const coach = c.get("coach");
  const now = Date.now();
  const todayStart = jstDay(now) * DAY - 9 * 3_600_000;
  const rows = await coachSessions(createDb(c.env.DB), coach.id, todayStart - 7 * DAY, todayStart + 8 * DAY);
  const open = rows.filter((r) => r.session.outcome === null || r.session.outcome === undefined);
  // Reports are due once the session has started (its start timer moved the engagement on).
  const started = (r: (typeof open)[number]) => r.status === "in_session" || r.status === "trial_in_session";
  const toReport = open.filter(started);
  const today = open.filter((r) => !started(r) && r.session.startAt >= todayStart && r.session.startAt < todayStart + DAY);
  const later = open.filter((r) => !started(r) && r.session.startAt >= todayStart + DAY);
  const flash = c.req.query("done") === "report" ? "完了報告を受け付けました。フォローアップを送信します。" : c.req.query("refused");
  return c.html(
    <RequesterPage title={`${coach.name} · コーチポータル`} lang="ja" path={c.req.path}>
      <h1>{coach.name} さん</h1>
      <Nav on="/coach" />
      {flash ? (
        <p class={`banner ${c.req.query("done") ? "ok" : "bad"}`} id="flash">
          {flash}
        </p>
      ) : null}
      <div class="card" id="to-report">
        <h2>完了報告待ち</h2>
        {toReport.length ? null : <p class="muted">ありません。</p>}
        {toReport.map((r) => (
          <form method="post" action={`/coach/report/${r.session.engagementId}`} class="stack report" data-once>
            <p>
              <strong>{r.clientName}</strong> {formatDateTime(r.session.startAt, "ja")}
              {r.session.trial ? <span class="tag">無料体験</span> : null}
            </p>
            <div class="field">
              {(r.session.trial ? ["converted", "undecided", "dropped"] : ["held", "no_show"]).map((o, i) => (
                <label class="choice">
                  <input type="radio" name="outcome" value={o} checked={i === 0} required />
                  <span>{OUTCOME_JA[o]}</span>
                </label>
              ))}
            </div>
            <div class="field">
              <label for={`notes-${r.session.engagementId}`}>振り返りメモ（受講者に届きます）</label>
              <textarea id={`notes-${r.session.engagementId}`} name="notes" maxlength={4000}></textarea>
            </div>
            <Keys c={c} />
            <button type="submit" class="block">
              完了報告を送る
            </button>
          </form>
        ))}
      </div>
      <div class="card" id="today">
        <h2>今日のセッション</h2>
        {today.length ? null : <p class="muted">今日の残りの予定はありません。</p>}
        <SessionList rows={today} />
      </div>
      <div class="card" id="upcoming">
        <h2>今後7日間</h2>
        <SessionList rows={later} />
      </div>
    </RequesterPage>,
  );
});

function SessionList(props: { rows: Awaited<ReturnType<typeof coachSessions>> }) {
  if (!props.rows.length) return null;
  return (
    <ul class="steps">
      {props.rows.map((r) => (
        <li>
          {formatDateTime(r.session.startAt, "ja")}–{formatClock(r.session.endAt)} <strong>{r.clientName}</strong> {r.session.trial ? <span class="tag">無料体験</span> : null}
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
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect(`/coach?refused=${encodeURIComponent("フォームの有効期限が切れました。もう一度お試しください。")}`, 303);
  const r = await loadAnyRecord(createDb(c.env.DB), c.req.param("engagementId"));
  // Only this coach's engagements.
  if (!r || r.kind !== "session" || r.data.coach.id !== coach.id) return c.redirect(`/coach?refused=${encodeURIComponent("見つかりません")}`, 303);
  const outcome = String(form.outcome ?? "");
  const notes = typeof form.notes === "string" ? form.notes.trim().slice(0, 4000) : "";
  const by = `coach:${coach.name}`;
  let event: SessionEvent;
  if (outcome === "held" || outcome === "no_show") event = { type: "report", outcome, ...(notes ? { notes } : {}), by };
  else if (outcome === "converted" || outcome === "undecided" || outcome === "dropped") event = { type: "trial_report", outcome, ...(notes ? { notes } : {}), by };
  else return c.redirect(`/coach?refused=${encodeURIComponent("結果を選んでください")}`, 303);
  const nonce = typeof form.form === "string" && FORM_NONCE.test(form.form) ? form.form : undefined;
  const result = await reservationStub(c.env, r.id).dispatch(event, "operator", nonce ? `coach:${nonce}` : undefined);
  const refused = result.outcome as { type: string; reason?: string } | undefined;
  if (!result.applied && !result.duplicate && refused?.type === "refused") return c.redirect(`/coach?refused=${encodeURIComponent(refused.reason ?? "")}`, 303);
  return c.redirect("/coach?done=report", 303);
});

// ---------------------------------------------------------------- availability

/** The availability form, shared with the console's coach settings (`hidden`: the page's CSRF field). */
export function AvailabilityForm(props: { action: string; hidden: Child; a: Availability; errors?: string[]; saved?: boolean }) {
  const { a } = props;
  const byDay = (d: number) => a.weekly.find((w) => w.weekday === d);
  return (
    <form class="card" method="post" action={props.action} id="availability-form">
      <h2>空き枠（日本時間）</h2>
      {props.saved ? (
        <p class="banner ok" id="saved">
          保存しました。
        </p>
      ) : null}
      {props.errors?.length ? (
        <ul class="banner bad" id="errors">
          {props.errors.map((e) => (
            <li>{e}</li>
          ))}
        </ul>
      ) : null}
      <table class="hours">
        <tbody>
          {WEEKDAYS.map((label, d) => (
            <tr>
              <td>
                <label for={`start-${d}`}>{label}</label>
              </td>
              <td>
                <input type="time" id={`start-${d}`} name={`start_${d}`} value={byDay(d)?.start ?? ""} step={300} aria-label={`${label}曜日 開始`} />
              </td>
              <td>〜</td>
              <td>
                <input type="time" id={`end-${d}`} name={`end_${d}`} value={byDay(d)?.end ?? ""} step={300} aria-label={`${label}曜日 終了`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="field">
        <label for="exceptions">例外（1行に1件: 休み「2026-12-24 off」、追加「2026-12-26 13:00-17:00」）</label>
        <textarea id="exceptions" name="exceptions">
          {exceptionsText(a.exceptions)}
        </textarea>
      </div>
      <div class="field">
        <label for="buffer">セッション間の休憩（分）</label>
        <input type="number" id="buffer" name="buffer" min={0} max={240} value={String(a.bufferMinutes)} />
      </div>
      <div class="field">
        <label for="notice">予約の締切（開始の何分前まで）</label>
        <input type="number" id="notice" name="notice" min={0} max={10080} value={String(a.minNoticeMinutes)} />
      </div>
      {props.hidden}
      <button type="submit" class="block" id="save-availability">
        保存する
      </button>
    </form>
  );
}

coachPortal.get("/availability", async (c) => {
  const coach = c.get("coach");
  const a = await getAvailability(createDb(c.env.DB), coach.id);
  return c.html(
    <RequesterPage title="空き枠 · コーチポータル" lang="ja" path={c.req.path}>
      <h1>{coach.name} さん</h1>
      <Nav on="/coach/availability" />
      <AvailabilityForm action="/coach/availability" hidden={<input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />} a={a} saved={c.req.query("saved") === "1"} />
    </RequesterPage>,
  );
});

coachPortal.post("/availability", formLimit, async (c) => {
  const coach = c.get("coach");
  const form = await c.req.parseBody();
  const db = createDb(c.env.DB);
  const current = await getAvailability(db, coach.id);
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return c.redirect("/coach/availability", 303);
  const { availability: next, errors } = availabilityFromForm(form as Record<string, unknown>, current.stepMinutes ?? 30);
  if (errors.length) {
    return c.html(
      <RequesterPage title="空き枠 · コーチポータル" lang="ja" path={c.req.path}>
        <h1>{coach.name} さん</h1>
        <Nav on="/coach/availability" />
        <AvailabilityForm action="/coach/availability" hidden={<input type="hidden" name={CSRF_FIELD} value={csrfToken(c)} />} a={next} errors={errors} />
      </RequesterPage>,
      400,
    );
  }
  await saveAvailability(db, coach.id, next, `coach:${coach.name}`);
  return c.redirect("/coach/availability?saved=1", 303);
});

// ---------------------------------------------------------------- clients (CRM)

const CRM_JA: Record<string, string> = { lead: "見込み", trial: "体験", active: "受講中", paused: "休止", churned: "離脱" };

coachPortal.get("/clients", async (c) => {
  const coach = c.get("coach");
  const db = createDb(c.env.DB);
  const clients = await coachClientList(db, coach.id);
  const statuses = new Map<string, string>();
  await Promise.all(
    clients.map(async (cl) => {
      const r = await loadAnyRecord(db, cl.engagementId);
      if (r?.kind === "session") statuses.set(cl.engagementId, engagementStatusLabel(r.status, "ja"));
    }),
  );
  return c.html(
    <RequesterPage title="クライアント · コーチポータル" lang="ja" path={c.req.path}>
      <h1>{coach.name} さん</h1>
      <Nav on="/coach/clients" />
      <div class="card" id="clients">
        <h2>クライアント</h2>
        {clients.length ? null : <p class="muted">まだいません。</p>}
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
                  <span class={`tag crm-${cl.crm}`}>{CRM_JA[cl.crm] ?? cl.crm}</span>
                </td>
                <td class="n">実施 {cl.sessionsHeld} 回</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </RequesterPage>,
  );
});
