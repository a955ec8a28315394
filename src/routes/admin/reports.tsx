// /admin/reports: the operating documents and routines of seed 000 §6 and seed 002 in one
// place: the scheduled reports with their history (each a page and a PDF), a button to make
// one now, the monthly maintenance checklist (who did each check and when, with the npm audit
// output attached), the service catalogue and the operators' guides.
import { Hono } from "hono";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { maintenanceChecks, reports } from "../../db/schema.ts";
import type { Doc } from "../../documents/model.ts";
import { renderPdf } from "../../documents/pdf.ts";
import { jstMonth } from "../../domain/metrics.ts";
import { GUIDES } from "../../guides/index.ts";
import { REPORT_TITLES, listReports, makeReport, reportFilename, reportRecipients } from "../../reports/reports.ts";
import { DocBody, pdfResponse } from "../document-view.tsx";
import { AdminPage, Csrf, jst, setFlash } from "./layout.tsx";

export const reportPages = new Hono<AdminEnv>();

/** The monthly checks of seed 000 §6.3 that leave a record. */
export const MAINTENANCE_ITEMS = {
  backup: {
    title: "データベースバックアップ確認（D1 Time Travel）",
    how: "D1 は Time Travel で過去30日の任意の時点に戻せます。直近の時点を指定して、戻せる状態（ブックマーク）があることを確認してください。",
    commands: (iso: string) => [`npx wrangler d1 time-travel info qrv --timestamp=${iso}`, `npx wrangler d1 time-travel restore qrv --timestamp=${iso}`],
    note: "restore は本番のデータベースをその時点に戻します（実行前のブックマークが表示され、それで元に戻せます）。確認だけなら info まで。",
    needsAttachment: false,
  },
  audit: {
    title: "脆弱性スキャン（npm audit）",
    how: "リポジトリで依存パッケージの既知の脆弱性を確認し、出力をそのまま貼り付けてください。High 以上があれば対応を記録します。",
    commands: () => ["npm audit --omit=dev", "npm audit"],
    note: "本番に入るのは dependencies だけです（--omit=dev）。devDependencies の結果も参考に残してください。",
    needsAttachment: true,
  },
} as const;
export type MaintenanceItem = keyof typeof MAINTENANCE_ITEMS;

const checkForm = z.object({
  note: z.string().trim().max(2000, "メモは2000文字以内にしてください").default(""),
  attachment: z.string().max(200_000, "貼り付けは200,000文字以内にしてください").default(""),
});

