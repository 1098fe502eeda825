import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { CommitResult } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { syncRuns, syncRunSteps } from "@/lib/db/schema";
import { formatNumber } from "@/lib/utils";
import { activeRunStatuses, isOneOf } from "@/lib/vocabulary";
import type { ConsentRule } from "./config";
import { type LoadedRun, loadRunContext, RunGoneError } from "./context";
import { carryResults } from "./carry";
import { abortDelivery, carriesPerBatch } from "./deliver";
import { endRunWith, markInterrupted } from "./runs";

export type RunCounts = { planned: number; created: number; updated: number; deleted: number; unchanged: number; failed: number };

/** What the run's page says about a run besides its counts: the destination's note and who consent held back. */
function completionNotice(commit: CommitResult, heldBack: number, consent: ConsentRule | null): string | null {
  const held = consent && heldBack > 0 ? `${formatNumber(heldBack)} ${heldBack === 1 ? "contact was" : "contacts were"} held back: no ${consent.channel} consent granted.` : undefined;
  return [commit.message, held].filter(Boolean).join(" ") || null;
}

/**
 * How a run ended before delivering all it planned: it failed and could not go on, or a user cancelled it.
 * `discarded`: its delivery was aborted and nothing it wrote reached the destination (a dropped stage).
 */
export type RunEnd = { status: "failed" | "cancelled"; error: string; discarded?: boolean };

/**
 * Carries the run's outcome into the sync's diff state in set-based statements (unless its batches were
 * carried as they were delivered, see carriesPerBatch), then sets the run's
 * counts and status: succeeded, partial when some records were rejected, or `end` when the run stopped
 * early — what it delivered before is kept, so the next run neither sends it again nor misses the rest.
 */
export async function finalizeRun(db: Db, loaded: LoadedRun, commit: CommitResult, end?: RunEnd) {
  const { run, sync } = loaded;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
    // Written to a stage that was dropped: not delivered, so neither counted nor kept as synced.
    if (end?.discarded) await tx.execute(sql`UPDATE sync_run_items SET status = 'pending', result_op = NULL WHERE run_id = ${run.id} AND status = 'done'`);
    // A replace that stopped early may have left the destination holding only part of the dataset (an audience
    // replace empties it first, a removal may not have been applied): the next runs send again, and remove
    // again, every record this one did not deliver. One whose writes were all discarded changed nothing.
    const unconfirmed = run.mode === "replace" && end !== undefined && !end.discarded;
    // Other runs carried each batch's results as it was delivered.
    if (!carriesPerBatch(loaded)) await carryResults(tx, { syncId: sync.id, runId: run.id, deletes: !unconfirmed });
    if (unconfirmed)
      await tx.execute(sql`
        UPDATE sync_records r SET status = 'failed', error = 'Not confirmed by a replace run that stopped early: sent again' WHERE r.sync_id = ${sync.id}
           AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${run.id} AND i.record_key = r.record_key AND i.status = 'done' AND i.operation <> 'delete')`);
    if (run.mode === "replace" && !end)
      await tx.execute(sql`
        DELETE FROM sync_records r WHERE r.sync_id = ${sync.id}
           AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${run.id} AND i.record_key = r.record_key)`);

    // A record new to the sync counts as created even when the destination answered "updated": its create's
    // reply was lost (or a crash replayed it) and the retry met the record this run had just made.
    const [c] = (
      await tx.execute<Omit<RunCounts, "planned" | "unchanged">>(sql`
        SELECT count(*) FILTER (WHERE status = 'done' AND (result_op = 'create' OR (result_op = 'update' AND operation = 'create')))::int AS created,
               count(*) FILTER (WHERE status = 'done' AND result_op = 'update' AND operation <> 'create')::int AS updated,
               count(*) FILTER (WHERE status = 'done' AND result_op = 'delete')::int AS deleted,
               count(*) FILTER (WHERE status = 'failed')::int AS failed
          FROM sync_run_items WHERE run_id = ${run.id}`)
    ).rows;
    const counts = { ...c!, deleted: c!.deleted + (commit.deleted ?? 0) };
    const status = end?.status ?? (counts.failed > 0 ? ("partial" as const) : ("succeeded" as const));
    const [updated] = await tx
      .update(syncRuns)
      .set({
        ...counts,
        ...(end?.discarded ? { delivered: counts.failed } : {}),
        status,
        finishedAt: new Date(),
        error: end?.error ?? null,
        notice: completionNotice(commit, run.heldBack, loaded.config.consent),
        files: commit.files ?? null,
      })
      .where(eq(syncRuns.id, run.id))
      .returning();
    // The step that ends the run (Finalize) ends with it: nobody sees an ended run with a step still running.
    await tx.update(syncRunSteps).set({ status: "succeeded", finishedAt: new Date() }).where(and(eq(syncRunSteps.runId, run.id), eq(syncRunSteps.status, "running")));
    return { status, counts: { planned: updated!.planned, unchanged: updated!.unchanged, ...counts } };
  });
}

/**
 * Ends a run that stopped outside its own steps (its function failed for good, or the job runtime cancelled
 * it): the delivery is aborted and what was delivered kept. False when the run had already ended or is gone.
 */
export async function endRunEarly(db: Db, runId: string, end: RunEnd): Promise<boolean> {
  await markInterrupted(db, { runId, then: "the run ended before the step ran again" });
  const loaded = await loadRunContext(db, runId).catch((error: unknown) => error as Error);
  // A run whose sync's settings cannot be read any more never delivered: it ends as it stands.
  if (loaded instanceof Error) return !(loaded instanceof RunGoneError) && (await endRunWith(db, runId, end.status, end.error)) !== undefined;
  if (!isOneOf(activeRunStatuses, loaded.run.status)) return false;
  const discarded = await abortDelivery(db, loaded).catch(() => false);
  if (loaded.run.status === "running") await finalizeRun(db, loaded, {}, { ...end, discarded });
  else await endRunWith(db, runId, end.status, end.error);
  return true;
}
