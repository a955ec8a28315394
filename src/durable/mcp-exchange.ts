// The MCP exchange object: where a question QRV asks a 2025-era client in the middle of a tool
// call (elicitation/create, sampling/createMessage) meets the client's answer. /mcp is served
// statelessly, so the answer comes back on another HTTP request, perhaps to another isolate;
// both sides reach the same object, named by the question's server-issued id (src/mcp/exchange.ts).
//
// One object per question. `open` records whose question it is (the caller: an API key, or a
// person and their OAuth client), `wait` is the tool call waiting for the answer, `deliver` is the
// answer arriving: from the same caller only, before or after the waiter (an early answer is
// kept in storage and picked up). Once answered, timed out or cancelled the question is closed:
// a late or repeated answer is told so. The alarm deletes everything a while after expiry.
//
// The answer crosses RPC and storage as JSON text. Refusals and failures come back as values,
// never as thrown errors.
import { DurableObject } from "cloudflare:workers";

/** The client's JSON-RPC answer without its envelope (`{"result": ...}` or `{"error": ...}`), as JSON text. */
export type ExchangeAnswer = string;

export type OpenResult = { ok: true } | { ok: false; error: string };
export type WaitResult = { ok: true; answer: ExchangeAnswer } | { ok: false; reason: "timeout" | "closed" | "unknown" | "failed"; error?: string };
export type DeliverResult = { ok: true } | { ok: false; reason: "unknown" | "closed" | "forbidden" | "failed"; error?: string };

interface Entry {
  owner: string;
  state: "pending" | "answered" | "closed";
  expiresAt: number;
  answer?: ExchangeAnswer;
}

const KEY = "exchange";
/** The largest answer kept (a value in a Durable Object's storage may be 2 MB). */
const MAX_ANSWER_CHARS = 1_000_000;
/** How long a closed question is remembered after its expiry, so a late answer hears "closed" rather than "unknown". */
export const EXCHANGE_TOMBSTONE_MS = 10 * 60_000;

export class McpExchangeObject extends DurableObject<Env> {
  /** The tool call waiting in this instance, if any. */
  private waiter: ((result: WaitResult) => void) | undefined;

  /** Records a new question of `owner`'s, answerable until `expiresAt`. */
  async open(owner: string, expiresAt: number): Promise<OpenResult> {
    try {
      if (typeof owner !== "string" || owner.length === 0 || owner.length > 300 || !Number.isFinite(expiresAt)) return { ok: false, error: "an owner and an expiry are needed" };
      if (await this.ctx.storage.get<Entry>(KEY)) return { ok: false, error: "this question id is already in use" };
      await this.ctx.storage.put<Entry>(KEY, { owner, state: "pending", expiresAt });
      await this.ctx.storage.setAlarm(expiresAt + EXCHANGE_TOMBSTONE_MS);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: String(err) };
    }
  }

  /** Waits up to `timeoutMs` (and never past the expiry) for the answer; the question is closed after. */
  async wait(timeoutMs: number): Promise<WaitResult> {
    try {
      const entry = await this.ctx.storage.get<Entry>(KEY);
      if (!entry) return { ok: false, reason: "unknown" };
      if (entry.state === "answered" && entry.answer) {
        await this.close(entry);
        return { ok: true, answer: entry.answer };
      }
      if (entry.state === "closed" || this.waiter) return { ok: false, reason: "closed" };
      const remaining = Math.max(0, Math.min(timeoutMs, entry.expiresAt - Date.now()));
      return await new Promise<WaitResult>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          this.close(entry).then(
            () => resolve({ ok: false, reason: "timeout" }),
            (err: unknown) => resolve({ ok: false, reason: "timeout", error: String(err) }),
          );
        }, remaining);
        this.waiter = (result) => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve(result);
        };
      });
    } catch (err) {
      return { ok: false, reason: "failed", error: String(err) };
    }
  }

  /** The answer arriving from `owner`: handed to the waiter, or kept until it comes. */
  async deliver(owner: string, answer: ExchangeAnswer): Promise<DeliverResult> {
    try {
      if (typeof answer !== "string" || answer.length > MAX_ANSWER_CHARS) return { ok: false, reason: "failed", error: `an answer is JSON text of at most ${MAX_ANSWER_CHARS} characters` };
      const entry = await this.ctx.storage.get<Entry>(KEY);
      if (!entry) return { ok: false, reason: "unknown" };
      if (entry.owner !== owner) return { ok: false, reason: "forbidden" };
      if (entry.state !== "pending" || entry.expiresAt <= Date.now()) return { ok: false, reason: "closed" };
      if (this.waiter) {
        await this.close(entry);
        this.waiter({ ok: true, answer });
      } else {
        await this.ctx.storage.put<Entry>(KEY, { ...entry, state: "answered", answer });
      }
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: "failed", error: String(err) };
    }
  }

  /** The tool call gave up (its own timeout, or the client went away): later answers hear "closed". */
  async cancel(): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      const entry = await this.ctx.storage.get<Entry>(KEY);
      if (entry && entry.state !== "closed") await this.close(entry);
      this.waiter?.({ ok: false, reason: "closed" });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: String(err) };
    }
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  private async close(entry: Entry): Promise<void> {
    await this.ctx.storage.put<Entry>(KEY, { owner: entry.owner, state: "closed", expiresAt: entry.expiresAt });
  }
}
