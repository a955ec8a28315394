// What the console does with what inquiries teach (seed 003): a question and its answer become
// an FAQ entry (edited, Japanese and English) shown on /faq; requests are grouped into
// feature requests, planned then shipped, and everyone who asked is told once; a bug is linked
// to the incident it became. The forms sit on each inquiry's card; /admin/faq and
// /admin/features list what was made.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import type { InquiryRow } from "../../db/inquiries.ts";
import { FAQ_SECTIONS, FAQ_SECTION_LABELS } from "../../domain/inquiries.ts";
import {
  addFaqEntry,
  createFeatureRequest,
  deleteFaqEntry,
  linkToFeature,
  linkToIncident,
  listFaqEntries,
  listFeatureRequests,
  shipFeature,
  type FeatureRequestRow,
} from "../../db/knowledge.ts";
import { AdminPage, Csrf, jst, setFlash } from "./layout.tsx";

export const knowledgePages = new Hono<AdminEnv>();

const text = (what: string, max: number) => z.string().trim().min(1, `${what}を入力してください`).max(max, `${what}は${max}文字以内にしてください`);

const faqForm = z.object({
  section: z.enum(FAQ_SECTIONS, { message: "FAQの項目を選んでください" }),
  question_ja: text("質問（日本語）", 300),
  answer_ja: text("回答（日本語）", 2000),
  question_en: text("質問（英語）", 300),
  answer_en: text("回答（英語）", 2000),
});

const featureForm = z.object({ feature: z.string().default(""), title: z.string().trim().max(200, "機能名は200文字以内にしてください").default("") });
const shipForm = z.object({ note_ja: text("お知らせ（日本語）", 500), note_en: text("お知らせ（英語）", 500) });

export interface FollowUpData {
  features: FeatureRequestRow[];
  incidents: { id: string; title: string; level: string; detectedAt: number }[];
}

