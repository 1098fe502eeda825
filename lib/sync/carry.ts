import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";

/**
 * Carries delivered items into the sync's diff state: what was delivered keeps its hash (and the id and
 * identifiers the destination answered), what was deleted leaves (unless `deletes` is false), and a record
 * that failed keeps the hash of its last good delivery, so the next run sends it again, and what may have
 * reached the destination all the same, so a removal can name it. One batch's items, or all of the run's.
 */
export async function carryResults(db: Db, p: { syncId: string; runId: string; batch?: number; deletes: boolean }) {
  const inBatch = p.batch === undefined ? sql`` : sql`AND batch = ${p.batch}`;
  // One statement: the items are read once. Its parts touch distinct records (each item is done or failed, a delete or not).
  await db.execute(sql`
    WITH items AS MATERIALIZED (
      SELECT workspace_id, record_key, hash, destination_id, identifiers, status, operation, message FROM sync_run_items
       WHERE run_id = ${p.runId} ${inBatch} AND (status = 'done' OR (status = 'failed' AND operation <> 'reject'))
    ),
    synced AS (
      INSERT INTO sync_records (workspace_id, sync_id, record_key, hash, destination_id, identifiers, status, error, attempts, updated_at)
      SELECT workspace_id, ${p.syncId}::uuid, record_key, hash, destination_id, identifiers, 'synced', NULL, 0, now() FROM items WHERE status = 'done' AND operation <> 'delete'
      ON CONFLICT (sync_id, record_key) DO UPDATE SET hash = EXCLUDED.hash, status = 'synced', error = NULL, attempts = 0, updated_at = now(),
        destination_id = coalesce(EXCLUDED.destination_id, sync_records.destination_id), identifiers = coalesce(EXCLUDED.identifiers, sync_records.identifiers)
    ),
    -- The keys first, then each looked up: a join would scan the whole state once per batch.
    removed AS (
      DELETE FROM sync_records WHERE ${p.deletes} AND sync_id = ${p.syncId}
         AND record_key = ANY(ARRAY(SELECT record_key FROM items WHERE operation = 'delete' AND status = 'done'))
    )
    INSERT INTO sync_records (workspace_id, sync_id, record_key, hash, identifiers, status, error, attempts, updated_at)
    SELECT workspace_id, ${p.syncId}::uuid, record_key, NULL, identifiers, 'failed', message, 1, now() FROM items WHERE status = 'failed'
    ON CONFLICT (sync_id, record_key) DO UPDATE SET status = 'failed', error = EXCLUDED.error, attempts = sync_records.attempts + 1, updated_at = now(),
      identifiers = coalesce(EXCLUDED.identifiers, sync_records.identifiers)`);
}
