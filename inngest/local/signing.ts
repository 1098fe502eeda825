/** Request signing exactly as the Inngest SDK verifies it (see shared/INNGEST-PROTOCOL.md). */
import crypto from "node:crypto";
import canonicalize from "canonicalize";

const PREFIX = /^signkey-[\w]+-/;

export function generateSigningKey(): string {
  return `signkey-local-${crypto.randomBytes(32).toString("hex")}`;
}

export function generateEventKey(): string {
  return crypto.randomBytes(24).toString("hex");
}

/** The body as the SDK canonicalises it (RFC 8785), so the bytes sent are the bytes signed. */
export function canonicalBody(body: unknown): string {
  return body === undefined ? "" : (canonicalize(body) ?? "");
}

/** `X-Inngest-Signature: t=<seconds>&s=<hex>`: HMAC-SHA256 keyed with the key minus its prefix, over body + t. */
export function signature(signingKey: string, canonical: string, now = Date.now()): string {
  const t = Math.floor(now / 1000).toString();
  const s = crypto.createHmac("sha256", signingKey.replace(PREFIX, "")).update(canonical + t).digest("hex");
  return `t=${t}&s=${s}`;
}

/** Whether `header` signs `text` with the key, within the 5 minutes the SDK allows (the SDK signs its answers too). */
export function verifySignature(signingKey: string, text: string, header: string | null, now = Date.now()): boolean {
  const params = new URLSearchParams(header ?? "");
  const t = Number(params.get("t"));
  if (!Number.isInteger(t) || Math.abs(now - t * 1000) > 5 * 60_000) return false;
  return safeEqual(signature(signingKey, text, t * 1000), `t=${t}&s=${params.get("s") ?? ""}`);
}

/** What the SDK sends as `Authorization: Bearer …` when it registers: prefix + sha256 of the hex-decoded key. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = signingKey.match(PREFIX)?.[0] ?? "";
  return prefix + crypto.createHash("sha256").update(signingKey.replace(PREFIX, ""), "hex").digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
