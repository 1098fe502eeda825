/**
 * Webhook signatures: HMAC-SHA256 over "<timestamp>.<raw body>" with the channel's secret, sent as
 * `X-Relay-Timestamp: <unix seconds>` and `X-Relay-Signature: v1=<hex>`. A receiver recomputes it and
 * refuses timestamps older than a few minutes, so a captured request cannot be replayed later.
 */
import crypto from "node:crypto";

export const TIMESTAMP_HEADER = "x-relay-timestamp";
export const SIGNATURE_HEADER = "x-relay-signature";
export const DELIVERY_HEADER = "x-relay-delivery";

const hmac = (secret: string, timestamp: number, body: string) => crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

export function signWebhook(secret: string, body: string, now = Date.now()) {
  const timestamp = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `v1=${hmac(secret, timestamp, body)}` };
}

/** What a receiver does: true only for the right secret and body, signed within `toleranceSeconds`. */
export function verifyWebhook(secret: string, body: string, headers: { timestamp?: string | null; signature?: string | null }, options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || !headers.signature?.startsWith("v1=")) return false;
  if (Math.abs((options.now ?? Date.now()) / 1000 - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), "hex");
  const given = Buffer.from(headers.signature.slice(3), "hex");
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export const newWebhookSecret = () => `whsec_${crypto.randomBytes(24).toString("base64url")}`;
