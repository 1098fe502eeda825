import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { canonicalBody, generateEventKey, generateSigningKey, signature } from "@/inngest/local/signing";

const signingKey = generateSigningKey();
let route: typeof import("./route");

beforeAll(async () => {
  vi.stubEnv("INNGEST_SIGNING_KEY", signingKey);
  vi.stubEnv("INNGEST_EVENT_KEY", generateEventKey());
  vi.stubEnv("INNGEST_DEV", "0");
  route = await import("./route");
});
afterAll(() => vi.unstubAllEnvs());

const body = { event: { name: "sync/run.requested", data: {} }, steps: {}, ctx: { run_id: "r1", attempt: 0 } };
const call = (method: "GET" | "POST" | "PUT", headers: Record<string, string> = {}, payload?: unknown) =>
  (route[method] as unknown as (r: Request, c: unknown) => Promise<Response>)(
    new Request("http://localhost/api/inngest?fnId=relay-nothing&stepId=step", {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: payload === undefined ? undefined : canonicalBody(payload),
    }),
    {},
  );

describe("/api/inngest (the app's serve route)", () => {
  it("refuses unsigned and forged requests", async () => {
    expect((await call("POST", {}, body)).status).toBe(401);
    expect(await (await call("POST", {}, body)).json()).toEqual({ message: "Unauthorized" });
    const forged = signature(generateSigningKey(), canonicalBody(body));
    expect((await call("POST", { "x-inngest-signature": forged }, body)).status).toBe(401);
    const stale = signature(signingKey, canonicalBody(body), Date.now() - 10 * 60_000);
    expect((await call("POST", { "x-inngest-signature": stale }, body)).status).toBe(401);
    expect((await call("GET")).status).toBe(401);
    const tampered = signature(signingKey, canonicalBody({ ...body, steps: { x: { data: 1 } } }));
    expect((await call("POST", { "x-inngest-signature": tampered }, body)).status).toBe(401);
  });

  it("accepts a request signed with its key", async () => {
    const response = await call("POST", { "x-inngest-signature": signature(signingKey, canonicalBody(body)) }, body);
    expect(response.status).not.toBe(401);
    expect(await response.text()).toContain('Function \\"relay-nothing\\" was not found');
  });
});
