import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";

/**
 * Drops the record logs (attempts and per-record outcomes) of runs that ended more than `days` ago. The
 * runs themselves, their counts and step history stay; the diff state is never touched.
 */
export async function pruneRecordLogs(db: Db, p: { days: number; now?: Date }) {
  const cutoff = new Date((p.now ?? new Date()).getTime() - p.days * 86_400_000);
  const old = sql`SELECT id FROM sync_runs WHERE finished_at < ${cutoff}`;
  const items = await db.execute(sql`DELETE FROM sync_run_items WHERE run_id IN (${old})`);
  const logs = await db.execute(sql`DELETE FROM sync_record_logs WHERE run_id IN (${old}) OR created_at < ${cutoff}`);
  return { items: items.rowCount ?? 0, logs: logs.rowCount ?? 0 };
}

/**
 * Drops the tombstones of deleted or moved entity rows that no plan can need any more: a sync whose last full
 * plan is older than `fullPlanHours` plans in full again (see incrementalSince). An hour's margin for runs in flight.
 */
export async function pruneTombstones(db: Db, p: { fullPlanHours: number; now?: Date }) {
  const cutoff = new Date((p.now ?? new Date()).getTime() - (p.fullPlanHours + 1) * 3_600_000);
  const gone = await db.execute(sql`DELETE FROM entity_tombstones WHERE removed_at < ${cutoff}`);
  return gone.rowCount ?? 0;
}
