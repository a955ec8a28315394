// Incident records (seed 000 §5.3.1): detected at, level, impact, cause, actions taken,
// recovered at, prevention; listed by level and month, written by operators.
import type { Context } from "hono";
import { Hono } from "hono";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { AdminEnv } from "../../auth/admin.ts";
import { createDb } from "../../db/client.ts";
import { incidents } from "../../db/schema.ts";
import { newId } from "../../domain/ids.ts";
import { parseIsoWithOffset } from "../../domain/time.ts";
import { AdminPage, Csrf, FormErrors, jst, setFlash, toLocalInput } from "./layout.tsx";

export const incidentPages = new Hono<AdminEnv>();

export const LEVELS = {
  critical: { label: "Critical", target: "30分以内", escalation: "即座に経営陣に報告" },
  high: { label: "High", target: "1時間以内", escalation: "2時間以内に経営陣に報告" },
  medium: { label: "Medium", target: "2時間以内", escalation: "24時間以内に報告" },
  low: { label: "Low", target: "24時間以内", escalation: "週次報告で共有" },
} as const;
type Level = keyof typeof LEVELS;

type IncidentRow = typeof incidents.$inferSelect;

const localTime = (what: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (!v) return null;
      const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? parseIsoWithOffset(`${v}+09:00`) : null;
      if (ms === null) {
        ctx.addIssue({ code: "custom", message: `${what}を「年-月-日 時:分」で入力してください` });
        return z.NEVER;
      }
      return ms;
    });

const incidentForm = z
  .object({
    title: z.string().trim().min(1, "件名を入力してください").max(200),
    level: z.enum(["critical", "high", "medium", "low"], { message: "レベルを選んでください" }),
    detected_at: localTime("発生日時"),
    impact: z.string().trim().min(1, "影響範囲を入力してください").max(4000),
    cause: z.string().trim().max(4000).default(""),
    actions: z.string().trim().max(4000).default(""),
    recovered_at: localTime("復旧日時"),
    prevention: z.string().trim().max(4000).default(""),
  })
  .refine((f) => f.detected_at !== null, { message: "発生日時を入力してください", path: ["detected_at"] })
  .refine((f) => f.recovered_at === null || f.detected_at === null || f.recovered_at >= f.detected_at, { message: "復旧日時は発生日時より後にしてください", path: ["recovered_at"] });

function monthRange(month: string): [number, number] | null {
  if (!/^\d{4}-\d{2}$/.test(month)) return null;
  const [y, m] = month.split("-").map(Number);
  const start = Date.UTC(y!, m! - 1, 1) - 9 * 3_600_000;
  const end = Date.UTC(y!, m!, 1) - 9 * 3_600_000;
  return [start, end];
}

