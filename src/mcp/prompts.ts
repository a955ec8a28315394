// MCP prompts a client can offer its user. "book_appointment" walks the model through a shop
// booking; its service and area arguments complete from the partner-shop list. Lodging and
// sessions add theirs beside it when those products arrive.
import { completable, type McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { createDb } from "../db/client.ts";
import { catalog } from "../db/shops.ts";
import { QRV_ICONS } from "./icons.ts";
import type { ToolDeps } from "./tools/reservations.ts";

/** Names starting with `typed` (case-insensitive), then names containing it. */
function matching(names: string[], typed: string): string[] {
  const t = typed.trim().toLowerCase();
  if (!t) return names;
  const starts = names.filter((n) => n.toLowerCase().startsWith(t));
  return [...starts, ...names.filter((n) => !starts.includes(n) && n.toLowerCase().includes(t))];
}

export function registerReservationPrompts(server: McpServer, deps: ToolDeps): void {
  const services = async () => (await catalog(createDb(deps.env.DB))).map((e) => e.service);
  const areasFor = async (service: string | undefined) => {
    const entries = await catalog(createDb(deps.env.DB));
    const chosen = service ? entries.filter((e) => e.service === service) : entries;
    return [...new Set(chosen.flatMap((e) => e.areas.map((a) => a.area)))];
  };

  server.registerPrompt(
    "book_appointment",
    {
      title: "Book an appointment",
      description: "Book an appointment at a partner shop in Japan (a haircut, a dinner table, a massage...): QRV phones the shops and the person pays by a texted link.",
      argsSchema: z.object({
        service: completable(z.string().describe("What to book, as list_services names it, e.g. カット."), async (value) => matching(await services(), value)),
        area: completable(z.string().describe("Where, as list_services names it, e.g. 渋谷."), async (value, context) => matching(await areasFor(context?.arguments?.service), value)),
        when: z.string().optional().describe("When, in the person's words or ISO 8601, e.g. tomorrow at 15:00."),
        party_size: z.string().optional().describe("How many people, e.g. 2."),
      }),
      icons: QRV_ICONS,
    },
    ({ service, area, when, party_size }) => ({
      description: `Book ${service} in ${area}`,
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: [
              `Please book ${service} in ${area}${when ? ` ${when}` : ""}${party_size ? ` for ${party_size} ${party_size === "1" ? "person" : "people"}` : ""} through QRV.`,
              "1. Check the exact service and area names with list_services.",
              "2. Confirm the date and time (Japan time, +09:00), the party size and, unless I am signed in, my name and mobile number, and ask me before booking.",
              "3. Call request_reservation, then tell me the reservation id and the page to follow it.",
              "4. Follow the status (subscribe to the reservation's resource, or get_reservation) and tell me when a shop accepts: I pay by the link texted to me within 10 minutes.",
            ].join("\n"),
          },
        },
      ],
    }),
  );
}
