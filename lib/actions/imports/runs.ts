"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { cancelImportRun, startImportRun } from "@/lib/sources/runs";
import { workspaceAction } from "../workspace-action";

/** "Run now": reads what changed since the last run (everything on the first) into the entity. */
export const runImportNow = workspaceAction("runSyncs", z.object({ importId: z.uuid() }), async ({ importId }, ctx) => {
  const run = await startImportRun(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, importId, trigger: "manual" });
  revalidatePath("/sources");
  return { runId: run.id };
});

export const cancelImport = workspaceAction("runSyncs", z.object({ runId: z.uuid() }), async ({ runId }, ctx) =>
  cancelImportRun(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, runId }),
);
