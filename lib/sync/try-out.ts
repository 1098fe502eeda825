import "server-only";
import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { PayloadPreview, WriteRecord } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { compileDataset } from "@/lib/datasets/compile";
import { loadConnection } from "@/lib/db/queries/connections";
import { getDataset } from "@/lib/db/queries/datasets";
import { checkSync, getSync, syncValues } from "@/lib/db/queries/syncs";
import { syncRecords, syncRuns, syncs } from "@/lib/db/schema";
import { NotFoundError, PublicError } from "@/lib/errors";
import { buildPayload } from "@/lib/mapping/payload";
import { compileFilter } from "@/lib/segment/compile";
import type { RunModeName } from "./config";
import { loadRun, openDelivery } from "./context";
import { consentGranted, planRun } from "./plan";

class RolledBack extends Error {}

/**
 * What a run would do, computed by the real planner inside a transaction that is then rolled back:
 * counts by operation and sample payloads. Nothing is sent, nothing is kept.
 */
export async function dryRun(db: Db, p: { workspaceId: string; syncId?: string; input: unknown; mode: RunModeName }) {
  const config = await checkSync(db, { workspaceId: p.workspaceId, input: p.input });
  let outcome: { counts: Record<string, number>; unchanged: number; samples: { key: string; operation: string; payload: Record<string, unknown> | null }[] } | undefined;
  await db
    .transaction(async (tx) => {
      const values = syncValues(config);
      const syncId = p.syncId
        ? (await tx.update(syncs).set(values).where(and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId))).returning())[0]?.id
        : (await tx.insert(syncs).values({ workspaceId: p.workspaceId, ...values }).returning())[0]!.id;
      if (!syncId) throw new NotFoundError("Sync");
      const [run] = await tx.insert(syncRuns).values({ workspaceId: p.workspaceId, syncId, trigger: "manual", mode: p.mode }).returning();
      const loaded = await loadRun(tx, run!.id);
      const planned = await planRun(tx, loaded, loaded.connector.manifest.batchSize);
      const byOp = await tx.execute<{ operation: string; n: number }>(sql`SELECT operation, count(*)::int AS n FROM sync_run_items WHERE run_id = ${run!.id} GROUP BY operation`);
      const samples = await tx.execute<{ record_key: string; operation: string; row: Record<string, unknown> | null }>(sql`
        SELECT record_key, operation, row FROM (
          SELECT record_key, operation, row, row_number() OVER (PARTITION BY operation ORDER BY record_key) AS n FROM sync_run_items WHERE run_id = ${run!.id}
        ) s WHERE n <= 3 ORDER BY operation, record_key`);
      outcome = {
        counts: Object.fromEntries(byOp.rows.map((r) => [r.operation, r.n])),
        unchanged: planned.unchanged,
        samples: samples.rows.map((s) => ({ key: s.record_key, operation: s.operation, payload: s.row ? buildPayload(s.row, loaded.config.mapping, loaded.config.matchKey) : null })),
      };
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return outcome!;
}

/** One chosen record of the segment, mapped as the sync would send it; refused when the sync would not send it. */
async function chosenRecord(db: Db, p: { workspaceId: string; input: unknown; key: string }) {
  const config = await checkSync(db, { workspaceId: p.workspaceId, input: p.input });
  const dataset = (await getDataset(db, { workspaceId: p.workspaceId, datasetId: config.datasetId }))!;
  const where = sql`d.${sql.identifier(config.matchKey.from)}::text = ${p.key} AND ${compileFilter(config.filter, dataset.columns)}`;
  const [row] = (await db.execute<Record<string, unknown>>(sql`SELECT *, ${config.consent ? consentGranted(p.workspaceId, config.consent) : sql`TRUE`} AS relay_consent FROM (${compileDataset(dataset.definition, p.workspaceId)}) d WHERE ${where} LIMIT 1`)).rows;
  if (!row) throw new NotFoundError(`A row with ${config.matchKey.from} "${p.key}" in the segment`);
  if (config.consent && !row.relay_consent) throw new PublicError(`This contact has not granted ${config.consent.channel} consent: the sync would not send it`);
  return { config, payload: buildPayload(row, config.mapping, config.matchKey) };
}

/**
 * What one record would be sent as, field by field, without sending it: the destination's own
 * transformation where it has one (audiences normalise and hash identifiers), else the mapped values.
 */
export async function previewOneRecord(db: Db, p: { workspaceId: string; input: unknown; key: string }): Promise<PayloadPreview> {
  const { config, payload } = await chosenRecord(db, p);
  const { connector, config: connection } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: config.connectionId });
  if (connector.preview) return connector.preview(connection, config.object, payload, { consent: config.consent ?? undefined });
  return { fields: Object.entries(payload).map(([name, value]) => ({ name, value, normalised: null, sent: value === null || value === undefined ? null : typeof value === "string" ? value : JSON.stringify(value), note: "sent as mapped" })) };
}

/**
 * Sends one chosen record of the dataset now, as the sync would, and says what the destination answered.
 * On a saved sync, what the destination now holds (its id, the identifiers sent) is kept in the sync's
 * state without a hash: the next run sends the record again, and a later removal can name it.
 */
export async function testOneRecord(db: Db, p: { workspaceId: string; syncId?: string; input: unknown; key: string }) {
  const { config, payload } = await chosenRecord(db, p);
  if (p.syncId && !(await getSync(db, { workspaceId: p.workspaceId, syncId: p.syncId }))) throw new NotFoundError("Sync");
  const known = p.syncId ? await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, p.syncId), eq(syncRecords.recordKey, p.key)) }) : undefined;
  const runId = crypto.randomUUID();
  const record: WriteRecord = { key: p.key, op: known?.hash ? "update" : "create", payload, destinationId: known?.destinationId, identifiers: known?.identifiers };
  const { connector, delivery } = await openDelivery(db, { ...config, workspaceId: p.workspaceId, mode: "incremental", replaceStrategy: null, runId, syncId: p.syncId ?? runId, startedAt: new Date(), consent: config.consent ?? undefined, records: [record] });
  const state = await connector.delivery.begin(delivery);
  const { results, state: after } = await connector.delivery.write(delivery, state, [record]);
  const { files } = await connector.delivery.commit(delivery, after);
  const result = results[0]!;
  if (p.syncId && result.status === "ok" && (result.destinationId || result.identifiers))
    await db
      .insert(syncRecords)
      .values({ workspaceId: p.workspaceId, syncId: p.syncId, recordKey: p.key, hash: null, destinationId: result.destinationId ?? null, identifiers: result.identifiers ?? null, status: "synced" })
      .onConflictDoUpdate({
        target: [syncRecords.syncId, syncRecords.recordKey],
        set: { hash: null, destinationId: result.destinationId ?? known?.destinationId ?? null, identifiers: result.identifiers ?? known?.identifiers ?? null, updatedAt: new Date() },
      });
  return { payload, result, ...(files ? { files } : {}) };
}

