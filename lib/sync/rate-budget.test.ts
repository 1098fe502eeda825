/**
 * A connection's request budget holds at the receiver's clock: requests take varying time to arrive (network,
 * queues), and the window a vendor counts in is its own. Both sandboxes count requests per sliding window of
 * their clock, after a jittery delay, and answer 429 beyond the vendor's limit, which equals the budget here.
 * Then the permit itself: held while in flight, counted from the answer, expiring when a crash never gave it back.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { startBrevoSandbox } from "@/connectors/brevo/sandbox";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { listDestinationFields } from "@/lib/connections/destination";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import type { SyncInput } from "@/lib/sync/config";
import { acquirePermit } from "@/lib/sync/rate-budget";
import { connectTestDb, newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const BUDGET = { windowSeconds: 1, maxRequests: 10 };
const JITTER = { minMs: 0, maxMs: 400 };
const CONTACTS = 50;

async function runThrough(p: { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown>; sync: Pick<SyncInput, "object" | "mapping" | "matchKey"> }) {
  const workspaceId = await newWorkspace(db, { seed: { contacts: CONTACTS, products: 1, orders: 2, orderItems: 2 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: p.connector, name: p.connector, settings: p.settings, secrets: p.secrets, rateLimit: BUDGET });
  const sync = await createSync(db, { workspaceId, input: { name: "Contacts", datasetId: dataset.id, connectionId: connection.id, ...p.sync } });
  return runtime.run({ workspaceId, syncId: sync.id }, 120_000);
}

describe("a connection's request budget, counted at the receiver", () => {
  it("HTTP API with jittery latency: no window of the API's clock holds more than the budget, and no 429", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox({ rateLimit: { limit: BUDGET.maxRequests, windowMs: 1_000 } }));
    sandbox.configure({ latency: JITTER });
    const run = await runThrough({
      connector: "http-api",
      settings: httpApiSettings(sandbox),
      secrets: { token: sandbox.token },
      sync: { object: "contacts", mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] }], matchKey: { from: "id", to: "contact_id" } },
    });
    expect(run).toMatchObject({ status: "succeeded", created: CONTACTS });
    expect(sandbox.log.filter((l) => l.status === 429)).toEqual([]);
    expect(sandbox.maxInWindow(1_000)).toBeLessThanOrEqual(BUDGET.maxRequests);
  });

  it("Brevo with jittery latency, a budget equal to its 10 contact calls a second: no window of Brevo's clock holds more, and no 429", async () => {
    const sandbox = runtime.closeAfter(await startBrevoSandbox());
    sandbox.configure({ latency: JITTER });
    const run = await runThrough({
      connector: "brevo",
      settings: { apiBaseUrl: sandbox.url, listIds: [2] },
      secrets: { apiKey: sandbox.apiKey },
      sync: { object: "contacts", mapping: [{ from: { field: "first_name" }, to: "FIRSTNAME" }], matchKey: { from: "id", to: "ext_id" } },
    });
    expect(run).toMatchObject({ status: "succeeded", created: CONTACTS });
    expect(sandbox.log.filter((l) => l.status === 429)).toEqual([]);
    expect(sandbox.maxInWindow(1_000)).toBeLessThanOrEqual(BUDGET.maxRequests);
  });

  it("counts every request to the connection, a run's or not: reading fields and checking a sync take permits too", async () => {
    const sandbox = runtime.closeAfter(await startBrevoSandbox());
    const workspaceId = await newWorkspace(db, { seed: { contacts: 1, products: 1, orders: 1, orderItems: 1 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const oneInTwoSeconds = { windowSeconds: 2, maxRequests: 1 };
    const connection = await createConnection(db, { workspaceId, connector: "brevo", name: "Brevo", settings: { apiBaseUrl: sandbox.url, listIds: [2] }, secrets: { apiKey: sandbox.apiKey }, rateLimit: oneInTwoSeconds });
    await listDestinationFields(db, { workspaceId, connectionId: connection.id, object: "contacts" });
    await createSync(db, { workspaceId, input: { name: "Contacts", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: [{ from: { field: "first_name" }, to: "FIRSTNAME" }], matchKey: { from: "id", to: "ext_id" } } });
    expect(sandbox.log.length).toBeGreaterThanOrEqual(2);
    expect(sandbox.maxInWindow(2_000)).toBe(1);
  });
});

describe("a permit of the budget", () => {
  const ONE_A_SECOND = { windowSeconds: 1, maxRequests: 1 };

  it("counts while its request is in flight, and for a whole window from its answer", async () => {
    const connectionId = crypto.randomUUID();
    const release = await acquirePermit(db, connectionId, ONE_A_SECOND, 30_000);
    const started = Date.now();
    const next = acquirePermit(db, connectionId, ONE_A_SECOND, 30_000).then(() => Date.now() - started);
    await new Promise((r) => setTimeout(r, 600));
    await release();
    expect(await next).toBeGreaterThanOrEqual(1_590);
  });

  it("one a crashed process never gave back expires after its request's timeout", async () => {
    const connectionId = crypto.randomUUID();
    await acquirePermit(db, connectionId, ONE_A_SECOND, 500);
    const started = Date.now();
    await acquirePermit(db, connectionId, ONE_A_SECOND, 500);
    // The lease (the timeout and a second's slack), then a window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
