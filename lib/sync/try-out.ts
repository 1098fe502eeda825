import "server-only";
import crypto from "node:crypto";
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import type { PayloadPreview, WriteRecord } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { compileDataset } from "@/lib/datasets/compile";
import { requireConnection } from "@/lib/db/queries/connections";
import { loadConnection } from "@/lib/connections/load";
import { connectorContext } from "@/lib/http/context";
import { getDataset } from "@/lib/db/queries/datasets";
import { checkSync } from "@/lib/syncs/check";
import { getSync } from "@/lib/db/queries/syncs";
import { syncValues } from "@/lib/syncs/save";
import { syncRecords, syncRuns, syncs } from "@/lib/db/schema";
import { DeletionsNeedConfirmation, NotFoundError, PublicError } from "@/lib/errors";
import { buildPayload } from "@/lib/mapping/payload";
import { compileFilter } from "@/lib/segment/compile";
import type { RunMode } from "@/lib/vocabulary";
import { syncInputSchema } from "./config";
import { loadRunContext, openDelivery } from "./context";
import { type ItemRow, readRows } from "./records";
import { compareKey, keyComparisonOf } from "./keys";
import { consentGranted, planRun } from "./plan";

class RolledBack extends Error {}

/**
 * What a run would do, computed by the real planner inside a transaction that is then rolled back:
 * counts by operation, how many records of the sync's state would leave the destination (its removals,
 * and for a replace every record it no longer sends), and sample payloads. Nothing is sent, nothing is kept.
 * The mode is the sync's own unless given.
 */
