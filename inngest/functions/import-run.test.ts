import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { insertDataset } from "@/lib/db/queries/datasets";
import { importRuns, importRunSteps, syncRuns } from "@/lib/db/schema";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { startImportRun } from "@/lib/sources/runs";
import { createSync } from "@/lib/syncs/save";
import { startAppRuntime } from "@/test/app-runtime";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { createImport, peopleImport, peopleSource, type SourceDb, tester } from "@/test/sources";

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let source: SourceDb;
let dest: Destination;
let workspaceId: string;
let syncId: string;

beforeAll(async () => {
  runtime = await startAppRuntime(db, { timeScale: 1 });
  workspaceId = await newWorkspace(db);
  source = await peopleSource(db, workspaceId, "postgres", 50);
  dest = await postgresDestination();
  await dest.query("CREATE TABLE leads (lead_id text PRIMARY KEY, email text)");
  const dataset = await insertDataset(db, { workspaceId, name: `Imported people ${Date.now()}`, definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: ["id", "email"] }) });
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Leads DB", settings: dest.settings, secrets: dest.secrets });
  const sync = await createSync(db, {
    workspaceId,
    input: { name: "Leads in real time", datasetId: dataset.id, connectionId: connection.id, object: "leads", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "lead_id" }, schedule: { type: "realtime" } },
  });
  syncId = sync.id;
});
afterAll(async () => {
  await runtime?.stop();
  await source?.close();
  await dest?.close();
});

/** Waits for the import run to end, as the runs page would show it. */
async function importEnded(runId: string) {
  await expect.poll(async () => (await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) }))?.status, { timeout: 60_000, interval: 50 }).toMatch(/succeeded|partial|failed|cancelled/);
  return (await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) }))!;
}
const syncRunsOf = () => db.query.syncRuns.findMany({ where: eq(syncRuns.syncId, syncId) });
const syncIdle = async () => (await syncRunsOf()).every((r) => !["queued", "running"].includes(r.status));

it("runs an import as a job with its step history, and a real-time sync downstream delivers what changed, once per import run", async () => {
  const imp = await createImport(db, workspaceId, peopleImport(source.sourceId));
  const first = await importEnded((await startImportRun(db, { workspaceId, actor: tester, importId: imp.id, trigger: "manual" })).id);
  expect(first).toMatchObject({ status: "succeeded", read: 50, created: 50 });
  const steps = await db.query.importRunSteps.findMany({ where: and(eq(importRunSteps.runId, first.id)) });
  expect(steps.map((s) => [s.name, s.status, s.error])).toEqual([
    ["Plan", "succeeded", null],
    ["Read rows (step 1)", "succeeded", null],
    ["Read keys to find removed rows (step 1)", "succeeded", null],
    ["Finalize", "succeeded", null],
  ]);
  await expect.poll(async () => (await dest.query("SELECT count(*)::int AS n FROM leads"))[0]!.n, { timeout: 60_000, interval: 100 }).toBe(50);
  await expect.poll(syncIdle, { timeout: 60_000, interval: 100 }).toBe(true);
  expect(await syncRunsOf()).toHaveLength(1);

  await source.query("UPDATE people SET email = 'moved@example.com', updated_at = '2026-02-01 00:00:00' WHERE id IN (4, 5)");
  const second = await importEnded((await startImportRun(db, { workspaceId, actor: tester, importId: imp.id, trigger: "manual" })).id);
  expect(second).toMatchObject({ status: "succeeded", read: 2, updated: 2 });
  await expect.poll(async () => dest.query("SELECT lead_id, email FROM leads WHERE lead_id IN ('4', '5') ORDER BY lead_id"), { timeout: 60_000, interval: 100 }).toEqual([
    { lead_id: "4", email: "moved@example.com" },
    { lead_id: "5", email: "moved@example.com" },
  ]);
  await expect.poll(syncIdle, { timeout: 60_000, interval: 100 }).toBe(true);
  expect(await syncRunsOf()).toHaveLength(2);
});
