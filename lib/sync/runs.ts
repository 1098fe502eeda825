import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { syncRuns, syncRunSteps } from "@/lib/db/schema";
import type { RunModeName } from "./config";

export type RunTrigger = (typeof syncRuns.$inferInsert)["trigger"];

/** Queues a run; the caller sends `sync/run.requested` for it. */
export async function queueRun(db: Db, p: { workspaceId: string; syncId: string; trigger: RunTrigger; mode: RunModeName; scheduledFor?: Date; onlyKeys?: string[] }) {
  const [run] = await db
    .insert(syncRuns)
    .values({ workspaceId: p.workspaceId, syncId: p.syncId, trigger: p.trigger, mode: p.mode, scheduledFor: p.scheduledFor, onlyKeys: p.onlyKeys })
    .onConflictDoNothing()
    .returning();
  return run;
}

/**
 * Marks the run running, unless another run of the same sync is running (a partial unique index holds one
 * running run per sync), in which case it stays queued and the caller waits for that run to finish.
 */
export async function claimRun(db: Db, runId: string): Promise<"running" | "busy" | "ended"> {
  const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
  if (!run || !["queued", "running"].includes(run.status)) return "ended";
  if (run.status === "running") return "running";
  try {
    await db.update(syncRuns).set({ status: "running", startedAt: new Date() }).where(and(eq(syncRuns.id, runId), eq(syncRuns.status, "queued")));
    return "running";
  } catch (error) {
    if ((error as { cause?: { code?: string }; code?: string }).cause?.code === "23505" || (error as { code?: string }).code === "23505") return "busy";
    throw error;
  }
}

/** Runs one step of a run and keeps its row in the per-step history (name, attempt, timings, error). */
export async function trackStep<T>(db: Db, p: { workspaceId: string; runId: string; name: string; attempt: number }, work: () => Promise<T>): Promise<T> {
  const [row] = await db.insert(syncRunSteps).values({ workspaceId: p.workspaceId, runId: p.runId, name: p.name, attempt: p.attempt, status: "running" }).returning();
  try {
    const result = await work();
    await db.update(syncRunSteps).set({ status: "succeeded", finishedAt: new Date() }).where(eq(syncRunSteps.id, row!.id));
    return result;
  } catch (error) {
    await db.update(syncRunSteps).set({ status: "failed", finishedAt: new Date(), error: (error as Error).message }).where(eq(syncRunSteps.id, row!.id));
    throw error;
  }
}

/** Ends a run that could not proceed (or was cancelled) with a clear message; a run already ended is left alone. */
export async function endRunWith(db: Db, runId: string, status: "failed" | "cancelled", error: string) {
  const [ended] = await db
    .update(syncRuns)
    .set({
      status,
      error,
      finishedAt: new Date(),
      failed: sql`(SELECT count(*)::int FROM sync_run_items WHERE run_id = ${runId} AND status = 'failed')`,
    })
    .where(and(eq(syncRuns.id, runId), inArray(syncRuns.status, ["queued", "running"])))
    .returning();
  return ended;
}

export const latestRuns = (db: Db, p: { workspaceId: string; syncId: string; limit?: number }) =>
  db.query.syncRuns.findMany({ where: and(eq(syncRuns.workspaceId, p.workspaceId), eq(syncRuns.syncId, p.syncId)), orderBy: desc(syncRuns.queuedAt), limit: p.limit ?? 20 });
