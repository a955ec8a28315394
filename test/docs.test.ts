// docs/architecture.md is kept true: its state table lists exactly the events each status handles.
import { describe, expect, it } from "vitest";
import architecture from "../docs/architecture.md?raw";
import { SHOP_TRANSITIONS } from "../src/domain/reservation/shop-machine.ts";
import { LODGING_TRANSITIONS } from "../src/domain/reservation/lodging-machine.ts";
import { SESSION_STATUSES, SESSION_TABLE } from "../src/domain/reservation/session-machine.ts";
import { LODGING_STATUSES, STATUSES } from "../src/domain/reservation/types.ts";

/** The text of one `## ` section of the page, so each machine's table is read from its own part. */
function section(heading: string): string {
  const start = architecture.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/architecture.md has no section "${heading}"`);
  const end = architecture.indexOf("\n## ", start + 4);
  return architecture.slice(start, end < 0 ? undefined : end);
}

describe("docs/architecture.md", () => {
  const rows = new Map(
    architecture
      .split("\n")
      .map((line) => line.match(/^\| ([a-z_]+) \| ([a-z_, ]+) \|$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1]!, m[2]!.split(",").map((s) => s.trim()).sort()]),
  );

  it("has a row for every status", () => {
    expect([...rows.keys()].sort()).toEqual([...STATUSES].sort());
  });

  for (const status of STATUSES) {
    it(`lists the events ${status} handles`, () => {
      expect(rows.get(status)).toEqual(Object.keys(SHOP_TRANSITIONS[status]).sort());
    });
  }
});

describe("docs/architecture.md: the session engagement", () => {
  // Events every status takes, listed once above the table.
  const EVERYWHERE = ["operator_note", "set_crm", "trouble", "sms_failed", "job_failed", "refund_updated", "payment_completed", "exception_opened", "exception_decided", "message_drafted", "message_checked", "message_due", "message_withdrawn"];
  const rows = new Map(
    section("1-on-1 sessions (seed 001)")
      .split("\n")
      .map((line) => line.match(/^\| `([a-z_]+)` \| ([a-z_, ]*) ?\|$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1]!, m[2]!.split(",").map((s) => s.trim()).filter(Boolean)]),
  );

  it("has a row for every status", () => {
    expect([...rows.keys()].sort()).toEqual([...SESSION_STATUSES].sort());
  });

  for (const status of SESSION_STATUSES) {
    it(`lists the events ${status} handles`, () => {
      expect([...new Set([...rows.get(status)!, ...EVERYWHERE])].sort()).toEqual(Object.keys(SESSION_TABLE[status]).sort());
    });
  }
});

describe("docs/architecture.md, lodging orders", () => {
  const rows = new Map(
    section("Lodging (seed 004)")
      .split("\n")
      .map((line) => line.match(/^\| `([a-z_]+)` \| ([a-z_, ]+) \|$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1]!, m[2]!.split(",").map((s) => s.trim()).sort()]),
  );

  it("has a row for every lodging status, listing the events it handles", () => {
    expect([...rows.keys()].sort()).toEqual([...LODGING_STATUSES].sort());
    for (const status of LODGING_STATUSES) expect(rows.get(status)).toEqual(Object.keys(LODGING_TRANSITIONS[status]).sort());
  });
});
