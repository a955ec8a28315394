import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Two projects, one command (`npm test`):
// - workers: inside workerd with the bindings from wrangler.toml. Sandbox providers answer at
//   once and rounds follow each other without a pause, so flows run through the real queue and
//   alarms in a few hundred milliseconds; longer timers are fired with runDurableObjectAlarm.
// - e2e: Node drives Debian's Chromium against a real `wrangler dev` started for the run.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  PROVIDERS: "sandbox",
                  PUBLIC_URL: "https://qrv.test",
                  SANDBOX_CALL_DELAY_SECONDS: "0",
                  CALL_ROUND_DELAY_SECONDS: "0",
                  SUPPORT_PHONE: "03-0000-0000",
                  SUPPORT_EMAIL: "support@qrv.example",
                  ADMIN_PASSWORD: "test-admin-password",
                  SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
                  STRIPE_SECRET_KEY: "sk_test_sandbox",
                  STRIPE_WEBHOOK_SECRET: "whsec_test_secret",
                  TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
                  TWILIO_AUTH_TOKEN: "test_twilio_auth_token",
                  BLAND_API_KEY: "test_bland_api_key",
                  BLAND_WEBHOOK_SECRET: "test_bland_webhook_secret",
                  SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/TEST/TEST/test",
                },
              },
            }),
          ],
          resolve: {
            // MSW's fetch interceptor for Node pulls in http parsers that workerd cannot load; the
            // web build intercepts the global fetch, which is all a Worker uses.
            alias: [{ find: /^@mswjs\/interceptors\/fetch$/, replacement: fileURLToPath(new URL("./node_modules/@mswjs/interceptors/lib/browser/interceptors/fetch/web.js", import.meta.url)) }],
          },
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**"],
            setupFiles: ["./test/setup.ts"],
            testTimeout: 20_000,
          },
        },
        {
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.e2e.ts"],
            environment: "node",
            globalSetup: ["./test/e2e/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
