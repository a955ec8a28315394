// The coach's message templates in the console (seed 001 Build: テンプレ承認). Operators see
// each template's version in use and propose a change (Japanese and English, the template's
// own variables only); the coach approves it on the coach portal, and only then does it send.
//   GET  /admin/coaches/:id/templates          the catalogue: in use, waiting, history
//   POST /admin/coaches/:id/templates/:key     propose a new version
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { proposeTemplate, templateCatalogue } from "../../db/session-templates.ts";
import { getCoach } from "../../db/sessions.ts";
import { COMMON_VARIABLES, isTemplateKey, TEMPLATES } from "../../domain/sessions/templates.ts";
import { AdminPage, Csrf, jst, setFlash } from "./layout.tsx";

export const sessionTemplatePages = new Hono<AdminEnv>();

const STATUS: Record<string, string> = { proposed: "コーチの承認待ち", approved: "承認済み", rejected: "却下" };

sessionTemplatePages.get("/coaches/:id/templates", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  if (!coach) return c.notFound();
  const catalogue = await templateCatalogue(db, coach.id);
  return c.html(
    <AdminPage c={c} title={`テンプレート · ${coach.name}`} section="sessions">
      <h1>{coach.name} のメッセージテンプレート</h1>
      <p class="muted">
        受講者へのメッセージはすべて、コーチが承認した版から送られます（v1 は Build で合意した標準文）。変更は新しい版として提案し、コーチがコーチポータルで承認するまで送られません。{" "}
        <a href={`/admin/coaches/${coach.id}`}>コーチ設定へ</a>
      </p>
      {catalogue.map((e) => {
        const def = TEMPLATES[e.key];
        const vars = [...COMMON_VARIABLES, ...def.variables].map((v) => `{{${v}}}`).join(" ");
        return (
          <div class="card" id={`template-${e.key}`}>
            <h2>
              {def.label.ja} <span class="muted">{e.key}</span> <span class="tag ok">使用中 v{e.inUse.version}</span>
              {e.proposed.length ? <span class="tag warn"> v{e.proposed[0]!.version} 承認待ち</span> : null}
            </h2>
            <p class="muted">{def.timing === "scheduled" ? "QRVから送る文面: コーチの送信しない時間帯は終わるまで待ちます" : "受講者の操作への返信: すぐに送ります"}</p>
            <pre class="wrap">{e.inUse.text.ja}</pre>
            <pre class="wrap">{e.inUse.text.en}</pre>
            {e.history.length ? (
              <details>
                <summary>版の履歴</summary>
                <ul>
                  {e.history.map((h) => (
                    <li>
                      v{h.version} {STATUS[h.status] ?? h.status}・提案 {h.proposedBy}（{jst(h.proposedAt)}）{h.decidedBy ? `・判断 ${h.decidedBy}（${jst(h.decidedAt!)}）${h.decisionNote ?? ""}` : ""}
                      {h.reason ? `・理由: ${h.reason}` : ""}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
            {e.proposed.length ? null : (
              <details>
                <summary>変更を提案する</summary>
                <form method="post" action={`/admin/coaches/${coach.id}/templates/${e.key}`} class="stack">
                  <Csrf c={c} />
                  <label>日本語</label>
                  <textarea name="text_ja" required maxlength={1000} rows={5}>
                    {e.inUse.text.ja}
                  </textarea>
                  <label>English</label>
                  <textarea name="text_en" required maxlength={1000} rows={5}>
                    {e.inUse.text.en}
                  </textarea>
                  <p class="muted">使える変数: {vars}</p>
                  <label>提案の理由（コーチに表示）</label>
                  <input name="reason" maxlength={500} />
                  <button type="submit">コーチに承認を依頼</button>
                </form>
              </details>
            )}
          </div>
        );
      })}
    </AdminPage>,
  );
});

sessionTemplatePages.post("/coaches/:id/templates/:key", async (c) => {
  const db = createDb(c.env.DB);
  const coach = await getCoach(db, c.req.param("id"));
  const key = c.req.param("key");
  if (!coach || !isTemplateKey(key)) return c.notFound();
  const f = await c.req.parseBody();
  const str = (k: string) => (typeof f[k] === "string" ? (f[k] as string).replace(/\r\n/g, "\n") : "");
  const result = await proposeTemplate(db, { coachId: coach.id, key, text: { ja: str("text_ja"), en: str("text_en") }, reason: str("reason"), by: c.get("operator") });
  setFlash(c, result.ok ? "ok" : "error", result.ok ? `v${result.version} をコーチに提案しました。承認されるまで現在の版で送ります` : `提案できません: ${result.errors.join(" / ")}`);
  return c.redirect(`/admin/coaches/${coach.id}/templates#template-${key}`, 303);
});
