// Static files for the requester's pages, served from /assets so the content security policy
// stays strict (script-src 'self', no inline script or style): their stylesheet, added to
// app.css, and one small script for live updates, the payment countdown and submit-once forms.
// The pages work without the script (a <noscript> refresh takes over).
import { Hono } from "hono";

export const GUEST_CSS = `
header nav{display:flex;gap:8px;align-items:center}
.lang-toggle{color:#fff;border:1px solid rgba(255,255,255,.55);border-radius:999px;padding:4px 12px;font-size:.9rem;font-weight:600;text-decoration:none;min-height:32px;display:inline-flex;align-items:center}
.lang-toggle:focus-visible,.button:focus-visible,button:focus-visible{outline:3px solid #8ab4f8;outline-offset:2px}
h1 .status{font-size:1.15rem;padding:4px 14px}
.lead{margin:8px 0 0}
.banner{border-radius:10px;padding:12px 14px;margin:0 0 16px;font-weight:600;border:1px solid transparent}
.banner.ok{background:#e6f4ea;color:var(--ok);border-color:#b7dfc2}
.banner.info{background:#e8f0fe;color:#174ea6;border-color:#c6d8fb}
.banner.warn{background:#fef7e0;color:#7a4a00;border-color:#f6dd9b}
.banner.bad{background:#fce8e6;color:var(--bad);border-color:#f5c2bd}
.button.block,button.block{display:block;width:100%;text-align:center}
.button.outline,button.outline{background:#fff;color:var(--bad);border:2px solid var(--bad)}
.pay-card .amount{font-size:1.6rem;font-weight:700;margin:0}
.countdown{display:flex;align-items:baseline;gap:8px;margin:4px 0 12px}
.countdown strong{font-size:2.2rem;font-variant-numeric:tabular-nums;letter-spacing:.02em}
.pay-card .pay-expired{display:none}
.pay-card.expired .pay,.pay-card.expired .countdown{display:none}
.pay-card.expired .pay-expired{display:block}
ul.steps{margin:0;padding-left:1.2em}ul.steps li{margin:0 0 6px}
ol.timeline.plain{list-style:none;padding:0 0 0 12px;border-left:2px solid var(--line);font-size:.92rem;color:#3c4043}
ol.timeline.plain li{margin:0 0 6px}
p.calendar{margin:0 0 16px}
dd .muted{margin-top:2px}
#approval code,#change-hash{word-break:break-all;font-size:12px}
table.compare{width:100%;border-collapse:collapse;margin:8px 0 12px;font-size:.95rem}
table.compare th,table.compare td{text-align:left;padding:6px 4px;border-bottom:1px solid var(--line);vertical-align:top}
table.compare thead th{font-size:.85rem;color:var(--muted)}
table.compare th[scope=row]{white-space:nowrap;padding-right:10px;font-weight:600}
table.compare tr.changed td strong{color:var(--accent)}
.map-link{font-size:.9rem;display:inline-block;white-space:nowrap}
.stack>*+*{margin-top:10px}
.contact{display:grid;gap:8px;margin:12px 0 0}
.contact .button{text-align:center}
.footer-links{display:flex;justify-content:center;gap:20px;margin:24px 0 8px;font-size:.95rem}
.footer-links a{color:var(--accent)}
.live-note{text-align:center;margin:0 0 8px}
.field{margin:0 0 16px}
.field>label,.field>legend{display:block;font-weight:600;margin:0 0 6px;padding:0}
fieldset.field{border:0;padding:0;min-width:0}
.field input[type=text],.field input[type=email],.field input[type=tel],.field textarea{width:100%;font-size:16px;padding:10px;background:#fff}
.field textarea{min-height:9em;resize:vertical}
.field .hint{color:var(--muted);font-size:.85rem;margin:4px 0 0}
.field .error{color:var(--bad);font-size:.9rem;font-weight:600;margin:4px 0 0}
.field.invalid input,.field.invalid textarea{border-color:var(--bad)}
.field label.choice{display:flex;gap:10px;align-items:flex-start;border:1px solid var(--line);border-radius:10px;padding:10px 12px;margin:0 0 8px;background:#fff;cursor:pointer;font-weight:600}
.field label.choice:has(input:checked){border-color:var(--accent);background:#f4f8ff}
.choice input{margin:3px 0 0;width:20px;height:20px;flex:none}
.choice span{display:block}.choice small{display:block;color:var(--muted);font-size:.85rem;font-weight:400}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
details.qa{border-top:1px solid var(--line);padding:2px 0}
details.qa:first-of-type{border-top:0}
details.qa summary{font-weight:600;cursor:pointer;padding:10px 0}
details.qa p{margin:0 0 10px}
ol.flow{padding-left:1.3em;margin:0}ol.flow li{margin:0 0 6px}
.doc h2{margin:18px 0 8px}.doc h3{font-size:1rem;margin:14px 0 4px}.table-wrap{overflow-x:auto;margin:0 0 12px}
dl.talk{display:block}dl.talk dt{font-size:.85rem;font-weight:700;color:var(--muted)}dl.talk dd{margin:0 0 8px 12px}
ul.guide-list{padding-left:1.1em;margin:0}ul.guide-list li{margin:0 0 8px}
details.day{border-top:1px solid var(--line);padding:4px 0}details.day summary{font-weight:600;cursor:pointer;padding:8px 0}
fieldset.slots{display:grid;grid-template-columns:repeat(3,1fr);gap:6px;margin:0 0 8px}
fieldset.slots label.choice{margin:0;justify-content:center;align-items:center;padding:8px 4px}
table.hours td{padding:4px 6px 4px 0;border:0}table.hours input{width:100%}
.points{font-size:1.8rem;font-weight:700;margin:0 0 12px}
.member-nav{font-size:.9rem;margin:0 0 12px;line-height:2}.member-nav a{color:var(--accent)}
.tag{display:inline-block;border-radius:999px;padding:2px 10px;font-size:.8rem;font-weight:600;background:#e8eaed}
.tag.ok{background:#e6f4ea;color:var(--ok)}.tag.warn{background:#fef7e0;color:#7a4a00}.tag.bad{background:#fce8e6;color:var(--bad)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
ul.orders{padding-left:1.1em;margin:0}ul.orders li{margin:0 0 8px}
.order-line{border-bottom:1px solid var(--line);margin:0 0 8px}
.msg-text{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f7f9;border-radius:8px;padding:8px 10px;margin:4px 0 8px;font-size:.95rem}
.msg-text.new{background:#eef6ee}
`;

