// The QRV MCP server, served over Streamable HTTP at /mcp by McpAgent: one Durable Object
// per MCP session, holding the caller's identity (props) set by the auth check in front.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { McpAgent } from "agents/mcp";
import type { McpAuth } from "../auth/index.ts";
import { FLOW_IN_TWO_SENTENCES } from "../guides/flow.ts";
import { registerLodgingTools } from "./tools/lodging.ts";
import { registerReservationTools } from "./tools/reservations.ts";

export const MCP_INSTRUCTIONS = `QRV books appointments at partner shops in Japan (hair salons, restaurants and more) by phoning them for the user.
1. Call list_services to get exact service and area names.
2. Call request_reservation; QRV then phones shops one after another. A person signed in with their phone number books for that number (name and phone can be left out once known); with an API key, give the requester's name and mobile number.
3. When a shop accepts, the user receives an SMS with a payment link that must be paid within 10 minutes; paying confirms the booking.
4. Use get_reservation to follow progress, list_my_reservations to find earlier ones, and cancel_reservation to cancel (free before payment, full refund until 48 hours before the start).
Times are Japan time (+09:00). Ask the user before booking or cancelling.
Lodging (members with prepaid points): search_rooms, then book_rooms (paid from points; if short, the order waits 30 minutes for top_up_points), get_points, get_lodging_order, list_my_orders, cancel_lodging_order (quote first, then confirm: true files a request the front desk approves). These act for the signed-in member.
The first time you help a person with QRV, tell them how it works in these two sentences (in Japanese to a Japanese speaker): ${FLOW_IN_TWO_SENTENCES.en} / ${FLOW_IN_TWO_SENTENCES.ja}`;

export class QrvMcp extends McpAgent<Env, unknown, McpAuth> {
  server = new McpServer({ name: "qrv", title: "QRV reservation concierge", version: "0.1.0" }, { instructions: MCP_INSTRUCTIONS });

  async init(): Promise<void> {
    registerReservationTools(this.server, { env: this.env, auth: () => this.props });
    registerLodgingTools(this.server, { env: this.env, auth: () => this.props });
  }
}
