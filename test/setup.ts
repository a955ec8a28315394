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
afterAll(() => network.disable());
