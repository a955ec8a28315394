// MSW for workerd: a fetch-only network (Node's http interceptors do not run in workerd).
// Unhandled requests are errors, so a test fails if code calls a provider nobody expected.
import { FetchInterceptor } from "@mswjs/interceptors/fetch";
import { InterceptorSource, defineNetwork } from "msw/experimental";

export const network = defineNetwork({
  sources: [new InterceptorSource({ interceptors: [new FetchInterceptor()] })],
  handlers: [],
  onUnhandledFrame: "error",
  // Handled requests are not logged (tests that mock providers keep what they were sent).
  context: { quiet: true },
});
