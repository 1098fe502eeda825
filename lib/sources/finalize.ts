import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { entityTables, importRuns, importRunSteps } from "@/lib/db/schema";
import { CANCELLED_BY_USER } from "@/lib/sync/runs";
import { activeRunStatuses } from "@/lib/vocabulary";
import { loadImportRun } from "./context";

/**
 * Acts on the entity rows this import wrote whose key no page of this run's complete read saw: deletes them (and
 * forgets their keys), or marks them with the trait `deleted_at` (a row already marked keeps its mark; a row that
 * comes back lands unmarked). Returns how many rows it deleted or marked.
 */
async function removeMissing(tx: Db, p: { workspaceId: string; importId: string; runId: string; entity: keyof typeof entityTables; how: "delete" | "mark_deleted" }) {
  const table = sql.identifier(p.entity);
  const gone = sql`SELECT record_key FROM import_records WHERE import_id = ${p.importId} AND seen_run_id <> ${p.runId}`;
  if (p.how === "delete") {
    await tx.execute(sql`DELETE FROM ${table} WHERE workspace_id = ${p.workspaceId} AND id IN (${gone})`);
    const removed = await tx.execute(sql`DELETE FROM import_records WHERE import_id = ${p.importId} AND seen_run_id <> ${p.runId}`);
    return removed.rowCount ?? 0;
  }
  const marked = await tx.execute(sql`UPDATE ${table} SET traits = traits || jsonb_build_object('deleted_at', to_jsonb(now())), updated_at = now()
    WHERE workspace_id = ${p.workspaceId} AND id IN (${gone}) AND coalesce(traits -> 'deleted_at', 'null'::jsonb) = 'null'::jsonb`);
  return marked.rowCount ?? 0;
}

/**
 * Ends the run: when its read completed (not cancelled), the rows that disappeared are acted on as the import says;
 * the status is partial when rows were rejected. Idempotent: a run already ended is answered as it is.
 * Returns the status and how many entity rows changed (what downstream real-time syncs are told, once).
 */
export async function finalizeImportRun(db: Db, runId: string, p: { cancelled: boolean }) {
  const ctx = await loadImportRun(db, runId);
  const { config } = ctx;
  const ended = await db.transaction(async (tx) => {
    const [run] = await tx.select().from(importRuns).where(and(eq(importRuns.id, runId), inArray(importRuns.status, activeRunStatuses))).for("update");
    if (!run) return undefined;
    const complete = !p.cancelled && ctx.progress?.rows.done === true && (ctx.progress.keys?.done ?? true);
    const acts = complete && config.onMissing !== "nothing";
    const deleted = acts ? await removeMissing(tx, { workspaceId: run.workspaceId, importId: run.importId, runId, entity: config.entity, how: config.onMissing as "delete" | "mark_deleted" }) : 0;
    const status = p.cancelled ? ("cancelled" as const) : run.rejected > 0 ? ("partial" as const) : ("succeeded" as const);
    const [done] = await tx
      .update(importRuns)
      .set({ status, deleted, finishedAt: new Date(), error: p.cancelled ? CANCELLED_BY_USER : null })
      .where(eq(importRuns.id, runId))
      .returning();
    // The step that ends the run (Finalize) ends with it: nobody sees an ended run with a step still running.
    await tx.update(importRunSteps).set({ status: "succeeded", finishedAt: new Date() }).where(and(eq(importRunSteps.runId, runId), eq(importRunSteps.status, "running")));
    return done!;
  });
  const run = ended ?? ctx.run;
  return { status: run.status, changed: run.created + run.updated + run.deleted, entity: config.entity };
}
