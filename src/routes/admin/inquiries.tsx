// Inquiries from the support form (seed 003): listed newest first by status and category, with
// the person's own words unedited, their contact, the reservation (marked when the guest link
// proved it is theirs) and the browser they wrote from. An operator moves each one along
// (new → in_progress → closed) and notes what was done; who did it is recorded.
import { Hono } from "hono";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { config } from "../../config.ts";
import { createDb, type Db } from "../../db/client.ts";
import { kpiInquiries, saveInquiryWork } from "../../db/inquiries.ts";
import { jstDate, jstWeekStart } from "../../domain/metrics.ts";
import { kpiTable, supportKpis } from "../../domain/support-kpis.ts";
import { DocBody } from "../document-view.tsx";
import { listFeatureRequests, recentIncidents } from "../../db/knowledge.ts";
import { InquiryFollowUp } from "./knowledge.tsx";
import { inquiries } from "../../db/schema.ts";
import { INQUIRY_CATEGORIES, INQUIRY_STATUSES, categoryLabel, type InquiryCategory, type InquiryStatus } from "../../domain/inquiries.ts";
import { AdminPage, Csrf, jst, setFlash } from "./layout.tsx";
import { visibleText } from "../../domain/text.ts";

export const inquiryPages = new Hono<AdminEnv>();

const STATUS_LABEL: Record<InquiryStatus, string> = { new: "未対応", in_progress: "対応中", closed: "完了" };
const STATUS_TAG: Record<InquiryStatus, string> = { new: "bad", in_progress: "warn", closed: "ok" };
/** What each kind asks of the operator (seed 003). */
const CATEGORY_HINT: Record<InquiryCategory, string> = {
  question: "回答したら、FAQで解決できる内容か見直す",
  bug: "端末・OS・再現手順を確認し、開発に原文のまま共有する",
  request: "誰から何の要望かを残し、実現したら個別に連絡する",
};
const PAGE_SIZE = 100;

const filters = z.object({
  status: z.enum([...INQUIRY_STATUSES, "all"]).catch("new"),
  category: z.enum([...INQUIRY_CATEGORIES, "all"]).catch("all"),
});

const update = z.object({
  status: z.enum(INQUIRY_STATUSES, { message: "状態を選んでください" }),
  note: z.string().trim().max(4000, "メモは4000文字以内にしてください").default(""),
  back: z.string().default(""),
});

/** Open inquiries (new and in progress) per status, for the queue page and the list's tabs. */
export async function inquiryCounts(db: Db): Promise<Record<InquiryStatus, number>> {
  const rows = await db.select({ status: inquiries.status, n: sql<number>`count(*)` }).from(inquiries).groupBy(inquiries.status);
  const counts: Record<InquiryStatus, number> = { new: 0, in_progress: 0, closed: 0 };
  for (const r of rows) if ((INQUIRY_STATUSES as readonly string[]).includes(r.status)) counts[r.status as InquiryStatus] = Number(r.n);
  return counts;
}

function contactHref(contact: string): string {
  return contact.includes("@") ? `mailto:${contact}` : `tel:${contact}`;
}

function listHref(status: string, category: string): string {
  return `/admin/inquiries?status=${status}&category=${category}`;
}

