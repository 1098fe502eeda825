import "server-only";
import { eq, type SQL, sql } from "drizzle-orm";
import type { ConnectorManifest, KeyComparison } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { syncRuns } from "@/lib/db/schema";
import { compileDataset } from "@/lib/datasets/compile";
import { mappingColumns } from "@/lib/mapping/schema";
import { compileFilter } from "@/lib/segment/compile";
import { filterProblem } from "@/lib/segment/schema";
import type { ConsentRule } from "./config";
import { type LoadedRun, unusableSettings } from "./context";
import { amongCandidates, collectCandidates, countOthers, incrementalSince, planFingerprint, takeWatermark } from "./incremental";
import { comparedKey, comparisonNote, keyComparisonOf, normaliseStateKeys } from "./keys";
import { mappedColumns, rowHash } from "./row-hash";

const id = (name: string) => sql.identifier(name);

/** jsonb_build_object takes at most 100 arguments: larger rows are built in pieces. */
function rowJson(columns: string[]): SQL {
  const pieces: SQL[] = [];
  for (let i = 0; i < columns.length; i += 50)
    pieces.push(sql`jsonb_build_object(${sql.join(columns.slice(i, i + 50).map((c) => sql`${c}::text, ${id(c)}`), sql`, `)})`);
  return sql.join(pieces, sql` || `);
}

/**
 * The row an item carries to delivery. Rows keyed on the dataset's own key are read again by key when their
 * batch is delivered (see records.ts), so the plan writes no copy of them; a key compared otherwise cannot be
 * looked up through the dataset's index, so those rows keep a snapshot, as do rejected rows (the dry run shows them).
 */
const snapshot = (unique: boolean, columns: string[]) =>
  sql`CASE WHEN relay_h IS NOT NULL AND relay_op <> 'delete' AND (${!unique} OR relay_op = 'reject') THEN ${rowJson(columns)} END`;

/**
 * Makes the diff state match what an API destination holds: its records' ids under their keys, compared
 * as the destination compares them. The plan then updates what exists, creates what is missing and deletes
 * what the dataset lacks — of the records this sync wrote: records others made (listed in `relay_foreign`)
 * are updated when the dataset has their key, never deleted. The sync's records the read-back did not list
 * keep their state: an update of one the tool lost creates it again, and one that left is still removed.
 */
async function readBackDestination(db: Db, loaded: LoadedRun, comparison: KeyComparison) {
  const { sync } = loaded;
  await db.execute(sql`CREATE TEMP TABLE relay_destination (record_key text PRIMARY KEY, destination_id text) ON COMMIT DROP`);
  for await (const page of loaded.connector.read!(loaded.delivery)) {
    if (page.length === 0) continue;
    const rows = JSON.stringify(page.map((p) => ({ key: p.key, id: p.destinationId })));
    await db.execute(sql`INSERT INTO relay_destination SELECT ${comparedKey(sql`key`, comparison)}, id FROM jsonb_to_recordset(${rows}::jsonb) AS v(key text, id text) ON CONFLICT DO NOTHING`);
  }
  await db.execute(sql`
    CREATE TEMP TABLE relay_foreign ON COMMIT DROP AS
    SELECT d.record_key FROM relay_destination d WHERE NOT EXISTS (SELECT 1 FROM sync_records r WHERE r.sync_id = ${sync.id} AND r.record_key = d.record_key)`);
  await db.execute(sql`
    INSERT INTO sync_records (workspace_id, sync_id, record_key, destination_id, status, updated_at)
    SELECT ${sync.workspaceId}::uuid, ${sync.id}::uuid, record_key, destination_id, 'synced', now() FROM relay_destination
    ON CONFLICT (sync_id, record_key) DO UPDATE SET destination_id = EXCLUDED.destination_id`);
}

/** Records others made that the replace did not take over (the dataset lacks their key): out of the sync's state again. */
async function forgetForeign(db: Db, loaded: LoadedRun) {
  await db.execute(sql`
    DELETE FROM sync_records r USING relay_foreign f
     WHERE r.sync_id = ${loaded.sync.id} AND r.record_key = f.record_key
       AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${loaded.run.id} AND i.record_key = r.record_key)`);
}

/** Whether a contact (dataset row `d` by default) has granted the consent: its latest consent on the channel is "granted". */
export const consentGranted = (workspaceId: string, consent: ConsentRule, contactId: SQL = sql`d.id`) =>
  sql`coalesce((SELECT cs.status = 'granted' FROM consents cs WHERE cs.workspace_id = ${workspaceId} AND cs.contact_id = ${contactId} AND cs.channel = ${consent.channel}
                ORDER BY cs.updated_at DESC, cs.id DESC LIMIT 1), false)`;

/**
 * A stored segment must still fit its dataset: a condition saved without a value (before such conditions
 * were refused) would plan as matching no row, and remove everything the sync wrote.
 */
