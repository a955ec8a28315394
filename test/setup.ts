// Every test file starts with the schema applied (applyD1Migrations skips what is applied) and
// with no way out to the network: an unexpected outbound request fails the test.
import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll } from "vitest";
import { network } from "./msw.ts";

// TEST_MIGRATIONS is a test-only binding added in vitest.config.ts.
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);

beforeAll(() => network.enable());
afterEach(() => network.resetHandlers());
afterAll(async () => {
  await queueSettled();
  network.disable();
});

/**
 * A file that ends while the queue is still running jobs it started keeps the test pool from
 * shutting down, so each file waits (a few seconds at most) for enqueued jobs to finish.
 */
async function queueSettled(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sending' OR (status = 'pending' AND enqueued_at IS NOT NULL)").first<{ n: number }>();
    if (!open?.n || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Webhooks the sandbox queued for those jobs follow right behind them.
  await new Promise((r) => setTimeout(r, 250));
}
