// /sandbox: only when providers are sandboxed, and only on localhost unless PUBLIC_DEMO=true
// (src/routes/demo.ts refuses it earlier; this check keeps the module safe on its own). What the sandbox providers "sent", per
// reservation (and as JSON at /sandbox/outbox for scripts), a page to answer a call as the
// shop, and the checkout page a sandbox payment_url opens (plain HTML forms, no JavaScript).
import { and, desc, eq, like, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { config, sandboxServes } from "../config.ts";
import { createDb } from "../db/client.ts";
import { loadRecord } from "../db/reservations.ts";
import { reservations, sandboxCalls, sandboxRecords } from "../db/schema.ts";
import { formatJpy } from "../domain/money.ts";
import { statusLabel } from "../domain/messages.ts";
import { formatClock, formatShort } from "../domain/time.ts";
import { completeSandboxCheckout, sandboxSession } from "../providers/sandbox/payments.ts";
import { SANDBOX_ANSWERS, answerSandboxCall, type ScriptedAnswer } from "../providers/sandbox/voice.ts";
import { Page } from "./layout.tsx";

export const sandbox = new Hono<{ Bindings: Env }>();

sandbox.use("*", async (c, next) => {
  if (!sandboxServes(c.env, c.req.url)) return c.notFound();
  await next();
});

const CHANNELS = ["sms", "email", "call", "payment", "alert"] as const;

async function records(env: Env, filter: { reservationId?: string; channel?: string }, limit = 200) {
  const db = createDb(env.DB);
  const conditions: SQL[] = [];
  if (filter.reservationId) conditions.push(eq(sandboxRecords.reservationId, filter.reservationId));
  if (filter.channel) conditions.push(eq(sandboxRecords.channel, filter.channel));
  return db
    .select()
    .from(sandboxRecords)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(sandboxRecords.id))
    .limit(limit);
}

sandbox.get("/outbox", async (c) => {
  const reservationId = c.req.query("reservation_id") || undefined;
  const channel = c.req.query("channel") || undefined;
  if (channel && !(CHANNELS as readonly string[]).includes(channel)) return c.json({ error: `channel must be one of ${CHANNELS.join(", ")}` }, 400);
  const limit = Math.min(Math.max(Number(c.req.query("limit")) || 500, 1), 20_000);
  const rows = await records(c.env, { ...(reservationId ? { reservationId } : {}), ...(channel ? { channel } : {}) }, limit);
  return c.json({
    records: rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      reservation_id: r.reservationId,
      to: r.to,
      subject: r.subject,
      body: r.body,
      provider_ref: r.providerRef,
      data: JSON.parse(r.data),
      created_at: new Date(r.createdAt).toISOString(),
    })),
  });
});

function PendingCalls(props: { calls: (typeof sandboxCalls.$inferSelect)[] }) {
  if (!props.calls.length) return <p class="muted">応答待ちの電話はありません / No calls waiting.</p>;
  return (
    <>
      {props.calls.map((call) => (
        <div class="card">
          <h2>
            📞 {call.shopName} <span class="muted">{call.phone}</span>
          </h2>
          <p class="muted">
            {call.reservationId} · {formatShort(call.createdAt, "ja")}
          </p>
          <pre>{(JSON.parse(call.request) as { task: string }).task}</pre>
          <form method="post" action={`/sandbox/calls/${call.id}/answer`}>
            <div class="row">
              {SANDBOX_ANSWERS.filter((a) => a !== "manual").map((a) => (
                <button type="submit" name="answer" value={a} class={a === "accepted" ? "" : "secondary"}>
                  {a}
                </button>
              ))}
            </div>
            <p>
              <label>
                変更内容 / proposed change (change_requested): <input name="proposed_change" placeholder="15:30からなら可能" />
              </label>
            </p>
          </form>
        </div>
      ))}
    </>
  );
}

