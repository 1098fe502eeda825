import "server-only";
import crypto from "node:crypto";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { syncRuns } from "@/lib/db/schema";
import { compileDataset } from "@/lib/datasets/compile";
import { mappingColumns } from "@/lib/mapping/schema";
import { compileFilter } from "@/lib/segment/compile";
import type { LoadedRun } from "./context";

const id = (name: string) => sql.identifier(name);

/** jsonb_build_object takes at most 100 arguments: larger rows are built in pieces. */
function rowJson(columns: string[]): SQL {
  const pieces: SQL[] = [];
  for (let i = 0; i < columns.length; i += 50)
    pieces.push(sql`jsonb_build_object(${sql.join(columns.slice(i, i + 50).map((c) => sql`${c}::text, d.${id(c)}`), sql`, `)})`);
  return sql.join(pieces, sql` || `);
}

/** The hash covers the mapping itself: a changed mapping re-sends every record. */
export const mappingVersion = (loaded: LoadedRun) => crypto.createHash("sha256").update(JSON.stringify([loaded.config.mapping, loaded.config.matchKey])).digest("hex").slice(0, 16);

/**
 * Plans a run in one set-based statement: the dataset narrowed by the segment, each row's mapped inputs
 * hashed and compared with the sync's diff state, and the work written to sync_run_items in key order,
 * numbered into batches. Returns counts only.
 */
export async function planRun(db: Db, loaded: LoadedRun, batchSize: number) {
  const { run, sync, dataset, config } = loaded;
  await db.execute(sql`DELETE FROM sync_run_items WHERE run_id = ${run.id}`);
  const columns = mappingColumns(config.mapping, config.matchKey);
  const key = sql`(d.${id(config.matchKey.from)})::text`;
  const deletes = run.mode === "incremental" && sync.onLeave === "delete";
  const fresh = run.mode !== "incremental";
  const result = await db.execute<{ planned: number; unchanged: number; batches: number }>(sql`
    WITH cur AS (
      SELECT coalesce(${key}, '(no match key) ' || d.id) AS k, ${key} IS NULL AS no_key, ${rowJson(columns)} AS row
      FROM (${compileDataset(dataset.definition, sync.workspaceId)}) d
      WHERE ${compileFilter(config.filter, dataset.columns)}
    ),
    curh AS (
      SELECT DISTINCT ON (k) k, no_key, row, md5(${mappingVersion(loaded)} || row::text) AS h, count(*) OVER (PARTITION BY k) AS copies
      FROM cur ORDER BY k
    ),
    prev AS (SELECT record_key, hash, status FROM sync_records WHERE sync_id = ${sync.id}),
    diff AS (
      SELECT coalesce(c.k, p.record_key) AS k, c.row, c.h, c.copies, c.no_key,
        CASE
          WHEN c.k IS NULL THEN CASE WHEN ${deletes} AND p.hash IS NOT NULL THEN 'delete' END
          WHEN c.no_key OR c.copies > 1 THEN 'reject'
          WHEN p.record_key IS NULL OR p.hash IS NULL THEN 'create'
          WHEN ${fresh} OR p.status = 'failed' OR p.hash <> c.h THEN 'update'
        END AS op
      FROM curh c FULL JOIN prev p ON p.record_key = c.k
    ),
    planned AS (
      INSERT INTO sync_run_items (workspace_id, run_id, record_key, operation, batch, hash, row, status, message)
      SELECT ${sync.workspaceId}::uuid, ${run.id}::uuid, k, op, (row_number() OVER (ORDER BY k) - 1) / ${batchSize}, h, row,
        CASE WHEN op = 'reject' THEN 'failed' ELSE 'pending' END,
        CASE WHEN no_key THEN 'The row has no value for the match key ${sql.raw(config.matchKey.from.replace(/[^a-z0-9_]/g, ""))}'
             WHEN copies > 1 THEN copies || ' rows of the dataset have this match key: none of them is sent' END
      FROM diff WHERE op IS NOT NULL
      RETURNING batch, operation
    )
    SELECT (SELECT count(*)::int FROM planned) AS planned,
           (SELECT count(*)::int FROM diff WHERE op IS NULL AND row IS NOT NULL) AS unchanged,
           (SELECT coalesce(max(batch) + 1, 0)::int FROM planned) AS batches`);
  const counts = result.rows[0]!;
  await db
    .update(syncRuns)
    .set({ planned: counts.planned, unchanged: counts.unchanged, batches: counts.batches })
    .where(and(eq(syncRuns.id, run.id)));
  return counts;
}
