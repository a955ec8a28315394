// MCP resources for reservations: qrv://reservations/{id}, the requester's view as JSON. A
// client may list the caller's recent reservations, complete an id, read one, and subscribe to
// be told when it changes (live.ts on 2026-07-28, subscriptions.ts on 2025-era MCP).
import { ResourceNotFoundError, ResourceTemplate, type McpServer } from "@modelcontextprotocol/server";
import { and, desc, eq, like } from "drizzle-orm";
import { createDb } from "../db/client.ts";
import { rowToRecord } from "../db/reservations.ts";
import { reservations } from "../db/schema.ts";
import { RESERVATION_ID_PATTERN } from "../domain/ids.ts";
import { ownedBy, ownReservation, viewOf, type ToolDeps } from "./tools/reservations.ts";

export const RESERVATION_URI_PREFIX = "qrv://reservations/";

export function reservationUri(id: string): string {
  return `${RESERVATION_URI_PREFIX}${id}`;
}

/** The reservation id a qrv://reservations/{id} URI names, or null. */
export function reservationIdOf(uri: string): string | null {
  if (!uri.startsWith(RESERVATION_URI_PREFIX)) return null;
  const id = decodeURIComponent(uri.slice(RESERVATION_URI_PREFIX.length)).toUpperCase();
  return RESERVATION_ID_PATTERN.test(id) ? id : null;
}

export function registerReservationResources(server: McpServer, deps: ToolDeps): void {
  const recent = async (prefix = "", limit = 20) => {
    const auth = deps.auth();
    if (!auth) return [];
    const shop = and(ownedBy(auth), eq(reservations.kind, "shop"));
    const where = prefix ? and(shop, like(reservations.id, `${prefix.toUpperCase().replace(/[%_]/g, "")}%`)) : shop;
    const rows = await createDb(deps.env.DB).select().from(reservations).where(where).orderBy(desc(reservations.createdAt)).limit(limit);
    return rows.map(rowToRecord);
  };

  server.registerResource(
    "reservation",
    new ResourceTemplate(`${RESERVATION_URI_PREFIX}{id}`, {
      list: async () => ({
        resources: (await recent()).map((r) => ({
          uri: reservationUri(r.id),
          name: r.id,
          title: `${r.id} ${r.data.service}（${r.data.area}）`,
          description: `${r.data.service} in ${r.data.area}, status ${r.status}`,
          mimeType: "application/json",
        })),
      }),
      complete: { id: async (value) => (await recent(value, 10)).map((r) => r.id) },
    }),
    {
      title: "Reservation",
      description: "A reservation as its requester sees it (status, shop, amount, payment link while payment is pending, what cancelling would do, timeline), as JSON. Subscribe to it to be told when its status changes.",
      mimeType: "application/json",
    },
    async (uri) => {
      const id = reservationIdOf(uri.href);
      const record = id ? await ownReservation(deps, id) : null;
      if (!record) throw new ResourceNotFoundError(uri.href, `${uri.href}: no such reservation for this client`);
      const view = await viewOf(deps, record);
      return { contents: [{ uri: reservationUri(record.id), mimeType: "application/json", text: JSON.stringify(view) }] };
    },
  );
}
