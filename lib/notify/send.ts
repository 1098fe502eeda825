import "server-only";
import { PublicError } from "@/lib/errors";
import { outboundPolicy } from "@/lib/security/outbound";
import { fetchGuarded } from "@/lib/http/client";
import { sendMail, smtpConfigured } from "./mailer";
import { htmlOf, type Notice, slackMessageOf, subjectOf, textOf, webhookBodyOf } from "./message";
import { DELIVERY_HEADER, signWebhook } from "./signature";

/** A delivery that trying again cannot fix (no SMTP configured, a 4xx from the receiver …). */
export class PermanentFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "PermanentFailure";
  }
}

/** A delivery that may work later (5xx, 429, a timeout …); `status` is the receiver's answer, if any. */
export class TransientFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "TransientFailure";
  }
}

export type OpenChannel =
  | { kind: "email"; recipients: string[] }
  | { kind: "slack"; webhookUrl: string }
  | { kind: "webhook"; url: string; secret: string };

const SMTP_MISSING = "No SMTP server is configured: set SMTP_URL (or SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD) to send email";

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  let response;
  try {
    response = await fetchGuarded({ method: "POST", url, body, headers, timeoutMs: 10_000 }, outboundPolicy());
  } catch (error) {
    if (error instanceof PublicError) throw new PermanentFailure(error.message);
    throw new TransientFailure(`${new URL(url).host} could not be reached: ${(error as Error).message}`);
  }
  const status = response.status;
  if (status >= 200 && status < 300) return status;
  const answer = `${new URL(url).host} answered ${status}${response.text ? `: ${response.text.slice(0, 200)}` : ""}`;
  if (status === 408 || status === 429 || status >= 500) throw new TransientFailure(answer, status);
  throw new PermanentFailure(answer, status);
}

/** Sends one notice through one channel; returns the receiver's status (none for email). */
export async function sendNotice(channel: OpenChannel, notice: Notice, deliveryId: string): Promise<number | undefined> {
  if (channel.kind === "email") {
    if (!smtpConfigured()) throw new PermanentFailure(SMTP_MISSING);
    try {
      await sendMail({ to: channel.recipients, subject: subjectOf(notice), text: textOf(notice), html: htmlOf(notice) });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500) throw new PermanentFailure(`The SMTP server refused the message: ${(error as Error).message}`);
      throw new TransientFailure(`Email could not be sent: ${(error as Error).message}`);
    }
    return undefined;
  }
  if (channel.kind === "slack") return post(channel.webhookUrl, slackMessageOf(notice));
  // The exact bytes signed are the bytes sent.
  const raw = JSON.stringify(webhookBodyOf(notice, deliveryId));
  return post(channel.url, raw, { ...signWebhook(channel.secret, raw), "content-type": "application/json", [DELIVERY_HEADER]: deliveryId, "user-agent": "Relay-Webhooks/1" });
}
