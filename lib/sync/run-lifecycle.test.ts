/**
 * A run's life through the app's own job runtime, against a real PostgreSQL table: cancelling a run
 * mid-delivery, runs requested back to back, and deleting a sync while it runs. A batch is held in
 * flight by locking the destination table, so each test acts at a known point of the run.
 */
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import * as cancelRoute from "@/app/api/v1/runs/[id]/cancel/route";
import * as runRoute from "@/app/api/v1/runs/[id]/route";
import * as syncRoute from "@/app/api/v1/syncs/[id]/route";
import * as runsRoute from "@/app/api/v1/syncs/[id]/runs/route";
import { inngestRuns } from "@/inngest/local/schema";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { notificationDeliveries, syncAlertStates, syncRecords, syncRunItems, syncRuns, syncRunSteps } from "@/lib/db/schema";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
/** Four batches of 5,000, the PostgreSQL connector's batch size. */
const CONTACTS = 20_000;
const BATCH = 5_000;

let dest: Destination;
let workspaceId: string;
let syncId: string;
let api: Awaited<ReturnType<typeof apiAs>>;

beforeAll(async () => {
  dest = runtime.closeAfter(await postgresDestination());
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text, first_name text)");
  workspaceId = await newWorkspace(db, { seed: { contacts: CONTACTS, products: 2, orders: 10, orderItems: 20 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets });
  const mapping = [
    { from: { field: "email" }, to: "email" },
    { from: { field: "first_name" }, to: "first_name" },
  ];
  syncId = (await createSync(db, { workspaceId, input: { name: "Customers", datasetId: dataset.id, connectionId: connection.id, object: "customers", mapping, matchKey: { from: "id", to: "customer_id" }, mode: "incremental", onLeave: "nothing" } })).id;
  api = await apiAs(db, workspaceId);
});

const table = () => `${String(dest.settings.schema)}.customers`;
const rowsAtDestination = async () => (await dest.query<{ n: number }>("SELECT count(*)::int AS n FROM customers"))[0]!.n;

let lockHolder: pg.Client | undefined;
// A test that failed while holding the table lets the next ones (and the schema's removal) go on.
afterEach(async () => {
  await lockHolder?.end();
  lockHolder = undefined;
});

/** Locks the destination table: the next batch written waits until release. */
async function holdDestination() {
  const client = new pg.Client({ connectionString: inject("databaseUrl") });
  lockHolder = client;
  await client.connect();
  await client.query("BEGIN");
  await client.query(`LOCK TABLE ${table()} IN EXCLUSIVE MODE`);
  return {
    /** Resolves once a batch is in flight, waiting on the lock. */
    batchWaiting: async () => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
        const waiting = await client.query(`SELECT 1 FROM pg_locks WHERE relation = '${table()}'::regclass AND NOT granted`);
        if (waiting.rowCount) return;
      }
      throw new Error("No batch reached the destination");
    },
    release: async () => {
      lockHolder = undefined;
      await client.query("COMMIT");
      await client.end();
    },
  };
}

const startRun = async (mode?: "incremental" | "full") => {
  const answer = await api.call(runsRoute.POST, { path: `/syncs/${syncId}/runs`, params: { id: syncId }, body: mode ? { mode } : {} });
  expect(answer.status).toBe(202);
  return (answer.body.data as { id: string }).id;
};

