import { describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER, verifyWebhook } from "./signature";

describe("webhook signatures", () => {
  const body = JSON.stringify({ id: "d1", type: "sync.alert" });
  const now = Date.parse("2026-11-27T10:00:00Z");
  const signed = signWebhook("s3cret-s3cret-s3cret", body, now);
  const headers = { timestamp: signed[TIMESTAMP_HEADER], signature: signed[SIGNATURE_HEADER] };

  it("verify with the secret and the exact body", () => {
    expect(headers.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook("s3cret-s3cret-s3cret", body, headers, { now })).toBe(true);
  });
  it("fail with another secret, a changed body or a forged signature", () => {
    expect(verifyWebhook("another-secret-value", body, headers, { now })).toBe(false);
    expect(verifyWebhook("s3cret-s3cret-s3cret", body.replace("d1", "d2"), headers, { now })).toBe(false);
    expect(verifyWebhook("s3cret-s3cret-s3cret", body, { ...headers, signature: "v1=00" }, { now })).toBe(false);
  });
  it("fail when replayed after the tolerance", () => {
    expect(verifyWebhook("s3cret-s3cret-s3cret", body, headers, { now: now + 299_000 })).toBe(true);
    expect(verifyWebhook("s3cret-s3cret-s3cret", body, headers, { now: now + 301_000 })).toBe(false);
  });
});
