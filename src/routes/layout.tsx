// The page shell shared by the guest pages and the sandbox: mobile-first, no client framework,
// one stylesheet served from /assets/app.css so the content security policy stays strict.
import type { Child } from "hono/jsx";
import { Hono } from "hono";

export const CSS = `
:root{--fg:#1b1b1f;--muted:#5f6368;--line:#e3e3e8;--bg:#f7f7f9;--card:#fff;--accent:#0b57d0;--ok:#137333;--warn:#b06000;--bad:#b3261e}
*{box-sizing:border-box}
.spaced{margin-top:12px}
body{margin:0;font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;color:var(--fg);background:var(--bg);line-height:1.6;font-size:16px}
header{background:#111;color:#fff;padding:12px 16px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:700}
main{max-width:720px;margin:0 auto;padding:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px;margin:0 0 16px}
h1{font-size:1.4rem;margin:0 0 12px}h2{font-size:1.1rem;margin:0 0 8px}
.muted{color:var(--muted);font-size:.9rem}
.status{display:inline-block;padding:2px 10px;border-radius:999px;background:#e8f0fe;color:var(--accent);font-weight:600}
.status.confirmed,.status.completed{background:#e6f4ea;color:var(--ok)}
.status.cancelled,.status.no_shop_available,.status.payment_timeout{background:#fce8e6;color:var(--bad)}
.status.payment_pending,.status.pending_shop_response,.status.change_requested{background:#fef7e0;color:var(--warn)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}dt{color:var(--muted)}dd{margin:0}
ol.timeline{padding-left:1.2em;margin:0}ol.timeline li{margin:0 0 4px}
.button,button{display:inline-block;border:0;border-radius:10px;padding:12px 18px;font-size:1rem;font-weight:600;background:var(--accent);color:#fff;text-decoration:none;cursor:pointer;min-height:44px}
.button.secondary,button.secondary{background:#e8eaed;color:var(--fg)}
button.danger{background:var(--bad)}
form.inline{display:inline}
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{border-bottom:1px solid var(--line);padding:6px 4px;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-word;background:#f1f3f4;padding:8px;border-radius:8px;font-size:.85rem;margin:4px 0}
.row{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
input,select,textarea{font:inherit;padding:8px;border:1px solid var(--line);border-radius:8px;max-width:100%}
.demo-banner{background:#b3261e;color:#fff;padding:8px 16px;font-weight:700;text-align:center}
.notice{border-left:4px solid var(--warn);padding:8px 12px;background:#fff8e1;border-radius:4px}
`;

export const assets = new Hono();
/** QRV's icon: a white Q on the brand blue, as SVG (browsers also ask for it as /favicon.ico). */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f4e8c"/><circle cx="15" cy="15" r="8" fill="none" stroke="#fff" stroke-width="3.5"/><path d="M19 19l6 6" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/></svg>`;
const iconHeaders = { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" };
assets.get("/icon.svg", (c) => c.body(ICON_SVG, 200, iconHeaders));
assets.get("/app.css", (c) => c.body(CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" }));

export function Page(props: { title: string; lang: "ja" | "en"; children: Child; refreshSeconds?: number; nav?: Child; head?: Child }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <title>{props.title}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        {props.head ?? null}
      </head>
      <body>
        <header>
          <a href="/">QRV</a>
          {props.nav ?? null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
