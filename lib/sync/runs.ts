import "server-only";
import { and, eq, inArray, isNull, ne, not, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { importRunSteps, type SyncRun, syncRuns, syncRunSteps, syncs } from "@/lib/db/schema";
import { NotFoundError, PublicError } from "@/lib/errors";
import { activeRunStatuses, isOneOf, type RunMode, type RunTrigger } from "@/lib/vocabulary";

/** Locks a sync's row so that queueing, starting and deleting its runs happen one at a time; false when the sync is gone. */
async function lockSync(db: Db, syncId: string) {
  const [row] = await db.select({ id: syncs.id }).from(syncs).where(eq(syncs.id, syncId)).for("no key update");
  return row !== undefined;
}

/**
 * Queues a run, or answers the run of the sync already queued in the same mode, with `folded`: a request made
 * while a run waits its turn folds into it (it plans after the request, so it sends what was asked). A run
 * limited to some records never folds. Undefined when a run for that due time exists already (schedules).
 */
export async function queueRun(
  db: Db,
  p: { workspaceId: string; syncId: string; trigger: RunTrigger; mode: RunMode; scheduledFor?: Date; onlyKeys?: string[] },
): Promise<{ run: SyncRun; folded: boolean } | undefined> {
  return db.transaction(async (tx) => {
    if (!(await lockSync(tx, p.syncId))) throw new NotFoundError("Sync");
    if (p.scheduledFor && (await tx.query.syncRuns.findFirst({ where: and(eq(syncRuns.syncId, p.syncId), eq(syncRuns.scheduledFor, p.scheduledFor)) }))) return undefined;
    const waiting = p.onlyKeys
      ? undefined
      : await tx.query.syncRuns.findFirst({ where: and(eq(syncRuns.syncId, p.syncId), eq(syncRuns.status, "queued"), eq(syncRuns.mode, p.mode), isNull(syncRuns.onlyKeys), isNull(syncRuns.confirmedAt)) });
    if (waiting) {
      // The due time is covered by the waiting run: the scheduler does not queue another for it.
      if (p.scheduledFor) await tx.update(syncRuns).set({ scheduledFor: p.scheduledFor }).where(eq(syncRuns.id, waiting.id));
      return { run: waiting, folded: true };
    }
    const [run] = await tx
      .insert(syncRuns)
      .values({ workspaceId: p.workspaceId, syncId: p.syncId, trigger: p.trigger, mode: p.mode, scheduledFor: p.scheduledFor, onlyKeys: p.onlyKeys })
      .returning();
    return { run: run!, folded: false };
  });
}

/** A held run of the sync ends when another run starts: that run plans again from the same diff state. */
const supersedeHeldRuns = (db: Db, p: { syncId: string; runId: string }) =>
  db
    .update(syncRuns)
    .set({ status: "cancelled", finishedAt: new Date(), error: "Superseded by a newer run of the sync, which planned again: nothing of this run was delivered" })
    .where(and(eq(syncRuns.syncId, p.syncId), eq(syncRuns.status, "held"), ne(syncRuns.id, p.runId)));

/**
 * Marks the run running, unless another run of the same sync is running, in which case it stays queued and
 * the caller waits for its turn. "ended" when the run (or its sync) is gone or was cancelled while queued. A run
 * that starts supersedes a held run of its sync: it plans again from the same diff state, so the held plan can
 * no longer be delivered as it was.
 */
export async function claimRun(db: Db, runId: string): Promise<"running" | "busy" | "ended"> {
  return db.transaction(async (tx) => {
    const run = await tx.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
    if (!run || !(await lockSync(tx, run.syncId))) return "ended";
    const current = await tx.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
    if (!current || !isOneOf(activeRunStatuses, current.status)) return "ended";
    if (current.status === "running") return "running";
    const other = await tx.query.syncRuns.findFirst({ where: and(eq(syncRuns.syncId, run.syncId), eq(syncRuns.status, "running")), columns: { id: true } });
    if (other) return "busy";
    // A cancel takes no lock on the sync: the run may have ended cancelled since it was read.
    const claimed = await tx.update(syncRuns).set({ status: "running", startedAt: new Date() }).where(and(eq(syncRuns.id, runId), eq(syncRuns.status, "queued"))).returning({ id: syncRuns.id });
    if (!claimed.length) return "ended";
    await supersedeHeldRuns(tx, { syncId: run.syncId, runId });
    return "running";
  });
}

/**
 * Asks a run to stop. A queued run ends cancelled at once; a running one stops before its next batch and
 * ends cancelled with what it delivered (the run's function finalizes it). Undefined when the run had ended.
 */
export async function markCancelRequested(db: Db, p: { workspaceId: string; runId: string }) {
  const queued = sql`${syncRuns.status} = 'queued'`;
  const [run] = await db
    .update(syncRuns)
    .set({
      cancelRequestedAt: sql`coalesce(${syncRuns.cancelRequestedAt}, now())`,
      status: sql`CASE WHEN ${queued} THEN 'cancelled' ELSE ${syncRuns.status} END`,
      finishedAt: sql`CASE WHEN ${queued} THEN now() ELSE ${syncRuns.finishedAt} END`,
      error: sql`CASE WHEN ${queued} THEN ${CANCELLED_BY_USER} ELSE ${syncRuns.error} END`,
    })
    .where(and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId), inArray(syncRuns.status, activeRunStatuses)))
    .returning();
  return run;
}

