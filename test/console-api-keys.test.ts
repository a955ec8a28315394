// Integrators' API keys in the console: made (shown once), used at /mcp, revoked at once, and
// who did each is recorded.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../src/db/schema.ts";
import { flashOf, signIn } from "./console-client.ts";
import { db, mcpClient } from "./helpers.ts";

describe("API keys in the console", () => {
  it("a key made by an operator works at /mcp until an operator revokes it", async () => {
    const op = await signIn("鍵の担当");
    const made = await op.post("/admin/api-keys", { name: "予約アシスタント社" });
    expect(made.status).toBe(201);
    const html = await made.text();
    const key = html.match(/<pre>(qrv_[A-Za-z0-9_-]{43})<\/pre>/)?.[1];
    expect(key).toBeDefined();
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.name, "予約アシスタント社"));
    expect(row).toMatchObject({ createdBy: "鍵の担当", keyPrefix: key!.slice(0, 10), revokedAt: null });
    expect(row!.keyHash).not.toContain(key!.slice(4));
    // Listed afterwards by its first characters only.
    const list = await op.html("/admin/api-keys");
    expect(list).toContain(`${key!.slice(0, 10)}…`);
    expect(list).not.toContain(key!);

    const client = await mcpClient(key!);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    expect((await db.query.apiKeys.findFirst({ where: eq(apiKeys.id, row!.id) }))!.lastUsedAt).toEqual(expect.any(Number));

    const revoked = await op.post(`/admin/api-keys/${row!.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(flashOf(revoked)?.text).toContain("無効にしました");
    expect(await db.query.apiKeys.findFirst({ where: eq(apiKeys.id, row!.id) })).toMatchObject({ revokedBy: "鍵の担当", revokedAt: expect.any(Number) });
    await expect(mcpClient(key!)).rejects.toThrow();
    expect(flashOf(await op.post(`/admin/api-keys/${row!.id}/revoke`, {}))?.kind).toBe("error");
  });

  it("refuses an empty name and forms without the CSRF token", async () => {
    const op = await signIn();
    expect((await op.post("/admin/api-keys", { name: "  " })).status).toBe(400);
    const forged = await op.post("/admin/api-keys", { name: "偽物" }, { csrf: null });
    expect(forged.status).toBe(403);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.name, "偽物"))).toHaveLength(0);
  });
});