export async function dryRun(db: Db, p: { workspaceId: string; syncId?: string; input: unknown; mode?: RunMode }) {
  const config = await checkSync(db, { workspaceId: p.workspaceId, input: p.input, syncId: p.syncId });
  const mode = p.mode ?? config.mode;
  let outcome: { counts: Record<string, number>; unchanged: number; leaving: number; samples: { key: string; operation: string; payload: Record<string, unknown> | null }[] } | undefined;
  await db
    .transaction(async (tx) => {
      const values = syncValues(config);
      const syncId = p.syncId
        ? (await tx.update(syncs).set(values).where(and(eq(syncs.id, p.syncId), eq(syncs.workspaceId, p.workspaceId))).returning())[0]?.id
        : (await tx.insert(syncs).values({ workspaceId: p.workspaceId, ...values }).returning())[0]!.id;
      if (!syncId) throw new NotFoundError("Sync");
      const [run] = await tx.insert(syncRuns).values({ workspaceId: p.workspaceId, syncId, trigger: "manual", mode }).returning();
      const loaded = await loadRunContext(tx, run!.id);
      const planned = await planRun(tx, loaded, loaded.connector.manifest.batchSize);
      const byOp = await tx.execute<{ operation: string; n: number }>(sql`SELECT operation, count(*)::int AS n FROM sync_run_items WHERE run_id = ${run!.id} GROUP BY operation`);
      const sampled = await tx.execute<ItemRow>(sql`
        SELECT record_key, operation, hash, row, NULL AS destination_id, NULL AS identifiers FROM (
          SELECT record_key, operation, hash, row, row_number() OVER (PARTITION BY operation ORDER BY record_key) AS n FROM sync_run_items WHERE run_id = ${run!.id}
        ) s WHERE n <= 3 ORDER BY operation, record_key`);
      const samples = (await readRows(tx, { config: loaded.config, dataset: loaded.dataset, runId: run!.id, syncId }, sampled.rows)).read;
      const counts = Object.fromEntries(byOp.rows.map((r) => [r.operation, r.n]));
      outcome = {
        counts,
        unchanged: planned.unchanged,
        leaving: (counts.delete ?? 0) + (mode === "replace" ? await leftOutByReplace(tx, syncId, run!.id) : 0),
        samples: samples.map((s) => ({ key: s.record_key, operation: s.operation, payload: s.row ? buildPayload(s.row, loaded.config.mapping, loaded.config.matchKey) : null })),
      };
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return outcome!;
}

/** A replace plans every row it sends: the sync's records it leaves out are gone from the destination after it (as finalize forgets them). */
async function leftOutByReplace(db: Db, syncId: string, runId: string) {
  const [row] = (
    await db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM sync_records r
       WHERE r.sync_id = ${syncId} AND (r.hash IS NOT NULL OR r.destination_id IS NOT NULL OR r.identifiers IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM sync_run_items i WHERE i.run_id = ${runId} AND i.record_key = r.record_key)`)
  ).rows;
  return row!.n;
}

/**
 * Refuses to save a sync whose next run (in its own mode) would remove records from the destination,
 * unless the user confirmed at least that many removals. A new sync, or one that holds no records, removes none.
 */
export async function assertDeletionsConfirmed(db: Db, p: { workspaceId: string; syncId?: string; input: unknown; confirmed?: number }) {
  const parsed = syncInputSchema.safeParse(p.input);
  if (!p.syncId || !parsed.success) return;
  const config = parsed.data;
  // Only these remove records (as the planner decides), so only these pay for a dry run.
  if (!(config.mode === "replace" || (config.mode === "incremental" && config.onLeave === "delete") || config.consent)) return;
  const sent = or(isNotNull(syncRecords.hash), isNotNull(syncRecords.destinationId), isNotNull(syncRecords.identifiers));
  if ((await db.$count(syncRecords, and(eq(syncRecords.workspaceId, p.workspaceId), eq(syncRecords.syncId, p.syncId), sent))) === 0) return;
  const { leaving } = await dryRun(db, { workspaceId: p.workspaceId, syncId: p.syncId, input: p.input });
  if (leaving <= (p.confirmed ?? 0)) return;
  const connection = await requireConnection(db, { workspaceId: p.workspaceId, connectionId: config.connectionId });
  throw new DeletionsNeedConfirmation(leaving, `${connection.name} (${config.object})`);
}

/** One chosen record of the segment, mapped as the sync would send it; refused when the sync would not send it. */
async function chosenRecord(db: Db, p: { workspaceId: string; syncId?: string; input: unknown; key: string }) {
  const config = await checkSync(db, { workspaceId: p.workspaceId, input: p.input, syncId: p.syncId });
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
  const { connector, config: connection, permit } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: config.connectionId });
  if (connector.preview) return connector.preview(connectorContext(connection, { permit }), config.object, payload, { consent: config.consent ?? undefined });
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
  // The sync's state names the record by its key as the destination compares it.
  const { connector: target } = await loadConnection(db, { workspaceId: p.workspaceId, connectionId: config.connectionId });
  const key = await compareKey(db, p.key, keyComparisonOf(target.manifest, config.object, config.matchKey.to));
  const known = p.syncId ? await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, p.syncId), eq(syncRecords.recordKey, key)) }) : undefined;
  const runId = crypto.randomUUID();
  const record: WriteRecord = { key, op: known?.hash ? "update" : "create", payload, destinationId: known?.destinationId, identifiers: known?.identifiers };
  const { connector, delivery } = await openDelivery(db, { ...config, workspaceId: p.workspaceId, mode: "incremental", replaceStrategy: null, runId, syncId: p.syncId ?? runId, startedAt: new Date(), consent: config.consent ?? undefined, records: async function* () { yield [record]; } });
  const state = await connector.delivery.begin(delivery);
  const { results, state: after } = await connector.delivery.write(delivery, state, [record], { last: true });
  const { files } = await connector.delivery.commit(delivery, after);
  const result = results[0]!;
  if (p.syncId && result.status === "ok" && (result.destinationId || result.identifiers))
    await db
      .insert(syncRecords)
      .values({ workspaceId: p.workspaceId, syncId: p.syncId, recordKey: key, hash: null, destinationId: result.destinationId ?? null, identifiers: result.identifiers ?? null, status: "synced" })
      .onConflictDoUpdate({
        target: [syncRecords.syncId, syncRecords.recordKey],
        set: { hash: null, destinationId: result.destinationId ?? known?.destinationId ?? null, identifiers: result.identifiers ?? known?.identifiers ?? null, updatedAt: new Date() },
      });
  return { payload, result, ...(files ? { files } : {}) };
}

