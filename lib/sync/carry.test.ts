/** Each delivered batch reaches the sync's diff state with its results, not at finalize, except in a replace. */
import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { syncRecords, syncRuns } from "@/lib/db/schema";
import { customersSyncForFile } from "@/test/customers-sync";
import { connectTestDb } from "@/test/db";
import { loadRunContext } from "./context";
import { beginDelivery, deliverBatches } from "./deliver";
import { finalizeRun } from "./finalize";
import { planRun } from "./plan";

const { db } = connectTestDb();
const customers = customersSyncForFile(db);

/** Plans a run two records a batch and delivers its first batch only. */
async function deliverFirstBatch(mode: "incremental" | "replace") {
  const [run] = await db.insert(syncRuns).values({ workspaceId: customers.workspaceId, syncId: customers.syncId, trigger: "manual", mode, status: "running", startedAt: new Date() }).returning();
  await planRun(db, await loadRunContext(db, run!.id), 2);
  await beginDelivery(db, await loadRunContext(db, run!.id));
  await deliverBatches(db, await loadRunContext(db, run!.id), { from: 0, min: 1, until: 1, budgetMs: 0 });
  const first = await db.execute<{ record_key: string; hash: string }>(sql`SELECT record_key, hash FROM sync_run_items WHERE run_id = ${run!.id} AND batch = 0 ORDER BY record_key`);
  return { runId: run!.id, first: first.rows.map((r) => [r.record_key, r.hash]) };
}

const kept = async () =>
  (await db.query.syncRecords.findMany({ where: eq(syncRecords.syncId, customers.syncId), orderBy: syncRecords.recordKey })).map((r) => [r.recordKey, r.hash]);

it("keeps an incremental run's delivered batch in the sync's state before the run ends, and a replace's only once it is swapped in", async () => {
  const incremental = await deliverFirstBatch("incremental");
  expect(incremental.first).toHaveLength(2);
  expect(await kept()).toEqual(incremental.first);
  await finalizeRun(db, await loadRunContext(db, incremental.runId), {});
  const synced = await kept();

  // The replace sends every record again, with a hash of its own once an email changed.
  await db.execute(sql`UPDATE contacts SET email = 'moved.' || email WHERE workspace_id = ${customers.workspaceId}`);
  const replace = await deliverFirstBatch("replace");
  expect(replace.first).toHaveLength(2);
  expect(await kept()).toEqual(synced);
});
