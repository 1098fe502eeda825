/**
 * Lost replies: the tool applies a write, then the connection drops before its answer, and the engine sends
 * the write again. Through the engine against the HubSpot and Salesforce sandboxes, each record must exist
 * exactly once afterwards, whether the connector upserts on the key or creates and meets the duplicate.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startBrevoSandbox } from "@/connectors/brevo/sandbox";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { startHubspotSandbox } from "@/connectors/hubspot/sandbox";
import { sandboxConnection, startSalesforceSandbox } from "@/connectors/salesforce/sandbox";
import { startZendeskSandbox } from "@/connectors/zendesk/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { syncRecordLogs, syncRecords } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { syncTestRuntime } from "@/test/sync-runtime";
import type { SyncInput } from "./config";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const COUNT = 450;
const keysOf = (count: number) => Array.from({ length: count }, (_, i) => `c_${String(i + 1).padStart(5, "0")}`);
const keys = keysOf(COUNT);
/** Fewer records where each goes in a request of its own. */
const SINGLES = 150;

/** Runs a first sync of `count` contacts and returns the run and the sync's state. */
async function firstRun(p: { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown>; sync: Pick<SyncInput, "object" | "mapping" | "matchKey">; count?: number }) {
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.count ?? COUNT, products: 2, orders: 10, orderItems: 20 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: p.connector, name: p.connector, settings: p.settings, secrets: p.secrets, rateLimit: { windowSeconds: 1, maxRequests: 10_000 } });
  const sync = await createSync(db, { workspaceId, input: { name: "Contacts", datasetId: dataset.id, connectionId: connection.id, ...p.sync } });
  const run = await runtime.run({ workspaceId, syncId: sync.id }, 120_000);
  const state = await db.query.syncRecords.findMany({ where: eq(syncRecords.syncId, sync.id) });
  const duplicates = await db.$count(syncRecordLogs, and(eq(syncRecordLogs.runId, run.id), eq(syncRecordLogs.errorKind, "duplicate")));
  return { run, state, duplicates, again: () => runtime.run({ workspaceId, syncId: sync.id }, 120_000) };
}

/**
 * Every record is counted as created. One whose every attempt lost its reply fails for now, as it truly did
 * (which requests draw the fault is a matter of concurrency), and the next run settles it, as a create.
 */
async function expectAllCreated(t: Awaited<ReturnType<typeof firstRun>>, count: number) {
  expect(t.run).toMatchObject({ updated: 0 });
  expect(t.run.created + t.run.failed).toBe(count);
  expect(t.run.failed).toBeLessThan(count / 10);
  if (t.run.failed > 0) expect(await t.again()).toMatchObject({ status: "succeeded", created: t.run.failed, updated: 0, failed: 0 });
}

const once = (values: unknown[]) => [...new Set(values)].length === values.length;

