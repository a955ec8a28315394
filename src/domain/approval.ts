// What the requester approved when they asked for a reservation: service, area, time, party
// size, the price range of the shops QRV may book, the cancellation policy, who asked and
// through which client. Frozen at request time and hashed, so the person, the AI client and an
// operator can all point at the same record; a payment may never ask for more than it allows.
import { sha256Hex } from "./ids.ts";
import { maskPhone } from "./phone.ts";
import { policy } from "./policy.ts";

/** The cancellation policy in force, named so an approval says which one the person accepted. */
export const CANCELLATION_POLICY = `v1: free before payment; full refund until ${policy.cancelDeadlineMs / 3_600_000} hours before the start; after that, none`;

export interface Approval {
  version: 1;
  /** 1 (or absent) for what was asked; 2, 3... for each later change put to the requester. */
  revision?: number;
  /** The hash of the approval this one replaces. */
  supersedes?: string;
  service: string;
  area: string;
  /** ISO 8601, Japan time. */
  start: string;
  party_size: number;
  /** A change: the shop and the menu agreed with it (when it differs from the service asked for). */
  shop?: string;
  menu?: string;
  /** The lowest and highest price among the shops QRV may book; the payment is at most `max`. */
  price_jpy: { min: number; max: number };
  cancellation_policy: string;
  requester: { name: string; phone: string };
  /** The credential that asked: an integrator's API key or a signed-in person. */
  asked_by: { kind: "api_key" | "user"; id: string; name?: string };
  /** The AI client, as far as it identified itself. */
  client?: { name?: string; version?: string; oauth_client_id?: string };
  /** A change: who put it to the requester (an operator, for the shop) and when (ISO 8601, Japan time). */
  proposed?: { by: "operator"; name: string; at: string; reason: "shop_change_request" };
  /**
   * ISO 8601, Japan time: when the requester asked (the first approval). A change is hashed
   * when proposed, so its approval time is kept beside the hash (ApprovalRecord.approvedAt).
   */
  approved_at?: string;
}

export interface ApprovalInput {
  service: string;
  area: string;
  start: string;
  partySize: number;
  prices: number[];
  requester: { name: string; phone: string };
  askedBy: Approval["asked_by"];
  client?: Approval["client"];
  approvedAt: string;
}

export function buildApproval(i: ApprovalInput): Approval {
  return {
    version: 1,
    service: i.service,
    area: i.area,
    start: i.start,
    party_size: i.partySize,
    price_jpy: { min: Math.min(...i.prices), max: Math.max(...i.prices) },
    cancellation_policy: CANCELLATION_POLICY,
    requester: { name: i.requester.name, phone: maskPhone(i.requester.phone) },
    asked_by: i.askedBy,
    ...(i.client && Object.keys(i.client).length ? { client: i.client } : {}),
    approved_at: i.approvedAt,
  };
}

/** JSON with object keys sorted at every level, so equal approvals hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:` and the hex digest of the approval's canonical JSON. */
export async function approvalHash(a: Approval): Promise<string> {
  return `sha256:${await sha256Hex(canonical(a))}`;
}

/** The approval a change of time, party, menu or price asks the requester for; it replaces `previous` once approved. */
export function buildChangeApproval(i: {
  previous?: { snapshot: Approval; hash: string };
  service: string;
  area: string;
  shop: string;
  menu?: string;
  start: string;
  partySize: number;
  amountJpy: number;
  requester: { name: string; phone: string };
  askedBy: Approval["asked_by"];
  operator: string;
  proposedAt: string;
}): Approval {
  const prev = i.previous?.snapshot;
  return {
    version: 1,
    revision: (prev?.revision ?? 1) + 1,
    ...(i.previous ? { supersedes: i.previous.hash } : {}),
    service: i.service,
    area: i.area,
    shop: i.shop,
    ...(i.menu ? { menu: i.menu } : {}),
    start: i.start,
    party_size: i.partySize,
    price_jpy: { min: i.amountJpy, max: i.amountJpy },
    cancellation_policy: CANCELLATION_POLICY,
    requester: { name: i.requester.name, phone: maskPhone(i.requester.phone) },
    asked_by: prev?.asked_by ?? i.askedBy,
    ...(prev?.client ? { client: prev.client } : {}),
    proposed: { by: "operator", name: i.operator, at: i.proposedAt, reason: "shop_change_request" },
  };
}

/** Whether charging `amountJpy` stays within what was approved (records without an approval predate it). */
export function withinApproval(approval: Approval | undefined, amountJpy: number): boolean {
  return !approval || amountJpy <= approval.price_jpy.max;
}