export const GUEST_JS = `// QRV guest pages: live status, payment countdown, forms that submit once.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  var timer = null;
  var every = live ? Number(live.getAttribute("data-interval")) * 1000 : 0;

  function schedule(ms) {
    if (!live) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, ms);
  }

  // A light poll: when the reservation's version moves on, show the new state.
  function check() {
    // Nothing pending (every = 0): no more polls, hidden or not.
    if (document.hidden) return every ? schedule(every) : undefined;
    fetch(live.getAttribute("data-live"), { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (state) {
        if (state && String(state.version) !== live.getAttribute("data-version")) { location.reload(); return; }
        if (every) schedule(every);
      }, function () { if (every) schedule(every * 2); });
  }
  if (every) schedule(every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden && every) schedule(300); });

  // The payment countdown, against the server's clock.
  var card = document.querySelector("[data-deadline]");
  if (card) {
    var deadline = Number(card.getAttribute("data-deadline"));
    var skew = Number(card.getAttribute("data-now")) - Date.now();
    var out = card.querySelector("[data-remaining]");
    var tick = function () {
      var left = deadline - (Date.now() + skew);
      if (left <= 0) {
        card.classList.add("expired");
        schedule(1500);
        return;
      }
      var s = Math.ceil(left / 1000);
      if (out) out.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      setTimeout(tick, 250);
    };
    tick();
  }

  // A double tap sends a form once (the server is idempotent too).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
`;

export const guestAssets = new Hono();
guestAssets.get("/guest.css", (c) => c.body(GUEST_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" }));
guestAssets.get("/guest.js", (c) => c.body(GUEST_JS, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600" }));
