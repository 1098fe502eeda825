import "server-only";
import type { Db } from "@/lib/db/client";
import type { RunModeName } from "@/lib/sync/config";
import { queueRun, type RunTrigger } from "@/lib/sync/runs";
import type { EntityName } from "@/lib/entities/catalog";
import { inngest } from "./client";
import { entityRecordsChanged, syncRunCancelRequested, syncRunRequested } from "./events";

/** Queues a run of a sync and asks the job runtime to start it. */
export async function requestSyncRun(db: Db, p: { workspaceId: string; syncId: string; trigger: RunTrigger; mode: RunModeName; onlyKeys?: string[] }) {
  const run = (await queueRun(db, p))!;
  await inngest.send(syncRunRequested.create({ runId: run.id, syncId: p.syncId, workspaceId: p.workspaceId }, { id: `sync-run:${run.id}` }));
  return run;
}

/** Tells real-time syncs that rows of an entity changed. Best effort: the rows are stored whatever happens here. */
export async function announceRecordsChanged(p: { workspaceId: string; entity: EntityName; count: number }) {
  try {
    await inngest.send(entityRecordsChanged.create(p));
  } catch (error) {
    console.error(`Real-time syncs were not told that ${p.entity} changed:`, (error as Error).message);
  }
}

/** Asks the job runtime to stop a run; the run is marked cancelled once it has stopped. */
export async function requestRunCancel(p: { runId: string; syncId: string; workspaceId: string }) {
  await inngest.send(syncRunCancelRequested.create(p));
}
