// Live operator alerts: a Slack incoming webhook. The machine writes the alert (case headline,
// details, what to do, the admin link); this adds the case and priority as a header line and
// sends the text as the notification fallback too. Slack answers "ok" in plain text.
import type { LiveSettings } from "../../config.ts";
import { httpError, providerFetch } from "../http.ts";
import type { AlertsPort } from "../types.ts";

const PRIORITY_MARK: Record<string, string> = { urgent: "🚨", high: "⚠️", medium: "🔔", low: "ℹ️" };

/** Slack mrkdwn: escape &, < and >, then turn bare URLs into links. */
function mrkdwn(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/https?:\/\/[^\s<>|]+/g, (url) => `<${url}|${url.includes("/admin/") ? "管理画面で開く / Open in admin" : url}>`);
}

export function slackMessage(alert: Parameters<AlertsPort["post"]>[0]) {
  const mark = PRIORITY_MARK[alert.priority] ?? "🔔";
  const [headline = alert.case, ...rest] = alert.text.split("\n");
  return {
    text: `${mark} ${alert.text}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${mark} *${mrkdwn(headline)}*` } },
      ...(rest.length ? [{ type: "section", text: { type: "mrkdwn", text: mrkdwn(rest.join("\n")) } }] : []),
      { type: "context", elements: [{ type: "mrkdwn", text: `case: \`${alert.case}\` · priority: \`${alert.priority}\` · reservation: \`${alert.reservationId}\`` }] },
    ],
  };
}

export function slackAlerts(s: LiveSettings["slack"]): AlertsPort {
  return {
    async post(alert) {
      const res = await providerFetch("Slack", s.webhookUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify(slackMessage(alert)),
      });
      // Errors come back as plain-text codes (invalid_payload, no_service, channel_is_archived...).
      const body = (await res.text()).trim();
      if (!res.ok) throw httpError("Slack", res, body, /^[a-z_]{1,60}$/.test(body) ? body : undefined);
    },
  };
}
