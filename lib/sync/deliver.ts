import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { CommitResult, DeliveryState, RecordResult, WriteRecord } from "@/connectors/types";
import type { Db } from "@/lib/db/client";
import { syncRecordLogs, syncRuns } from "@/lib/db/schema";
import type { LoadedRun } from "./context";
import { carryResults } from "./carry";
import { readBatch } from "./records";
import { cancelRequested } from "./runs";

const EXCERPT = 2_000;

/** Opens the connector's delivery (staging table, upload session…) once per run; a replayed step reuses it. */
export async function beginDelivery(db: Db, loaded: LoadedRun): Promise<void> {
  if (loaded.run.deliveryState) return;
  const state = await loaded.connector.delivery.begin(loaded.delivery);
  await db.update(syncRuns).set({ deliveryState: state }).where(eq(syncRuns.id, loaded.run.id));
}

/**
 * Records each record's outcome on its item and each failed attempt in the record log. Records that went
 * as planned (the common case) are marked in one statement; only the others are written one by one.
 */
async function recordResults(db: Db, loaded: LoadedRun, batch: number, records: WriteRecord[], results: RecordResult[]) {
  const opOf = new Map(records.map((r) => [r.key, r.op]));
  const asPlanned = (r: RecordResult) => r.status === "ok" && r.op === opOf.get(r.key) && !r.destinationId && !r.identifiers && !r.earlier?.length && !r.warning;
  const items = results
    .filter((r) => !asPlanned(r))
    .map((r) => ({
      key: r.key,
      tries: 1 + (r.earlier?.length ?? 0),
      ...(r.status === "ok"
        ? { status: "done", result_op: r.op, destination_id: r.destinationId ?? null, identifiers: r.identifiers ?? null, warning: r.warning ?? null }
        : { status: "failed", error_kind: r.kind, message: r.message, response_status: r.response?.status ?? null, response_body: r.response?.body.slice(0, EXCERPT) ?? null, identifiers: r.identifiers ?? null }),
    }));
  if (items.length)
    await db.execute(sql`
      UPDATE sync_run_items i SET status = v.status, result_op = v.result_op, destination_id = v.destination_id, identifiers = v.identifiers, warning = v.warning,
             error_kind = v.error_kind, message = v.message, response_status = v.response_status, response_body = v.response_body, attempts = i.attempts + v.tries
        FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS v(key text, tries int, status text, result_op text, destination_id text, identifiers jsonb, warning text,
             error_kind text, message text, response_status int, response_body text)
       WHERE i.run_id = ${loaded.run.id} AND i.batch = ${batch} AND i.record_key = v.key`);
  const planned = results.filter(asPlanned).map((r) => r.key);
  if (planned.length === results.length)
    await db.execute(sql`UPDATE sync_run_items SET status = 'done', result_op = operation, attempts = attempts + 1
      WHERE run_id = ${loaded.run.id} AND batch = ${batch} AND status = 'pending'`);
  else if (planned.length)
    await db.execute(sql`UPDATE sync_run_items SET status = 'done', result_op = operation, attempts = attempts + 1
      WHERE run_id = ${loaded.run.id} AND batch = ${batch} AND status = 'pending' AND record_key IN (${sql.join(planned.map((k) => sql`${k}`), sql`, `)})`);
  // The record log: every attempt of a record that did not go through at once.
  const logs = results.flatMap((r) => {
    const earlier = (r.earlier ?? []).map((e, i) => ({ attempt: i + 1, operation: e.op, status: "failed" as const, errorKind: e.kind, message: e.message, response: e.response }));
    if (r.status === "ok" && earlier.length === 0) return [];
    const last =
      r.status === "ok"
        ? { attempt: earlier.length + 1, operation: r.op, status: "ok" as const, errorKind: null, message: null, response: undefined }
        : { attempt: earlier.length + 1, operation: opOf.get(r.key) ?? "write", status: "failed" as const, errorKind: r.kind, message: r.message, response: r.response };
    return [...earlier, last].map((l) => ({
      workspaceId: loaded.sync.workspaceId,
      runId: loaded.run.id,
      syncId: loaded.sync.id,
      recordKey: r.key,
      attempt: l.attempt,
      operation: l.operation,
      status: l.status,
      errorKind: l.errorKind,
      message: l.message,
      responseStatus: l.response?.status ?? null,
      responseBody: l.response?.body.slice(0, EXCERPT) ?? null,
    }));
  });
  if (logs.length) await db.insert(syncRecordLogs).values(logs);
}