incidentPages.get("/incidents", async (c) => {
  const level = c.req.query("level") ?? "";
  const month = c.req.query("month") ?? "";
  const where: SQL[] = [];
  if (level in LEVELS) where.push(eq(incidents.level, level));
  const range = monthRange(month);
  if (range) where.push(sql`${incidents.detectedAt} >= ${range[0]} AND ${incidents.detectedAt} < ${range[1]}`);
  const rows = await createDb(c.env.DB)
    .select()
    .from(incidents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(incidents.detectedAt))
    .limit(500);
  return c.html(
    <AdminPage c={c} title="インシデント" section="incidents">
      <h1>インシデント記録</h1>
      <p>
        <a class="button" href="/admin/incidents/new">
          記録する
        </a>
      </p>
      <form class="search card" method="get" action="/admin/incidents">
        <label>
          レベル
          <select name="level">
            <option value="">すべて</option>
            {Object.entries(LEVELS).map(([k, v]) => (
              <option value={k} selected={k === level}>
                {v.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          月
          <input type="month" name="month" value={month} />
        </label>
        <button type="submit">絞り込む</button>
      </form>
      <div class="card">
        <p class="muted">{rows.length}件</p>
        <table class="data">
          <thead>
            <tr>
              <th>発生日時</th>
              <th>レベル</th>
              <th>件名</th>
              <th>影響範囲</th>
              <th>復旧日時</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{jst(r.detectedAt)}</td>
                <td>
                  <span class={`prio ${r.level === "critical" ? "urgent" : r.level}`}>{LEVELS[r.level as Level]?.label ?? r.level}</span>
                </td>
                <td>
                  <a href={`/admin/incidents/${r.id}`}>{r.title}</a>
                </td>
                <td>{r.impact.split("\n")[0]}</td>
                <td>{r.recoveredAt ? jst(r.recoveredAt) : <span class="tag bad">未復旧</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>レベルと報告（seed 000 §5.1）</h2>
        <table class="data">
          <tbody>
            {Object.values(LEVELS).map((l) => (
              <tr>
                <td>{l.label}</td>
                <td>対応 {l.target}</td>
                <td>{l.escalation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminPage>,
  );
});

function IncidentForm(props: { c: Context<AdminEnv>; incident?: IncidentRow; values: Record<string, string>; errors?: string[] }) {
  const { c, values: v } = props;
  const area = (name: string, label: string, required = false) => (
    <div class="field">
      <label for={name}>{label}</label>
      <textarea id={name} name={name} required={required} maxlength={4000}>
        {v[name] ?? ""}
      </textarea>
    </div>
  );
  return (
    <AdminPage c={c} title={props.incident ? props.incident.title : "インシデントの記録"} section="incidents">
      <p>
        <a href="/admin/incidents">← インシデント一覧</a>
      </p>
      <h1>{props.incident ? props.incident.title : "インシデントの記録"}</h1>
      <FormErrors errors={props.errors} />
      <form method="post" action={props.incident ? `/admin/incidents/${props.incident.id}` : "/admin/incidents/new"} class="card">
        <Csrf c={c} />
        <div class="field">
          <label for="title">件名</label>
          <input id="title" name="title" required maxlength={200} value={v.title ?? ""} />
        </div>
        <div class="field">
          <label for="level">レベル</label>
          <select id="level" name="level" required>
            {Object.entries(LEVELS).map(([k, l]) => (
              <option value={k} selected={v.level === k}>
                {l.label}（対応 {l.target}・{l.escalation}）
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="detected_at">発生日時（検知した時刻）</label>
          <input id="detected_at" name="detected_at" type="datetime-local" required value={v.detected_at ?? ""} />
        </div>
        {area("impact", "影響範囲（影響を受けた機能・ユーザー数）", true)}
        {area("cause", "原因（根本原因）")}
        {area("actions", "対応内容")}
        <div class="field">
          <label for="recovered_at">復旧日時（未復旧なら空欄）</label>
          <input id="recovered_at" name="recovered_at" type="datetime-local" value={v.recovered_at ?? ""} />
        </div>
        {area("prevention", "再発防止策")}
        {props.incident ? (
          <p class="muted">
            記録 {props.incident.createdBy}（{jst(props.incident.createdAt)}） · 更新 {props.incident.updatedBy}（{jst(props.incident.updatedAt)}）
          </p>
        ) : null}
        <button type="submit">保存</button>
      </form>
    </AdminPage>
  );
}

function values(body: Record<string, unknown>): Record<string, string> {
  const keys = ["title", "level", "detected_at", "impact", "cause", "actions", "recovered_at", "prevention"];
  return Object.fromEntries(keys.map((k) => [k, typeof body[k] === "string" ? (body[k] as string) : ""]));
}

function rowValues(r: IncidentRow): Record<string, string> {
  return { title: r.title, level: r.level, detected_at: toLocalInput(r.detectedAt), impact: r.impact, cause: r.cause, actions: r.actions, recovered_at: r.recoveredAt ? toLocalInput(r.recoveredAt) : "", prevention: r.prevention };
}

incidentPages.get("/incidents/new", (c) => c.html(<IncidentForm c={c} values={{ level: "medium", detected_at: toLocalInput(Date.now()) }} />));

incidentPages.post("/incidents/new", async (c) => {
  const v = values(await c.req.parseBody());
  const parsed = incidentForm.safeParse(v);
  if (!parsed.success) return c.html(<IncidentForm c={c} values={v} errors={parsed.error.issues.map((i) => i.message)} />, 400);
  const f = parsed.data;
  const now = Date.now();
  const operator = c.get("operator");
  const id = newId("inc", now);
  await createDb(c.env.DB)
    .insert(incidents)
    .values({ id, title: f.title, level: f.level, detectedAt: f.detected_at!, impact: f.impact, cause: f.cause, actions: f.actions, recoveredAt: f.recovered_at, prevention: f.prevention, createdBy: operator, updatedBy: operator, createdAt: now, updatedAt: now });
  setFlash(c, "ok", `インシデント「${f.title}」を記録しました`);
  return c.redirect(`/admin/incidents/${id}`, 303);
});

incidentPages.get("/incidents/:id", async (c) => {
  const row = await createDb(c.env.DB).query.incidents.findFirst({ where: eq(incidents.id, c.req.param("id")) });
  if (!row) return c.notFound();
  return c.html(<IncidentForm c={c} incident={row} values={rowValues(row)} />);
});

incidentPages.post("/incidents/:id", async (c) => {
  const db = createDb(c.env.DB);
  const row = await db.query.incidents.findFirst({ where: eq(incidents.id, c.req.param("id")) });
  if (!row) return c.notFound();
  const v = values(await c.req.parseBody());
  const parsed = incidentForm.safeParse(v);
  if (!parsed.success) return c.html(<IncidentForm c={c} incident={row} values={v} errors={parsed.error.issues.map((i) => i.message)} />, 400);
  const f = parsed.data;
  await db
    .update(incidents)
    .set({ title: f.title, level: f.level, detectedAt: f.detected_at!, impact: f.impact, cause: f.cause, actions: f.actions, recoveredAt: f.recovered_at, prevention: f.prevention, updatedBy: c.get("operator"), updatedAt: Date.now() })
    .where(eq(incidents.id, row.id));
  setFlash(c, "ok", "保存しました");
  return c.redirect(`/admin/incidents/${row.id}`, 303);
});
