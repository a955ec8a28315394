/// <reference types="vite/client" />
// Invariant 1, one writer per reservation, as a property of the source: only the commit module
// writes the reservations and reservation_events tables, and only the Reservation Durable
// Object calls it. A route, a queue consumer or the console that wrote a reservation directly
// would fail here.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>("../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true });

const WRITES = /\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+[`"]?(reservations|reservation_events)\b|\.(update|insert|delete)\(\s*(reservations|reservationEvents)\s*\)/i;
/** Writes to the reservations table itself: its status, version and record. */
const STATE_WRITES = /\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+[`"]?reservations\b(?!_)|\.(update|insert|delete)\(\s*reservations\s*\)/i;
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
    // Two data-lifecycle jobs touch old timeline rows and nothing else, never a status or a
    // version: the nightly deletion of a coach's events past the audit retention, and a deleted
    // member's name, phone and email redacted in their orders' timelines (src/db/personal-data.ts,
    // whose table names are not literal, so it is checked below).
    expect(filesMatching(WRITES)).toEqual(["src/db/governance.ts", "src/db/reservations.ts"]);
    expect(filesMatching(STATE_WRITES)).toEqual(["src/db/reservations.ts"]);
    const governance = sources["../src/db/governance.ts"]!;
    expect(governance.match(new RegExp(WRITES.source, "gi"))).toEqual(["DELETE FROM reservation_events"]);
    const redaction = sources["../src/db/personal-data.ts"]!;
    expect(redaction).toMatch(/table: "reservation_events", columns: \["note", "data"\] \}/);
    expect(redaction).not.toMatch(/table: "reservations"/);
  });

  it("only the Reservation object calls the commit", () => {
    const callers = filesMatching(COMMITS).filter((f) => f !== "src/db/reservations.ts");
    expect(callers).toEqual(["src/durable/reservation.ts"]);
  });
});
