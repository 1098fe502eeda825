import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { syncRecords, syncRuns } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb } from "@/test/db";
import { contactMapping, syncContactsToSandbox } from "@/test/http-api-sync";
import { syncTestRuntime } from "@/test/sync-runtime";
import { loadRunContext } from "./context";
import { beginDelivery, commitDelivery, deliverBatches } from "./deliver";
import { finalizeRun } from "./finalize";
import { planRun } from "./plan";
import { dryRun } from "./try-out";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

describe("rows that change between a run's plan and its delivery", () => {
  it("sends each row as it is when its batch is delivered, keeps the hash of what was sent, and sends nothing for a row gone", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox());
    const { workspaceId, sync } = await syncContactsToSandbox(db, { sandbox, contacts: 3 });
    const [run] = await db.insert(syncRuns).values({ workspaceId, syncId: sync.id, trigger: "manual", mode: "incremental", status: "running" }).returning();
    const plan = await planRun(db, await loadRunContext(db, run!.id), 2);

    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "c_00001", email: "Changed@Example.com" }] });
    await db.execute(sql`DELETE FROM contacts WHERE workspace_id = ${workspaceId} AND id = 'c_00003'`);
    await beginDelivery(db, await loadRunContext(db, run!.id));
    await deliverBatches(db, await loadRunContext(db, run!.id), { from: 0, min: plan.batches, until: plan.batches, budgetMs: 60_000 });
    const commit = await commitDelivery(db, await loadRunContext(db, run!.id));
    const ended = await finalizeRun(db, await loadRunContext(db, run!.id), commit);

    expect(ended).toMatchObject({ status: "partial", counts: { planned: 3, created: 2, failed: 1 } });
    expect([...sandbox.contacts.values()].map((c) => [c.contact_id, c.email]).sort()).toEqual([
      ["c_00001", "changed@example.com"],
      ["c_00002", expect.any(String)],
    ]);
    expect(await runtime.itemOf(run!.id, "c_00003")).toMatchObject({ status: "failed", message: "The row left the dataset or its segment between the plan and the delivery: not sent" });
    // The state holds the hash of what was sent: the next run finds nothing to send again, and nothing to remove.
    expect(await db.$count(syncRecords, and(eq(syncRecords.syncId, sync.id), eq(syncRecords.status, "synced")))).toBe(2);
    expect(await runtime.run({ workspaceId, syncId: sync.id })).toMatchObject({ status: "succeeded", planned: 0, unchanged: 2 });
  });

  it("the dry run shows the records it would send with their payloads", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox());
    const { workspaceId, sync } = await syncContactsToSandbox(db, { sandbox, contacts: 2 });
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "c_00002", email: " Two@Example.com", first_name: "Two" }] });
    const input = { name: "Contacts to the CRM", datasetId: sync.datasetId, connectionId: sync.connectionId, object: "contacts", mapping: contactMapping, matchKey: { from: "id", to: "contact_id" } };

    const outcome = await dryRun(db, { workspaceId, syncId: sync.id, input });

    expect(outcome.samples).toEqual([
      { key: "c_00001", operation: "create", payload: expect.objectContaining({ contact_id: "c_00001", email: expect.any(String) }) },
      { key: "c_00002", operation: "create", payload: { contact_id: "c_00002", email: "two@example.com", first_name: "Two" } },
    ]);
  });
});
