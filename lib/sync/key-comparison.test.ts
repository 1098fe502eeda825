/**
 * Replaces matched on an email, into tools that compare emails without case and keep them in lower case
 * (HubSpot, Zendesk, Brevo), through the engine against each connector's sandbox: the sync's own leavers are
 * removed, its state keeps exactly what the tool holds, and state written before keys were compared the
 * tool's way (as the dataset wrote them) is taken over without a duplicate.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startBrevoSandbox } from "@/connectors/brevo/sandbox";
import { startHubspotSandbox } from "@/connectors/hubspot/sandbox";
import { startZendeskSandbox } from "@/connectors/zendesk/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync, syncInputOf } from "@/lib/syncs/save";
import { syncRecords } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import type { FilterGroup } from "@/lib/segment/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import type { SyncInput } from "./config";
import { testOneRecord } from "./try-out";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

/** A tool's sandbox as these tests use it: the connection to it, the sync's object and mapping, and the emails it holds. */
type Destination = { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown>; object: string; mapping: SyncInput["mapping"]; emails: () => string[] };

const destinations: Record<string, () => Promise<Destination>> = {
  HubSpot: async () => {
    const s = runtime.closeAfter(await startHubspotSandbox({ timeScale: 0.01 }));
    return { connector: "hubspot", settings: { apiBaseUrl: s.url }, secrets: { accessToken: s.token }, object: "contacts", mapping: [{ from: { field: "first_name" }, to: "firstname" }], emails: () => s.records().map((r) => r.properties.email!) };
  },
  Zendesk: async () => {
    const s = runtime.closeAfter(await startZendeskSandbox({ bulkImport: true }));
    return {
      connector: "zendesk",
      settings: { subdomain: "acme", email: s.email, apiBaseUrl: s.url, sendVerifyEmail: false },
      secrets: { apiToken: s.token },
      object: "users",
      mapping: [{ from: { template: "{first_name} {last_name}" }, to: "name" }],
      emails: () => s.endUsers().map((u) => u.email!),
    };
  },
  Brevo: async () => {
    const s = runtime.closeAfter(await startBrevoSandbox({ timeScale: 0.01 }));
    return { connector: "brevo", settings: { apiBaseUrl: s.url, listIds: [] }, secrets: { apiKey: s.apiKey }, object: "contacts", mapping: [{ from: { field: "first_name" }, to: "FIRSTNAME" }], emails: () => [...s.contacts.values()].map((c) => c.email!) };
  },
};

const inFrance: FilterGroup = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "FR" }] };
const ids = Array.from({ length: 20 }, (_, i) => `c_${String(i + 1).padStart(5, "0")}`);
/** Emails as people type them, in mixed case. */
const written = (i: number) => `Person.${i + 1}@Example.COM`;
const stored = (i: number) => `person.${i + 1}@example.com`;

describe.each(Object.keys(destinations))("a replace into %s matched on email", (name) => {
  it("removes exactly the sync's own contacts that left the segment, whatever their case, and its state agrees with the tool", async () => {
    const destination = await destinations[name]!();
    const workspaceId = await newWorkspace(db, { seed: { contacts: 20, products: 2, orders: 10, orderItems: 20 } });
    await upsertRecords(db, { workspaceId, entity: "contacts", records: ids.map((id, i) => ({ id, email: written(i), country: "FR" })) });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: destination.connector, name, settings: destination.settings, secrets: destination.secrets, rateLimit: { windowSeconds: 1, maxRequests: 10_000 } });
    const sync = await createSync(db, {
      workspaceId,
      input: { name: `Contacts to ${name}`, datasetId: dataset.id, connectionId: connection.id, object: destination.object, filter: inFrance, mapping: destination.mapping, matchKey: { from: "email", to: "email" }, onLeave: "delete", deletionLimit: null },
    });
    const run = (mode: "incremental" | "replace") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
    const stateKeys = async () => (await db.query.syncRecords.findMany({ where: eq(syncRecords.syncId, sync.id) })).map((r) => r.recordKey).sort();

    expect(await run("replace")).toMatchObject({ status: "succeeded", planned: 20, created: 20, failed: 0 });
    expect(destination.emails().sort()).toEqual(ids.map((_, i) => stored(i)).sort());
    expect(await stateKeys()).toEqual(ids.map((_, i) => stored(i)).sort());

    // State written before keys were compared the tool's way holds the emails as the dataset wrote them (and its sync says nothing of their form).
    for (const [i] of ids.entries()) if (i % 2 === 0) await db.execute(sql`UPDATE sync_records SET record_key = ${written(i)} WHERE sync_id = ${sync.id} AND record_key = ${stored(i)}`);
    await db.execute(sql`UPDATE syncs SET state_key_comparison = NULL WHERE id = ${sync.id}`);
    // And a key it once held in both forms is one record.
    await db.execute(sql`INSERT INTO sync_records (workspace_id, sync_id, record_key, status) VALUES (${workspaceId}, ${sync.id}, ${written(1)}, 'synced')`);
    // Ten contacts move out of the segment.
    await upsertRecords(db, { workspaceId, entity: "contacts", records: ids.slice(10).map((id) => ({ id, country: "DE" })) });

    const replaced = await run("replace");
    expect(replaced).toMatchObject({ status: "succeeded", planned: 20, created: 0, updated: 10, deleted: 10, failed: 0 });
    expect(destination.emails().sort()).toEqual(ids.slice(0, 10).map((_, i) => stored(i)).sort());
    expect(await stateKeys()).toEqual(ids.slice(0, 10).map((_, i) => stored(i)).sort());
    expect(await run("incremental")).toMatchObject({ status: "succeeded", planned: 0, deleted: 0 });
  });
});

describe("sending one record from the sync builder", () => {
  it("keeps its state under the key as HubSpot compares it, so the next run updates that contact", async () => {
    const destination = await destinations.HubSpot!();
    const workspaceId = await newWorkspace(db, { seed: { contacts: 3, products: 1, orders: 1, orderItems: 1 } });
    await upsertRecords(db, { workspaceId, entity: "contacts", records: ids.slice(0, 3).map((id, i) => ({ id, email: written(i), country: "FR" })) });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: destination.connector, name: "HubSpot", settings: destination.settings, secrets: destination.secrets });
    const sync = await createSync(db, {
      workspaceId,
      input: { name: "Contacts", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: destination.mapping, matchKey: { from: "email", to: "email" } },
    });
    const sent = await testOneRecord(db, { workspaceId, syncId: sync.id, input: syncInputOf(sync), key: written(0) });
    expect(sent.result).toMatchObject({ status: "ok", op: "create" });
    expect((await db.query.syncRecords.findMany({ where: eq(syncRecords.syncId, sync.id) })).map((r) => r.recordKey)).toEqual([stored(0)]);
    expect(await runtime.run({ workspaceId, syncId: sync.id })).toMatchObject({ status: "succeeded", created: 2, updated: 1 });
    expect(destination.emails().sort()).toEqual([stored(0), stored(1), stored(2)]);
  });
});
