// Two demo coaches for `npm run dev` and the tests: menus (one with a free trial), weekly hours,
// a buffer and a minimum notice, and a first version of their terms and contract. Written as
// SQL so the dev script (wrangler d1 execute) and the tests (D1 batch) load the same thing.
// Loading twice changes nothing.
import type { Availability } from "../domain/sessions/availability.ts";

export interface DemoCoach {
  id: string;
  name: string;
  phone: string;
  email: string;
  bio: string;
  meetingMode: "fixed" | "per_session";
  meetingUrl: string;
  trialOffered: boolean;
  menus: { id: string; name: string; description: string; outOfScope: string; priceJpy: number; minutes: number; sessions: number; trial: boolean }[];
  availability: Availability;
}

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

export const DEMO_COACHES: DemoCoach[] = [
  {
    id: "coach_sato",
    name: "佐藤 美咲",
    phone: "+819011110001",
    email: "sato.coach@example.com",
    bio: "キャリアコーチ。転職・昇進・働き方の相談 / Career coach",
    meetingMode: "fixed",
    meetingUrl: "https://meet.example.com/sato-room",
    trialOffered: true,
    menus: [
      { id: "menu_sato_single", name: "キャリア相談 60分", description: "1回完結のキャリア相談", outOfScope: "医療・法律・投資の助言", priceJpy: 11000, minutes: 60, sessions: 1, trial: true },
      { id: "menu_sato_pack4", name: "キャリアコーチング 4回パック", description: "月2回×2か月の継続コーチング", outOfScope: "医療・法律・投資の助言", priceJpy: 39600, minutes: 60, sessions: 4, trial: true },
    ],
    availability: { weekly: [...weekdays("10:00", "18:00"), { weekday: 6, start: "10:00", end: "13:00" }], exceptions: [], bufferMinutes: 15, minNoticeMinutes: 12 * 60, stepMinutes: 30 },
  },
  {
    id: "coach_tanaka",
    name: "Ken Tanaka",
    phone: "+819011110002",
    email: "tanaka.coach@example.com",
    bio: "英会話・ビジネス英語 / English lessons for work",
    meetingMode: "per_session",
    meetingUrl: "https://meet.example.com/tanaka",
    trialOffered: false,
    menus: [{ id: "menu_tanaka_lesson", name: "Business English 45min", description: "Meetings, email and presentations", outOfScope: "Exam preparation", priceJpy: 6600, minutes: 45, sessions: 1, trial: false }],
    availability: { weekly: weekdays("19:00", "22:00"), exceptions: [], bufferMinutes: 15, minNoticeMinutes: 3 * 60, stepMinutes: 15 },
  },
];

const TERMS = `【利用規約】
1. セッションはオンラインで行います。接続環境はご自身でご用意ください。
2. キャンセル・日程変更はセッションの24時間前までにご連絡ください。
3. 無断欠席（ノーショー）の場合、その回は消化扱いとなります。
4. セッションの内容は守秘義務の対象です。録音・録画はお互いの同意がある場合に限ります。
5. 医療・法律・投資に関する助言は行いません。`;

const CONTRACT = `【申込内容・契約書】
本契約は、受講者とコーチの間で、選択したメニューのセッションを提供するためのものです。
料金はお申し込み時に前払いとし、決済の確認後に日程を確定します。
パックの有効期限は初回セッションから6か月です。`;

function q(v: string | number | boolean | null): string {
  if (v === null) return "NULL";
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number") return String(v);
  return `'${v.replaceAll("'", "''")}'`;
}

/** INSERT OR IGNORE statements for the demo coaches, their menus, availability and documents. */
export function demoCoachesSql(now: number): string[] {
  const out: string[] = [];
  for (const c of DEMO_COACHES) {
    out.push(
      `INSERT OR IGNORE INTO coaches (id, user_id, name, phone, email, bio, meeting_mode, meeting_url, trial_offered, active, created_at, updated_at) VALUES (${[c.id, null, c.name, c.phone, c.email, c.bio, c.meetingMode, c.meetingUrl, c.trialOffered, true, now, now].map(q).join(", ")})`,
    );
    for (const m of c.menus) {
      out.push(
        `INSERT OR IGNORE INTO session_menus (id, coach_id, name, description, out_of_scope, price_jpy, minutes, sessions, trial, active, created_at, updated_at) VALUES (${[m.id, c.id, m.name, m.description, m.outOfScope, m.priceJpy, m.minutes, m.sessions, m.trial, true, now, now].map(q).join(", ")})`,
      );
    }
    const a = c.availability;
    out.push(
      `INSERT OR IGNORE INTO coach_availability (coach_id, weekly, exceptions, buffer_minutes, min_notice_minutes, step_minutes, updated_at, updated_by) VALUES (${[c.id, JSON.stringify(a.weekly), JSON.stringify(a.exceptions), a.bufferMinutes, a.minNoticeMinutes, a.stepMinutes ?? 30, now, "demo"].map(q).join(", ")})`,
    );
    out.push(`INSERT OR IGNORE INTO session_documents (coach_id, kind, version, title, body, created_at, created_by) VALUES (${[c.id, "terms", 1, "利用規約 / Terms", TERMS, now, "demo"].map(q).join(", ")})`);
    out.push(`INSERT OR IGNORE INTO session_documents (coach_id, kind, version, title, body, created_at, created_by) VALUES (${[c.id, "contract", 1, "契約書 / Contract", CONTRACT, now, "demo"].map(q).join(", ")})`);
  }
  return out;
}