/** Every record of a batch failed for technical reasons after its retries: the destination is down. */
export class DestinationUnreachable extends Error {}

/**
 * Delivers batches from `from` on: at least up to `min`, then on while the time budget lasts, never past
 * `until`; returns the next batch to deliver, and whether a user cancelled the run (no batch starts after
 * that). Each batch's results (and, see carriesPerBatch, the diff state) are stored before the next starts, so
 * a replayed step resumes at the first batch with pending records; the next batch is read while one is written.
 */
export async function deliverBatches(db: Db, loaded: LoadedRun, p: { from: number; min: number; until: number; budgetMs: number }): Promise<{ next: number; cancelled: boolean }> {
  const started = Date.now();
  let state = (await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, loaded.run.id), columns: { deliveryState: true } }))?.deliveryState as DeliveryState;
  const read = (batch: number) => {
    const reading = readBatch(db, { config: loaded.config, dataset: loaded.dataset, runId: loaded.run.id, syncId: loaded.sync.id }, batch);
    // Read ahead: a loop that stops first (cancel, time budget, a failure) never awaits it.
    reading.catch(() => undefined);
    return reading;
  };
  let batch = p.from;
  let ahead = read(batch);
  while (batch < p.until && (batch < p.min || Date.now() - started < p.budgetMs)) {
    if (await cancelRequested(db, loaded.run.id)) break;
    const { records, settle } = await ahead;
    if (batch + 1 < p.until) ahead = read(batch + 1);
    await settle();
    if (records.length) {
      const written = await loaded.connector.delivery.write(loaded.delivery, state, records, { last: batch === p.until - 1 });
      state = written.state;
      await db.transaction(async (tx) => {
        await recordResults(tx, loaded, batch, records, written.results);
        if (carriesPerBatch(loaded)) await carryResults(tx, { syncId: loaded.sync.id, runId: loaded.run.id, batch, deletes: true });
        await tx
          .update(syncRuns)
          .set({ deliveryState: state, delivered: sql`${syncRuns.delivered} + ${records.length}` })
          .where(and(eq(syncRuns.id, loaded.run.id)));
      });
      const technical = written.results.filter((r) => r.status === "failed" && r.kind === "technical");
      if (technical.length === written.results.length && technical[0]?.status === "failed")
        throw new DestinationUnreachable(`The destination did not answer after retries: ${technical[0].message}`);
    }
    batch++;
  }
  return { next: batch, cancelled: await cancelRequested(db, loaded.run.id) };
}

/** Destinations that take the whole run at once (files) have no deliver steps: commit delivers everything. */
export const deliversAtCommit = (loaded: Pick<LoadedRun, "connector">) => loaded.connector.manifest.results === "run";

/**
 * Whether each batch's results go into the sync's diff state with the batch, in the same transaction, instead
 * of all at finalize: not for a replace (its writes count only once swapped in, and a dropped stage discards
 * them), nor for a destination that takes the whole run at commit.
 */
export const carriesPerBatch = (loaded: Pick<LoadedRun, "connector" | "run">) => loaded.run.mode !== "replace" && !deliversAtCommit(loaded);

/**
 * Commits the delivery; a pending answer's state is stored for the next commit, after the wait. For a
 * destination that takes the whole run at commit, its records are done only once the commit succeeded,
 * so a failed upload leaves them pending for the next run.
 */
export async function commitDelivery(db: Db, loaded: LoadedRun): Promise<CommitResult> {
  const state = (await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, loaded.run.id) }))?.deliveryState ?? {};
  const result = await loaded.connector.delivery.commit(loaded.delivery, state);
  if (result.pending) await db.update(syncRuns).set({ deliveryState: result.pending.state }).where(eq(syncRuns.id, loaded.run.id));
  else if (deliversAtCommit(loaded))
    await db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE sync_run_items SET status = 'done', result_op = operation, attempts = attempts + 1 WHERE run_id = ${loaded.run.id} AND status = 'pending'`);
      await tx.update(syncRuns).set({ delivered: sql`${syncRuns.planned}` }).where(eq(syncRuns.id, loaded.run.id));
    });
  return result;
}

/** Aborts the delivery; true when the destination threw away everything the run wrote (its stage dropped). */
export async function abortDelivery(db: Db, loaded: LoadedRun): Promise<boolean> {
  const state = (await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, loaded.run.id) }))?.deliveryState;
  return state ? ((await loaded.connector.delivery.abort(loaded.delivery, state))?.discarded ?? false) : false;
}

