// How the rest of the Worker reaches a resource's calendar, and the all-or-none step across
// several resources (a multi-room order): hold each in turn and, at the first refusal, give
// back what was taken, so an order never keeps some of its rooms.
import type { Conflict, Interval } from "../domain/resource-calendar.ts";

/** `room:<id>`, `coach:<id>`: one calendar object per bookable resource. */
export function calendarFor(env: Env, resource: string) {
  return env.CALENDAR.get(env.CALENDAR.idFromName(resource));
}

export interface ResourceRequest {
  resource: string;
  intervals: Interval[];
}

export type HoldAllResult = { ok: true } | { ok: false; resource: string; conflicts: Conflict[]; error?: string };

export async function holdAll(env: Env, key: string, requests: ResourceRequest[], expiresAt: number): Promise<HoldAllResult> {
  const taken: string[] = [];
  for (const r of requests) {
    let result;
    try {
      result = await calendarFor(env, r.resource).hold(key, r.intervals, expiresAt);
    } catch (err) {
      await releaseAll(env, key, taken);
      throw err;
    }
    if (!result.ok) {
      await releaseAll(env, key, taken);
      return { ok: false, resource: r.resource, conflicts: result.conflicts, ...(result.error ? { error: result.error } : {}) };
    }
    taken.push(r.resource);
  }
  return { ok: true };
}

export async function releaseAll(env: Env, key: string, resources: string[]): Promise<void> {
  await Promise.all(resources.map((resource) => calendarFor(env, resource).release(key)));
}

/** Confirms the key's holds everywhere; throws naming the resources whose hold had lapsed. */
export async function confirmAll(env: Env, key: string, resources: string[]): Promise<void> {
  const results = await Promise.all(resources.map(async (resource) => ({ resource, result: await calendarFor(env, resource).confirm(key) })));
  const lapsed = results.filter((r) => !r.result.ok).map((r) => r.resource);
  if (lapsed.length > 0) throw new HoldLapsed(lapsed);
}

export class HoldLapsed extends Error {
  override name = "HoldLapsed";
  readonly resources: string[];
  constructor(resources: string[]) {
    super(`the hold had lapsed on ${resources.join(", ")}`);
    this.resources = resources;
  }
}