function assertSegmentFits(loaded: LoadedRun) {
  const problem = loaded.config.filter && filterProblem(loaded.config.filter, loaded.dataset.columns);
  if (problem) throw unusableSettings("segment", problem);
}

/**
 * Plans a run in one set-based statement: the dataset narrowed by the segment, each row's mapped inputs
 * hashed and compared with the sync's diff state, and the work written to sync_run_items in key order,
 * numbered into batches. Returns counts only.
 */
/** A replace of the kind its connector declares (see ConnectorManifest.replace). */
const replacing = (loaded: LoadedRun, kind: NonNullable<ConnectorManifest["replace"]>) => loaded.run.mode === "replace" && loaded.connector.manifest.replace === kind;

/** Keyed on the dataset's primary key compared as written, rows cannot share a key, and a record's key is its row's id. */
const uniqueKeys = (loaded: LoadedRun, comparison: KeyComparison) => loaded.config.matchKey.from === loaded.dataset.primaryKey && comparison === "exact";

export async function planRun(db: Db, loaded: LoadedRun, batchSize: number) {
  assertSegmentFits(loaded);
  const counts = await db.transaction(async (tx) => {
    // Sorting and joining a large dataset in memory instead of spilling to disk.
    await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
    const watermark = await takeWatermark(tx);
    await tx.execute(sql`DELETE FROM sync_run_items WHERE run_id = ${loaded.run.id}`);
    const comparison = keyComparisonOf(loaded.connector.manifest, loaded.sync.object, loaded.config.matchKey.to);
    await normaliseStateKeys(tx, loaded.sync, comparison);
    if (replacing(loaded, "read_back")) await readBackDestination(tx, loaded, comparison);
    // Only what changed since the last delivered plan is read again, when that plan can be trusted (see incrementalSince).
    const fingerprint = planFingerprint(loaded, comparison);
    const since = await incrementalSince(tx, loaded, { fingerprint, unique: uniqueKeys(loaded, comparison) });
    if (since) await collectCandidates(tx, loaded, since);
    const counts = await planItems(tx, loaded, batchSize, comparison, Boolean(since));
    if (replacing(loaded, "read_back")) await forgetForeign(tx, loaded);
    // A plan of some records only tells nothing about the others: it leaves no watermark.
    const seen = loaded.run.onlyKeys?.length ? { watermark: null } : { watermark, planFingerprint: fingerprint, fullPlan: !since };
    await tx.update(syncRuns).set({ ...counts, ...seen }).where(eq(syncRuns.id, loaded.run.id));
    return counts;
  });
  // Fresh statistics, so delivery and finalize read a large run's items with scans that fit its size.
  if (counts.planned > 10_000) await db.execute(sql`ANALYZE sync_run_items`);
  return counts;
}

