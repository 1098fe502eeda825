import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { syncRuns } from "@/lib/db/schema";
import type { LoadedRun } from "./context";
import { deletionsOverLimit } from "./deletion-limit";

/**
 * A replace that swaps the whole destination (a table strategy, a file) plans no per-record removals:
 * the records the sync holds that its plan lacks are the ones it removes.
 */
const replacesWhole = ({ run, connector }: LoadedRun) => run.mode === "replace" && connector.manifest.replace === "whole";

/** How many records the planned run removes from the destination, and how many the sync holds now. */
async function weighDeletions(db: Db, loaded: LoadedRun) {
  const { run, sync } = loaded;
  const unplanned = sql`(SELECT count(*) FROM sync_records r WHERE r.sync_id = ${sync.id}
    AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${run.id} AND i.record_key = r.record_key))`;
  const [row] = (
    await db.execute<{ deletes: number; holds: number }>(sql`
      SELECT ((SELECT count(*) FROM sync_run_items WHERE run_id = ${run.id} AND operation = 'delete') + ${replacesWhole(loaded) ? unplanned : sql`0`})::int AS deletes,
             (SELECT count(*) FROM sync_records WHERE sync_id = ${sync.id})::int AS holds`)
  ).rows;
  return row!;
}

/**
 * The deletion guard, after planning: a run that would delete more than the sync's limit is held for
 * confirmation (its plan kept, nothing delivered, the diff state untouched). Returns whether it was held.
 */
export async function holdIfOverLimit(db: Db, loaded: LoadedRun): Promise<boolean> {
  const weighed = await weighDeletions(db, loaded);
  const reason = deletionsOverLimit(loaded.config.deletionLimit, weighed);
  const [held] = await db
    .update(syncRuns)
    .set({ plannedDeletes: weighed.deletes, ...(reason ? { status: "held" as const, notice: reason, finishedAt: new Date() } : {}) })
    .where(and(eq(syncRuns.id, loaded.run.id), eq(syncRuns.status, "running")))
    .returning({ status: syncRuns.status });
  return held?.status === "held";
}

/** The plan a confirmed run kept from when it was held: delivered as it is, never planned again. */
export const keptPlan = (run: LoadedRun["run"]) => ({ planned: run.planned, unchanged: run.unchanged, heldBack: run.heldBack, batches: run.batches });
