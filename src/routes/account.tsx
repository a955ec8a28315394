// /account: signing in to a person's own pages (a lodging member's, a coach's) with the phone
// number, the same proof as the OAuth sign-in: number → SMS code → a server-side session.
// /account/sign-in?next=/member brings the person back where they were going.
import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import { endAccountSession, readAccount, startAccountSession } from "../auth/account.ts";
import { provedHere, rememberProved } from "../auth/session.ts";
import { startSignIn, upsertUser, verifySignIn } from "../auth/sign-in.ts";
import { config } from "../config.ts";
import { createDb } from "../db/client.ts";
import type { Lang } from "../domain/reservation/types.ts";
import { CSRF_FIELD, csrfToken, csrfValid } from "./csrf.ts";
import { pageLanguage, rememberLanguage } from "./language.tsx";
import { privatePage, RequesterPage } from "./requester-layout.tsx";
import { CodeStep, LOGIN_ID, PhoneStep, signInCopy } from "./sign-in-forms.tsx";

type C = Context<{ Bindings: Env }>;

export const account = new Hono<{ Bindings: Env }>();
account.use("*", privatePage, rememberLanguage);

const words = {
  ja: {
    badRequest: "このページは期限切れです。もう一度お試しください。",
    signedOut: "サインアウトしました。",
    signedInAs: "サインイン中",
    signOut: "サインアウト",
  },
  en: {
    badRequest: "This page has expired. Please try again.",
    signedOut: "You are signed out.",
    signedInAs: "Signed in",
    signOut: "Sign out",
  },
};

/** Only a path on this site may be the place to come back to: never another origin. */
export function safeNext(value: unknown): string {
  const next = typeof value === "string" ? value : "";
  return /^\/(?![/\\])[^\s\\]*$/.test(next) && next.length <= 512 ? next : "/";
}

function SignInPage(props: { lang: Lang; children: Child }) {
  return (
    <RequesterPage title={signInCopy[props.lang].title} lang={props.lang} path="/account/sign-in">
      {props.children}
    </RequesterPage>
  );
}

function hidden(c: C, next: string): Record<string, string> {
  return { next, [CSRF_FIELD]: csrfToken(c) };
}

function refused(c: C, lang: Lang, next: string) {
  return c.html(
    <SignInPage lang={lang}>
      <PhoneStep lang={lang} action="/account/sign-in/phone" hidden={hidden(c, next)} error={words[lang].badRequest} />
    </SignInPage>,
    403,
  );
}

account.get("/sign-in", async (c) => {
  const lang = pageLanguage(c);
  const next = safeNext(c.req.query("next"));
  if (await readAccount(c)) return c.redirect(next, 303);
  return c.html(
    <SignInPage lang={lang}>
      <PhoneStep lang={lang} action="/account/sign-in/phone" hidden={hidden(c, next)} />
    </SignInPage>,
  );
});

account.post("/sign-in/phone", async (c) => {
  const lang = pageLanguage(c);
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return refused(c, lang, next);
  const phone = String(form.phone ?? "").slice(0, 40);
  const started = await startSignIn(c.env, createDb(c.env.DB), { phone, clientAddress: c.req.header("CF-Connecting-IP") ?? "unknown", lang, provedBefore: (e164) => provedHere(c, e164) });
  if (!started.ok) {
    return c.html(
      <SignInPage lang={lang}>
        <PhoneStep lang={lang} action="/account/sign-in/phone" hidden={hidden(c, next)} phone={phone} error={started.message[lang]} />
      </SignInPage>,
      started.reason === "rate_limited" ? 429 : 400,
    );
  }
  return c.html(
    <SignInPage lang={lang}>
      <CodeStep lang={lang} action="/account/sign-in/code" hidden={hidden(c, next)} loginId={started.loginId} phone={started.phone} restartHref={`/account/sign-in?next=${encodeURIComponent(next)}`} />
    </SignInPage>,
  );
});

account.post("/sign-in/code", async (c) => {
  const lang = pageLanguage(c);
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  const loginId = String(form.login_id ?? "");
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl) || !LOGIN_ID.test(loginId)) return refused(c, lang, next);
  const db = createDb(c.env.DB);
  const result = await verifySignIn(db, loginId, String(form.code ?? "").slice(0, 20));
  if (!result.ok) {
    if (result.reason === "wrong") {
      const row = await db.query.loginCodes.findFirst({ where: (l, { eq }) => eq(l.id, loginId) });
      return c.html(
        <SignInPage lang={lang}>
          <CodeStep lang={lang} action="/account/sign-in/code" hidden={hidden(c, next)} loginId={loginId} phone={row!.phone} restartHref={`/account/sign-in?next=${encodeURIComponent(next)}`} error={result.message[lang]} />
        </SignInPage>,
        400,
      );
    }
    return c.html(
      <SignInPage lang={lang}>
        <PhoneStep lang={lang} action="/account/sign-in/phone" hidden={hidden(c, next)} error={result.message[lang]} />
      </SignInPage>,
      400,
    );
  }
  const user = await upsertUser(db, result.phone);
  await startAccountSession(c, user.id);
  await rememberProved(c, result.phone);
  return c.redirect(next, 303);
});

account.post("/sign-out", async (c) => {
  const lang = pageLanguage(c);
  const form = await c.req.parseBody();
  if (!csrfValid(c, form[CSRF_FIELD], config(c.env).publicUrl)) return refused(c, lang, "/");
  await endAccountSession(c);
  return c.html(
    <SignInPage lang={lang}>
      <div class="card">
        <p>{words[lang].signedOut}</p>
      </div>
    </SignInPage>,
  );
});

/** "Signed in · Sign out", for the pages of a signed-in person. */
export function AccountBar(props: { c: Context; lang: Lang }) {
  const s = words[props.lang];
  return (
    <form method="post" action="/account/sign-out" class="account-bar">
      <span class="muted">{s.signedInAs}</span> <input type="hidden" name={CSRF_FIELD} value={csrfToken(props.c)} />
      <button type="submit" class="secondary" id="sign-out">
        {s.signOut}
      </button>
    </form>
  );
}
