/// <reference types="vite/client" />
// Invariant 1, one writer per reservation, as a property of the source: only the commit module
// writes the reservations and reservation_events tables, and only the Reservation Durable
// Object calls it. A route, a queue consumer or the console that wrote a reservation directly
// would fail here.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>("../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

const WRITES = /\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+[`"]?(reservations|reservation_events)\b|\.(update|insert|delete)\(\s*(reservations|reservationEvents)\s*\)/i;
const COMMITS = /(?<![.\w])(commitTransition|recordIgnoredEvent|settleDeadJob)\s*\(/;

function filesMatching(pattern: RegExp): string[] {
  return Object.entries(sources)
    .filter(([, text]) => pattern.test(text))
    .map(([path]) => path.replace("../", ""))
    .sort();
}

describe("one writer per reservation", () => {
  it("reads the whole source tree", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    expect(Object.keys(sources)).toContain("../src/durable/reservation.ts");
  });

  it("only the commit module writes reservations and their events", () => {
    expect(filesMatching(WRITES)).toEqual(["src/db/reservations.ts"]);
  });

  it("only the Reservation object calls the commit", () => {
    const callers = filesMatching(COMMITS).filter((f) => f !== "src/db/reservations.ts");
    expect(callers).toEqual(["src/durable/reservation.ts"]);
  });
});