function isoJst(ms: number): string {
  return `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

reportPages.get("/reports", async (c) => {
  const db = createDb(c.env.DB);
  const now = Date.now();
  const month = jstMonth(now);
  const [history, checks] = await Promise.all([listReports(db), db.select().from(maintenanceChecks).orderBy(desc(maintenanceChecks.month)).limit(48)]);
  const recipients = reportRecipients(c.env);
  // A recent point for the restore command: the top of the current hour, Japan time.
  const point = isoJst(Math.floor(now / 3_600_000) * 3_600_000);
  return c.html(
    <AdminPage c={c} title="レポート・運用文書" section="reports">
      <h1>レポート・運用文書</h1>
      <div class="card" id="reports">
        <h2>定期レポート</h2>
        <p class="muted">
          週次運用レポートは金曜 17:00 以降、月次経営レポートは月初の営業日 9:00 以降（5営業日以内）に自動で作成し、
          {recipients.length ? `${recipients.join(", ")} に PDF をメールで送ります。` : "REPORT_EMAILS が空のためメールは送りません（ここに保存します）。"}
          数字はダッシュボードと同じ集計です。
        </p>
        <form method="post" action="/admin/reports/make" class="row">
          <Csrf c={c} />
          <button type="submit" name="kind" value="weekly" class="secondary">
            週次レポートを今すぐ作成
          </button>
          <button type="submit" name="kind" value="monthly" class="secondary">
            先月の月次レポートを今すぐ作成
          </button>
        </form>
        {history.length ? (
          <table class="data">
            <thead>
              <tr>
                <th>レポート</th>
                <th>作成</th>
                <th>送付先</th>
                <th>PDF</th>
              </tr>
            </thead>
            <tbody>
              {history.map((r) => (
                <tr>
                  <td>
                    <a href={`/admin/reports/${r.id}`}>{(JSON.parse(r.doc) as Doc).title}</a>
                  </td>
                  <td>{jst(r.createdAt)}</td>
                  <td class="muted">{r.recipients || "—"}</td>
                  <td>
                    <a href={`/admin/reports/${r.id}.pdf`}>PDF</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">まだレポートはありません。</p>
        )}
      </div>
      <div class="card" id="maintenance">
        <h2>月次点検 {month}</h2>
        {(Object.keys(MAINTENANCE_ITEMS) as MaintenanceItem[]).map((item) => {
          const m = MAINTENANCE_ITEMS[item];
          const done = checks.find((x) => x.month === month && x.item === item);
          return (
            <div class="check" id={`check-${item}`}>
              <h3>
                {done ? <span class="tag ok">実施済み</span> : <span class="tag warn">未実施</span>} {m.title}
              </h3>
              <p>{m.how}</p>
              {m.commands(point).map((cmd) => (
                <pre>{cmd}</pre>
              ))}
              <p class="muted">{m.note}</p>
              {done ? (
                <p>
                  実施: {done.doneBy}（{jst(done.doneAt)}）{done.note ? ` — ${done.note}` : ""}
                </p>
              ) : null}
              <form method="post" action={`/admin/maintenance/${month}/${item}`}>
                <Csrf c={c} />
                {m.needsAttachment ? (
                  <div class="field">
                    <label for={`att-${item}`}>npm audit の出力（貼り付け）</label>
                    <textarea id={`att-${item}`} name="attachment" required>
                      {done?.attachment ?? ""}
                    </textarea>
                  </div>
                ) : null}
                <div class="field">
                  <label for={`note-${item}`}>メモ（確認した時点、結果、対応など）</label>
                  <input id={`note-${item}`} name="note" maxlength={2000} value={done?.note ?? ""} />
                </div>
                <button type="submit">{done ? "記録を更新" : "実施を記録"}</button>
              </form>
            </div>
          );
        })}
        <details>
          <summary>これまでの点検</summary>
          <table class="data">
            <thead>
              <tr>
                <th>月</th>
                <th>点検</th>
                <th>実施</th>
                <th>メモ</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((x) => (
                <tr>
                  <td>{x.month}</td>
                  <td>{MAINTENANCE_ITEMS[x.item as MaintenanceItem]?.title ?? x.item}</td>
                  <td>
                    {x.doneBy}（{jst(x.doneAt)}）
                  </td>
                  <td>
                    {x.note}
                    {x.attachment ? (
                      <details>
                        <summary>添付</summary>
                        <pre>{x.attachment}</pre>
                      </details>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </div>
      <div class="card">
        <h2>運用文書</h2>
        <ul>
          <li>
            <a href="/guides/service-catalogue">サービスカタログ</a>（<a href="/guides/service-catalogue.ja.pdf">PDF</a>）: サービスごとの内容・提供時間・自動と手動・目標・依存サービス・責任者
          </li>
          {GUIDES.filter((g) => g.audience === "operators" && g.slug !== "service-catalogue").map((g) => (
            <li>
              <a href={`/guides/${g.slug}`}>{g.title.ja}</a>（<a href={`/guides/${g.slug}.ja.pdf`}>PDF</a>）
            </li>
          ))}
          <li>
            <a href="/guides">すべてのガイド（依頼者・提携店向けを含む）</a>
          </li>
        </ul>
      </div>
    </AdminPage>,
  );
});

reportPages.post("/reports/make", async (c) => {
  const body = await c.req.parseBody();
  const kind = body.kind === "monthly" ? "monthly" : body.kind === "weekly" ? "weekly" : null;
  if (!kind) {
    setFlash(c, "error", "レポートの種類を選んでください");
    return c.redirect("/admin/reports", 303);
  }
  const { report, created } = await makeReport(c.env, createDb(c.env.DB), kind, Date.now());
  setFlash(c, "ok", created ? `${REPORT_TITLES[kind]}を作成しました。` : `同じ期間の${REPORT_TITLES[kind]}はすでにあります。`);
  return c.redirect(`/admin/reports/${report.id}`, 303);
});

reportPages.get("/reports/:file", async (c) => {
  const file = c.req.param("file");
  const pdf = file.endsWith(".pdf");
  const id = pdf ? file.slice(0, -4) : file;
  const row = await createDb(c.env.DB).query.reports.findFirst({ where: eq(reports.id, id) });
  if (!row) return c.notFound();
  const doc = JSON.parse(row.doc) as Doc;
  if (pdf) return pdfResponse(renderPdf(doc, { createdAt: row.createdAt, footer: `QRV · ${doc.title}` }), reportFilename(row), "private");
  return c.html(
    <AdminPage c={c} title={doc.title} section="reports">
      <p class="muted">
        <a href="/admin/reports">← レポート一覧</a>
      </p>
      <h1>{doc.title}</h1>
      <p>
        <a class="button secondary" href={`/admin/reports/${row.id}.pdf`}>
          PDFをダウンロード
        </a>
      </p>
      <div class="card">
        <DocBody doc={doc} />
      </div>
    </AdminPage>,
  );
});

reportPages.post("/maintenance/:month/:item", async (c) => {
  const month = c.req.param("month");
  const item = c.req.param("item");
  const parsed = checkForm.safeParse(await c.req.parseBody());
  if (!/^\d{4}-\d{2}$/.test(month) || !Object.hasOwn(MAINTENANCE_ITEMS, item)) return c.notFound();
  if (!parsed.success) {
    setFlash(c, "error", parsed.error.issues.map((i) => i.message).join("・"));
    return c.redirect("/admin/reports#maintenance", 303);
  }
  if (MAINTENANCE_ITEMS[item as MaintenanceItem].needsAttachment && !parsed.data.attachment.trim()) {
    setFlash(c, "error", "npm audit の出力を貼り付けてください");
    return c.redirect("/admin/reports#maintenance", 303);
  }
  const operator = c.get("operator");
  const now = Date.now();
  const values = { month, item, doneBy: operator, doneAt: now, note: parsed.data.note, attachment: parsed.data.attachment };
  await createDb(c.env.DB)
    .insert(maintenanceChecks)
    .values(values)
    .onConflictDoUpdate({ target: [maintenanceChecks.month, maintenanceChecks.item], set: { doneBy: operator, doneAt: now, note: values.note, attachment: values.attachment } });
  console.log(JSON.stringify({ msg: "maintenance check recorded", month, item, operator }));
  setFlash(c, "ok", `${MAINTENANCE_ITEMS[item as MaintenanceItem].title}を記録しました。`);
  return c.redirect("/admin/reports#maintenance", 303);
});
