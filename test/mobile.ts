// Made-up mobile numbers for tests (workerd and Node alike): random, so each test reads only its
// own texts, and never one of the numbers the sandbox fails on purpose (0000, 0503), which would
// turn a test's text into a rehearsed failure and its wait into a timeout now and then.
import { sandboxSmsFails } from "../src/providers/sandbox/numbers.ts";

/** `prefix` (e.g. "090", "+8190") then a digit 1–9 and seven random digits. */
export function randomMobile(prefix: string): string {
  for (;;) {
    const n = `${prefix}${1 + Math.floor(Math.random() * 9)}${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    if (!sandboxSmsFails(n)) return n;
  }
}
