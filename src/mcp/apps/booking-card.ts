// The booking card: an MCP Apps view (@modelcontextprotocol/ext-apps) that a host able to show
// apps renders for request_reservation and get_reservation, in a sandboxed iframe. Its script
// (src/mcp/apps/view/booking-card.ts, bundled with the ext-apps client by `npm run build:apps`)
// shows the status, the countdown to the payment deadline, a pay button (ui/open-link) and
// cancel (tools/call through the host), and asks get_reservation for news every 15 seconds
// until the status is final. Clients without Apps support use the tools' text and structured
// content, which stay as they are.
import { registerAppResource, RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import type { McpServer } from "@modelcontextprotocol/server";
import { BOOKING_CARD_SCRIPT } from "./booking-card.bundle.ts";

export const BOOKING_CARD_URI = "ui://qrv/booking-card.html";
/** `text/html;profile=mcp-app`, as the ext-apps server helpers name it. */
export const APP_MIME_TYPE = RESOURCE_MIME_TYPE;

/**
 * `_meta` linking a tool to the card: MCP Apps' key (registerAppTool adds the older flat
 * `ui/resourceUri` beside it) and the ChatGPT Apps template key.
 */
export const BOOKING_CARD_META = { ui: { resourceUri: BOOKING_CARD_URI }, "openai/outputTemplate": BOOKING_CARD_URI };

/**
 * A tool's config for registerAppTool, as given. The helper passes the whole config on to
 * registerTool, but its config type (ext-apps 2.0) does not list `icons` yet; passing the
 * config through here keeps the icons without loosening anything else.
 */
export const cardTool = <T>(config: T): T => config;

const STYLE = `
body{margin:0;font:15px/1.5 var(--font-sans,system-ui,-apple-system,"Hiragino Sans","Noto Sans CJK JP",sans-serif);color:#1b1b1b;background:transparent}
#card{border:1px solid #d6dbe1;border-radius:12px;padding:14px 16px;max-width:420px;background:#fff}
#card header{display:flex;justify-content:space-between;align-items:baseline;gap:8px}
#id{font-weight:600;letter-spacing:.02em}
#status{font-size:.9rem;padding:2px 8px;border-radius:999px;background:#eef2f6}
#card[data-status=payment_pending] #status{background:#fff4d6}
#card[data-status=confirmed] #status{background:#dcf5e3}
#card[data-status=cancelled] #status,#card[data-status=no_shop_available] #status,#card[data-status=payment_timeout] #status{background:#fde2e2}
p{margin:6px 0}
#amount{font-size:1.3rem;font-weight:600}
#countdown{font-variant-numeric:tabular-nums;color:#8a5a00}
.actions{display:flex;gap:8px;margin-top:10px}
button{font:inherit;padding:8px 14px;border-radius:8px;border:1px solid #1f4e79;background:#fff;color:#1f4e79;cursor:pointer}
#pay{background:#1f4e79;color:#fff}
#note{font-size:.85rem;color:#555}
`;

export const BOOKING_CARD_HTML = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>QRV</title><style>${STYLE}</style></head>
<body><section id="card" data-status="">
<header><span id="id">QRV</span><span id="status">…</span></header>
<p id="what"></p><p id="shop"></p>
<p><span id="amount"></span> <span id="countdown" hidden></span></p>
<div class="actions"><button id="pay" hidden>支払う / Pay</button><button id="cancel" hidden>キャンセル / Cancel</button></div>
<p id="note"></p>
</section><script>${BOOKING_CARD_SCRIPT}</script></body></html>`;

/** The card's resource: the HTML with its script inline (the view needs nothing from elsewhere, so no CSP domains). */
export function registerBookingCard(server: McpServer): void {
  registerAppResource(
    server,
    "booking_card",
    BOOKING_CARD_URI,
    { title: "Booking card", description: "An interactive card for a reservation (MCP Apps): status, payment countdown, pay and cancel.", _meta: { ui: { prefersBorder: true } } },
    async () => ({ contents: [{ uri: BOOKING_CARD_URI, mimeType: RESOURCE_MIME_TYPE, text: BOOKING_CARD_HTML, _meta: { ui: { prefersBorder: true } } }] }),
  );
}
