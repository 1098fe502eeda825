import "server-only";
import { eq, type SQL, sql } from "drizzle-orm";
import type { ConnectorManifest, KeyComparison } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { type Sync, syncs } from "@/lib/db/schema";

/** How the destination compares values of `key` on `object` (ConnectorManifest.keyComparison; exact when it says nothing). */
export function keyComparisonOf(manifest: Pick<ConnectorManifest, "keyComparison">, object: string, key: string): KeyComparison {
  const rule = manifest.keyComparison;
  return rule?.fields?.[`${object}.${key}`] ?? rule?.fields?.[`*.${key}`] ?? rule?.default ?? "exact";
}

// The white space a tool trims from a value: spaces, tabs, line breaks, no-break spaces.
const SPACE = " \t\n\r\f\v\u00a0";

/**
 * A key as the destination compares it, in SQL. Case is folded by Unicode's rules (ICU: the embedded database's
 * C locale folds only ASCII); the result sorts and compares in the database's collation, like the state's keys.
 */
export function comparedKey(value: SQL, comparison: KeyComparison): SQL {
  if (comparison === "exact") return value;
  const trimmed = sql`btrim(${value}, ${SPACE})`;
  return comparison === "trimmed" ? trimmed : sql`(lower(${trimmed} COLLATE "und-x-icu") COLLATE "default")`;
}

/** One key as the destination compares it (the same SQL as the plan's). */
export async function compareKey(db: Db, key: string, comparison: KeyComparison): Promise<string> {
  if (comparison === "exact") return key;
  return (await db.execute<{ key: string }>(sql`SELECT ${comparedKey(sql`${key}::text`, comparison)} AS key`)).rows[0]!.key;
}

/** What the run's messages add when two dataset values became one key. */
export const comparisonNote = (comparison: KeyComparison) =>
  comparison === "exact" ? "" : comparison === "trimmed" ? " (surrounding spaces ignored, as the destination does)" : " (case and surrounding spaces ignored, as the destination does)";

/**
 * Rewrites a sync's state keys into the form the destination compares, once: the sync remembers the form its
 * state is in (state written before keys were compared so holds them as the dataset wrote them). Keys that
 * become one keep one row — the one already in that form, else one with a destination id, most recently
 * updated: the others named the same record.
 */
export async function normaliseStateKeys(db: Db, sync: Pick<Sync, "id" | "stateKeyComparison">, comparison: KeyComparison) {
  if (sync.stateKeyComparison === comparison) return;
  if (comparison !== "exact")
    await db.execute(sql`
      WITH state AS MATERIALIZED (
        SELECT record_key, ${comparedKey(sql`record_key`, comparison)} AS relay_k, destination_id, updated_at FROM sync_records WHERE sync_id = ${sync.id}
      ),
      stale AS (SELECT * FROM state WHERE record_key <> relay_k),
      kept AS (
        SELECT DISTINCT ON (relay_k) record_key, relay_k FROM stale s
         WHERE NOT EXISTS (SELECT 1 FROM state o WHERE o.record_key = s.relay_k)
         ORDER BY relay_k, destination_id IS NOT NULL DESC, updated_at DESC
      ),
      dropped AS (
        DELETE FROM sync_records r USING stale s
         WHERE r.sync_id = ${sync.id} AND r.record_key = s.record_key AND NOT EXISTS (SELECT 1 FROM kept k WHERE k.record_key = s.record_key)
      )
      UPDATE sync_records r SET record_key = k.relay_k FROM kept k WHERE r.sync_id = ${sync.id} AND r.record_key = k.record_key`);
  await db.update(syncs).set({ stateKeyComparison: comparison }).where(eq(syncs.id, sync.id));
}