inquiryPages.get("/inquiries", async (c) => {
  const { status, category } = filters.parse({ status: c.req.query("status"), category: c.req.query("category") });
  const db = createDb(c.env.DB);
  const where: SQL[] = [];
  if (status !== "all") where.push(eq(inquiries.status, status));
  if (category !== "all") where.push(eq(inquiries.category, category));
  const rows = await db
    .select()
    .from(inquiries)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(inquiries.createdAt))
    .limit(PAGE_SIZE);
  const counts = await inquiryCounts(db);
  const back = listHref(status, category);
  const now = Date.now();
  const weekStart = jstWeekStart(now);
  const kpis = supportKpis(await kpiInquiries(db, weekStart, now + 1), now);
  const followUp = { features: await listFeatureRequests(db), incidents: await recentIncidents(db) };
  return c.html(
    <AdminPage c={c} title="お問い合わせ" section="inquiries">
      <h1>
        お問い合わせ <span class="muted">未対応 {counts.new}件・対応中 {counts.in_progress}件</span>
      </h1>
      <p class="muted">サポートフォームから届いたものです。本文は利用者の原文のままです（開発への共有も原文で）。</p>
      <p>
        <a href="/admin/faq">FAQ（お問い合わせから追加した項目）</a> · <a href="/admin/features">要望（予定と実現）</a>
      </p>
      <div class="card" id="support-kpis">
        <h2>今週のサポートKPI（{jstDate(weekStart)} 〜）</h2>
        <p class="muted">時間は営業時間（平日 9:00〜18:00、祝日を除く）で数えます。初回応答 = 最初の対応メモまたは状態の変更、解決 = 完了にした時刻。満足度は完了のお知らせにあるアンケート（1〜5）です。</p>
        <DocBody doc={{ title: "", lang: "ja", blocks: [{ table: kpiTable(kpis) }] }} />
      </div>
      <form method="get" action="/admin/inquiries" class="card filters">
        <label>
          状態{" "}
          <select name="status">
            {[...INQUIRY_STATUSES, "all" as const].map((s) => (
              <option value={s} selected={s === status}>
                {s === "all" ? "すべて" : `${STATUS_LABEL[s]}（${counts[s]}）`}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          分類{" "}
          <select name="category">
            {[...INQUIRY_CATEGORIES, "all" as const].map((k) => (
              <option value={k} selected={k === category}>
                {k === "all" ? "すべて" : categoryLabel(k, "ja")}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">表示</button>
      </form>
      {rows.length ? null : (
        <div class="card">
          <p>該当するお問い合わせはありません。</p>
        </div>
      )}
      {rows.map((q) => {
        const st = q.status as InquiryStatus;
        const cat = q.category as InquiryCategory;
        return (
          <div class="card" id={`inquiry-${q.id}`}>
            <h2>
              <span class={`tag ${STATUS_TAG[st] ?? ""}`}>{STATUS_LABEL[st] ?? q.status}</span>
              <span class="tag">{categoryLabel(cat, "ja")}</span> {visibleText(q.name)} <span class="muted">{jst(q.createdAt)}</span>
            </h2>
            <p class="muted">{CATEGORY_HINT[cat]}</p>
            <dl>
              <dt>連絡先</dt>
              <dd>
                <a href={contactHref(q.contact)}>{q.contact}</a>
              </dd>
              {q.reservationId ? (
                <>
                  <dt>予約</dt>
                  <dd>
                    <a href={`/admin/reservations/${q.reservationId}`}>{q.reservationId}</a>{" "}
                    {q.reservationVerified ? <span class="tag ok">予約ページから（本人確認済み）</span> : <span class="tag warn">本人の入力（未確認）</span>}
                  </dd>
                </>
              ) : null}
              <dt>言語・経路</dt>
              <dd>
                {q.language === "en" ? "English" : "日本語"} · {q.source === "guest_page" ? "予約ページ" : "サポートページ"}
              </dd>
              {q.userAgent ? (
                <>
                  <dt>端末</dt>
                  <dd class="muted">{q.userAgent}</dd>
                </>
              ) : null}
            </dl>
            <pre class="message">{q.message}</pre>
            {q.handledBy ? (
              <p class="muted">
                最終更新: {q.handledBy}（{jst(q.updatedAt)}）
              </p>
            ) : null}
            <InquiryFollowUp c={c} q={q} data={followUp} />
            <form method="post" action={`/admin/inquiries/${q.id}`}>
              <Csrf c={c} />
              <input type="hidden" name="back" value={back} />
              <div class="field">
                <label for={`note-${q.id}`}>対応メモ（回答した内容、FAQの更新、開発への共有など）</label>
                <textarea id={`note-${q.id}`} name="note" maxlength={4000}>
                  {q.operatorNote}
                </textarea>
              </div>
              <label>
                状態{" "}
                <select name="status">
                  {INQUIRY_STATUSES.map((s) => (
                    <option value={s} selected={s === st}>
                      {STATUS_LABEL[s]}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <button type="submit">保存</button>
            </form>
          </div>
        );
      })}
      {rows.length === PAGE_SIZE ? <p class="muted">新しい順に{PAGE_SIZE}件まで表示しています。</p> : null}
    </AdminPage>,
  );
});

inquiryPages.post("/inquiries/:id", async (c) => {
  const parsed = update.safeParse(await c.req.parseBody());
  const back = parsed.success && /^\/admin\/inquiries(\?[\w=&-]*)?$/.test(parsed.data.back) ? parsed.data.back : "/admin/inquiries";
  if (!parsed.success) {
    setFlash(c, "error", parsed.error.issues.map((i) => i.message).join("・"));
    return c.redirect(back, 303);
  }
  const operator = c.get("operator");
  const db = createDb(c.env.DB);
  const saved = await saveInquiryWork(c.env, db, c.req.param("id"), { status: parsed.data.status, note: parsed.data.note, operator, publicUrl: config(c.env).publicUrl });
  const changed = saved ? [saved] : [];
  if (!changed[0]) {
    setFlash(c, "error", "そのお問い合わせは見つかりません。");
    return c.redirect(back, 303);
  }
  console.log(JSON.stringify({ msg: "inquiry updated", inquiry: changed[0].id, status: parsed.data.status, operator }));
  setFlash(c, "ok", `${changed[0].name} さんのお問い合わせを「${STATUS_LABEL[parsed.data.status]}」にしました。`);
  return c.redirect(back, 303);
});
