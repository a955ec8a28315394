// One place for failures: known errors become clear answers; anything else is a generic 500
// with a request id to quote to support (never a stack trace).
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { Page } from "./layout.tsx";

function wantsHtml(c: Context): boolean {
  return (c.req.header("Accept") ?? "").includes("text/html");
}

export function onError(err: Error, c: Context): Response | Promise<Response> {
  const requestId = (c.get("requestId" as never) as string | undefined) ?? "-";
  if (err instanceof HTTPException) return err.getResponse();
  if (err instanceof ZodError) {
    return c.json({ error: "invalid input", issues: err.issues.map((i) => ({ path: i.path.join("."), message: i.message })) }, 400);
  }
  console.error(JSON.stringify({ msg: "unhandled error", requestId, path: c.req.path, error: `${err.name}: ${err.message}` }));
  if (wantsHtml(c)) {
    return c.html(
      <Page title="エラー / Error" lang="ja">
        <div class="card">
          <h1>申し訳ありません、エラーが発生しました</h1>
          <p>Something went wrong on our side. Please try again in a moment.</p>
          <p class="muted">Request ID: {requestId}</p>
        </div>
      </Page>,
      500,
    );
  }
  return c.json({ error: "internal error", request_id: requestId }, 500);
}

export function notFound(c: Context): Response | Promise<Response> {
  if (wantsHtml(c)) {
    return c.html(
      <Page title="見つかりません / Not found" lang="ja">
        <div class="card">
          <h1>ページが見つかりません</h1>
          <p>The page you asked for does not exist.</p>
        </div>
      </Page>,
      404,
    );
  }
  return c.json({ error: "not found" }, 404);
}
