// API keys for server-to-server integrators: made and revoked here (or with npm run
// apikey:create / apikey:revoke). A new key is shown once, on the page that made it; only its
// SHA-256 is kept. Who made or revoked each key is recorded.
import { Hono } from "hono";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { apiKeys } from "../../db/schema.ts";
import { newApiKey } from "../../domain/api-key.ts";
import { AdminPage, Csrf, FormErrors, jst, setFlash } from "./layout.tsx";

export const apiKeyPages = new Hono<AdminEnv>();

const CONTROL = /[\u0000-\u001f\u007f]/;

async function KeysPage(props: { c: Parameters<typeof AdminPage>[0]["c"]; created?: { key: string; name: string }; errors?: string[] }) {
  const rows = await createDb(props.c.env.DB).select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  return (
    <AdminPage c={props.c} title="APIキー" section="api-keys">
      <h1>APIキー（連携先）</h1>
      <p class="muted">サーバー間で /mcp を使う連携先のキーです。個人の利用者は電話番号でサインインします（キーは不要）。</p>
      {props.created ? (
        <div class="card" id="new-key">
          <h2>「{props.created.name}」のキーを作成しました</h2>
          <p>このキーは今だけ表示されます。連携先に安全な方法で渡してください（Authorization: Bearer キー）。</p>
          <pre>{props.created.key}</pre>
        </div>
      ) : null}
      <FormErrors errors={props.errors} />
      <form method="post" action="/admin/api-keys" class="card">
        <Csrf c={props.c} />
        <div class="field">
          <label for="key-name">連携先の名前</label>
          <input id="key-name" name="name" required maxlength={100} placeholder="例: 予約アシスタント株式会社" />
        </div>
        <button type="submit">キーを作成</button>
      </form>
      <div class="card">
        <table>
          <thead>
            <tr>
              <th>名前</th>
              <th>キー</th>
              <th>作成</th>
              <th>最終利用</th>
              <th>状態</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr>
                <td>{k.name}</td>
                <td>
                  <code>{k.keyPrefix}…</code>
                </td>
                <td>
                  {jst(k.createdAt)}
                  <div class="muted">{k.createdBy}</div>
                </td>
                <td>{k.lastUsedAt ? jst(k.lastUsedAt) : "—"}</td>
                <td>
                  {k.revokedAt ? (
                    <span class="tag bad">
                      無効（{jst(k.revokedAt)}・{k.revokedBy ?? "script"}）
                    </span>
                  ) : (
                    <form method="post" action={`/admin/api-keys/${k.id}/revoke`}>
                      <Csrf c={props.c} />
                      <button type="submit" class="danger">
                        無効にする
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length ? null : <p class="muted">まだキーはありません。</p>}
      </div>
    </AdminPage>
  );
}

apiKeyPages.get("/api-keys", async (c) => c.html(await KeysPage({ c })));

apiKeyPages.post("/api-keys", async (c) => {
  const body = await c.req.parseBody();
  const name = typeof body.name === "string" ? body.name.normalize("NFKC").trim() : "";
  if (!name || name.length > 100 || CONTROL.test(name)) return c.html(await KeysPage({ c, errors: ["連携先の名前を100文字以内で入力してください"] }), 400);
  const operator = c.get("operator");
  const { key, row } = await newApiKey(name);
  await createDb(c.env.DB).insert(apiKeys).values({ ...row, createdBy: operator });
  console.log(JSON.stringify({ msg: "api key created", key: row.id, operator }));
  // Shown on this answer only: a redirect would have to carry the key somewhere.
  return c.html(await KeysPage({ c, created: { key, name } }), 201);
});

apiKeyPages.post("/api-keys/:id/revoke", async (c) => {
  const operator = c.get("operator");
  const revoked = await createDb(c.env.DB)
    .update(apiKeys)
    .set({ revokedAt: Date.now(), revokedBy: operator })
    .where(and(eq(apiKeys.id, c.req.param("id")), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name });
  if (revoked[0]) {
    console.log(JSON.stringify({ msg: "api key revoked", key: revoked[0].id, operator }));
    setFlash(c, "ok", `「${revoked[0].name}」のキーを無効にしました。このキーでの接続はすぐに拒否されます。`);
  } else {
    setFlash(c, "error", "そのキーは見つからないか、すでに無効です。");
  }
  return c.redirect("/admin/api-keys", 303);
});
