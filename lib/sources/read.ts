import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { importRejects, importRuns } from "@/lib/db/schema";
import { commitKeysPage, commitRowsPage } from "./commit";
import { type LoadedImportRun, loadImportRun } from "./context";
import { openSource } from "./open";
import { readFilePages } from "./read-files";
import { cancelAsked } from "./run-state";
import { baseSelect, emptyOrderCount, orderColumns, pagedSelect } from "./read-sql";
import { keyOf, type LandedRow, landingRuleOf, rowLander } from "./rows";
import type { ImportProgress, Position } from "./schema";
import type { SourceRow } from "./session";

export type ReadOptions = { pageSize: number; budgetMs: number };
export const defaultReadOptions: ReadOptions = { pageSize: 5_000, budgetMs: 20_000 };

/** Where a run starts reading: after the import's cursor (cursor imports), else from the first key; then the key scan when disappeared rows are acted on. */
export function initialProgress(ctx: LoadedImportRun): ImportProgress {
  const { changes, onMissing } = ctx.config;
  const rows = { after: changes.type === "cursor" ? ctx.cursor : undefined, done: false };
  return changes.type === "cursor" && onMissing !== "nothing" ? { rows, keys: { done: false } } : { rows };
}

/**
 * Plans the run: fixes where it reads from (kept on replays, so a resumed run goes on from its last page), and
 * logs the rows no read in key order can reach (an empty key or cursor) as rejected.
 */
export async function planImportRun(db: Db, runId: string) {
  const ctx = await loadImportRun(db, runId);
  if (ctx.progress) return { keyScan: ctx.progress.keys !== undefined };
  const progress = initialProgress(ctx);
  const { config } = ctx;
  if (config.read.type === "files") {
    await db.update(importRuns).set({ progress }).where(and(eq(importRuns.id, runId), isNull(importRuns.progress)));
    return { keyScan: false };
  }
  const read = config.read;
  const order = orderColumns(config.changes, config.keyColumn);
  const session = await openSource(db, { workspaceId: ctx.run.workspaceId, sourceId: config.sourceId });
  let unreachable = 0;
  try {
    for await (const [row] of session.rows(emptyOrderCount(session, { base: baseSelect(session, read), order }), [], 1)) unreachable = Number(row!.n);
  } finally {
    await session.close();
  }
  await db.transaction(async (tx) => {
    const [claimed] = await tx.update(importRuns).set({ progress, rejected: unreachable }).where(and(eq(importRuns.id, runId), isNull(importRuns.progress))).returning({ id: importRuns.id });
    if (!claimed || !unreachable) return;
    const what = order.length === 2 ? `the key column "${config.keyColumn}" or the cursor column "${order[0]}"` : `the key column "${config.keyColumn}"`;
    await tx.insert(importRejects).values({ workspaceId: ctx.run.workspaceId, importId: ctx.imp.id, runId, kind: "missing_key", message: `${unreachable} rows have no value in ${what}: they were not imported` });
  });
  return { keyScan: progress.keys !== undefined };
}

const positionOf = (row: SourceRow, order: string[]): Position => (order.length === 2 ? { cursor: row[order[0]!] as string | number, key: row[order[1]!] as string | number } : { key: row[order[0]!] as string | number });
const samePlace = (a: SourceRow, b: SourceRow, order: string[]) => order.every((c) => String(a[c]) === String(b[c]));

/**
 * Reads pages of one phase (the rows, or the key scan) after the committed position, committing each page (in order,
 * while the next is read) until the read ends, the time budget is spent or a cancel is asked (no page commits after
 * it). A page never ends between two rows with the same (cursor, key): both land in one page, so paging can neither
 * skip nor split them. A file import's rows are read by readFilePages.
 */
export async function readImportPages(db: Db, runId: string, phase: "rows" | "keys", opts: ReadOptions = defaultReadOptions): Promise<{ done: boolean; cancelled: boolean }> {
  const ctx = await loadImportRun(db, runId);
  let stored = ctx.progress;
  let progress = stored ?? initialProgress(ctx);
  const state = progress[phase];
  if (!state || state.done) return { done: true, cancelled: false };
  const { config } = ctx;
  if (config.read.type === "files") return readFilePages(db, ctx, progress, opts);
  const read = config.read;
  const order = phase === "rows" ? orderColumns(config.changes, config.keyColumn) : [config.keyColumn];
  const land = rowLander(landingRuleOf(config));
  const session = await openSource(db, { workspaceId: ctx.run.workspaceId, sourceId: config.sourceId });
  const started = Date.now();
  // Rows land (typed, checked) as they are read, so the CPU work overlaps the commit of the page before.
  const commit = async (page: SourceRow[], landed: LandedRow[], done: boolean) => {
    const after = page.length ? positionOf(page.at(-1)!, order) : progress[phase]!.after;
    const to: ImportProgress = { ...progress, [phase]: { after, done } };
    if (phase === "rows") await commitRowsPage(db, ctx, { from: stored, to, landed });
    else await commitKeysPage(db, ctx, { from: stored, to, keys: page.flatMap((r) => keyOf(r[config.keyColumn]) ?? []) });
    progress = stored = to;
  };
  // One page commits while the next is read from the source; pages commit one at a time, in order.
  let inFlight: Promise<void> | undefined;
  const settle = async () => {
    const committing = inFlight;
    inFlight = undefined;
    await committing;
  };
  try {
    const { sql, params } = pagedSelect(session, { base: baseSelect(session, read), order, after: state.after, keysOnly: phase === "keys" });
    let page: SourceRow[] = [];
    let landed: LandedRow[] = [];
    for await (const chunk of session.rows(sql, params, Math.min(opts.pageSize, 5_000))) {
      for (const row of chunk) {
        if (page.length >= opts.pageSize && !samePlace(row, page.at(-1)!, order)) {
          await settle();
          if (await cancelAsked(db, runId)) return { done: false, cancelled: true };
          if (Date.now() - started > opts.budgetMs) {
            await commit(page, landed, false);
            return { done: false, cancelled: false };
          }
          inFlight = commit(page, landed, false);
          inFlight.catch(() => {});
          page = [];
          landed = [];
        }
        page.push(row);
        if (phase === "rows") landed.push(land(row));
      }
    }
    await settle();
    await commit(page, landed, true);
    return { done: true, cancelled: false };
  } finally {
    await settle().catch(() => {});
    await session.close();
  }
}

