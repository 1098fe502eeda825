import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { syncRecordLogs, syncRunItems } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { entityTombstones, syncRuns, syncs } from "@/lib/db/schema";
import { deleteEntityRecords } from "@/lib/db/queries/entities";
import { pruneRecordLogs, pruneTombstones } from "./retention";

const { db } = connectTestDb();

describe("record log retention", () => {
  it("drops the record logs of runs that ended before the retention period, and keeps the runs", async () => {
    const workspaceId = await newWorkspace(db, { seed: { contacts: 2, products: 1, orders: 1, orderItems: 1 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "x", settings: { host: "127.0.0.1", database: "x", user: "x" } });
    const [sync] = await db.insert(syncs).values({ workspaceId, name: "s", datasetId: dataset.id, connectionId: connection.id, object: "t", mapping: [], matchKey: {}, schedule: { type: "manual" } }).returning();
    const now = new Date("2026-06-30T00:00:00Z");
    const make = async (finishedAt: Date) => {
      const [run] = await db.insert(syncRuns).values({ workspaceId, syncId: sync!.id, trigger: "manual", mode: "incremental", status: "succeeded", finishedAt }).returning();
      await db.insert(syncRunItems).values({ workspaceId, runId: run!.id, recordKey: "k", operation: "create", batch: 0, status: "done" });
      await db.insert(syncRecordLogs).values({ workspaceId, runId: run!.id, syncId: sync!.id, recordKey: "k", operation: "create", status: "failed", createdAt: finishedAt });
      return run!.id;
    };
    const old = await make(new Date("2026-05-01T00:00:00Z"));
    const recent = await make(new Date("2026-06-20T00:00:00Z"));
    await pruneRecordLogs(db, { days: 30, now });
    expect(await db.$count(syncRunItems, eq(syncRunItems.runId, old))).toBe(0);
    expect(await db.$count(syncRecordLogs, eq(syncRecordLogs.runId, old))).toBe(0);
    expect(await db.$count(syncRunItems, eq(syncRunItems.runId, recent))).toBe(1);
    expect(await db.$count(syncRecordLogs, eq(syncRecordLogs.runId, recent))).toBe(1);
    expect(await db.$count(syncRuns, eq(syncRuns.id, old))).toBe(1);
  });

  it("drops the tombstones of deleted rows once every sync plans in full again, and keeps the recent ones", async () => {
    const workspaceId = await newWorkspace(db, { seed: { contacts: 3, products: 1, orders: 1, orderItems: 1 } });
    await deleteEntityRecords(db, { workspaceId, entity: "products", ids: ["p_0001"] });
    const tombstones = () => db.$count(entityTombstones, eq(entityTombstones.workspaceId, workspaceId));
    expect(await tombstones()).toBeGreaterThan(0);
    await pruneTombstones(db, { fullPlanHours: 24, now: new Date(Date.now() + 24 * 3_600_000) });
    expect(await tombstones()).toBeGreaterThan(0);
    await pruneTombstones(db, { fullPlanHours: 24, now: new Date(Date.now() + 26 * 3_600_000) });
    expect(await tombstones()).toBe(0);
  });
});
