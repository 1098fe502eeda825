import "server-only";
import { isDeepStrictEqual } from "node:util";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { importRejects, importRuns, imports } from "@/lib/db/schema";
import { transactionWithRetry } from "@/lib/db/transaction";
import type { EntityRecord } from "@/lib/entities/records";
import { upsertRecords } from "@/lib/entities/upsert";
import type { ImportRejectKind } from "@/lib/vocabulary";
import type { LoadedImportRun } from "./context";
import type { LandedRow } from "./rows";
import type { ImportProgress } from "./schema";

/** Another attempt of the same step committed this page first (a step replayed while the first still ran). */
export class PageAlreadyCommitted extends Error {}

/** The run's progress as committed, locked: a page commits only from the position it was read after. */
async function lockProgress(tx: Db, ctx: LoadedImportRun, expected: ImportProgress | undefined) {
  const [row] = await tx.select({ progress: importRuns.progress }).from(importRuns).where(eq(importRuns.id, ctx.run.id)).for("update");
  if (!isDeepStrictEqual(row?.progress ?? null, JSON.parse(JSON.stringify(expected ?? null)))) throw new PageAlreadyCommitted(`Run ${ctx.run.id} moved on while this page was read`);
}

/** Splits a page's landed rows: a key that appears more than once in one read is rejected everywhere it appears. */
function sortOut(landed: LandedRow[]) {
  const counts = new Map<string, number>();
  for (const l of landed) if (l.key !== null) counts.set(l.key, (counts.get(l.key) ?? 0) + 1);
  const accepted: Extract<LandedRow, { ok: true }>[] = [];
  const rejected: { key: string | null; kind: ImportRejectKind; message: string }[] = [];
  for (const l of landed) {
    const times = l.key === null ? 1 : counts.get(l.key)!;
    if (times > 1) rejected.push({ key: l.key, kind: "duplicate_key", message: `The key "${l.key}" appears ${times} times in one read: none of them was imported` });
    else if (l.ok) accepted.push(l);
    else rejected.push(l);
  }
  return { accepted, rejected };
}

/**
 * Commits one page of rows in one app-database transaction: the entity rows that are new or changed (by the hash
 * of what lands), the import's state (hash, seen by this run), the rejected rows, the run's counts and where reading
 * stands — and, for a cursor import, the import's cursor; `also` writes more in the same transaction. A kill before the commit leaves none of it; after, all.
 * `from` is the progress as stored: none before the first page of a run that was not planned.
 */
export async function commitRowsPage(db: Db, ctx: LoadedImportRun, p: { from: ImportProgress | undefined; to: ImportProgress; landed: LandedRow[]; also?: (tx: Db) => Promise<unknown> }) {
  const { accepted, rejected } = sortOut(p.landed);
  const { workspaceId, id: importId, entity } = ctx.imp;
  const runId = ctx.run.id;
  await transactionWithRetry(db, async (tx) => {
    await lockProgress(tx, ctx, p.from);
    const keys = accepted.map((a) => a.key);
    const known = await tx.execute<{ record_key: string; hash: string }>(
      sql`SELECT record_key, hash FROM import_records WHERE import_id = ${importId} AND record_key = ANY(${sql.param(keys)}::text[])`,
    );
    const stored = new Map(known.rows.map((r) => [r.record_key, r.hash]));
    const changed: EntityRecord[] = [];
    let created = 0;
    for (const a of accepted) {
      const before = stored.get(a.key);
      if (before === undefined) created++;
      if (before !== a.hash) changed.push(a.record);
    }
    if (changed.length) await upsertRecords(tx, { workspaceId, entity, records: changed });
    await tx.execute(sql`INSERT INTO import_records (workspace_id, import_id, record_key, hash, seen_run_id)
      SELECT ${workspaceId}, ${importId}, k, h, ${runId} FROM unnest(${sql.param(keys)}::text[], ${sql.param(accepted.map((a) => a.hash))}::text[]) AS t(k, h)
      ON CONFLICT (import_id, record_key) DO UPDATE SET hash = excluded.hash, seen_run_id = excluded.seen_run_id`);
    const rejectedKeys = rejected.flatMap((r) => (r.key === null ? [] : [r.key]));
    // A rejected row is still in the source: its entity row is not taken for gone.
    if (rejectedKeys.length) await tx.execute(sql`UPDATE import_records SET seen_run_id = ${runId} WHERE import_id = ${importId} AND record_key = ANY(${sql.param(rejectedKeys)}::text[])`);
    if (rejected.length) await tx.insert(importRejects).values(rejected.map((r) => ({ workspaceId, importId, runId, recordKey: r.key, kind: r.kind, message: r.message })));
    await tx
      .update(importRuns)
      .set({
        progress: p.to,
        pages: sql`${importRuns.pages} + ${p.landed.length ? 1 : 0}`,
        read: sql`${importRuns.read} + ${p.landed.length}`,
        created: sql`${importRuns.created} + ${created}`,
        updated: sql`${importRuns.updated} + ${changed.length - created}`,
        unchanged: sql`${importRuns.unchanged} + ${accepted.length - changed.length}`,
        rejected: sql`${importRuns.rejected} + ${rejected.length}`,
      })
      .where(eq(importRuns.id, runId));
    await p.also?.(tx);
    if (ctx.config.changes.type === "cursor" && p.to.rows.after) await tx.update(imports).set({ cursor: p.to.rows.after }).where(eq(imports.id, importId));
  });
}

/** Commits one page of keys (the key scan of a cursor import that removes what disappeared): they are still in the source. */
export async function commitKeysPage(db: Db, ctx: LoadedImportRun, p: { from: ImportProgress | undefined; to: ImportProgress; keys: string[] }) {
  await transactionWithRetry(db, async (tx) => {
    await lockProgress(tx, ctx, p.from);
    if (p.keys.length) await tx.execute(sql`UPDATE import_records SET seen_run_id = ${ctx.run.id} WHERE import_id = ${ctx.imp.id} AND record_key = ANY(${sql.param(p.keys)}::text[])`);
    await tx.update(importRuns).set({ progress: p.to }).where(eq(importRuns.id, ctx.run.id));
  });
}