/** `candidates`: only the keys in relay_candidates are planned (see collectCandidates); every other row is unchanged. */
async function planItems(db: Db, loaded: LoadedRun, batchSize: number, comparison: KeyComparison, candidates: boolean) {
  const { run, sync, dataset, config } = loaded;
  const columns = mappingColumns(config.mapping, config.matchKey);
  // Keys as the destination compares them: two rows it would take for one record share a key.
  const key = comparedKey(sql`(d.${id(config.matchKey.from)})::text`, comparison);
  // An API replace reads back what the destination holds and deletes what the dataset lacks.
  const apiReplace = replacing(loaded, "read_back");
  // An audience replace is told who left too: when the platform cannot swap the audience, the connector removes them itself.
  const audienceReplace = replacing(loaded, "audience");
  const deletes = (run.mode === "incremental" && sync.onLeave === "delete") || apiReplace || audienceReplace;
  const only = run.onlyKeys?.length ? sql`relay_k IN (${sql.join(run.onlyKeys.map((k) => comparedKey(sql`${k}::text`, comparison)), sql`, `)})` : sql`TRUE`;
  // Rows cannot share a key: no need to look for copies.
  const unique = uniqueKeys(loaded, comparison);
  const fresh = run.mode !== "incremental";
  const resend = Boolean(run.onlyKeys?.length);
  const cols = mappedColumns(config);
  const carried = sql.join(columns.map((c) => sql`c.${id(c)}`), sql`, `);
  // Consent gating: who lacks the consent is held back. A contact sent before who left the segment is
  // removed, whatever the on-leave choice, once they no longer have it (when the key is not the contact's
  // id, their consent cannot be looked up: they are removed).
  const consent = config.consent ? consentGranted(sync.workspaceId, config.consent) : sql`TRUE`;
  const consentLost = !config.consent ? sql`FALSE` : unique ? sql`NOT ${consentGranted(sync.workspaceId, config.consent, sql`p.record_key`)}` : sql`TRUE`;
  const foreign = apiReplace ? sql`EXISTS (SELECT 1 FROM relay_foreign f WHERE f.record_key = p.record_key)` : sql`FALSE`;
  // A record another sync of the same object holds too (its id, or its key under the same key field) is
  // theirs as well: leaving this sync, it stays and is forgotten here — only a lost consent removes it.
  // (Uncorrelated IN: each list is hashed once, not searched per record.)
  const others = sql`sync_records o JOIN syncs s ON s.id = o.sync_id WHERE s.workspace_id = ${sync.workspaceId} AND s.connection_id = ${sync.connectionId} AND s.object = ${sync.object} AND s.id <> ${sync.id}`;
  const heldByOthers = sql`(p.destination_id IS NOT NULL AND p.destination_id IN (SELECT o.destination_id FROM ${others} AND o.destination_id IS NOT NULL)
    OR p.record_key IN (SELECT o.record_key FROM ${others} AND s.match_key ->> 'to' = ${config.matchKey.to}))`;
  const result = await db.execute<{ planned: number; unchanged: number; heldBack: number; batches: number }>(sql`
    WITH cur AS (
      SELECT coalesce(${key}, '(no match key) ' || d.id) AS relay_k, ${key} IS NULL AS relay_no_key, ${cols},
             ${rowHash(config)} AS relay_h, ${consent} AS relay_consent
      FROM (${compileDataset(dataset.definition, sync.workspaceId)}) d
      WHERE ${compileFilter(config.filter, dataset.columns)} AND ${candidates ? amongCandidates(sql`d.id`) : sql`TRUE`}
    ),
    curh AS (${
      unique
        ? sql`SELECT *, 1 AS relay_copies FROM cur`
        : sql`SELECT DISTINCT ON (relay_k) *, count(*) OVER (PARTITION BY relay_k) AS relay_copies FROM cur ORDER BY relay_k`
    }),
    prev AS (SELECT record_key, hash, status, destination_id, identifiers IS NOT NULL AS sent_identifiers FROM sync_records WHERE sync_id = ${sync.id} AND ${candidates ? amongCandidates(sql`record_key`) : sql`TRUE`}),
    diff AS (
      SELECT coalesce(c.relay_k, p.record_key) AS relay_k, c.relay_h, c.relay_copies, c.relay_no_key, c.relay_consent, ${carried},
        CASE
          WHEN c.relay_k IS NULL THEN CASE WHEN (${deletes} OR ${consentLost}) AND NOT ${foreign} AND (${consentLost} OR NOT ${heldByOthers}) AND (p.hash IS NOT NULL OR p.destination_id IS NOT NULL OR p.sent_identifiers) THEN 'delete' END
          WHEN NOT c.relay_consent THEN CASE WHEN p.hash IS NOT NULL OR p.destination_id IS NOT NULL OR p.sent_identifiers THEN 'delete' END
          WHEN c.relay_no_key OR c.relay_copies > 1 THEN 'reject'
          WHEN p.record_key IS NULL OR (p.hash IS NULL AND p.destination_id IS NULL) THEN 'create'
          WHEN ${fresh} OR ${resend} OR p.status = 'failed' OR p.hash IS DISTINCT FROM c.relay_h THEN 'update'
        END AS relay_op
      FROM curh c FULL JOIN prev p ON p.record_key = c.relay_k
    ),
    planned AS (
      INSERT INTO sync_run_items (workspace_id, run_id, record_key, operation, batch, hash, row, status, message)
      SELECT ${sync.workspaceId}::uuid, ${run.id}::uuid, relay_k, relay_op, (row_number() OVER (ORDER BY relay_k) - 1) / ${batchSize}, relay_h,
        ${snapshot(unique, columns)},
        CASE WHEN relay_op = 'reject' THEN 'failed' ELSE 'pending' END,
        CASE WHEN relay_no_key THEN 'The row has no value for the match key ${sql.raw(config.matchKey.from.replace(/[^a-z0-9_]/g, ""))}'
             WHEN relay_copies > 1 THEN relay_copies || ${` rows of the dataset have this match key${comparisonNote(comparison)}: none of them is sent`}
             WHEN NOT relay_consent OR (relay_op = 'delete' AND NOT ${deletes}) THEN 'Consent no longer granted: removed' END
      FROM diff WHERE relay_op IS NOT NULL AND ${only}
      RETURNING batch
    )
    SELECT (SELECT count(*)::int FROM planned) AS planned,
           (SELECT count(*)::int FROM diff WHERE relay_op IS NULL AND relay_h IS NOT NULL AND relay_consent) AS unchanged,
           (SELECT count(*)::int FROM diff WHERE NOT relay_consent) AS "heldBack",
           (SELECT coalesce(max(batch) + 1, 0)::int FROM planned) AS batches`);
  const counts = result.rows[0]!;
  if (!candidates) return counts;
  const unseen = await countOthers(db, loaded, consent);
  return { ...counts, unchanged: counts.unchanged + unseen.unchanged, heldBack: counts.heldBack + unseen.heldBack };
}
