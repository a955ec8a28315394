// Shared test helpers. Every test makes its own shops in its own area (and its own API key),
// so tests never see each other's data even though they share one database.
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport, type ClientOptions } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { vi } from "vitest";
import { createDb } from "../src/db/client.ts";
import { loadRecord } from "../src/db/reservations.ts";
import { callList, forgetCatalog } from "../src/db/shops.ts";
import { shopUpsertStatements } from "../src/db/shop-statements.ts";
import { apiKeys, outbox, reservationEvents, sandboxCalls, sandboxRecords } from "../src/db/schema.ts";
import { newApiKey } from "../src/domain/api-key.ts";
import { newId, newReservationId } from "../src/domain/ids.ts";
import type { ReservationRecord, ShopRequest, Status } from "../src/domain/reservation/types.ts";
import type { SandboxAnswerValue } from "../src/domain/shops-csv.ts";
import { reservationStub } from "../src/durable/client.ts";
import { randomMobile } from "./mobile.ts";

export const db = createDb(env.DB);

let seq = 0;
function unique(): string {
  seq += 1;
  return `${Date.now().toString(36)}${seq}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A Tokyo landline no other test uses. */
export function uniquePhone(): string {
  const n = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  return `+813${n}`;
}

/** A mobile number (E.164) no other test texts, so each test reads only its own SMS. */
export function uniqueMobile(): string {
  // 090-1xxx to 090-9xxx: 090-0xxx is not a mobile range, and booking refuses it.
  return randomMobile("+8190");
}

/** A client address (IPv6 documentation range) of its own, so per-address limits never see another test. */
export function uniqueAddress(): string {
  return `2001:db8:${[...crypto.getRandomValues(new Uint16Array(4))].map((n) => n.toString(16)).join(":")}::1`;
}

export interface SeedShop {
  answer: SandboxAnswerValue;
  name?: string;
  priceJpy?: number;
  email?: string | null;
  /** Weekly opening hours, e.g. "月-金 10:00-20:00". */
  hours?: string;
}

/** Shops for one service in a fresh area, called in the order given. */
export async function seedShops(shops: SeedShop[], service = "カット"): Promise<{ service: string; area: string }> {
  const area = `テスト${unique()}`;
  const rows = shops.map((s, i) => ({
    line: i + 2,
    name: s.name ?? `店${i + 1}`,
    phone: uniquePhone(),
    email: s.email === undefined ? `shop${i + 1}-${unique()}@shops.test` : s.email,
    services: [service],
    area,
    priority: i + 1,
    priceJpy: s.priceJpy ?? 5000,
    sandboxAnswer: s.answer,
    address: `東京都テスト区${i + 1}-1`,
    hours: s.hours ?? null,
  }));
  const now = Date.now();
  const statements = shopUpsertStatements(rows, now, () => newId("shp", now));
  await env.DB.batch(statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
  // Bookable at once, as after an operator's import (the catalogue is cached per isolate).
  forgetCatalog();
  return { service, area };
}

export async function createApiKey(name = "test"): Promise<{ id: string; key: string }> {
  const { id, key, row } = await newApiKey(name);
  await db.insert(apiKeys).values(row);
  return { id, key };
}

export const HOUR = 3_600_000;

/** Creates a reservation straight through its Durable Object (as request_reservation does). */
export async function createReservation(
  where: { service: string; area: string },
  overrides: Partial<Omit<ShopRequest, "id" | "service" | "area">> = {},
): Promise<{ id: string; guestUrl: string }> {
  const id = newReservationId();
  const shops = await callList(db, where.service, where.area);
  const created = await reservationStub(env, id).create({
    id,
    service: where.service,
    area: where.area,
    startAt: Date.now() + 72 * HOUR,
    partySize: 2,
    requester: { name: "山田 太郎", phone: "+819012345678", email: "taro@example.com", language: "ja" },
    shops,
    ...overrides,
  });
  return { id: created.id, guestUrl: created.guestUrl };
}

export async function record(id: string): Promise<ReservationRecord> {
  const r = await loadRecord(db, id);
  if (!r) throw new Error(`no reservation ${id}`);
  return r;
}

/** Waits (through the real queue and alarms) until the reservation reaches `status`. */
export async function waitForStatus(id: string, status: Status, timeout = 10_000): Promise<ReservationRecord> {
  return vi.waitFor(
    async () => {
      const r = await record(id);
      if (r.status !== status) throw new Error(`${id} is ${r.status}, waiting for ${status}`);
      return r;
    },
    { timeout, interval: 25 },
  );
}

/** Waits until every job of the reservation has been handled (done, failed or dead). */
export async function waitForJobs(id: string, timeout = 10_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const rows = await jobsOf(id);
      const open = rows.filter((r) => r.status === "pending" || r.status === "sending");
      if (open.length) throw new Error(`${open.length} job(s) still open: ${open.map((r) => r.kind).join(", ")}`);
    },
    { timeout, interval: 25 },
  );
}

/** Waits until the reservation's sandbox call is queued (a `manual` shop waiting for an answer on /sandbox); its id. */
export async function waitForQueuedCall(reservationId: string, timeout = 10_000): Promise<string> {
  return vi.waitFor(
    async () => {
      const row = await db.query.sandboxCalls.findFirst({ where: eq(sandboxCalls.reservationId, reservationId) });
      if (row?.status !== "queued") throw new Error(`no queued call for ${reservationId} yet`);
      return row.id;
    },
    { timeout, interval: 25 },
  );
}

/** Answers a queued sandbox call as the person on /sandbox would. */
export function answerSandboxCall(callId: string, answer: string, extra: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(`https://qrv.test/sandbox/calls/${callId}/answer`, { method: "POST", body: new URLSearchParams({ answer, ...extra }), redirect: "manual" }));
}

