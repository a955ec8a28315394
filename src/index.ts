// QRV's Worker: mounts the route modules, exports the Durable Object classes, and handles
// the jobs queue, its dead-letter queue and the cron sweeper.
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { DEAD_LETTER_QUEUE, handleDeadLetters, handleJobs } from "./queues/consumer.ts";
import { sweep } from "./queues/sweeper.ts";
import { runAlertRules } from "./monitor/alerts.ts";
import { admin } from "./routes/admin/index.tsx";
import { notFound, onError } from "./routes/errors.tsx";
import { guest } from "./routes/guest.tsx";
import { home } from "./routes/home.tsx";
import { assets } from "./routes/layout.tsx";
import { mcp } from "./routes/mcp.ts";
import { sandbox } from "./routes/sandbox.tsx";
import { webhooks } from "./routes/webhooks.ts";

export { ReservationObject } from "./durable/reservation.ts";
export { QrvMcp } from "./mcp/server.ts";

const app = new Hono<{ Bindings: Env }>();

app.use("*", requestId());
app.use(
  "*",
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'self'"], styleSrc: ["'self'"], scriptSrc: ["'self'"], imgSrc: ["'self'", "data:"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    crossOriginEmbedderPolicy: false,
  }),
);
app.route("/", home);
app.route("/", mcp);
app.route("/assets", assets);
app.route("/webhooks", webhooks);
app.route("/sandbox", sandbox);
app.route("/r", guest);
app.route("/admin", admin);
app.onError(onError);
app.notFound(notFound);

export default {
  fetch: app.fetch,
  async queue(batch, env, ctx) {
    if (batch.queue === DEAD_LETTER_QUEUE) await handleDeadLetters(batch, env);
    else await handleJobs(batch, env, { selfFetch: (request) => Promise.resolve(app.fetch(request, env, ctx)) });
  },
  async scheduled(_controller, env) {
    // Independent tasks: one failing does not stop the other (the run still reports the failure).
    const results = await Promise.allSettled([sweep(env), runAlertRules(env)]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  },
} satisfies ExportedHandler<Env>;
