// /admin/reports: the operating documents and routines of seed 000 §6 and seed 002 in one
// place: the service catalogue and the guides.
import { Hono } from "hono";
import type { AdminEnv } from "../../auth/admin.ts";
import { GUIDES } from "../../guides/index.ts";
import { AdminPage } from "./layout.tsx";

export const reportPages = new Hono<AdminEnv>();

reportPages.get("/reports", (c) => {
  return c.html(
    <AdminPage c={c} title="レポート・運用文書" section="reports">
      <h1>レポート・運用文書</h1>
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
