import "server-only";
import { type SQL, sql } from "drizzle-orm";
import type { WriteRecord } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import type { Dataset } from "@/lib/db/schema";
import { compileDataset } from "@/lib/datasets/compile";
import { CastError } from "@/lib/mapping/casts";
import { buildPayload } from "@/lib/mapping/payload";
import type { Mapping, MatchKey } from "@/lib/mapping/schema";
import { compileFilter } from "@/lib/segment/compile";
import type { FilterGroup } from "@/lib/segment/schema";
import { mappedColumns, rowHash } from "./row-hash";

export type ItemRow = {
  record_key: string;
  operation: WriteRecord["op"];
  hash: string | null;
  row: Record<string, unknown> | null;
  destination_id: string | null;
  identifiers: Record<string, unknown> | null;
};

/** What reading a run's records needs: its mapping, and the dataset and segment its rows are read from again. */
export type RunMapping = {
  config: { mapping: Mapping; matchKey: MatchKey; filter?: FilterGroup };
  dataset: Pick<Dataset, "definition" | "columns" | "workspaceId">;
  runId: string;
  syncId: string;
};

const GONE = "The row left the dataset or its segment between the plan and the delivery: not sent";

/** The dataset rows of these keys as they are now (narrowed by the segment), with their hash as the plan computes it. */
async function currentRows(db: Db, loaded: RunMapping, keys: string[]) {
  const { config, dataset } = loaded;
  if (!keys.length) return new Map<string, Record<string, unknown> & { relay_h: string }>();
  // The keys as one array looked up through the dataset's index, not a join that could scan the whole dataset.
  const rows = await db.execute<Record<string, unknown> & { relay_k: string; relay_h: string }>(sql`
    SELECT d.${sql.identifier(config.matchKey.from)}::text AS relay_k, ${rowHash(config)} AS relay_h, ${mappedColumns(config)}
      FROM (${compileDataset(dataset.definition, dataset.workspaceId)}) d
     WHERE d.${sql.identifier(config.matchKey.from)}::text = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)))
       AND ${compileFilter(config.filter, dataset.columns)}`);
  return new Map(rows.rows.map((r) => [r.relay_k, r]));
}

/**
 * Gives the items the plan wrote without a snapshot their row as it is now: a row changed since the plan is
 * sent as it is (`changed`: the hash its item must then carry, what the diff state holds after); a row gone
 * is not sent. A replayed batch reads its rows again, so it sends what is current then. Writes nothing.
 */
export async function readRows(db: Db, loaded: RunMapping, items: ItemRow[]) {
  const unread = items.filter((i) => !i.row && i.operation !== "delete");
  const rows = await currentRows(db, loaded, unread.map((i) => i.record_key));
  const gone = unread.filter((i) => !rows.has(i.record_key)).map((i) => ({ key: i.record_key, message: GONE }));
  const changed = unread.flatMap((i) => {
    const hash = rows.get(i.record_key)?.relay_h;
    return hash && hash !== i.hash ? [{ key: i.record_key, hash }] : [];
  });
  const read = items.flatMap((i) => (i.row || i.operation === "delete" ? [i] : rows.has(i.record_key) ? [{ ...i, row: rows.get(i.record_key)! }] : []));
  return { read, gone, changed };
}

async function storeHashes(db: Db, loaded: RunMapping, changed: { key: string; hash: string }[]) {
  if (!changed.length) return;
  await db.execute(sql`UPDATE sync_run_items i SET hash = v.hash FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS v(key text, hash text)
    WHERE i.run_id = ${loaded.runId} AND i.record_key = v.key`);
}

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

/** Records read ahead of their delivery; `settle` stores what reading them found (refused records, changed rows' hashes) before they are sent. */
export type ReadRecords = { records: WriteRecord[]; settle(): Promise<void> };

async function prepare(db: Db, loaded: RunMapping, items: ItemRow[]): Promise<ReadRecords> {
  const { read, gone, changed } = await readRows(db, loaded, items);
  const { records, refused } = toWriteRecords(loaded, read);
  return { records, settle: async () => (await refuseRecords(db, loaded, [...gone, ...refused]), await storeHashes(db, loaded, changed)) };
}

async function sendable(db: Db, loaded: RunMapping, items: ItemRow[]): Promise<WriteRecord[]> {
  const { records, settle } = await prepare(db, loaded, items);
  await settle();
  return records;
}

/**
 * The run's items (`where` narrows and orders them) with what the diff state holds of each record, looked up
 * key by key: a join would read the sync's whole state for every batch, and it grows as batches are carried.
 */
const items = (loaded: RunMapping, where: SQL) => sql`
  SELECT i.record_key, i.operation, i.hash, i.row, r.destination_id, r.identifiers
    FROM sync_run_items i LEFT JOIN LATERAL (SELECT destination_id, identifiers FROM sync_records r WHERE r.sync_id = ${loaded.syncId} AND r.record_key = i.record_key LIMIT 1) r ON TRUE
   WHERE i.run_id = ${loaded.runId} AND ${where}`;

/** A batch's pending records, read without writing anything: delivery reads the next batch while the current one is written. */
export async function readBatch(db: Db, loaded: RunMapping, batch: number): Promise<ReadRecords> {
  const rows = await db.execute<ItemRow>(items(loaded, sql`i.batch = ${batch} AND i.status = 'pending' ORDER BY i.record_key`));
  return prepare(db, loaded, rows.rows);
}

/** Every record of the run that is not refused, in key order, `pageSize` at a time (see DeliveryContext.records). */
export async function* runRecords(db: Db, loaded: RunMapping, pageSize = 5_000): AsyncIterable<WriteRecord[]> {
  for (let after: string | null = null; ; ) {
    const rows: { rows: ItemRow[] } = await db.execute<ItemRow>(
      items(loaded, sql`i.status <> 'failed' ${after === null ? sql`` : sql`AND i.record_key > ${after}`} ORDER BY i.record_key LIMIT ${pageSize}`),
    );
    if (rows.rows.length === 0) return;
    const records = await sendable(db, loaded, rows.rows);
    if (records.length) yield records;
    after = rows.rows.at(-1)!.record_key;
  }
}
