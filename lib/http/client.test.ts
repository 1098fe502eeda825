import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuotaExhausted, type VendorLimit } from "@/connectors/types";
import { startReceiver } from "@/test/receiver";
import { createHttpClient, TechnicalFailure } from "./client";

const client = createHttpClient({ delaysMs: [5, 5], timeScale: 1, outbound: { allowPrivate: true } });

/** Reads the receiver's scripted statuses the way a vendor's own limit signal would be read. */
const vendorLimits = (r: { status: number }): VendorLimit | undefined =>
  r.status === 403 ? { retryAfterMs: 5 } : r.status === 402 ? { exhausted: "The daily API quota is spent" } : r.status === 203 ? { pauseMs: 5 } : undefined;

describe("the connectors' HTTP client", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => (receiver = await startReceiver()));
  afterAll(() => receiver.close());

  it("waits out rate limits beyond the technical retries, and returns the answer that finally came", async () => {
    receiver.answer(429, 429, 429, 429, 200);
    const answer = await client({ method: "GET", url: `${receiver.url}/a` });
    expect(answer.status).toBe(200);
    expect(receiver.requests.filter((r) => r.path === "/a")).toHaveLength(5);
  });

  it("reads the vendor's own signals: a limit answered with another status is retried, a spent quota stops at once", async () => {
    receiver.answer(403, 403, 200);
    expect((await client({ method: "GET", url: `${receiver.url}/b`, limits: vendorLimits })).status).toBe(200);
    expect(receiver.requests.filter((r) => r.path === "/b")).toHaveLength(3);

    receiver.answer(402);
    await expect(client({ method: "GET", url: `${receiver.url}/c`, limits: vendorLimits })).rejects.toBeInstanceOf(QuotaExhausted);
    expect(receiver.requests.filter((r) => r.path === "/c")).toHaveLength(1);

    receiver.answer(203);
    expect((await client({ method: "GET", url: `${receiver.url}/d`, limits: vendorLimits })).status).toBe(203);
  });

  it("gives up on server errors after the technical retries", async () => {
    receiver.answer(500, 502, 503, 200);
    await expect(client({ method: "POST", url: `${receiver.url}/e`, body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } })).rejects.toBeInstanceOf(TechnicalFailure);
    const sent = receiver.requests.filter((r) => r.path === "/e");
    expect(sent).toHaveLength(3);
    expect(sent[0]!.body).toBe("a=1");
    expect(sent[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });
});
