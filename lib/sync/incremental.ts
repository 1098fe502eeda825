import "server-only";
import crypto from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { KeyComparison } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { compileDataset } from "@/lib/datasets/compile";
import { datasetPrimaryKey } from "@/lib/datasets/definition";
import { entities, type EntityName } from "@/lib/entities/catalog";
import { env } from "@/lib/env";
import { compileFilter } from "@/lib/segment/compile";
import type { FilterNode } from "@/lib/segment/schema";
import type { LoadedRun } from "./context";

const id = (name: string) => sql.identifier(name);

/** Bumped when the plan's logic changes what it computes from the same rows: older watermarks are then not trusted. */
const PLAN_LOGIC = 1;

/**
 * Everything besides the rows that decides what a plan computes: when any of it changed, the next plan is a full
 * one. The run's mode too: a full resend or a replace leaves a state an incremental plan would not (records that
 * left kept, or removed by the destination's replace strategy).
 */
export function planFingerprint(loaded: LoadedRun, comparison: KeyComparison) {
  const { run, sync, dataset, config } = loaded;
  const parts = [PLAN_LOGIC, run.mode, dataset.definition, config.mapping, config.matchKey, config.filter ?? null, config.consent ?? null, sync.onLeave, sync.connectionId, sync.object, comparison];
  return crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** A condition relative to today matches other rows as days pass, without any row changing. */
const movesWithTime = (node: FilterNode): boolean =>
  node.type === "group" ? node.children.some(movesWithTime) : node.operator === "in_last_days" || node.operator === "more_than_days_ago";

/**
 * The time before which every entity write is visible to the plan that follows: the database's now, or the start
 * of an older transaction still open (it may commit rows stamped with its start after the plan's snapshot).
 * Entity rows carry `changed_at`, their writing transaction's start (see migration 0017). Taken before the plan's
 * statement, which sees everything committed by then; the first read of pg_stat_activity in the transaction.
 * Less a second: a transaction's start time is taken an instant before it shows in pg_stat_activity (a
 * descheduled backend can make that instant long). Rounded down to what a JS Date holds, so that it is stored
 * and compared as taken. Sessions of other roles whose activity this role may not read are not seen: entity
 * writers must run as the app's role (or it needs pg_read_all_stats).
 */
export async function takeWatermark(db: Db): Promise<Date> {
  const [row] = (
    await db.execute<{ watermark: Date | string }>(sql`
      SELECT date_trunc('milliseconds', least(now(), (SELECT min(xact_start) FROM pg_stat_activity
                            WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid())) - interval '1 second') AS watermark`)
  ).rows;
  return new Date(row!.watermark);
}

/**
 * Where an incremental plan may start: the watermark of the sync's last plan that ended delivered (succeeded
 * or partial: its failed records stay failed in the diff state and are planned again) under the same
 * fingerprint, or undefined when the run must plan in full.
 */
export async function incrementalSince(db: Db, loaded: LoadedRun, p: { fingerprint: string; unique: boolean }): Promise<Date | undefined> {
  const { run, sync, dataset, config } = loaded;
  // Keys other than the dataset's primary key name no row of the state by itself, and copies need every row.
  if (run.mode !== "incremental" || run.onlyKeys?.length || !p.unique || dataset.primaryKey !== datasetPrimaryKey || env.SYNC_FULL_PLAN_HOURS === 0) return undefined;
  if (config.filter && movesWithTime(config.filter)) return undefined;
  const [last] = (
    await db.execute<{ watermark: Date | string; fingerprint: string; full_at: Date | string | null }>(sql`
      SELECT r.watermark, r.plan_fingerprint AS fingerprint,
             (SELECT max(f.watermark) FROM sync_runs f WHERE f.sync_id = r.sync_id AND f.full_plan AND f.plan_fingerprint = r.plan_fingerprint
                AND f.status IN ('succeeded', 'partial')) AS full_at
        FROM sync_runs r
       WHERE r.sync_id = ${sync.id} AND r.id <> ${run.id} AND r.status IN ('succeeded', 'partial') AND r.watermark IS NOT NULL
       ORDER BY r.watermark DESC LIMIT 1`)
  ).rows;
  if (!last || last.fingerprint !== p.fingerprint || last.full_at === null) return undefined;
  // The safety net: a full plan at least this often, whatever the watermarks say.
  if (new Date(last.full_at).getTime() + env.SYNC_FULL_PLAN_HOURS * 3_600_000 <= Date.now()) return undefined;
  return new Date(last.watermark);
}

/** Ids of `entity` rows written, or deleted or moved away (their tombstones), since the watermark. */
function touched(workspaceId: string, entity: EntityName, since: Date, column = "id"): SQL {
  return sql`SELECT ${id(column)} FROM ${id(entity)} WHERE workspace_id = ${workspaceId} AND changed_at >= ${since} AND ${id(column)} IS NOT NULL
    UNION ALL SELECT ${id(column)} FROM entity_tombstones WHERE workspace_id = ${workspaceId} AND entity = ${entity} AND removed_at >= ${since} AND ${id(column)} IS NOT NULL`;
}

/**
 * Fills `relay_candidates` (dropped at commit) with the keys whose plan may differ from the last one: base rows
 * written or deleted since the watermark, base rows whose looked-up parent or aggregated children were, contacts
 * whose consents were (when the sync requires one), and the records no plan delivered as they stand: failed (retried every run) or sent by a try-out.
 */
export async function collectCandidates(db: Db, loaded: LoadedRun, since: Date) {
  const { sync, dataset, config } = loaded;
  const def = dataset.definition;
  const base = entities[def.baseEntity];
  const ws = sync.workspaceId;
  const sources: SQL[] = [touched(ws, base.name, since), sql`SELECT record_key FROM sync_records WHERE sync_id = ${sync.id} AND (status = 'failed' OR hash IS NULL)`];
  for (const name of new Set(def.lookups.map((l) => l.lookup))) {
    const lookup = base.lookups.find((x) => x.name === name)!;
    sources.push(sql`SELECT b.id FROM ${id(base.name)} b WHERE b.workspace_id = ${ws} AND b.${id(lookup.foreignKey)} IN (${touched(ws, lookup.entity, since)})`);
  }
  for (const name of new Set(def.aggregates.map((a) => a.collection))) {
    const collection = base.collections.find((x) => x.name === name)!;
    sources.push(touched(ws, collection.entity, since, collection.foreignKey));
  }
  // The consent gate reads the consents whose contact_id is the row's id (see consentGranted).
  if (config.consent) sources.push(touched(ws, "consents", since, "contact_id"));
  await db.execute(sql`CREATE TEMP TABLE relay_candidates (id text PRIMARY KEY) ON COMMIT DROP`);
  await db.execute(sql`INSERT INTO relay_candidates SELECT DISTINCT c.id FROM (${sql.join(sources, sql` UNION ALL `)}) AS c(id)`);
  await db.execute(sql`ANALYZE relay_candidates`);
}

/**
 * Restricts the dataset's rows (`d`) or the diff state's keys to the candidates: the keys first, then each
 * looked up by its index (a join would scan the million rows the candidates leave out).
 */
export const amongCandidates = (key: SQL) => sql`${key} = ANY(ARRAY(SELECT id FROM relay_candidates))`;

/**
 * The rows an incremental plan did not look at are unchanged by definition: counted (without hashing or
 * comparing them) so the run's counts are those of a full plan — unchanged, or held back for lack of consent.
 */
export async function countOthers(db: Db, loaded: LoadedRun, consent: SQL) {
  const { sync, dataset, config } = loaded;
  const [row] = (
    await db.execute<{ unchanged: number; held: number }>(sql`
      SELECT count(*) FILTER (WHERE relay_consent)::int AS unchanged, count(*) FILTER (WHERE NOT relay_consent)::int AS held
        FROM (SELECT ${consent} AS relay_consent FROM (${compileDataset(dataset.definition, sync.workspaceId)}) d
               WHERE ${compileFilter(config.filter, dataset.columns)} AND d.${id(datasetPrimaryKey)} NOT IN (SELECT id FROM relay_candidates)) o`)
  ).rows;
  return { unchanged: row!.unchanged, heldBack: row!.held };
}
