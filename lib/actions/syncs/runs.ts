"use server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { requestRunCancel, requestSyncRun } from "@/inngest/requests";
import { audit } from "@/lib/audit";
import { getSync } from "@/lib/db/queries/syncs";
import { syncRunItems, syncRuns } from "@/lib/db/schema";
import { NotFoundError, PublicError } from "@/lib/errors";
import { runModes } from "@/lib/sync/config";
import { type ActionContext, workspaceAction } from "../workspace-action";

async function findRun(ctx: ActionContext, runId: string) {
  const run = await ctx.db.query.syncRuns.findFirst({ where: and(eq(syncRuns.id, runId), eq(syncRuns.workspaceId, ctx.workspaceId)) });
  if (!run) throw new NotFoundError("Run");
  return run;
}

/** "Run now": incremental, full resend or replace. */
export const runSyncNow = workspaceAction("runSyncs", z.object({ syncId: z.uuid(), mode: z.enum(runModes) }), async ({ syncId, mode }, ctx) => {
  const sync = await getSync(ctx.db, { workspaceId: ctx.workspaceId, syncId });
  if (!sync) throw new NotFoundError("Sync");
  const run = await requestSyncRun(ctx.db, { workspaceId: ctx.workspaceId, syncId, trigger: "manual", mode });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "sync.run_started", target: { type: "sync", id: syncId, name: sync.name }, details: { runId: run.id, mode } });
  return { runId: run.id };
});

export const cancelRun = workspaceAction("runSyncs", z.object({ runId: z.uuid() }), async ({ runId }, ctx) => {
  const run = await findRun(ctx, runId);
  if (run.status !== "queued" && run.status !== "running") throw new PublicError(`The run has already ended (${run.status})`, { status: 409 });
  await requestRunCancel({ runId, syncId: run.syncId, workspaceId: ctx.workspaceId });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "sync.run_cancelled", target: { type: "sync", id: run.syncId }, details: { runId } });
  return { runId };
});

/** Sends chosen records of a run again now (by default every record that failed), in a new run. */
export const resendRecords = workspaceAction("runSyncs", z.object({ runId: z.uuid(), keys: z.array(z.string().min(1)).max(10_000).optional() }), async ({ runId, keys }, ctx) => {
  const run = await findRun(ctx, runId);
  const chosen = keys?.length
    ? keys
    : (await ctx.db.select({ key: syncRunItems.recordKey }).from(syncRunItems).where(and(eq(syncRunItems.runId, runId), eq(syncRunItems.status, "failed")))).map((r) => r.key);
  if (chosen.length === 0) throw new PublicError("Pick the records to send again", { status: 409 });
  const resend = await requestSyncRun(ctx.db, { workspaceId: ctx.workspaceId, syncId: run.syncId, trigger: "manual", mode: "incremental", onlyKeys: chosen });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "sync.records_resent", target: { type: "sync", id: run.syncId }, details: { runId: resend.id, records: chosen.length } });
  return { runId: resend.id, records: chosen.length };
});
