import "server-only";
import { sql } from "drizzle-orm";
import type { WriteRecord } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { CastError } from "@/lib/mapping/casts";
import { buildPayload } from "@/lib/mapping/payload";
import type { Mapping, MatchKey } from "@/lib/mapping/schema";

type ItemRow = { record_key: string; operation: WriteRecord["op"]; row: Record<string, unknown> | null; destination_id: string | null; identifiers: Record<string, unknown> | null };

type RunMapping = { config: { mapping: Mapping; matchKey: MatchKey }; runId: string; syncId: string };

/** Each row as the record it is sent as; a row a cast cannot convert is refused instead, with the cast's message. */
function toWriteRecords(loaded: RunMapping, rows: ItemRow[]) {
  const records: WriteRecord[] = [];
  const refused: { key: string; message: string }[] = [];
  for (const r of rows) {
    try {
      const payload = r.row ? buildPayload(r.row, loaded.config.mapping, loaded.config.matchKey) : undefined;
      records.push({ key: r.record_key, op: r.operation, payload, destinationId: r.destination_id, identifiers: r.identifiers });
    } catch (error) {
      if (!(error instanceof CastError)) throw error;
      refused.push({ key: r.record_key, message: error.message });
    }
  }
  return { records, refused };
}

/** Marks refused records failed, with their message in the record log; they count as delivered (nothing is left to do). */
async function refuseRecords(db: Db, loaded: RunMapping, refused: { key: string; message: string }[]) {
  if (!refused.length) return;
  const values = sql`jsonb_to_recordset(${JSON.stringify(refused)}::jsonb) AS v(key text, message text)`;
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      UPDATE sync_run_items i SET status = 'failed', error_kind = 'rejected', message = v.message, attempts = i.attempts + 1
        FROM ${values} WHERE i.run_id = ${loaded.runId} AND i.record_key = v.key`);
    await tx.execute(sql`
      INSERT INTO sync_record_logs (workspace_id, run_id, sync_id, record_key, attempt, operation, status, error_kind, message)
      SELECT i.workspace_id, i.run_id, ${loaded.syncId}::uuid, i.record_key, i.attempts, i.operation, 'failed', 'rejected', v.message
        FROM ${values} JOIN sync_run_items i ON i.run_id = ${loaded.runId} AND i.record_key = v.key`);
    await tx.execute(sql`UPDATE sync_runs SET delivered = delivered + ${refused.length} WHERE id = ${loaded.runId}`);
  });
}

async function sendable(db: Db, loaded: RunMapping, rows: ItemRow[]): Promise<WriteRecord[]> {
  const { records, refused } = toWriteRecords(loaded, rows);
  await refuseRecords(db, loaded, refused);
  return records;
}

export async function batchRecords(db: Db, loaded: RunMapping, batch: number): Promise<WriteRecord[]> {
  const rows = await db.execute<ItemRow>(sql`
    SELECT i.record_key, i.operation, i.row, r.destination_id, r.identifiers
      FROM sync_run_items i LEFT JOIN sync_records r ON r.sync_id = ${loaded.syncId} AND r.record_key = i.record_key
     WHERE i.run_id = ${loaded.runId} AND i.batch = ${batch} AND i.status = 'pending'
     ORDER BY i.record_key`);
  return sendable(db, loaded, rows.rows);
}

/** Every record of the run that is not refused, in key order, `pageSize` at a time (see DeliveryContext.records). */
export async function* runRecords(db: Db, loaded: RunMapping, pageSize = 5_000): AsyncIterable<WriteRecord[]> {
  for (let after: string | null = null; ; ) {
    const rows: { rows: ItemRow[] } = await db.execute<ItemRow>(sql`
      SELECT i.record_key, i.operation, i.row, r.destination_id, r.identifiers
        FROM sync_run_items i LEFT JOIN sync_records r ON r.sync_id = ${loaded.syncId} AND r.record_key = i.record_key
       WHERE i.run_id = ${loaded.runId} AND i.status <> 'failed' ${after === null ? sql`` : sql`AND i.record_key > ${after}`}
       ORDER BY i.record_key LIMIT ${pageSize}`);
    if (rows.rows.length === 0) return;
    const records = await sendable(db, loaded, rows.rows);
    if (records.length) yield records;
    after = rows.rows.at(-1)!.record_key;
  }
}
