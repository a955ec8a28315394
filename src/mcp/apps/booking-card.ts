// The booking card: an MCP Apps view (SEP-1865) that a host able to show apps renders for
// request_reservation and get_reservation, in a sandboxed iframe. It speaks the Apps postMessage
// protocol (ui/initialize, then the tool's result as ui/notifications/tool-result) and shows the
// status, the countdown to the payment deadline, a pay button (ui/open-link) and cancel
// (tools/call through the host); it asks get_reservation for news every 15 seconds until the
// status is final. Clients without Apps support use the tools' text and structured content.
import type { McpServer } from "@modelcontextprotocol/server";
import { formatJpy } from "../../domain/money.ts";

export const BOOKING_CARD_URI = "ui://qrv/booking-card.html";
export const APP_MIME_TYPE = "text/html;profile=mcp-app";

/** `_meta` linking a tool to the card: MCP Apps' key and the ChatGPT Apps template key. */
export const BOOKING_CARD_META = { ui: { resourceUri: BOOKING_CARD_URI }, "openai/outputTemplate": BOOKING_CARD_URI };

const SCRIPT = String.raw`
(() => {
  const FINAL = ["confirmed", "cancelled", "no_shop_available", "payment_timeout", "completed"];
  const $ = (id) => document.getElementById(id);
  let nextId = 1;
  const pending = new Map();
  let view = null;
  let timer = null;
  const send = (message) => window.parent.postMessage({ jsonrpc: "2.0", ...message }, "*");
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    send({ id, method, params });
  });
  const text = (el, value) => { el.textContent = value == null ? "" : String(value); };
  const yen = ${formatJpy.toString()};
  function countdown() {
    const el = $("countdown");
    if (!view || !view.payment_deadline || view.status !== "payment_pending") { el.hidden = true; return; }
    const left = Math.max(0, Date.parse(view.payment_deadline) - Date.now());
    const m = Math.floor(left / 60000), s = Math.floor((left % 60000) / 1000);
    el.hidden = false;
    text(el, "残り " + m + ":" + String(s).padStart(2, "0") + " left");
  }
  function render(result) {
    const data = result && result.structuredContent;
    if (!data || !data.reservation_id) return;
    view = Object.assign({}, view && view.reservation_id === data.reservation_id ? view : {}, data);
    text($("id"), view.reservation_id);
    text($("status"), view.status_label || view.message || view.status);
    $("card").dataset.status = view.status;
    text($("what"), [view.service, view.area, view.start && view.start.replace("T", " ").slice(0, 16), view.party_size && view.party_size + "名"].filter(Boolean).join(" · "));
    text($("shop"), view.shop ? view.shop.name + (view.shop.address ? " — " + view.shop.address : "") : "");
    text($("amount"), view.amount_jpy != null ? yen(view.amount_jpy) : "");
    $("pay").hidden = !(view.status === "payment_pending" && view.payment_url);
    $("cancel").hidden = FINAL.includes(view.status) || (view.cancellation && view.cancellation.allowed === false);
    text($("note"), view.cancellation && view.cancellation.message);
    countdown();
    if (!timer && !FINAL.includes(view.status)) timer = setInterval(refresh, 15000);
    if (timer && FINAL.includes(view.status)) { clearInterval(timer); timer = null; }
  }
  async function refresh() {
    if (!view) return;
    try { render(await request("tools/call", { name: "get_reservation", arguments: { reservation_id: view.reservation_id } })); } catch (e) { /* the host may not proxy tools */ }
  }
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const m = event.data;
    if (!m || m.jsonrpc !== "2.0") return;
    if (m.id != null && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result);
      return;
    }
    if (m.method === "ui/notifications/tool-result") render(m.params);
  });
  $("pay").addEventListener("click", () => { if (view && view.payment_url) request("ui/open-link", { url: view.payment_url }).catch(() => {}); });
  $("cancel").addEventListener("click", async () => {
    if (!view) return;
    $("cancel").disabled = true;
    try {
      const result = await request("tools/call", { name: "cancel_reservation", arguments: { reservation_id: view.reservation_id } });
      if (result && result.structuredContent) text($("note"), result.structuredContent.message);
      await refresh();
    } finally { $("cancel").disabled = false; }
  });
  setInterval(countdown, 1000);
  request("ui/initialize", { protocolVersion: "2026-01-26", appInfo: { name: "qrv-booking-card", version: "1.0.0" }, appCapabilities: {} })
    .then(() => send({ method: "ui/notifications/initialized", params: {} }))
    .catch(() => {});
})();
`;

const STYLE = `
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Hiragino Sans","Noto Sans CJK JP",sans-serif;color:#1b1b1b;background:transparent}
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
</section><script>${SCRIPT}</script></body></html>`;

export function registerBookingCard(server: McpServer): void {
  server.registerResource(
    "booking_card",
    BOOKING_CARD_URI,
    { title: "Booking card", description: "An interactive card for a reservation (MCP Apps).", mimeType: APP_MIME_TYPE },
    async () => ({ contents: [{ uri: BOOKING_CARD_URI, mimeType: APP_MIME_TYPE, text: BOOKING_CARD_HTML }] }),
  );
}
