import "server-only";
import { isDeepStrictEqual } from "node:util";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { importRejects, importRuns, imports } from "@/lib/db/schema";
import { transactionWithRetry } from "@/lib/db/transaction";
import { upsertChangedRecords } from "@/lib/entities/upsert";
import type { ImportRejectKind } from "@/lib/vocabulary";
import type { LoadedImportRun } from "./context";
import { type LandedRow, landedFields, landingRuleOf } from "./rows";
import { type ImportProgress, keepsLedger } from "./schema";

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
 * Commits one page of rows in one app-database transaction: the entity rows that are new or differ from what they
 * hold, the keys seen (when the import keeps a ledger), the rejected rows, the run's counts and where reading stands —
 * and, for a cursor import, the import's cursor; `also` writes more in the same transaction. A kill before the commit
 * leaves none of it; after, all. `from` is the progress as stored: none before the first page of a run that was not planned.
 */
export async function commitRowsPage(db: Db, ctx: LoadedImportRun, p: { from: ImportProgress | undefined; to: ImportProgress; landed: LandedRow[]; also?: (tx: Db) => Promise<unknown> }) {
  const { accepted, rejected } = sortOut(p.landed);
  const { workspaceId, id: importId, entity } = ctx.imp;
  const runId = ctx.run.id;
  await transactionWithRetry(db, async (tx) => {
    await lockProgress(tx, ctx, p.from);
    const records = accepted.map((a) => a.record);
    const { created, updated } = await upsertChangedRecords(tx, { workspaceId, entity, fields: landedFields(landingRuleOf(ctx.config)), records });
    if (keepsLedger(ctx.config)) {
      // A rejected row is still in the source: its entity row is not taken for gone.
      const rejectedKeys = rejected.flatMap((r) => (r.key === null ? [] : [r.key]));
      await tx.execute(sql`INSERT INTO import_records (workspace_id, import_id, record_key, seen_run_id)
        SELECT ${workspaceId}, ${importId}, k, ${runId} FROM unnest(${sql.param(accepted.map((a) => a.key))}::text[]) AS t(k)
        ON CONFLICT (import_id, record_key) DO UPDATE SET seen_run_id = excluded.seen_run_id`);
      if (rejectedKeys.length) await tx.execute(sql`UPDATE import_records SET seen_run_id = ${runId} WHERE import_id = ${importId} AND record_key = ANY(${sql.param(rejectedKeys)}::text[])`);
    }
    if (rejected.length) await tx.insert(importRejects).values(rejected.map((r) => ({ workspaceId, importId, runId, recordKey: r.key, kind: r.kind, message: r.message })));
    await tx
      .update(importRuns)
      .set({
        progress: p.to,
        pages: sql`${importRuns.pages} + ${p.landed.length ? 1 : 0}`,
        read: sql`${importRuns.read} + ${p.landed.length}`,
        created: sql`${importRuns.created} + ${created}`,
        updated: sql`${importRuns.updated} + ${updated}`,
        unchanged: sql`${importRuns.unchanged} + ${accepted.length - created - updated}`,
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
