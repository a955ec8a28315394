// QRV's Worker: mounts the route modules, exports the Durable Object classes, and handles
// the jobs queue, its dead-letter queue and the cron sweeper. The OAuth provider stands in
// front: it protects /mcp (OAuth tokens or API keys), serves the OAuth endpoints, and hands
// everything else to the Hono app.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { routeByHost } from "./auth/hosts.ts";
import { oauthProvider, refuseMisleadingRegistration, refuseRotatedRefreshToken } from "./auth/index.ts";
import { reconcileSoon } from "./lodging/inventory.ts";
import { serveMcp } from "./mcp/server.ts";
import { runAlertRules } from "./monitor/alerts.ts";
import { DEAD_LETTER_QUEUE, handleDeadLetters, handleJobs } from "./queues/consumer.ts";
import { sweep } from "./queues/sweeper.ts";
import { createDb } from "./db/client.ts";
import { runSchedules } from "./reports/reports.ts";
import { runSessionSchedules } from "./reports/coach-weekly.ts";
import { account } from "./routes/account.tsx";
import { admin } from "./routes/admin/index.tsx";
import { authorize } from "./routes/authorize.tsx";
import { demoBanner, refuseExposedSandbox } from "./routes/demo.ts";
import { notFound, onError } from "./routes/errors.tsx";
import { guest } from "./routes/guest.tsx";
import { client, sessionsPublic } from "./routes/client.tsx";
import { coachPortal } from "./routes/coach.tsx";
import { guestAssets } from "./routes/guest-assets.ts";
import { guides } from "./routes/guides.tsx";
import { help } from "./routes/help.tsx";
import { home } from "./routes/home.tsx";
import { member } from "./routes/member.tsx";
import { assets } from "./routes/layout.tsx";
import { sandbox } from "./routes/sandbox.tsx";
import { sandboxLodging } from "./routes/sandbox-lodging.ts";
import { satisfaction } from "./routes/satisfaction.tsx";
import { webhooks } from "./routes/webhooks.ts";

export { CalendarObject } from "./durable/calendar.ts";
export { McpExchangeObject } from "./durable/mcp-exchange.ts";
export { ReservationObject } from "./durable/reservation.ts";

const app = new Hono<{ Bindings: Env }>();

app.use("*", requestId());
app.use("*", demoBanner);
const csp = { defaultSrc: ["'self'"], styleSrc: ["'self'"], scriptSrc: ["'self'"], imgSrc: ["'self'", "data:"], frameAncestors: ["'none'"], baseUri: ["'none'"] };
const pageHeaders = secureHeaders({ contentSecurityPolicy: { ...csp, formAction: ["'self'"] }, crossOriginEmbedderPolicy: false });
// The consent form's answer is a redirect to the client's registered redirect URI, which a
// form-action list cannot know in advance; the provider validated that URI.
const authorizeHeaders = secureHeaders({ contentSecurityPolicy: csp, crossOriginEmbedderPolicy: false });
app.use("*", (c, next) => (c.req.path === "/authorize" || c.req.path.startsWith("/authorize/") ? authorizeHeaders(c, next) : pageHeaders(c, next)));
app.route("/", home);
app.route("/authorize", authorize);
app.route("/account", account);
app.route("/member", member);
app.route("/assets", assets);
app.route("/assets", guestAssets);
app.route("/webhooks", webhooks);
app.route("/sandbox/lodging", sandboxLodging);
app.route("/sandbox", sandbox);
app.route("/r", guest);
app.route("/s", client);
app.route("/sessions", sessionsPublic);
app.route("/coach", coachPortal);
app.route("/admin", admin);
app.route("/guides", guides);
app.route("/satisfaction", satisfaction);
app.route("/", help);
app.onError(onError);
app.notFound(notFound);

const handlers = {
  // The provider has checked the bearer token on this very request; ctx.props says who is
  // calling, and the stateless MCP server acts for exactly that caller (src/mcp/server.ts).
  apiHandler: { fetch: (request: Request, env: Env, ctx: ExecutionContext) => serveMcp(request, env, ctx) },
  defaultHandler: { fetch: app.fetch },
};

export default {
  async fetch(request, env, ctx) {
    const refused = refuseExposedSandbox(request, env) ?? (await refuseMisleadingRegistration(request)) ?? (await refuseRotatedRefreshToken(request, env, handlers));
    if (refused) return refused;
    const routed = routeByHost(request, env);
    return routed instanceof Response ? routed : oauthProvider(env, handlers).fetch(routed, env, ctx);
  },
  async queue(batch, env, ctx) {
    if (batch.queue === DEAD_LETTER_QUEUE) await handleDeadLetters(batch, env);
    else await handleJobs(batch, env, { selfFetch: (request) => Promise.resolve(app.fetch(request, env, ctx)) });
  },
  async scheduled(_controller, env) {
    // Independent tasks: one failing does not stop the other (the run still reports the failure).
    const results = await Promise.allSettled([sweep(env), runAlertRules(env), runSchedules(env, createDb(env.DB)), runSessionSchedules(env, createDb(env.DB)), reconcileSoon(env)]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  },
} satisfies ExportedHandler<Env>;
