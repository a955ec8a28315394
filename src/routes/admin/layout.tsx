// The operator console's shell: the shared page with a wider layout and the console's own
// stylesheet, the navigation, one-shot flash messages, and the small pieces every page uses.
import type { Context } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { Child } from "hono/jsx";
import { CSRF_FIELD, type AdminEnv } from "../../auth/admin.ts";
import { PRIORITY_LABELS, type Priority } from "../../domain/cases.ts";
import { statusLabel } from "../../domain/messages.ts";
import { TIME_ZONE } from "../../domain/time.ts";
import { Page } from "../layout.tsx";

export const ADMIN_CSS = `
main{max-width:1180px}
header nav{display:flex;gap:4px 14px;flex-wrap:wrap;align-items:center;font-size:.9rem}
header nav a{font-weight:500;opacity:.85}header nav a.on{opacity:1;border-bottom:2px solid #fff}
header nav form{display:inline-flex}header nav button{background:none;color:#fff;padding:0;min-height:0;font-weight:500;font-size:.9rem;line-height:inherit;opacity:.85;text-decoration:underline}
header nav .who{opacity:.7}
.flash{border-radius:8px;padding:10px 14px;margin:0 0 16px;border-left:4px solid var(--ok);background:#e6f4ea}
.flash.error{border-left-color:var(--bad);background:#fce8e6}
.prio{display:inline-block;min-width:2.6em;text-align:center;padding:1px 8px;border-radius:6px;font-weight:700;font-size:.85rem}
.prio.urgent{background:var(--bad);color:#fff}.prio.high{background:#f9ab00;color:#1b1b1f}.prio.medium{background:#fef7e0;color:var(--warn);border:1px solid #f9ab00}.prio.low{background:#e8eaed;color:var(--muted)}
.item{border-left:6px solid var(--line)}.item.urgent{border-left-color:var(--bad)}.item.high{border-left-color:#f9ab00}.item.medium{border-left-color:#fdd663}
.item h2{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.age{font-weight:600}.age.over{color:var(--bad)}
.todo{background:#f1f3f4;border-radius:8px;padding:8px 12px;margin:8px 0}
.actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px;margin-top:12px}
.actions form{border:1px solid var(--line);border-radius:10px;padding:12px;margin:0;background:#fcfcfd}
.actions form h3{font-size:.95rem;margin:0 0 8px}
.actions label{display:block;font-size:.85rem;color:var(--muted);margin:6px 0 2px}
.actions input,.actions select,.actions textarea{width:100%}
.actions button{margin-top:8px;width:100%}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
.grid .card{margin:0}
.kpi{font-size:2.2rem;font-weight:700;line-height:1.1}
.chart{width:100%;max-width:820px;height:auto;display:block}
code{word-break:break-all}
table.data button,table.data .button{min-height:0;padding:4px 10px;font-size:.85rem;border-radius:6px}
#login{max-width:460px;margin:32px auto}
form.card{max-width:780px}
table.data td{vertical-align:middle}table.data td.n,table.data th.n{text-align:right;font-variant-numeric:tabular-nums}
table.data tr.over td{background:#fff4f2}
form.search{display:flex;gap:8px;flex-wrap:wrap;align-items:flex-end}
form.search label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
.errors li{color:var(--bad)}
details summary{cursor:pointer;color:var(--accent)}
.tag{display:inline-block;padding:0 6px;border-radius:4px;background:#e8eaed;font-size:.8rem;margin-right:4px}
.doc h2{margin:20px 0 8px}.doc h3{margin:14px 0 4px}.follow-up{margin:8px 0}
pre.message{white-space:pre-wrap;word-break:break-word;background:#f8f9fa;border:1px solid var(--line);border-radius:6px;padding:10px;font:inherit}
.tag.bad{background:#fce8e6;color:var(--bad)}.tag.ok{background:#e6f4ea;color:var(--ok)}.tag.warn{background:#fef7e0;color:var(--warn)}
.field{margin:0 0 10px}.field label{display:block;font-size:.85rem;color:var(--muted)}.field input,.field select,.field textarea{width:100%}
textarea{min-height:5em}
`;

export const NAV = [
  ["/admin", "キュー", "queue"],
  ["/admin/reservations", "予約", "reservations"],
  ["/admin/lodging", "宿泊フロント", "lodging"],
  ["/admin/shops", "提携店", "shops"],
  ["/admin/dashboard", "運営ダッシュボード", "dashboard"],
  ["/admin/management", "経営ダッシュボード", "management"],
  ["/admin/alerts", "アラート", "alerts"],
  ["/admin/incidents", "インシデント", "incidents"],
  ["/admin/inquiries", "問い合わせ", "inquiries"],
  ["/admin/engagements", "セッション", "sessions"],
  ["/admin/api-keys", "APIキー", "api-keys"],
  ["/admin/reports", "レポート", "reports"],
] as const;

