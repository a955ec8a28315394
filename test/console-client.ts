// A signed-in operator for tests: signs in to /admin with the local password, keeps the session
// cookie, and posts forms with the session's CSRF token, as a browser would.
import { exports } from "cloudflare:workers";

const BASE = "https://qrv.test";

export interface ConsoleClient {
  operator: string;
  csrf: string;
  get(path: string): Promise<Response>;
  html(path: string): Promise<string>;
  post(path: string, form: Record<string, string> | FormData, opts?: { csrf?: string | null }): Promise<Response>;
}

function cookieFrom(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("qrv_admin="));
  return set ? set.split(";")[0]! : null;
}

export async function signIn(operator = "テスト担当", password = "test-admin-password"): Promise<ConsoleClient> {
  const login = await exports.default.fetch(new Request(`${BASE}/admin/login`, { method: "POST", body: new URLSearchParams({ name: operator, password, next: "/admin" }), redirect: "manual" }));
  if (login.status !== 303) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = cookieFrom(login)!;
  const get = (path: string) => exports.default.fetch(new Request(`${BASE}${path}`, { headers: { Cookie: cookie, Accept: "text/html" }, redirect: "manual" }));
  const page = await (await get("/admin")).text();
  const csrf = page.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error("no CSRF token on /admin");
  return {
    operator,
    csrf,
    get,
    async html(path) {
      const res = await get(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.text();
    },
    post(path, form, opts = {}) {
      const token = opts.csrf === undefined ? csrf : opts.csrf;
      let body: URLSearchParams | FormData;
      if (form instanceof FormData) {
        body = form;
        if (token !== null) body.set("_csrf", token);
      } else {
        body = new URLSearchParams({ ...form, ...(token !== null ? { _csrf: token } : {}) });
      }
      return exports.default.fetch(new Request(`${BASE}${path}`, { method: "POST", headers: { Cookie: cookie, Accept: "text/html" }, body, redirect: "manual" }));
    },
  };
}

/** The one-shot message the console shows after a POST (from its flash cookie). */
export function flashOf(res: Response): { kind: string; text: string } | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("qrv_flash="));
  if (!set) return null;
  return JSON.parse(decodeURIComponent(decodeURIComponent(set.split(";")[0]!.slice("qrv_flash=".length)))) as { kind: string; text: string };
}