describe("a run's lifecycle", () => {
  it("cancel stops delivery at the next batch: the run counts exactly what arrived, and the next run sends the rest once", async () => {
    const held = await holdDestination();
    const runId = await startRun();
    await held.batchWaiting();
    const cancel = await api.call(cancelRoute.POST, { path: `/runs/${runId}/cancel`, params: { id: runId }, body: {} });
    expect(cancel).toMatchObject({ status: 202, body: { data: { id: runId, status: "cancelling" } } });
    expect((await api.call(runRoute.GET, { path: `/runs/${runId}`, params: { id: runId } })).body.data).toMatchObject({ status: "cancelling" });
    await held.release();

    const run = await runtime.runEnded(runId);
    expect(await rowsAtDestination()).toBe(BATCH);
    expect(run).toMatchObject({ status: "cancelled", planned: CONTACTS, created: BATCH, updated: 0, failed: 0, delivered: BATCH });
    const shown = await api.call(runRoute.GET, { path: `/runs/${runId}`, params: { id: runId } });
    expect(shown.body.data).toMatchObject({ status: "cancelled", counts: { created: BATCH, updated: 0 }, progress: { delivered: BATCH, planned: CONTACTS } });
    expect(await db.$count(syncRunItems, and(eq(syncRunItems.runId, runId), eq(syncRunItems.status, "done")))).toBe(BATCH);
    expect(await db.$count(syncRecords, eq(syncRecords.syncId, syncId))).toBe(BATCH);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await rowsAtDestination()).toBe(BATCH);

    const next = await runtime.run({ workspaceId, syncId });
    expect(next).toMatchObject({ status: "succeeded", planned: CONTACTS - BATCH, created: CONTACTS - BATCH, updated: 0, unchanged: BATCH });
    expect(await rowsAtDestination()).toBe(CONTACTS);
  });

  it("six runs requested back to back: the ones asked while a run goes fold into one queued run, none fails, nothing alerts", async () => {
    const held = await holdDestination();
    const first = await startRun("full");
    await held.batchWaiting();
    const later = [];
    for (let i = 0; i < 5; i++) later.push(await startRun("full"));
    await held.release();

    const ended = await Promise.all([first, ...new Set(later)].map((runId) => runtime.runEnded(runId, 120_000)));
    expect(ended.map((r) => [r.status, r.error])).toEqual(ended.map(() => ["succeeded", null]));
    expect(new Set(later).size).toBe(1);
    expect(later[0]).not.toBe(first);
    expect(ended.map((r) => r.updated)).toEqual([CONTACTS, CONTACTS]);
    expect(await db.$count(syncRuns, and(eq(syncRuns.syncId, syncId), eq(syncRuns.mode, "full")))).toBe(2);
    expect(await db.$count(syncAlertStates, and(eq(syncAlertStates.syncId, syncId), eq(syncAlertStates.status, "alerting")))).toBe(0);
    expect(await db.$count(notificationDeliveries, eq(notificationDeliveries.workspaceId, workspaceId))).toBe(0);
  });

  it("a queued run cancelled ends at once, having sent nothing, and its job ends without failing", async () => {
    const held = await holdDestination();
    const running = await startRun("full");
    await held.batchWaiting();
    const queued = await startRun("full");
    const cancel = await api.call(cancelRoute.POST, { path: `/runs/${queued}/cancel`, params: { id: queued }, body: {} });
    expect(cancel).toMatchObject({ status: 202, body: { data: { id: queued, status: "cancelled" } } });
    expect(await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, queued) })).toMatchObject({ status: "cancelled", error: "Cancelled by a user", planned: 0, startedAt: null });
    await held.release();

    expect(await runtime.runEnded(running)).toMatchObject({ status: "succeeded", updated: CONTACTS });
    await expect.poll(async () => (await db.select({ status: inngestRuns.status }).from(inngestRuns).where(sql`${inngestRuns.functionId} LIKE '%-sync-run' AND ${inngestRuns.event} -> 'data' ->> 'runId' = ${queued}`)).map((r) => r.status)).toEqual(["completed"]);
    expect(await db.$count(inngestRuns, and(eq(inngestRuns.status, "failed"), sql`${inngestRuns.event} -> 'data' ->> 'syncId' = ${syncId}`))).toBe(0);
  });

  it("deleting a sync while its run delivers is refused with 409; once the run ended the sync deletes, leaving no broken run", async () => {
    const held = await holdDestination();
    const runId = await startRun("full");
    await held.batchWaiting();
    const refused = await api.call(syncRoute.DELETE, { path: `/syncs/${syncId}`, params: { id: syncId }, method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(refused.body.error!.message).toMatch(/run of this sync is running/);
    await held.release();

    expect(await runtime.runEnded(runId)).toMatchObject({ status: "succeeded", error: null });
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, runId) });
    expect(steps.filter((s) => s.status !== "succeeded")).toEqual([]);
    const deleted = await api.call(syncRoute.DELETE, { path: `/syncs/${syncId}`, params: { id: syncId }, method: "DELETE" });
    expect(deleted).toMatchObject({ status: 200, body: { data: { id: syncId, deleted: true } } });
    expect(await db.$count(syncRuns, eq(syncRuns.syncId, syncId))).toBe(0);
  });
});
