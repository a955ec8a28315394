// Sandbox SMS (Twilio-shaped: SM… ids and signed status callbacks) and email, and Slack alerts.
import type { Db } from "../../db/client.ts";
import { ProviderError, type AlertsPort, type EmailPort, type SmsPort } from "../types.ts";
import { randomHex, recordSent } from "./records.ts";
import { SANDBOX_SMS_INVALID_SUFFIX, SANDBOX_SMS_UNAVAILABLE_SUFFIX } from "./numbers.ts";
import { scheduleWebhooks } from "./webhooks.ts";

export function sandboxSms(env: Env, db: Db): SmsPort {
  return {
    async send(msg) {
      if (msg.to.endsWith(SANDBOX_SMS_INVALID_SUFFIX)) throw new ProviderError(`Twilio 400 (21211): Invalid 'To' Phone Number: ${msg.to}`, true, "21211");
      if (msg.to.endsWith(SANDBOX_SMS_UNAVAILABLE_SUFFIX)) throw new ProviderError("Twilio 503: Service Unavailable", false, "503");
      const sid = `SM${randomHex(16)}`;
      await recordSent(db, { channel: "sms", reservationId: msg.reservationId, to: msg.to, body: msg.body, providerRef: sid });
      // Twilio reports progress to the StatusCallback URL: sent, then delivered.
      const path = new URL(msg.statusCallback).pathname + new URL(msg.statusCallback).search;
      const forms = ["sent", "delivered"].map((status) =>
        new URLSearchParams({
          AccountSid: env.TWILIO_ACCOUNT_SID,
          ApiVersion: "2010-04-01",
          From: "QRV",
          MessageSid: sid,
          MessageStatus: status,
          SmsSid: sid,
          SmsStatus: status,
          To: msg.to,
        }).toString(),
      );
      await scheduleWebhooks(env, "twilio", path, forms);
      return { providerRef: sid };
    },
  };
}

export function sandboxEmail(db: Db): EmailPort {
  return {
    async send(msg) {
      const id = `<${randomHex(12)}@sandbox.qrv>`;
      await recordSent(db, { channel: "email", reservationId: msg.reservationId, to: msg.to, subject: msg.subject, body: msg.text, providerRef: id, data: { html: msg.html, ...(msg.attachments?.length ? { attachments: msg.attachments.map((a) => ({ filename: a.filename, type: a.type, bytes: a.content.length })) } : {}) } });
      return { providerRef: id };
    },
  };
}

export function sandboxAlerts(db: Db): AlertsPort {
  return {
    async post(alert) {
      await recordSent(db, { channel: "alert", reservationId: alert.reservationId, to: "#qrv-alerts", body: alert.text, data: { case: alert.case, priority: alert.priority } });
    },
  };
}
