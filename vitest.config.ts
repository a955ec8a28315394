import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Three projects, one command (`npm test`). Two run inside workerd with the bindings from
// wrangler.toml:
// - workers: sandbox providers. They answer at once and rounds follow each other without a
//   pause, so flows run through the real queue and alarms in a few hundred milliseconds;
//   longer timers are fired with runDurableObjectAlarm.
// - live: PROVIDERS=live with fake secrets shaped like real ones; the live adapters talk to MSW
//   handlers that act as Twilio, Bland, Stripe and Slack (test/live/fake-providers.ts).
// And e2e: Node drives Debian's Chromium against a real `wrangler dev` started for the run.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  const sandbox = {
    TEST_MIGRATIONS: migrations,
    PROVIDERS: "sandbox",
    // Tests reach the Worker as https://qrv.test, a public-looking host: a sandbox answers
    // there only as a declared demo (test/security.test.ts covers the other cases).
    PUBLIC_DEMO: "true",
    PUBLIC_URL: "https://qrv.test",
    SANDBOX_CALL_DELAY_SECONDS: "0",
    CALL_ROUND_DELAY_SECONDS: "0",
    SUPPORT_PHONE: "03-0000-0000",
    SUPPORT_EMAIL: "support@qrv.example",
    REPORT_EMAILS: "ops@qrv.example, ceo@qrv.example",
    ADMIN_PASSWORD: "test-admin-password",
    SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
    STRIPE_SECRET_KEY: "sk_test_sandbox",
    STRIPE_WEBHOOK_SECRET: "whsec_test_secret",
    TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
    TWILIO_AUTH_TOKEN: "test_twilio_auth_token",
    BLAND_API_KEY: "test_bland_api_key",
    BLAND_WEBHOOK_SECRET: "test_bland_webhook_secret",
    SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/TEST/TEST/test",
  };
  const live = {
    ...sandbox,
    PROVIDERS: "live",
    PUBLIC_DEMO: "",
    STRIPE_SECRET_KEY: "sk_test_51QrvLiveTestsFakeKey",
    STRIPE_WEBHOOK_SECRET: "whsec_qrv_live_tests_signing_secret",
    TWILIO_ACCOUNT_SID: "AC1f2e3d4c5b6a79881726354a5b6c7d8e",
    TWILIO_AUTH_TOKEN: "qrv_live_tests_twilio_auth_token",
    TWILIO_MESSAGING_SERVICE_SID: "MG9a8b7c6d5e4f30211203f4e5d6c7b8a9",
    BLAND_API_KEY: "org_qrv_live_tests_bland_api_key",
    BLAND_WEBHOOK_SECRET: "qrv_live_tests_bland_webhook_secret",
    BLAND_FROM: "+815012345678",
    EMAIL_FROM: "concierge@qrv.test",
    EMAIL_FROM_NAME: "QRV コンシェルジュ",
    SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0QRVLIVE/B0QRVLIVE/qrvLiveTestsWebhook",
  };
  const workerd = (name: string, bindings: typeof sandbox, include: string[], exclude: string[]) => ({
    plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings } })],
    // pdf.js's Japanese CMap, imported ?inline by test/pdf-text.ts to read QRV's PDFs back.
    assetsInclude: ["**/*.bcmap"],
    resolve: {
      // MSW's fetch interceptor for Node pulls in http parsers that workerd cannot load; the
      // web build intercepts the global fetch, which is all a Worker uses.
      alias: [{ find: /^@mswjs\/interceptors\/fetch$/, replacement: fileURLToPath(new URL("./node_modules/@mswjs/interceptors/lib/browser/interceptors/fetch/web.js", import.meta.url)) }],
    },
    test: { name, include, exclude, setupFiles: ["./test/setup.ts"], testTimeout: 20_000 },
  });
  return {
    test: {
      projects: [
        workerd("workers", sandbox, ["test/**/*.test.ts"], ["test/e2e/**", "test/live/**"]),
        workerd("live", live, ["test/live/**/*.test.ts"], []),
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