export const CANCELLED_BY_USER = "Cancelled by a user";

/** Whether a user asked the run to stop (checked before each batch). */
export async function cancelRequested(db: Db, runId: string) {
  const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId), columns: { cancelRequestedAt: true } });
  return Boolean(run?.cancelRequestedAt);
}

/** A table of per-step history: sync runs' and import runs' have the same columns. */
export type StepTable = typeof syncRunSteps | typeof importRunSteps;

/**
 * Marks the run's attempts still "running" (of one step, or of any when the run ends) as interrupted: their
 * process died (a crash, a restart), so they will never end by themselves.
 */
export async function markInterrupted(db: Db, p: { runId: string; step?: string; then: string }, steps: StepTable = syncRunSteps) {
  await db
    .update(steps)
    .set({ status: "interrupted", finishedAt: new Date(), error: `The process running this attempt stopped (a crash or a restart): ${p.then}` })
    .where(and(eq(steps.runId, p.runId), p.step === undefined ? undefined : eq(steps.name, p.step), eq(steps.status, "running")));
}

/** Runs one step of a run and keeps its row in the per-step history (name, attempt, timings, error). */
export async function trackStep<T>(db: Db, p: { workspaceId: string; runId: string; name: string; attempt: number }, work: () => Promise<T>, steps: StepTable = syncRunSteps): Promise<T> {
  await markInterrupted(db, { runId: p.runId, step: p.name, then: "the step ran again" }, steps);
  const [row] = await db.insert(steps).values({ workspaceId: p.workspaceId, runId: p.runId, name: p.name, attempt: p.attempt, status: "running" }).returning({ id: steps.id });
  try {
    const result = await work();
    await db.update(steps).set({ status: "succeeded", finishedAt: new Date() }).where(eq(steps.id, row!.id));
    return result;
  } catch (error) {
    await db.update(steps).set({ status: "failed", finishedAt: new Date(), error: (error as Error).message }).where(eq(steps.id, row!.id));
    throw error;
  }
}

/** Ends a run that could not proceed (or was cancelled) with a clear message; a run already ended is left alone. */
export async function endRunWith(db: Db, runId: string, status: "failed" | "cancelled", error: string) {
  const [ended] = await db
    .update(syncRuns)
    .set({
      status,
      error,
      finishedAt: new Date(),
      failed: sql`(SELECT count(*)::int FROM sync_run_items WHERE run_id = ${runId} AND status = 'failed')`,
    })
    .where(and(eq(syncRuns.id, runId), inArray(syncRuns.status, activeRunStatuses)))
    .returning();
  return ended;
}

/** Why a run is not held any more (it ended, or a newer run superseded it), as a 409; a run of another workspace is not found. */
async function notHeld(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await db.query.syncRuns.findFirst({ where: and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId)) });
  if (!run) return new NotFoundError("Run");
  if (run.status === "held") return new PublicError("Another run of this sync is queued or running: it plans again and supersedes this one (confirm that run if it is held too)", { status: 409 });
  return new PublicError(`Only a run held for confirmation can be confirmed or discarded; this one is ${run.status}${run.error ? ` (${run.error})` : ""}`, { status: 409 });
}

/** A run of the same sync waits or goes: it will supersede the held run, whose plan would be out of date once it has run. */
const otherRunActive = sql`EXISTS (SELECT 1 FROM sync_runs o WHERE o.sync_id = ${syncRuns.syncId} AND o.id <> ${syncRuns.id} AND o.status IN ('queued', 'running'))`;

/** Confirm and deliver: the held run is queued again, to deliver the plan it kept; the caller sends `sync/run.requested`. */
export async function releaseHeldRun(db: Db, p: { workspaceId: string; runId: string; confirmedBy: string }) {
  const [run] = await db
    .update(syncRuns)
    .set({ status: "queued", confirmedAt: new Date(), confirmedBy: p.confirmedBy, finishedAt: null })
    .where(and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId), eq(syncRuns.status, "held"), not(otherRunActive)))
    .returning();
  if (!run) throw await notHeld(db, p);
  return run;
}

/** Discard: the held run ends without touching the destination or the diff state, so the next run plans the same deletions. */
export async function discardHeldRun(db: Db, p: { workspaceId: string; runId: string; discardedBy: string }) {
  const [run] = await db
    .update(syncRuns)
    .set({ status: "cancelled", finishedAt: new Date(), error: `Discarded by ${p.discardedBy}: nothing was delivered` })
    .where(and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId), eq(syncRuns.status, "held")))
    .returning();
  if (!run) throw await notHeld(db, p);
  return run;
}