describe("a run whose writes lose their replies", () => {
  it("HubSpot (batch upsert on the unique key): every contact is created exactly once", async () => {
    const sandbox = runtime.closeAfter(await startHubspotSandbox({ timeScale: 0.01, lostReplies: { rate: 0.4 } }));
    const t = await firstRun({
      connector: "hubspot",
      settings: { apiBaseUrl: sandbox.url },
      secrets: { accessToken: sandbox.token },
      sync: { object: "contacts", mapping: [{ from: { field: "first_name" }, to: "firstname" }], matchKey: { from: "id", to: "relay_id" } },
    });
    expect(sandbox.log.filter((l) => l.lost).length).toBeGreaterThan(0);
    expect(t.run).toMatchObject({ status: "succeeded", failed: 0 });
    expect(t.run.created + t.run.updated).toBe(COUNT);
    const held = sandbox.records().map((r) => r.properties.relay_id);
    expect(held.sort()).toEqual(keys);
    expect(t.state.map((s) => sandbox.store.records.contacts.get(s.destinationId!)?.properties.relay_id).sort()).toEqual(keys);
    expect(await t.again()).toMatchObject({ status: "succeeded", planned: 0 });
  });

  it("HTTP API (create, a replayed create meeting the duplicate): every contact is created once and counted as created", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox({ faults: { rate: 0.1, kinds: ["lost_reply"] } }));
    const t = await firstRun({
      connector: "http-api",
      count: SINGLES,
      settings: httpApiSettings(sandbox, { idempotencyHeader: undefined }),
      secrets: { token: sandbox.token },
      sync: { object: "contacts", mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] }], matchKey: { from: "id", to: "contact_id" } },
    });
    expect(sandbox.log.filter((l) => l.status === "dropped").length).toBeGreaterThan(0);
    expect(t.duplicates).toBeGreaterThan(0);
    await expectAllCreated(t, SINGLES);
    expect([...sandbox.contacts.values()].map((c) => c.contact_id).sort()).toEqual(keysOf(SINGLES));
    expect(await t.again()).toMatchObject({ status: "succeeded", planned: 0 });
  });

  it("Brevo (create, a replayed create meeting duplicate_parameter): every contact is created once and counted as created", async () => {
    const sandbox = runtime.closeAfter(await startBrevoSandbox({ timeScale: 0.01, lostReplies: { rate: 0.1 } }));
    const t = await firstRun({
      connector: "brevo",
      count: SINGLES,
      settings: { apiBaseUrl: sandbox.url, listIds: [2] },
      secrets: { apiKey: sandbox.apiKey },
      sync: { object: "contacts", mapping: [{ from: { field: "first_name" }, to: "FIRSTNAME" }], matchKey: { from: "id", to: "ext_id" } },
    });
    expect(sandbox.log.filter((l) => l.lost).length).toBeGreaterThan(0);
    await expectAllCreated(t, SINGLES);
    expect([...sandbox.contacts.values()].map((c) => c.attributes.EXT_ID).sort()).toEqual(keysOf(SINGLES));
    expect(await t.again()).toMatchObject({ status: "succeeded", planned: 0 });
  });

  it("Zendesk (create_or_update, a replayed write answered as an update): every user is created once and counted as created", async () => {
    const sandbox = runtime.closeAfter(await startZendeskSandbox({ lostReplies: { rate: 0.1 } }));
    const t = await firstRun({
      connector: "zendesk",
      count: SINGLES,
      settings: { subdomain: "acme", email: sandbox.email, apiBaseUrl: sandbox.url, sendVerifyEmail: false },
      secrets: { apiToken: sandbox.token },
      sync: { object: "users", mapping: [{ from: { template: "{first_name} {last_name}" }, to: "name" }], matchKey: { from: "id", to: "external_id" } },
    });
    expect(sandbox.log.filter((l) => l.lost).length).toBeGreaterThan(0);
    await expectAllCreated(t, SINGLES);
    expect(sandbox.endUsers().map((u) => u.external_id).sort()).toEqual(keysOf(SINGLES));
    expect(await t.again()).toMatchObject({ status: "succeeded", planned: 0 });
  });

  const salesforceCases: [object: string, how: string, key: string, extra: SyncInput["mapping"], replayedCreates: boolean][] = [
    ["Contact", "upserted on its external ID", "Relay_Id__c", [], false],
    ["Lead", "created, a replayed create meeting DUPLICATE_VALUE", "Relay_Key__c", [{ from: { value: "Relay demo" }, to: "Company" }], true],
  ];
  it.each(salesforceCases)("Salesforce %s (%s): every record is created exactly once", async (object, _how, key, extra, replayedCreates) => {
    const sandbox = runtime.closeAfter(await startSalesforceSandbox({ lostReplies: { rate: 0.4 } }));
    const t = await firstRun({
      connector: "salesforce",
      ...sandboxConnection(sandbox),
      sync: { object, mapping: [{ from: { field: "last_name" }, to: "LastName" }, ...extra], matchKey: { from: "id", to: key } },
    });
    expect(sandbox.log.filter((l) => l.lost).length).toBeGreaterThan(0);
    expect(t.run).toMatchObject({ status: "succeeded", failed: 0 });
    expect(t.run).toMatchObject({ created: COUNT, updated: 0 });
    expect(t.duplicates > 0).toBe(replayedCreates);
    const held = sandbox.records(object);
    expect(held).toHaveLength(COUNT);
    expect(once(held.map((r) => r[key]))).toBe(true);
    expect(t.state.map((s) => held.find((r) => r.Id === s.destinationId)?.[key]).sort()).toEqual(keys);
    expect(await t.again()).toMatchObject({ status: "succeeded", planned: 0 });
  });
});
