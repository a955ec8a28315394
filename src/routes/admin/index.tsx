// /admin: the operator console. Nothing here is open: Cloudflare Access in production, the
// local password otherwise (src/auth/admin.ts); every POST carries the session's CSRF token.
// Pages read D1; every change to a reservation is an event sent to its Durable Object.
import type { Context } from "hono";
import { Hono } from "hono";
import { ADMIN_CSS, AdminPage } from "./layout.tsx";
import { consoleMode, endSession, passwordFailed, passwordLockedUntil, passwordMatches, requireCsrf, requireOperator, startSession, type AdminEnv } from "../../auth/admin.ts";
import { formatShort } from "../../domain/time.ts";
import { alertPages } from "./alerts.tsx";
import { apiKeyPages } from "./api-keys.tsx";
import { dashboards } from "./dashboards.tsx";
import { incidentPages } from "./incidents.tsx";
import { inquiryPages } from "./inquiries.tsx";
import { BOARD_CSS, BOARD_JS, lodgingDesk } from "./lodging.tsx";
import { lodgingRecords } from "./lodging-records.tsx";
import { lodgingRooms } from "./lodging-rooms.tsx";
import { lodgingDashboard } from "./lodging-dashboard.tsx";
import { queue } from "./queue.tsx";
import { knowledgePages } from "./knowledge.tsx";
import { reportPages } from "./reports.tsx";
import { reservationPages } from "./reservations.tsx";
import { sessionPages } from "./sessions.tsx";
import { auditPages } from "./audit.tsx";
import { sessionTemplatePages } from "./session-templates.tsx";
import { shopPages } from "./shops.tsx";

export const admin = new Hono<AdminEnv>();

admin.use("*", async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
  c.header("X-Robots-Tag", "noindex");
  c.header("Referrer-Policy", "same-origin");
});

admin.get("/assets/board.js", (c) => c.body(BOARD_JS, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600" }));
admin.get("/assets/admin.css", (c) => c.body(ADMIN_CSS + BOARD_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" }));

function denied(c: Context<AdminEnv>, status: 401 | 403 | 503, message: string) {
  return c.html(
    <AdminPage c={c} title="運営コンソール" section="login">
      <div class="card">
        <h1>運営コンソールに入れません</h1>
        <p>{message}</p>
      </div>
    </AdminPage>,
    status,
  );
}

function safeNext(value: unknown): string {
  const next = typeof value === "string" ? value : "";
  return /^\/admin(\/[^\s]*)?$/.test(next) && !next.startsWith("//") ? next : "/admin";
}

function LoginPage(props: { c: Context<AdminEnv>; next: string; error?: string; name?: string }) {
  return (
    <AdminPage c={props.c} title="ログイン" section="login">
      <form method="post" action="/admin/login" class="card" id="login">
        <h1>QRV 運営コンソール</h1>
        {props.error ? <p class="flash error">{props.error}</p> : null}
        <input type="hidden" name="next" value={props.next} />
        <div class="field">
          <label for="name">お名前（操作の記録に残ります）</label>
          <input id="name" name="name" required maxlength={60} autocomplete="username" value={props.name ?? ""} />
        </div>
        <div class="field">
          <label for="password">パスワード（.dev.vars の ADMIN_PASSWORD）</label>
          <input id="password" name="password" type="password" required autocomplete="current-password" />
        </div>
        <button type="submit">ログイン</button>
      </form>
    </AdminPage>
  );
}

admin.get("/login", (c) => {
  const mode = consoleMode(c.env);
  if (mode.kind === "closed") return denied(c, 503, mode.reason);
  if (mode.kind === "access") return c.redirect("/admin", 303);
  return c.html(<LoginPage c={c} next={safeNext(c.req.query("next"))} />);
});

admin.post("/login", async (c) => {
  const mode = consoleMode(c.env);
  if (mode.kind !== "password") return c.redirect("/admin", 303);
  const body = await c.req.parseBody();
  const name = typeof body.name === "string" ? body.name.normalize("NFKC").trim().slice(0, 60) : "";
  const password = typeof body.password === "string" ? body.password : "";
  const next = safeNext(body.next);
  const address = c.req.header("CF-Connecting-IP") ?? "unknown";
  const lockedUntil = await passwordLockedUntil(c.env, address);
  if (lockedUntil !== null) {
    console.warn(JSON.stringify({ msg: "console sign-in locked", until: lockedUntil }));
    c.header("Retry-After", String(Math.max(1, Math.ceil((lockedUntil - Date.now()) / 1000))));
    return c.html(<LoginPage c={c} next={next} name={name} error={`パスワードの誤りが続いたため、${formatShort(lockedUntil, "ja")}までログインできません`} />, 429);
  }
  if (!name || !(await passwordMatches(c.env, password))) {
    console.warn(JSON.stringify({ msg: "console sign-in failed" }));
    if (name) await passwordFailed(c.env, address);
    await new Promise((r) => setTimeout(r, 250));
    return c.html(<LoginPage c={c} next={next} name={name} error={name ? "パスワードが違います" : "お名前を入力してください"} />, 401);
  }
  await startSession(c, name, "password");
  console.log(JSON.stringify({ msg: "console sign-in", operator: name }));
  return c.redirect(next, 303);
});

admin.use("*", requireOperator({ denied }));
admin.use("*", requireCsrf({ denied }));

admin.post("/logout", async (c) => {
  await endSession(c);
  // Behind Access, signing out of the console means signing out of Access.
  return c.redirect(consoleMode(c.env).kind === "password" ? "/admin/login" : "/cdn-cgi/access/logout", 303);
});

admin.route("/", queue);
admin.route("/reservations", reservationPages);
admin.route("/", shopPages);
admin.route("/", dashboards);
admin.route("/", alertPages);
admin.route("/", incidentPages);
admin.route("/", inquiryPages);
admin.route("/", apiKeyPages);
admin.route("/", reportPages);
admin.route("/", knowledgePages);
admin.route("/", sessionPages);
admin.route("/", auditPages);
admin.route("/", sessionTemplatePages);
admin.route("/", lodgingDesk);
admin.route("/", lodgingRecords);
admin.route("/", lodgingRooms);
admin.route("/", lodgingDashboard);
