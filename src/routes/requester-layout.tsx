// The frame of every page a requester sees (guest page, cancellation, FAQ, support): the
// shared page shell plus the language switch, the guest stylesheet and script, and links to
// the FAQ and support at the bottom.
import type { Context, MiddlewareHandler } from "hono";
import type { Child } from "hono/jsx";
import type { Lang } from "../domain/reservation/types.ts";
import { copy, type Support } from "./copy.ts";
import { CSRF_FIELD, csrfToken } from "./csrf.ts";
import { LanguageToggle } from "./language.tsx";
import { Page } from "./layout.tsx";

/** The CSRF field of a form on these pages (the double-submit token of `csrf.ts`). */
export function Csrf(props: { c: Context }) {
  return <input type="hidden" name={CSRF_FIELD} value={csrfToken(props.c)} />;
}

/** Pages about one person's booking: no referrer to other sites, not indexed, not cached. */
export const privatePage: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
  c.header("Cache-Control", "no-store");
};

export function RequesterPage(props: {
  title: string;
  lang: Lang;
  /** This page's path, for the language switch. */
  path: string;
  /** Where "Contact support" goes (the reservation's own support form when there is one). */
  supportHref?: string;
  /** Without JavaScript, reload this often so the status still moves on. */
  noscriptRefreshSeconds?: number;
  /** Only the FAQ may appear in search engines; everything else is private to its reader. */
  indexable?: boolean;
  children: Child;
}) {
  const t = copy(props.lang);
  return (
    <Page
      title={props.title}
      lang={props.lang}
      nav={
        <nav>
          <LanguageToggle lang={props.lang} path={props.path} />
        </nav>
      }
      head={
        <>
          {props.indexable ? null : <meta name="robots" content="noindex" />}
          <link rel="stylesheet" href="/assets/guest.css" />
          <script src="/assets/guest.js" defer></script>
          {props.noscriptRefreshSeconds ? (
            <noscript>
              <meta http-equiv="refresh" content={String(props.noscriptRefreshSeconds)} />
            </noscript>
          ) : null}
        </>
      }
    >
      {props.children}
      <p class="footer-links">
        <a href="/faq">{t.faq}</a>
        <a href="/guides">{t.guides}</a>
        <a href={props.supportHref ?? "/support"}>{t.support}</a>
      </p>
    </Page>
  );
}

function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, "")}`;
}

/** Customer support's phone, email and form, with hours (seed 000 §7.1.1). */
export function SupportContact(props: { lang: Lang; support: Support; formHref: string }) {
  const t = copy(props.lang);
  return (
    <div class="contact">
      <a class="button secondary" href={telHref(props.support.phone)}>
        {t.call} {props.support.phone}
      </a>
      <a class="button secondary" href={`mailto:${props.support.email}`}>
        {props.support.email}
      </a>
      <a class="button secondary" href={props.formHref}>
        {t.form}
      </a>
      <p class="muted">{t.supportHours}</p>
    </div>
  );
}
