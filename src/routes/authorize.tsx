// /authorize: how a person lets an AI client act for them. They prove their phone number with
// a code sent by SMS (shown on /sandbox locally), then see which client is asking, where the
// access goes and what it allows, and approve or deny. The OAuth requests themselves are
// validated and completed by the provider (env.OAUTH_PROVIDER).
import { AuthorizationError, CimdFetchError, type ConsentDescription, type OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import { eq } from "drizzle-orm";
import { Hono, type Context } from "hono";
import type { McpAuth } from "../auth/index.ts";
import { provedHere, readSignIn, rememberProved, writeSignIn } from "../auth/session.ts";
import { startSignIn, upsertUser, verifySignIn } from "../auth/sign-in.ts";
import { createDb } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { displayPhone } from "../domain/phone.ts";
import { nameProblem, visibleText } from "../domain/text.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { Page } from "./layout.tsx";
import { CodeStep, LOGIN_ID, PhoneStep, signInCopy } from "./sign-in-forms.tsx";

type AuthEnv = Env & { OAUTH_PROVIDER: OAuthHelpers };
type C = Context<{ Bindings: Env }>;

export const authorize = new Hono<{ Bindings: Env }>();

function helpers(c: C): OAuthHelpers {
  return (c.env as AuthEnv).OAUTH_PROVIDER;
}

function langOf(c: C): Lang {
  return /^en\b/i.test(c.req.header("Accept-Language") ?? "") ? "en" : "ja";
}

const t = {
  ja: {
    consentTitle: (name: string) => `${name} にQRVでの予約を許可しますか？`,
    unverified: "このアプリは自己登録されたもので、名前は確認されていません。",
    publishedBy: (domain: string) => `発行元: ${domain}`,
    sentTo: (host: string) => `アクセス権の送り先: ${host}`,
    loopback: "この操作は、このパソコン上のアプリにアクセス権を渡します。今このアプリからサインインを始めた場合にだけ続けてください。",
    allows: "許可される操作",
    scopes: { reservations: "あなたの電話番号で予約を依頼し、状況の確認とキャンセルをする", offline_access: "再度サインインせずに利用を続ける" } as Record<string, string>,
    signedInAs: (phone: string) => `サインイン中: ${phone}`,
    nameLabel: "お名前（任意・店舗にお伝えします）",
    emailLabel: "メールアドレス（任意・確認メール用）",
    allow: "許可する",
    deny: "許可しない",
    expired: "このページの有効期限が切れたか、別のブラウザで開かれました。AIアプリからもう一度お試しください。",
    badRequest: "このリクエストは処理できません。",
    clientUnknown: "このアプリを確認できませんでした。",
  },
  en: {
    consentTitle: (name: string) => `Allow ${name} to make reservations with QRV for you?`,
    unverified: "This app registered itself; its name is not verified.",
    publishedBy: (domain: string) => `Published by ${domain}`,
    sentTo: (host: string) => `Access will be sent to ${host}`,
    loopback: "This sends access to an app on your computer. Continue only if you just started signing in from it.",
    allows: "It will be able to",
    scopes: { reservations: "request reservations with your number, follow them and cancel them", offline_access: "keep working without you signing in again" } as Record<string, string>,
    signedInAs: (phone: string) => `Signed in as ${phone}`,
    nameLabel: "Your name (optional; told to the shop)",
    emailLabel: "Email (optional; for confirmations)",
    allow: "Allow",
    deny: "Deny",
    expired: "This page expired or was opened in another browser. Please start again from your AI app.",
    badRequest: "This request cannot be handled.",
    clientUnknown: "This app could not be verified.",
  },
};

function ErrorPage(props: { lang: Lang; message: string }) {
  return (
    <Page title="QRV" lang={props.lang}>
      <div class="card">
        <h1>QRV</h1>
        <p class="notice">{props.message}</p>
      </div>
    </Page>
  );
}

function PhoneForm(props: { lang: Lang; next: string; error?: string; phone?: string }) {
  return (
    <Page title={signInCopy[props.lang].title} lang={props.lang}>
      <PhoneStep lang={props.lang} action="/authorize/phone" hidden={{ next: props.next }} error={props.error} phone={props.phone} />
    </Page>
  );
}

function CodeForm(props: { lang: Lang; next: string; loginId: string; phone: string; error?: string }) {
  return (
    <Page title={signInCopy[props.lang].title} lang={props.lang}>
      <CodeStep lang={props.lang} action="/authorize/code" hidden={{ next: props.next }} loginId={props.loginId} phone={props.phone} restartHref={props.next} error={props.error} />
    </Page>
  );
}

function ConsentPage(props: { lang: Lang; details: ConsentDescription; handle: string; phone: string; name?: string | null; email?: string | null; error?: string }) {
  const s = t[props.lang];
  const d = props.details;
  return (
    <Page title={signInCopy[props.lang].title} lang={props.lang}>
      <div class="card">
        <h1>{s.consentTitle(visibleText(d.clientName))}</h1>
        <p>{d.clientDomain ? <strong>{s.publishedBy(d.clientDomain)}</strong> : s.unverified}</p>
        <p>
          <strong>{s.sentTo(d.redirectHost)}</strong>
        </p>
        {d.redirectIsLoopback ? <p class="notice">{s.loopback}</p> : null}
        <h2>{s.allows}</h2>
        <ul>
          {d.scope.map((scope) => (
            <li>{s.scopes[scope] ?? scope}</li>
          ))}
        </ul>
        <p class="muted">{s.signedInAs(displayPhone(props.phone))}</p>
        {props.error ? <p class="notice">{props.error}</p> : null}
        <form method="post" action="/authorize">
          <input type="hidden" name="handle" value={props.handle} />
          <p>
            <label>
              {s.nameLabel}
              <br />
              <input name="name" autocomplete="name" maxlength={100} value={props.name ?? ""} />
            </label>
          </p>
          <p>
            <label>
              {s.emailLabel}
              <br />
              <input name="email" type="email" autocomplete="email" maxlength={254} value={props.email ?? ""} />
            </label>
          </p>
          <div class="row">
            <button type="submit" name="decision" value="approve" id="allow">
              {s.allow}
            </button>
            <button type="submit" name="decision" value="deny" class="secondary" id="deny">
              {s.deny}
            </button>
          </div>
        </form>
      </div>
    </Page>
  );
}

/** Errors the provider raises for a bad authorization request: redirect only when that is safe. */
function authorizationFailure(c: C, err: unknown): Response | Promise<Response> {
  const lang = langOf(c);
  if (err instanceof AuthorizationError && err.redirectTo) return c.redirect(err.redirectTo, 302);
  if (err instanceof AuthorizationError) return c.html(<ErrorPage lang={lang} message={`${t[lang].badRequest} ${err.description ?? ""}`} />, 400);
  if (err instanceof CimdFetchError) return c.html(<ErrorPage lang={lang} message={t[lang].clientUnknown} />, 400);
  throw err;
}

/** Only our own authorize URL may be the place to come back to. */
function safeNext(value: unknown): string | null {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/authorize?") && next.length <= 4096 && !next.includes("\n") ? next : null;
}

function withHeaders(res: Response, headers: Headers): Response {
  for (const cookie of headers.getSetCookie()) res.headers.append("Set-Cookie", cookie);
  headers.forEach((value, name) => {
    if (name.toLowerCase() !== "set-cookie") res.headers.set(name, value);
  });
  return res;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

authorize.get("/", async (c) => {
  const oauth = helpers(c);
  const lang = langOf(c);
  let request;
  try {
    request = await oauth.parseAuthRequest(c.req.raw);
  } catch (err) {
    return authorizationFailure(c, err);
  }
  const url = new URL(c.req.url);
  const session = await readSignIn(c);
  if (!session) return c.html(<PhoneForm lang={lang} next={`${url.pathname}${url.search}`} />);
  let details;
  try {
    details = await oauth.describeConsent(request);
  } catch (err) {
    return authorizationFailure(c, err);
  }
  const consent = await oauth.beginConsent(request);
  const user = await createDb(c.env.DB).query.users.findFirst({ where: eq(users.phone, session.phone) });
  const res = await c.html(<ConsentPage lang={lang} details={details} handle={consent.handle} phone={session.phone} name={user?.name ?? null} email={user?.email ?? null} />);
  return withHeaders(res, consent.headers);
});

authorize.post("/phone", async (c) => {
  const lang = langOf(c);
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  if (!next) return c.html(<ErrorPage lang={lang} message={t[lang].badRequest} />, 400);
  const phone = String(form.phone ?? "").slice(0, 40);
  const started = await startSignIn(c.env, createDb(c.env.DB), { phone, clientAddress: c.req.header("CF-Connecting-IP") ?? "unknown", lang, provedBefore: (e164) => provedHere(c, e164) });
  if (!started.ok) return c.html(<PhoneForm lang={lang} next={next} phone={phone} error={started.message[lang]} />, started.reason === "rate_limited" ? 429 : 400);
  return c.html(<CodeForm lang={lang} next={next} loginId={started.loginId} phone={started.phone} />);
});

authorize.post("/code", async (c) => {
  const lang = langOf(c);
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  const loginId = String(form.login_id ?? "");
  if (!next || !LOGIN_ID.test(loginId)) return c.html(<ErrorPage lang={lang} message={t[lang].badRequest} />, 400);
  const db = createDb(c.env.DB);
  const result = await verifySignIn(db, loginId, String(form.code ?? "").slice(0, 20));
  if (!result.ok) {
    if (result.reason === "wrong") {
      const row = await db.query.loginCodes.findFirst({ where: (l, { eq: is }) => is(l.id, loginId) });
      return c.html(<CodeForm lang={lang} next={next} loginId={loginId} phone={row!.phone} error={result.message[lang]} />, 400);
    }
    return c.html(<PhoneForm lang={lang} next={next} error={result.message[lang]} />, 400);
  }
  await writeSignIn(c, result.phone);
  await rememberProved(c, result.phone);
  return c.redirect(next, 303);
});

authorize.post("/", async (c) => {
  const oauth = helpers(c);
  const lang = langOf(c);
  const session = await readSignIn(c);
  const form = await c.req.parseBody();
  const handle = String(form.handle ?? "");
  try {
    if (form.decision !== "approve") {
      const denied = await oauth.denyConsent(c.req.raw, handle);
      return new Response(null, { status: 302, headers: denied.headers });
    }
    if (!session) return c.html(<ErrorPage lang={lang} message={t[lang].expired} />, 400);
    const name = String(form.name ?? "").trim().slice(0, 100);
    const email = String(form.email ?? "").trim().slice(0, 254);
    if ((email && !EMAIL.test(email)) || nameProblem(name)) {
      return c.html(<ErrorPage lang={lang} message={lang === "ja" ? "お名前またはメールアドレスを確認して、AIアプリからもう一度お試しください。" : "Please check your name or email and start again from your AI app."} />, 400);
    }
    const approved = await oauth.approveConsent(c.req.raw, handle);
    const user = await upsertUser(createDb(c.env.DB), session.phone, { name, email });
    const props: McpAuth = { kind: "user", userId: user.id, phone: user.phone, ...(user.name ? { name: user.name } : {}), ...(user.email ? { email: user.email } : {}) };
    const { redirectTo } = await oauth.completeAuthorization({ request: approved.request, userId: user.id, metadata: {}, scope: approved.request.scope, props });
    approved.headers.set("Location", redirectTo);
    return new Response(null, { status: 302, headers: approved.headers });
  } catch (err) {
    if (err instanceof AuthorizationError) return c.html(<ErrorPage lang={lang} message={t[lang].expired} />, 400);
    throw err;
  }
});
