// Live status for MCP clients on 2026-07-28 (2025-era clients: subscriptions.ts): a client
// opens a `subscriptions/listen` stream for qrv://reservations/{id} URIs, and is sent
// `notifications/resources/updated` when one of those reservations changes. The server keeps no session: the stream itself is the
// subscription. While it is open, the isolate serving it checks the reservations' versions in
// D1 (written by each reservation's Durable Object, wherever it runs) and publishes changes on
// the handler's in-isolate bus, which delivers them to the streams that asked for them.
import { inArray } from "drizzle-orm";
import type { McpAuth } from "../auth/index.ts";
import { createDb } from "../db/client.ts";
import { reservations } from "../db/schema.ts";
import { reservationIdOf } from "./resources.ts";
import { ownReservation } from "./tools/reservations.ts";

/** How often an open subscription checks its reservations. */
export const LIVE_CHECK_MS = 1000;

export interface ListenRequest {
  id: string | number;
  uris: string[];
}

/** The `subscriptions/listen` request a POST carries, if any; `body` is the POST's parsed JSON body. */
export function listenRequestOf(request: Request, body: unknown): ListenRequest | null {
  if (request.method !== "POST" || !request.headers.get("content-type")?.includes("application/json")) return null;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const message = body as { method?: unknown; id?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown } } };
  if (message.method !== "subscriptions/listen" || (typeof message.id !== "string" && typeof message.id !== "number")) return null;
  const uris = message.params?.notifications?.resourceSubscriptions;
  return { id: message.id, uris: Array.isArray(uris) ? uris.filter((u): u is string => typeof u === "string") : [] };
}

/** The reservation ids behind `uris` if the caller owns every one; otherwise the first URI it may not watch. */
export async function ownedIds(env: Env, auth: McpAuth | undefined, uris: string[]): Promise<{ ids: string[] } | { refused: string }> {
  const ids: string[] = [];
  for (const uri of uris) {
    const id = reservationIdOf(uri);
    if (!id || !(await ownReservation({ env, auth: () => auth }, id))) return { refused: uri };
    ids.push(id);
  }
  return { ids };
}

/**
 * Calls `changed(id)` whenever one of the reservations' versions moves, checking every
 * LIVE_CHECK_MS until the returned stop function is called.
 */
export function watchReservations(env: Env, ids: string[], changed: (id: string) => void): () => void {
  const db = createDb(env.DB);
  const seen = new Map<string, number>();
  let stopped = false;
  const check = async () => {
    try {
      const rows = await db.select({ id: reservations.id, version: reservations.version }).from(reservations).where(inArray(reservations.id, ids));
      for (const row of rows) {
        const before = seen.get(row.id);
        seen.set(row.id, row.version);
        if (before !== undefined && before !== row.version && !stopped) changed(row.id);
      }
    } catch (err) {
      console.error(JSON.stringify({ msg: "live check failed", error: String(err) }));
    }
  };
  void check();
  const timer = setInterval(() => void check(), LIVE_CHECK_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** `response` whose body calls `done` once, when it ends or the client goes away. */
export function onStreamEnd(response: Response, done: () => void): Response {
  if (!response.body) {
    done();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: finished, value } = await reader.read();
        if (finished) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        done();
        controller.error(err);
      }
    },
    async cancel(reason) {
      done();
      await reader.cancel(reason).catch(() => {});
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
