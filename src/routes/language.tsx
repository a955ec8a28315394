// The language of requester-facing pages: `?lang=` (the visible toggle) is remembered in a
// cookie; otherwise the reservation's language or the browser's Accept-Language decides
// (src/domain/language.ts), Japanese by default.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { chooseLanguage, isLang } from "../domain/language.ts";
import type { Lang } from "../domain/reservation/types.ts";

export const LANG_COOKIE = "qrv_lang";

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:";
}

/** GET ?lang=ja|en: remember the choice for a year and show the same page without the parameter. */
export const rememberLanguage: MiddlewareHandler = async (c, next) => {
  const asked = c.req.query("lang");
  if (c.req.method === "GET" && isLang(asked)) {
    setCookie(c, LANG_COOKIE, asked, { path: "/", maxAge: 365 * 24 * 3600, sameSite: "Lax", httpOnly: true, secure: isHttps(c) });
    const url = new URL(c.req.url);
    url.searchParams.delete("lang");
    return c.redirect(`${url.pathname}${url.search}`, 303);
  }
  await next();
  c.header("Vary", "Cookie, Accept-Language", { append: true });
};

export function pageLanguage(c: Context, reservation?: Lang): Lang {
  return chooseLanguage({ chosen: getCookie(c, LANG_COOKIE), reservation, acceptLanguage: c.req.header("Accept-Language") });
}

/** The header's switch to the other language, on the same page. */
export function LanguageToggle(props: { lang: Lang; path: string }) {
  const other: Lang = props.lang === "ja" ? "en" : "ja";
  return (
    <a class="lang-toggle" href={`${props.path}?lang=${other}`} hreflang={other} lang={other} id="lang-toggle">
      {other === "en" ? "English" : "日本語"}
    </a>
  );
}