sandbox.get("/", async (c) => {
  const db = createDb(c.env.DB);
  const [recent, calls, codes] = await Promise.all([
    db.select().from(reservations).orderBy(desc(reservations.createdAt)).limit(30),
    db.select().from(sandboxCalls).where(eq(sandboxCalls.status, "queued")).orderBy(desc(sandboxCalls.createdAt)),
    // Sign-in codes are texted for a login (lgn_…), not for a reservation.
    db.select().from(sandboxRecords).where(and(eq(sandboxRecords.channel, "sms"), like(sandboxRecords.reservationId, "lgn_%"))).orderBy(desc(sandboxRecords.id)).limit(5),
  ]);
  return c.html(
    <Page title="QRV sandbox" lang="ja" refreshSeconds={10}>
      <h1>Sandbox</h1>
      <p class="muted">
        Providers are sandboxed: nothing leaves this machine. Messages, calls and payments are recorded here; JSON at <a href="/sandbox/outbox">/sandbox/outbox</a>.
      </p>
      {codes.length ? (
        <div class="card">
          <h2>サインインコード / Sign-in codes</h2>
          {codes.map((r) => (
            <p>
              <strong>{r.to}</strong> <span class="muted">{formatShort(r.createdAt, "ja")}</span>
              <br />
              <span class="signin-code">{r.body}</span>
            </p>
          ))}
        </div>
      ) : null}
      <h2>電話（手動応答） / Calls waiting for a person</h2>
      <PendingCalls calls={calls} />
      <div class="card">
        <h2>予約 / Reservations</h2>
        {recent.length ? (
          <table>
            <thead>
              <tr>
                <th>ID</th>
                <th>status</th>
                <th>service</th>
                <th>start</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((r) => (
                <tr>
                  <td>
                    <a href={`/sandbox/reservations/${r.id}`}>{r.id}</a>
                  </td>
                  <td>
                    <span class={`status ${r.status}`}>{r.status}</span>
                  </td>
                  <td>
                    {r.service} · {r.area}
                  </td>
                  <td>{formatShort(r.startAt, "ja")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No reservations yet. Run npm run demo, or connect an MCP client to /mcp.</p>
        )}
      </div>
    </Page>,
  );
});

sandbox.get("/reservations/:id", async (c) => {
  const id = c.req.param("id");
  const db = createDb(c.env.DB);
  const reservation = await db.query.reservations.findFirst({ where: eq(reservations.id, id) });
  if (!reservation) return c.notFound();
  const [rows, calls] = await Promise.all([records(c.env, { reservationId: id }), db.select().from(sandboxCalls).where(and(eq(sandboxCalls.reservationId, id), eq(sandboxCalls.status, "queued")))]);
  return c.html(
    <Page title={`${id} · QRV sandbox`} lang="ja" refreshSeconds={5}>
      <p>
        <a href="/sandbox">← sandbox</a>
      </p>
      <h1>{id}</h1>
      <p>
        <span class={`status ${reservation.status}`}>{statusLabel(reservation.status, "ja")}</span> <span class="muted">{reservation.status}</span>
      </p>
      <PendingCalls calls={calls} />
      <div class="card">
        <h2>送信記録 / What was sent</h2>
        {rows.map((r) => (
          <div>
            <p>
              <strong>{r.channel}</strong> → {r.to ?? "-"} {r.subject ? <span>· {r.subject}</span> : null} <span class="muted">{formatShort(r.createdAt, "ja")}</span>
            </p>
            <pre>{r.body}</pre>
          </div>
        ))}
      </div>
    </Page>,
  );
});

sandbox.post("/calls/:id/answer", async (c) => {
  const form = await c.req.parseBody();
  const answer = String(form.answer ?? "");
  if (!SANDBOX_ANSWERS.includes(answer as ScriptedAnswer) || answer === "manual") return c.text("answer must be accepted, declined, no_answer, ambiguous or change_requested", 400);
  const change = String(form.proposed_change ?? "").trim().slice(0, 200);
  const done = await answerSandboxCall(c.env, createDb(c.env.DB), c.req.param("id"), answer as ScriptedAnswer, change || undefined);
  if (!done) return c.text("This call was already answered or does not exist.", 409);
  return c.redirect("/sandbox", 303);
});

sandbox.get("/checkout/:id", async (c) => {
  const db = createDb(c.env.DB);
  const session = await sandboxSession(db, c.req.param("id"));
  if (!session) return c.notFound();
  // One deadline is stated, QRV's (the reservation's 10-minute window), not the session's own expiry.
  const record = await loadRecord(db, session.reservationId);
  const deadline = record?.data.payment?.sessionId === session.id ? record.data.payment.deadlineAt : undefined;
  const open = session.status === "open";
  return c.html(
    <Page title="お支払い · QRV sandbox checkout" lang="ja">
      <div class="card">
        <p class="muted">Sandbox checkout (Stripe stand-in): no card is charged.</p>
        <h1>{session.description}</h1>
        <p>
          <strong>{formatJpy(session.amountTotal)}</strong> <span class="muted">({session.reservationId})</span>
        </p>
        {open ? (
          <>
            <form method="post" action={`/sandbox/checkout/${session.id}/pay`}>
              <p>
                <label>
                  カード番号 / Card <input name="card" value="4242 4242 4242 4242" inputmode="numeric" autocomplete="off" />
                </label>
              </p>
              <button type="submit" id="pay">
                支払う / Pay {formatJpy(session.amountTotal)}
              </button>
            </form>
            <form method="post" action={`/sandbox/checkout/${session.id}/cancel`} class="spaced">
              <button type="submit" class="secondary" id="abandon">
                やめる / Cancel payment
              </button>
            </form>
            {deadline ? <p class="muted">お支払い期限 / Pay by {formatClock(deadline)}</p> : null}
          </>
        ) : (
          <p class="notice">{session.status === "complete" ? "お支払い済みです / Already paid." : "この決済リンクは期限切れです / This payment link has expired."}</p>
        )}
      </div>
    </Page>,
  );
});

sandbox.post("/checkout/:id/pay", async (c) => {
  const db = createDb(c.env.DB);
  const id = c.req.param("id");
  const done = await completeSandboxCheckout(c.env, db, config(c.env), id);
  if (done) return c.redirect(done.successUrl, 303);
  const session = await sandboxSession(db, id);
  if (!session) return c.notFound();
  // Already paid: go to the result; expired: show the page that says so.
  return c.redirect(session.status === "complete" ? session.successUrl : `/sandbox/checkout/${id}`, 303);
});

sandbox.post("/checkout/:id/cancel", async (c) => {
  const session = await sandboxSession(createDb(c.env.DB), c.req.param("id"));
  if (!session) return c.notFound();
  return c.redirect(session.cancelUrl, 303);
});
