import "server-only";
import { eq, sql } from "drizzle-orm";
import type { CommitResult } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { syncRuns } from "@/lib/db/schema";
import { formatNumber } from "@/lib/utils";
import type { ConsentRule } from "./config";
import type { LoadedRun } from "./context";

export type RunCounts = { planned: number; created: number; updated: number; deleted: number; unchanged: number; failed: number };

/** What the run's page says about a run besides its counts: the destination's note and who consent held back. */
function runNotice(commit: CommitResult, heldBack: number, consent: ConsentRule | null): string | null {
  const held = consent && heldBack > 0 ? `${formatNumber(heldBack)} ${heldBack === 1 ? "contact was" : "contacts were"} held back: no ${consent.channel} consent granted.` : undefined;
  return [commit.message, held].filter(Boolean).join(" ") || null;
}

/**
 * Carries the run's outcome into the sync's diff state in set-based statements, then sets the run's
 * counts and status: succeeded, partial when some records were rejected, or failed (`failure`) when the
 * run could not go on — what it delivered before is kept, so the next run does not send it again.
 */
export async function finalizeRun(db: Db, loaded: LoadedRun, commit: CommitResult, failure?: string) {
  const { run, sync } = loaded;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
    await tx.execute(sql`
      INSERT INTO sync_records (workspace_id, sync_id, record_key, hash, destination_id, identifiers, status, error, attempts, updated_at)
      SELECT workspace_id, ${sync.id}::uuid, record_key, hash, destination_id, identifiers, 'synced', NULL, 0, now()
        FROM sync_run_items WHERE run_id = ${run.id} AND status = 'done' AND operation <> 'delete'
      ON CONFLICT (sync_id, record_key) DO UPDATE SET hash = EXCLUDED.hash, status = 'synced', error = NULL, attempts = 0, updated_at = now(),
        destination_id = coalesce(EXCLUDED.destination_id, sync_records.destination_id), identifiers = coalesce(EXCLUDED.identifiers, sync_records.identifiers)`);
    // A replace that failed may have left the destination holding only part of the dataset (an audience
    // replace empties it first, a removal may not have been applied): the next runs send again, and remove
    // again, every record this one did not deliver.
    const unconfirmed = run.mode === "replace" && failure !== undefined;
    if (!unconfirmed)
      await tx.execute(sql`
        DELETE FROM sync_records r USING sync_run_items i
         WHERE r.sync_id = ${sync.id} AND i.run_id = ${run.id} AND i.record_key = r.record_key AND i.operation = 'delete' AND i.status = 'done'`);
    // A record that failed keeps the hash of its last good delivery, so the next run sends it again, and
    // what may have reached the destination all the same, so a removal can name it.
    await tx.execute(sql`
      INSERT INTO sync_records (workspace_id, sync_id, record_key, hash, identifiers, status, error, attempts, updated_at)
      SELECT workspace_id, ${sync.id}::uuid, record_key, NULL, identifiers, 'failed', message, 1, now()
        FROM sync_run_items WHERE run_id = ${run.id} AND status = 'failed' AND operation <> 'reject'
      ON CONFLICT (sync_id, record_key) DO UPDATE SET status = 'failed', error = EXCLUDED.error, attempts = sync_records.attempts + 1, updated_at = now(),
        identifiers = coalesce(EXCLUDED.identifiers, sync_records.identifiers)`);
    if (unconfirmed)
      await tx.execute(sql`
        UPDATE sync_records r SET status = 'failed', error = 'Not confirmed by a replace run that failed: sent again' WHERE r.sync_id = ${sync.id}
           AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${run.id} AND i.record_key = r.record_key AND i.status = 'done' AND i.operation <> 'delete')`);
    if (run.mode === "replace" && !failure)
      await tx.execute(sql`
        DELETE FROM sync_records r WHERE r.sync_id = ${sync.id}
           AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${run.id} AND i.record_key = r.record_key)`);

    const [c] = (
      await tx.execute<Omit<RunCounts, "planned" | "unchanged">>(sql`
        SELECT count(*) FILTER (WHERE status = 'done' AND result_op = 'create')::int AS created,
               count(*) FILTER (WHERE status = 'done' AND result_op = 'update')::int AS updated,
               count(*) FILTER (WHERE status = 'done' AND result_op = 'delete')::int AS deleted,
               count(*) FILTER (WHERE status = 'failed')::int AS failed
          FROM sync_run_items WHERE run_id = ${run.id}`)
    ).rows;
    const counts = { ...c!, deleted: c!.deleted + (commit.deleted ?? 0) };
    const status = failure ? ("failed" as const) : counts.failed > 0 ? ("partial" as const) : ("succeeded" as const);
    const [updated] = await tx
      .update(syncRuns)
      .set({ ...counts, status, finishedAt: new Date(), error: failure ?? null, notice: runNotice(commit, run.heldBack, loaded.config.consent), files: commit.files ?? null })
      .where(eq(syncRuns.id, run.id))
      .returning();
    return { status, counts: { planned: updated!.planned, unchanged: updated!.unchanged, ...counts } };
  });
}