export type Section = (typeof NAV)[number][2] | "login";

export function Csrf(props: { c: Context<AdminEnv> }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.c.get("csrf")} />;
}

/** A one-shot message shown on the next page (after a POST and its redirect). */
export function setFlash(c: Context<AdminEnv>, kind: "ok" | "error", text: string): void {
  setCookie(c, "qrv_flash", encodeURIComponent(JSON.stringify({ kind, text })), { path: "/admin", httpOnly: true, sameSite: "Strict", maxAge: 60 });
}

function takeFlash(c: Context<AdminEnv>): { kind: "ok" | "error"; text: string } | null {
  const raw = getCookie(c, "qrv_flash");
  if (!raw) return null;
  deleteCookie(c, "qrv_flash", { path: "/admin" });
  try {
    const f = JSON.parse(decodeURIComponent(raw)) as { kind: "ok" | "error"; text: string };
    return f.kind === "ok" || f.kind === "error" ? { kind: f.kind, text: String(f.text).slice(0, 500) } : null;
  } catch {
    return null;
  }
}

export function AdminPage(props: { c: Context<AdminEnv>; title: string; section: Section; children: Child; refreshSeconds?: number }) {
  const { c } = props;
  const flash = props.section === "login" ? null : takeFlash(c);
  const operator = props.section === "login" ? undefined : c.get("operator");
  return (
    <Page
      title={`${props.title} · QRV 運営コンソール`}
      lang="ja"
      {...(props.refreshSeconds ? { refreshSeconds: props.refreshSeconds } : {})}
      head={<link rel="stylesheet" href="/admin/assets/admin.css" />}
      nav={
        operator ? (
          <nav>
            {NAV.map(([href, label, key]) => (
              <a href={href} class={key === props.section ? "on" : ""}>
                {label}
              </a>
            ))}
            <span class="who">{operator}</span>
            <form method="post" action="/admin/logout">
              <Csrf c={c} />
              <button type="submit">ログアウト</button>
            </form>
          </nav>
        ) : undefined
      }
    >
      {flash ? <p class={`flash ${flash.kind === "error" ? "error" : ""}`}>{flash.text}</p> : null}
      {props.children}
    </Page>
  );
}

/** What is wrong with a posted form, above the form. */
export function FormErrors(props: { errors?: string[] | undefined }) {
  if (!props.errors?.length) return null;
  return (
    <div class="card">
      <ul class="errors">
        {props.errors.map((e) => (
          <li>{e}</li>
        ))}
      </ul>
    </div>
  );
}

export function PriorityBadge(props: { priority: Priority }) {
  return <span class={`prio ${props.priority}`}>{PRIORITY_LABELS[props.priority]}</span>;
}

export function StatusBadge(props: { status: string }) {
  return (
    <span class={`status ${props.status}`} title={props.status}>
      {statusLabel(props.status, "ja")}
    </span>
  );
}

const dateTime = new Intl.DateTimeFormat("ja-JP", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
const dateTimeSeconds = new Intl.DateTimeFormat("ja-JP", { timeZone: TIME_ZONE, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** "2026/12/01 15:00" in Japan time. */
export function jst(ms: number | null | undefined): string {
  return ms ? dateTime.format(ms) : "—";
}

export function jstSeconds(ms: number): string {
  return dateTimeSeconds.format(ms);
}

/** The value a datetime-local input shows for a time (Japan time). */
export function toLocalInput(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16);
}

const CALL_RESULTS_JA: Record<string, string> = { accepted: "予約OK", declined: "予約NG", no_answer: "応答なし", ambiguous: "曖昧な回答", change_requested: "変更依頼", failed: "発信失敗" };

/** A call's result in the operators' words ("通話中" while there is none yet). */
export function callResultLabel(result: string | undefined): string {
  return result ? (CALL_RESULTS_JA[result] ?? result) : "通話中";
}

/** "35分", "2時間10分", "3日4時間". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}分`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}時間${minutes % 60 ? `${minutes % 60}分` : ""}`;
  return `${Math.floor(hours / 24)}日${hours % 24 ? `${hours % 24}時間` : ""}`;
}

/** A CSV download (UTF-8 with a BOM so spreadsheet software reads the Japanese). */
export function csvResponse(c: Context<AdminEnv>, filename: string, csv: string): Response {
  return c.body(`\uFEFF${csv}`, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"` });
}
