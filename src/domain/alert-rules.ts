// The alert rules of seed 000 §4.3, as a pure function of what the monitor measured: the
// queue's backlog, the job error rate over the last five minutes, the dead-letter queue, and
// every open manual case. Each condition has a key; the monitor posts a key to Slack once and
// resolves it when the condition no longer holds, so a lasting problem is one message.
import { MANUAL_CASES, caseAlertKey, caseAlertText, isQueued, type ManualCaseId, type Priority } from "./cases.ts";

export const ALERT_RULES = {
  /** キュー長超過: jobs waiting to run (seed 000 §4.3.1: more than 100). */
  backlogOver: 100,
  /** エラー率高: failing jobs among those that ran in the window, in percent (more than 5 %). */
  errorRateOverPct: 5,
  errorRateWindowMs: 5 * 60_000,
  /** Below this many jobs in the window one failure is not a rate (the case alerts cover it). */
  errorRateMinJobs: 10,
  /** 問い合わせ: a new inquiry unanswered this long (the support page promises an answer within 2 hours). */
  inquiryWaitingMs: 2 * 60 * 60_000,
} as const;

export const SYSTEM_ALERTS = {
  queue_backlog: { title: "キュー長超過", priority: "high", headline: "予約キューが溜まっています" },
  error_rate: { title: "エラー率高", priority: "urgent", headline: "エラーが多発しています" },
  dead_letter: { title: "デッドレターキュー", priority: "urgent", headline: "リトライ上限に達した処理があります（デッドレターキュー）" },
  inquiries_waiting: { title: "問い合わせ未対応", priority: "medium", headline: "2時間以上未対応のお問い合わせがあります" },
  session_exception_late: { title: "セッション例外の対応期限超過", priority: "high", headline: "セッションの例外が対応目標（RACI/SLA）を過ぎています" },
} as const satisfies Record<string, { title: string; priority: Priority; headline: string }>;

export type SystemAlertId = keyof typeof SYSTEM_ALERTS;

export function isSystemAlert(value: string): value is SystemAlertId {
  return Object.hasOwn(SYSTEM_ALERTS, value);
}

export interface MonitorSnapshot {
  /** Jobs committed and not yet run (waiting in the queue or for a retry). */
  waitingJobs: number;
  /** Jobs that ran in the error-rate window... */
  recentJobs: number;
  /** ...and those of them that failed or are waiting to be retried after an error. */
  recentErrors: number;
  /** Jobs in the dead-letter queue that nobody has handled. */
  deadJobs: number;
  /** Inquiries still `new` after ALERT_RULES.inquiryWaitingMs. */
  waitingInquiries: number;
  openCases: { reservationId: string; case: ManualCaseId }[];
  /** Session exception cases older than their coach's response target (seed 001 RACI/SLA). */
  lateExceptions?: { caseId: string; engagementId: string; label: string; waiting: "coach" | "operators" }[];
}

export interface AlertCondition {
  key: string;
  case: string;
  priority: Priority;
  text: string;
  reservationId?: string;
}

function system(id: SystemAlertId, detail: string, publicUrl: string, page: string): AlertCondition {
  const a = SYSTEM_ALERTS[id];
  return { key: id, case: id, priority: a.priority, text: [a.headline, detail, `${publicUrl}${page}`].join("\n") };
}

export function errorRatePct(s: MonitorSnapshot): number {
  return s.recentJobs ? (s.recentErrors / s.recentJobs) * 100 : 0;
}

/** Every condition that holds now. */
export function evaluateAlerts(s: MonitorSnapshot, publicUrl: string): AlertCondition[] {
  const out: AlertCondition[] = [];
  if (s.waitingJobs > ALERT_RULES.backlogOver) out.push(system("queue_backlog", `待ちジョブ ${s.waitingJobs}件（閾値 ${ALERT_RULES.backlogOver}件）`, publicUrl, "/admin/alerts"));
  const rate = errorRatePct(s);
  if (s.recentJobs >= ALERT_RULES.errorRateMinJobs && rate > ALERT_RULES.errorRateOverPct) {
    out.push(system("error_rate", `直近5分のエラー率 ${rate.toFixed(1)}%（${s.recentErrors}/${s.recentJobs}件、閾値 ${ALERT_RULES.errorRateOverPct}%）`, publicUrl, "/admin/alerts"));
  }
  if (s.deadJobs > 0) out.push(system("dead_letter", `未対応 ${s.deadJobs}件`, publicUrl, "/admin/alerts"));
  if (s.waitingInquiries > 0) out.push(system("inquiries_waiting", `${s.waitingInquiries}件`, publicUrl, "/admin/inquiries?status=new&category=all"));
  for (const c of s.openCases.filter(isQueued)) {
    out.push({ key: caseAlertKey(c.case, c.reservationId), case: c.case, priority: MANUAL_CASES[c.case].priority, text: caseAlertText(c.case, c.reservationId, publicUrl), reservationId: c.reservationId });
  }
  for (const x of s.lateExceptions ?? []) {
    const a = SYSTEM_ALERTS.session_exception_late;
    const who = x.waiting === "coach" ? "コーチの判断待ち" : "承認済み・運営の対応待ち";
    out.push({ key: `session_exception_late:${x.caseId}`, case: "session_exception_late", priority: a.priority, text: [a.headline, `${x.engagementId} ${x.label}（${who}）`, `${publicUrl}/admin/engagements/${x.engagementId}`].join("\n"), reservationId: x.engagementId });
  }
  return out;
}