/** The follow-up on an inquiry's card: FAQ (question), feature request (request), incident (bug). */
export function InquiryFollowUp(props: { c: Context<AdminEnv>; q: InquiryRow; data: FollowUpData }) {
  const { c, q, data } = props;
  if (q.category === "question") {
    return (
      <details class="follow-up">
        <summary>FAQに追加する（質問と回答を編集して掲載）</summary>
        <form method="post" action={`/admin/inquiries/${q.id}/faq`}>
          <Csrf c={c} />
          <div class="field">
            <label>
              項目{" "}
              <select name="section">
                {FAQ_SECTIONS.map((s) => (
                  <option value={s}>{FAQ_SECTION_LABELS[s].ja}</option>
                ))}
              </select>
            </label>
          </div>
          <div class="field">
            <label for={`fq-ja-${q.id}`}>質問（日本語）</label>
            <textarea id={`fq-ja-${q.id}`} name="question_ja" maxlength={300} required>
              {q.language === "ja" ? q.message : ""}
            </textarea>
          </div>
          <div class="field">
            <label for={`fa-ja-${q.id}`}>回答（日本語）</label>
            <textarea id={`fa-ja-${q.id}`} name="answer_ja" maxlength={2000} required>
              {q.language === "ja" ? q.operatorNote : ""}
            </textarea>
          </div>
          <div class="field">
            <label for={`fq-en-${q.id}`}>Question (English)</label>
            <textarea id={`fq-en-${q.id}`} name="question_en" maxlength={300} required>
              {q.language === "en" ? q.message : ""}
            </textarea>
          </div>
          <div class="field">
            <label for={`fa-en-${q.id}`}>Answer (English)</label>
            <textarea id={`fa-en-${q.id}`} name="answer_en" maxlength={2000} required>
              {q.language === "en" ? q.operatorNote : ""}
            </textarea>
          </div>
          <button type="submit">FAQに掲載する</button>
        </form>
      </details>
    );
  }
  if (q.category === "request") {
    const linked = data.features.find((f) => f.id === q.featureRequestId);
    if (linked)
      return (
        <p class="follow-up">
          要望: <a href="/admin/features">{linked.title}</a> <span class={`tag ${linked.status === "shipped" ? "ok" : "warn"}`}>{linked.status === "shipped" ? "実現済み" : "予定"}</span>
          {q.shippedNotifiedAt ? <span class="muted">（{jst(q.shippedNotifiedAt)} にお知らせ済み）</span> : null}
        </p>
      );
    return (
      <form class="follow-up" method="post" action={`/admin/inquiries/${q.id}/feature`}>
        <Csrf c={c} />
        <label>
          予定の機能にまとめる{" "}
          <select name="feature">
            <option value="">新しい機能として登録 →</option>
            {data.features
              .filter((f) => f.status === "planned")
              .map((f) => (
                <option value={f.id}>{f.title}</option>
              ))}
          </select>
        </label>{" "}
        <input name="title" placeholder="新しい機能の名前" maxlength={200} /> <button type="submit">予定に入れる</button>
      </form>
    );
  }
  if (q.category === "bug") {
    const linked = data.incidents.find((i) => i.id === q.incidentId);
    return (
      <form class="follow-up" method="post" action={`/admin/inquiries/${q.id}/incident`}>
        <Csrf c={c} />
        {linked ? (
          <p>
            インシデント: <a href={`/admin/incidents/${linked.id}`}>{linked.title}</a>
          </p>
        ) : null}
        <label>
          インシデントに紐づける{" "}
          <select name="incident">
            <option value="">（なし）</option>
            {data.incidents.map((i) => (
              <option value={i.id} selected={i.id === q.incidentId}>
                {jst(i.detectedAt)} {i.level} {i.title}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">紐づけを保存</button> <a href="/admin/incidents/new">インシデントを記録する</a>
      </form>
    );
  }
  return null;
}

function errorsOf(err: z.ZodError): string {
  return err.issues.map((i) => i.message).join("・");
}

knowledgePages.post("/inquiries/:id/faq", async (c) => {
  const parsed = faqForm.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    setFlash(c, "error", errorsOf(parsed.error));
    return c.redirect("/admin/inquiries?status=all", 303);
  }
  const db = createDb(c.env.DB);
  const inquiry = await db.query.inquiries.findFirst({ where: (t, { eq }) => eq(t.id, c.req.param("id")) });
  if (!inquiry) {
    setFlash(c, "error", "そのお問い合わせは見つかりません。");
    return c.redirect("/admin/inquiries", 303);
  }
  const d = parsed.data;
  await addFaqEntry(db, { section: d.section, questionJa: d.question_ja, answerJa: d.answer_ja, questionEn: d.question_en, answerEn: d.answer_en }, c.get("operator"), inquiry.id);
  console.log(JSON.stringify({ msg: "faq entry added", inquiry: inquiry.id, operator: c.get("operator") }));
  setFlash(c, "ok", "FAQに掲載しました。");
  return c.redirect("/admin/faq", 303);
});

knowledgePages.post("/inquiries/:id/feature", async (c) => {
  const parsed = featureForm.safeParse(await c.req.parseBody());
  const db = createDb(c.env.DB);
  if (!parsed.success || (!parsed.data.feature && !parsed.data.title)) {
    setFlash(c, "error", parsed.success ? "機能を選ぶか、新しい機能の名前を入力してください" : errorsOf(parsed.error));
    return c.redirect("/admin/inquiries?status=all&category=request", 303);
  }
  const featureId = parsed.data.feature || (await createFeatureRequest(db, parsed.data.title, c.get("operator")));
  const ok = await linkToFeature(db, c.req.param("id"), featureId);
  setFlash(c, ok ? "ok" : "error", ok ? "要望を予定の機能にまとめました。実現したら「要望」画面で実現済みにすると、依頼者にお知らせします。" : "要望のお問い合わせか、予定の機能が見つかりません。");
  return c.redirect("/admin/inquiries?status=all&category=request", 303);
});

knowledgePages.post("/inquiries/:id/incident", async (c) => {
  const body = await c.req.parseBody();
  const incident = typeof body.incident === "string" && body.incident ? body.incident : null;
  const ok = await linkToIncident(createDb(c.env.DB), c.req.param("id"), incident);
  setFlash(c, ok ? "ok" : "error", ok ? (incident ? "インシデントに紐づけました。" : "インシデントとの紐づけを外しました。") : "不具合のお問い合わせか、インシデントが見つかりません。");
  return c.redirect("/admin/inquiries?status=all&category=bug", 303);
});

knowledgePages.get("/faq", async (c) => {
  const entries = await listFaqEntries(createDb(c.env.DB));
  return c.html(
    <AdminPage c={c} title="FAQ" section="inquiries">
      <h1>FAQ（お問い合わせから追加した項目）</h1>
      <p class="muted">
        <a href="/faq">/faq</a> には、最初からある項目のあとに、ここにある項目が各見出しの下に表示されます。お問い合わせ画面の質問から追加できます。
      </p>
      {entries.length ? null : (
        <div class="card">
          <p>まだありません。</p>
        </div>
      )}
      {entries.map((e) => (
        <div class="card" id={`faq-${e.id}`}>
          <h2>
            <span class="tag">{FAQ_SECTION_LABELS[e.section as keyof typeof FAQ_SECTION_LABELS]?.ja ?? e.section}</span> {e.questionJa}
          </h2>
          <p>{e.answerJa}</p>
          <p class="muted">
            {e.questionEn} — {e.answerEn}
          </p>
          <p class="muted">
            {e.createdBy}（{jst(e.createdAt)}）
          </p>
          <form method="post" action={`/admin/faq/${e.id}/delete`}>
            <Csrf c={c} />
            <button type="submit" class="secondary">
              FAQから外す
            </button>
          </form>
        </div>
      ))}
    </AdminPage>,
  );
});

knowledgePages.post("/faq/:id/delete", async (c) => {
  const ok = await deleteFaqEntry(createDb(c.env.DB), c.req.param("id"));
  setFlash(c, ok ? "ok" : "error", ok ? "FAQから外しました。" : "その項目は見つかりません。");
  return c.redirect("/admin/faq", 303);
});

knowledgePages.get("/features", async (c) => {
  const features = await listFeatureRequests(createDb(c.env.DB));
  return c.html(
    <AdminPage c={c} title="要望" section="inquiries">
      <h1>要望（予定と実現）</h1>
      <p class="muted">お問い合わせの「要望」を機能ごとにまとめます。実現済みにすると、その機能を要望した全員に SMS またはメールで1回だけお知らせします。</p>
      <form class="card" method="post" action="/admin/features">
        <Csrf c={c} />
        <label>
          新しい機能 <input name="title" maxlength={200} required />
        </label>{" "}
        <button type="submit">予定に登録</button>
      </form>
      {features.map((f) => (
        <div class="card" id={`feature-${f.id}`}>
          <h2>
            <span class={`tag ${f.status === "shipped" ? "ok" : "warn"}`}>{f.status === "shipped" ? "実現済み" : "予定"}</span> {f.title}
          </h2>
          <p class="muted">
            要望した人 {f.askers}人・お知らせ済み {f.told}人{f.shippedAt ? `・実現 ${jst(f.shippedAt)}（${f.updatedBy}）` : ""}
          </p>
          {f.status === "planned" ? (
            <form method="post" action={`/admin/features/${f.id}/ship`}>
              <Csrf c={c} />
              <div class="field">
                <label for={`nj-${f.id}`}>お知らせ（日本語）</label>
                <textarea id={`nj-${f.id}`} name="note_ja" maxlength={500} required></textarea>
              </div>
              <div class="field">
                <label for={`ne-${f.id}`}>Notice (English)</label>
                <textarea id={`ne-${f.id}`} name="note_en" maxlength={500} required></textarea>
              </div>
              <button type="submit">実現済みにして、要望した人に知らせる</button>
            </form>
          ) : null}
        </div>
      ))}
    </AdminPage>,
  );
});

knowledgePages.post("/features", async (c) => {
  const parsed = z.object({ title: text("機能名", 200) }).safeParse(await c.req.parseBody());
  if (!parsed.success) setFlash(c, "error", errorsOf(parsed.error));
  else await createFeatureRequest(createDb(c.env.DB), parsed.data.title, c.get("operator"));
  return c.redirect("/admin/features", 303);
});

knowledgePages.post("/features/:id/ship", async (c) => {
  const parsed = shipForm.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    setFlash(c, "error", errorsOf(parsed.error));
    return c.redirect("/admin/features", 303);
  }
  const result = await shipFeature(c.env, createDb(c.env.DB), c.req.param("id"), { ja: parsed.data.note_ja, en: parsed.data.note_en }, c.get("operator"));
  console.log(JSON.stringify({ msg: "feature shipped", feature: c.req.param("id"), shipped: result.shipped, told: result.told, operator: c.get("operator") }));
  setFlash(c, result.shipped ? "ok" : "error", result.shipped ? `実現済みにしました。${result.told}人にお知らせします。` : "この機能はすでに実現済みか、見つかりません（お知らせは二重には送りません）。");
  return c.redirect("/admin/features", 303);
});

