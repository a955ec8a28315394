// The booking card's script, run by the host in a sandboxed frame. It is an MCP App
// (@modelcontextprotocol/ext-apps): it connects to the host over postMessage, renders the
// tool's result (request_reservation or get_reservation), and acts through the host: the pay
// button opens the payment link (ui/open-link), cancel calls cancel_reservation, and it asks
// get_reservation for news every 15 seconds until the status is final. Bundled into one string
// by `npm run build:apps` (src/mcp/apps/booking-card.bundle.ts); do not import it from the Worker.
import { App, applyDocumentTheme, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";
// The one yen formatter (6,600円 in every language), bundled in.
import { formatJpy } from "../../../domain/money.ts";

interface View {
  reservation_id: string;
  status: string;
  status_label?: string;
  message?: string;
  service?: string;
  area?: string;
  start?: string;
  party_size?: number;
  shop?: { name: string; address?: string };
  amount_jpy?: number;
  payment_url?: string;
  payment_deadline?: string;
  cancellation?: { allowed: boolean; message: string };
  change_approval?: { message: string; amount_jpy: number };
}

const FINAL = ["confirmed", "cancelled", "no_shop_available", "payment_timeout", "completed"];
const $ = (id: string) => document.getElementById(id)!;
const text = (el: HTMLElement, value: unknown) => {
  el.textContent = value == null ? "" : String(value);
};

let view: View | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

const app = new App({ name: "qrv-booking-card", version: "2.0.0" }, {}, { autoResize: true });

function countdown(): void {
  const el = $("countdown");
  if (!view?.payment_deadline || view.status !== "payment_pending") {
    el.hidden = true;
    return;
  }
  const left = Math.max(0, Date.parse(view.payment_deadline) - Date.now());
  const m = Math.floor(left / 60000);
  const s = Math.floor((left % 60000) / 1000);
  el.hidden = false;
  text(el, `残り ${m}:${String(s).padStart(2, "0")} left`);
}

function render(result: { structuredContent?: unknown } | undefined): void {
  const data = result?.structuredContent as Partial<View> | undefined;
  if (!data?.reservation_id) return;
  view = { ...(view && view.reservation_id === data.reservation_id ? view : {}), ...data } as View;
  // A field the newest result leaves out (the payment link after the deadline) is gone.
  for (const key of ["payment_url", "payment_deadline", "change_approval"] as const) if (!(key in data)) delete view[key];
  text($("id"), view.reservation_id);
  text($("status"), view.status_label ?? view.message ?? view.status);
  $("card").dataset.status = view.status;
  const when = view.start?.replace("T", " ").slice(0, 16);
  text($("what"), [view.service, view.area, when, view.party_size ? `${view.party_size}名` : undefined].filter(Boolean).join(" · "));
  text($("shop"), view.shop ? view.shop.name + (view.shop.address ? ` — ${view.shop.address}` : "") : "");
  text($("amount"), view.amount_jpy != null ? formatJpy(view.amount_jpy) : "");
  ($("pay") as HTMLButtonElement).hidden = !(view.status === "payment_pending" && view.payment_url);
  ($("cancel") as HTMLButtonElement).hidden = FINAL.includes(view.status) || view.cancellation?.allowed === false;
  text($("note"), view.change_approval?.message ?? view.cancellation?.message);
  countdown();
  if (!timer && !FINAL.includes(view.status)) timer = setInterval(refresh, 15000);
  if (timer && FINAL.includes(view.status)) {
    clearInterval(timer);
    timer = null;
  }
}

async function refresh(): Promise<void> {
  if (!view) return;
  try {
    render(await app.callServerTool({ name: "get_reservation", arguments: { reservation_id: view.reservation_id } }));
  } catch {
    // The host may not proxy tool calls; the card keeps what it has.
  }
}

function theme(ctx: McpUiHostContext | undefined): void {
  if (ctx?.theme) applyDocumentTheme(ctx.theme);
  if (ctx?.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
}

// Handlers first, then connect, so the first result is not missed.
app.ontoolresult = (params) => render(params);
app.onhostcontextchanged = (ctx) => theme(ctx);

$("pay").addEventListener("click", () => {
  if (view?.payment_url) void app.openLink({ url: view.payment_url }).catch(() => undefined);
});
$("cancel").addEventListener("click", async () => {
  if (!view) return;
  const button = $("cancel") as HTMLButtonElement;
  button.disabled = true;
  try {
    const result = await app.callServerTool({ name: "cancel_reservation", arguments: { reservation_id: view.reservation_id } });
    const message = (result.structuredContent as { message?: string } | undefined)?.message;
    if (message) text($("note"), message);
    await refresh();
  } catch {
    text($("note"), "キャンセルできませんでした。もう一度お試しください。 / Could not cancel; please try again.");
  } finally {
    button.disabled = false;
  }
});
setInterval(countdown, 1000);

void app.connect().then(() => theme(app.getHostContext()));
