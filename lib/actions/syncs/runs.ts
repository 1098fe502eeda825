"use server";
import { z } from "zod";
import { runModes } from "@/lib/vocabulary";
import * as runs from "@/lib/syncs/runs";
import { workspaceAction } from "../workspace-action";

const runInput = z.object({ runId: z.uuid() });

/** "Run now": incremental, full resend or replace. */
export const runSyncNow = workspaceAction("runSyncs", z.object({ syncId: z.uuid(), mode: z.enum(runModes) }), async ({ syncId, mode }, ctx) => {
  const run = await runs.startRun(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, syncId, mode, trigger: "manual" });
  return { runId: run.id };
});

export const cancelRun = workspaceAction("runSyncs", runInput, async ({ runId }, ctx) => {
  const { status } = await runs.cancelRun(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, runId });
  return { runId, status };
});

/** Confirm and deliver a run held by the sync's deletion limit: it delivers the plan it kept. */
export const confirmRun = workspaceAction("runSyncs", runInput, async ({ runId }, ctx) => {
  await runs.confirmRun(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, runId });
  return { runId };
});

/** Discard a held run: nothing is delivered, and the next run plans the same deletions again. */
export const discardRun = workspaceAction("runSyncs", runInput, async ({ runId }, ctx) => {
  await runs.discardRun(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, runId });
  return { runId };
});

/** Sends chosen records of a run again now (by default every record that failed), in a new run. */
export const resendRecords = workspaceAction("runSyncs", runInput.extend({ keys: runs.resendKeysSchema.optional() }), async ({ runId, keys }, ctx) => {
  const { run, records } = await runs.resendRecords(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, runId, keys, trigger: "manual" });
  return { runId: run.id, records };
});