export async function fireAlarm(id: string): Promise<boolean> {
  return runDurableObjectAlarm(reservationStub(env, id));
}

export async function jobsOf(id: string) {
  return db.select().from(outbox).where(eq(outbox.reservationId, id)).orderBy(asc(outbox.id));
}

export async function eventsOf(id: string) {
  return db.select().from(reservationEvents).where(eq(reservationEvents.reservationId, id)).orderBy(asc(reservationEvents.id));
}

export async function sentOf(id: string) {
  return db.select().from(sandboxRecords).where(eq(sandboxRecords.reservationId, id)).orderBy(asc(sandboxRecords.id));
}

/** A 2025-era MCP client (the official SDK v1, protocol 2025-06-18) talking to the Worker over Streamable HTTP. */
export async function mcpClient(key: string): Promise<Client> {
  const client = new Client({ name: "qrv-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL("https://qrv.test/mcp"), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  });
  await client.connect(transport);
  return client;
}

/** An MCP client on protocol revision 2026-07-28 (the official SDK v2), with optional capabilities. */
export async function modernClient(key: string, options: Omit<ClientOptions, "versionNegotiation"> = {}): Promise<ModernClient> {
  const client = new ModernClient({ name: "qrv-test-2026", version: "1.0.0" }, { ...options, versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new ModernTransport(new URL("https://qrv.test/mcp"), { requestInit: { headers: { Authorization: `Bearer ${key}` } }, fetch: (url, init) => exports.default.fetch(new Request(url, init)) }));
  return client;
}

/** ISO start time `hours` from now, in Japan time, on a whole minute. */
export function startIn(hours: number): string {
  const ms = Math.ceil((Date.now() + hours * HOUR) / 60_000) * 60_000;
  return `${new Date(ms + 9 * HOUR).toISOString().slice(0, 19)}+09:00`;
}

/** Pays a sandbox Checkout Session as the requester would on the checkout page. */
export async function paySandbox(sessionId: string): Promise<Response> {
  return exports.default.fetch(new Request(`https://qrv.test/sandbox/checkout/${sessionId}/pay`, { method: "POST", body: new URLSearchParams({ card: "4242424242424242" }), redirect: "manual" }));
}

/** A paid, confirmed booking starting at `startAt` (one shop that accepts). */
export async function confirmedReservation(startAt: number, overrides: Partial<Omit<ShopRequest, "id" | "service" | "area" | "startAt">> = {}, priceJpy = 6600): Promise<{ id: string; guestUrl: string }> {
  const where = await seedShops([{ answer: "accepted", name: "確定する店", priceJpy }]);
  const created = await createReservation(where, { startAt, ...overrides });
  const pending = await waitForStatus(created.id, "payment_pending");
  await paySandbox(pending.data.payment!.sessionId!);
  await waitForStatus(created.id, "confirmed");
  return created;
}
