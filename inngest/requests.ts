import "server-only";
import type { Db } from "@/lib/db/client";
import { runSharingProblem } from "@/lib/syncs/sharing";
import { PublicError } from "@/lib/errors";
import { realtimeSyncsUsing } from "@/lib/sync/due";
import { markCancelRequested, queueRun, releaseHeldRun } from "@/lib/sync/runs";
import { markImportCancelRequested, queueImportRun } from "@/lib/sources/run-state";
import type { RunMode, RunTrigger } from "@/lib/vocabulary";
import type { EntityName } from "@/lib/entities/catalog";
import { describeError } from "@/lib/log";
import { inngest } from "./client";
import { importRequested, importRunFinished, runRequested, syncRealtimeRequested, syncRunFinished, syncRunRequested } from "./events";

/**
 * Queues a run of a sync and asks the job runtime to start it, or answers the run already queued that it
 * folds into (see queueRun); refused (409) when the run would remove or overwrite what another sync wrote.
 */
export async function requestSyncRun(db: Db, p: { workspaceId: string; syncId: string; trigger: RunTrigger; mode: RunMode; onlyKeys?: string[] }) {
  const shared = await runSharingProblem(db, p);
  if (shared) throw new PublicError(shared, { status: 409 });
  const { run, folded } = (await queueRun(db, p))!;
  if (!folded) await inngest.send(runRequested({ runId: run.id, syncId: p.syncId, workspaceId: p.workspaceId }));
  return run;
}

/** Confirm and deliver: the held run is queued again and started; it delivers the plan it kept. */
export async function confirmHeldRun(db: Db, p: { workspaceId: string; runId: string; confirmedBy: string }) {
  const run = await releaseHeldRun(db, p);
  // Its own event id: the one that first started the run deduplicates for 24 hours.
  await inngest.send(syncRunRequested.create({ runId: run.id, syncId: run.syncId, workspaceId: run.workspaceId }, { id: `sync-run:${run.id}:confirmed` }));
  return run;
}

/**
 * Asks each enabled real-time sync that reads the entity for a run (debounced per sync); when none reads it,
 * no job starts at all. Best effort: the rows are stored whatever happens here.
 */
export async function announceRecordsChanged(db: Db, p: { workspaceId: string; entity: EntityName; count: number }) {
  if (p.count === 0) return;
  try {
    const syncs = await realtimeSyncsUsing(db, p);
    if (syncs.length) await inngest.send(syncs.map((s) => syncRealtimeRequested.create({ syncId: s.id, workspaceId: s.workspaceId })));
  } catch (error) {
    console.error(`Real-time syncs were not told that ${p.entity} changed:`, describeError(error));
  }
}

/**
 * Asks a run to stop (see markCancelRequested); answers what the run shows now — "cancelled" for a run that had not
 * started, "cancelling" until a running one reaches its next batch — or undefined when it had already ended.
 */
export async function requestRunCancel(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await markCancelRequested(db, p);
  if (!run) return undefined;
  // A queued run's function waits for a run of its sync to end: this wakes it, and it finds its run ended.
  if (run.status === "cancelled") await inngest.send(syncRunFinished.create({ runId: run.id, syncId: run.syncId, workspaceId: run.workspaceId, status: "cancelled" }));
  return { run, status: run.status === "cancelled" ? ("cancelled" as const) : ("cancelling" as const) };
}

/** Queues a run of an import and asks the job runtime to start it, or answers the run already queued that it folds into. */
export async function requestImportRun(db: Db, p: { workspaceId: string; importId: string; trigger: RunTrigger }) {
  const { run, folded } = (await queueImportRun(db, p))!;
  if (!folded) await inngest.send(importRequested({ runId: run.id, importId: p.importId, workspaceId: p.workspaceId }));
  return run;
}

/** Asks an import run to stop: "cancelled" when it had not started, "cancelling" until a running one reaches its next page; undefined when it had ended. */
export async function requestImportRunCancel(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await markImportCancelRequested(db, p);
  if (!run) return undefined;
  // A queued run's function waits for a run of its import to end: this wakes it, and it finds its run ended.
  if (run.status === "cancelled") await inngest.send(importRunFinished.create({ runId: run.id, importId: run.importId, workspaceId: run.workspaceId, status: "cancelled" }));
  return { run, status: run.status === "cancelled" ? ("cancelled" as const) : ("cancelling" as const) };
}
