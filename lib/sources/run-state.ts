import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { type ImportRun, importRuns, imports } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { CANCELLED_BY_USER } from "@/lib/sync/runs";
import { activeRunStatuses, isOneOf, type RunTrigger } from "@/lib/vocabulary";

/** Locks an import's row so queueing and starting its runs happen one at a time; false when it is gone. */
async function lockImport(db: Db, importId: string) {
  const [row] = await db.select({ id: imports.id }).from(imports).where(eq(imports.id, importId)).for("no key update");
  return row !== undefined;
}

/**
 * Queues a run, or answers the run already queued (`folded`): it reads after the request, so it brings what was
 * asked. Undefined when a run for that due time exists already (schedules).
 */
export async function queueImportRun(db: Db, p: { workspaceId: string; importId: string; trigger: RunTrigger; scheduledFor?: Date }): Promise<{ run: ImportRun; folded: boolean } | undefined> {
  return db.transaction(async (tx) => {
    if (!(await lockImport(tx, p.importId))) throw new NotFoundError("Import");
    if (p.scheduledFor && (await tx.query.importRuns.findFirst({ where: and(eq(importRuns.importId, p.importId), eq(importRuns.scheduledFor, p.scheduledFor)) }))) return undefined;
    const waiting = await tx.query.importRuns.findFirst({ where: and(eq(importRuns.importId, p.importId), eq(importRuns.status, "queued")) });
    if (waiting) return { run: waiting, folded: true };
    const [run] = await tx.insert(importRuns).values({ workspaceId: p.workspaceId, importId: p.importId, trigger: p.trigger, scheduledFor: p.scheduledFor }).returning();
    return { run: run!, folded: false };
  });
}

/** Marks the run running unless another run of its import is ("busy": wait for its end); "ended" when gone or cancelled. */
export async function claimImportRun(db: Db, runId: string): Promise<"running" | "busy" | "ended"> {
  return db.transaction(async (tx) => {
    const run = await tx.query.importRuns.findFirst({ where: eq(importRuns.id, runId) });
    if (!run || !(await lockImport(tx, run.importId))) return "ended";
    const current = await tx.query.importRuns.findFirst({ where: eq(importRuns.id, runId) });
    if (!current || !isOneOf(activeRunStatuses, current.status)) return "ended";
    if (current.status === "running") return "running";
    const other = await tx.query.importRuns.findFirst({ where: and(eq(importRuns.importId, run.importId), eq(importRuns.status, "running")), columns: { id: true } });
    if (other) return "busy";
    const claimed = await tx.update(importRuns).set({ status: "running", startedAt: new Date() }).where(and(eq(importRuns.id, runId), eq(importRuns.status, "queued"))).returning({ id: importRuns.id });
    return claimed.length ? "running" : "ended";
  });
}

/** Asks a run to stop: a queued run ends cancelled at once; a running one stops before its next page, keeping the pages it committed. Undefined when it had ended. */
export async function markImportCancelRequested(db: Db, p: { workspaceId: string; runId: string }) {
  const queued = sql`${importRuns.status} = 'queued'`;
  const [run] = await db
    .update(importRuns)
    .set({
      cancelRequestedAt: sql`coalesce(${importRuns.cancelRequestedAt}, now())`,
      status: sql`CASE WHEN ${queued} THEN 'cancelled' ELSE ${importRuns.status} END`,
      finishedAt: sql`CASE WHEN ${queued} THEN now() ELSE ${importRuns.finishedAt} END`,
      error: sql`CASE WHEN ${queued} THEN ${CANCELLED_BY_USER} ELSE ${importRuns.error} END`,
    })
    .where(and(eq(importRuns.id, p.runId), eq(importRuns.workspaceId, p.workspaceId), inArray(importRuns.status, activeRunStatuses)))
    .returning();
  return run;
}

/** Ends a run early (failed, or cancelled from the job runtime); a run already ended is left alone. */
export async function endImportRun(db: Db, runId: string, end: { status: "failed" | "cancelled"; error: string }) {
  const [ended] = await db
    .update(importRuns)
    .set({ status: end.status, error: end.error, finishedAt: new Date() })
    .where(and(eq(importRuns.id, runId), inArray(importRuns.status, activeRunStatuses)))
    .returning();
  return ended;
}

/** Whether a cancel was asked for the run: no page commits after it. */
export async function cancelAsked(db: Db, runId: string) {
  const run = await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId), columns: { cancelRequestedAt: true } });
  return Boolean(run?.cancelRequestedAt);
}
