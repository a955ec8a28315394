// docs/architecture.md is kept true: its state table lists exactly the events each status handles.
import { describe, expect, it } from "vitest";
import architecture from "../docs/architecture.md?raw";
import { SHOP_TRANSITIONS } from "../src/domain/reservation/shop-machine.ts";
import { LODGING_TRANSITIONS } from "../src/domain/reservation/lodging-machine.ts";
import { LODGING_STATUSES, STATUSES } from "../src/domain/reservation/types.ts";

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

describe("docs/architecture.md, lodging orders", () => {
  const rows = new Map(
    architecture
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
