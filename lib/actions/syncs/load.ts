"use server";
import { z } from "zod";
import { recordLogPage } from "@/lib/db/queries/record-log";
import { runDetail, syncOverview } from "@/lib/db/queries/overview";
import { NotFoundError } from "@/lib/errors";
import { workspaceAction } from "../workspace-action";

/** The dashboard's polling: every sync with its latest run and progress. */
export const loadDashboard = workspaceAction("view", z.object({}), async (_input, ctx) => syncOverview(ctx.db, { workspaceId: ctx.workspaceId }));

export const loadRun = workspaceAction("view", z.object({ runId: z.uuid() }), async ({ runId }, ctx) => {
  const detail = await runDetail(ctx.db, { workspaceId: ctx.workspaceId, runId });
  if (!detail) throw new NotFoundError("Run");
  return detail;
});

export const loadRecordLog = workspaceAction(
  "view",
  z.object({
    runId: z.uuid(),
    status: z.enum(["pending", "done", "failed"]).optional(),
    errorKind: z.enum(["not_found", "duplicate", "rejected", "technical"]).optional(),
    search: z.string().max(200).optional(),
    cursor: z.string().max(1_000).optional(),
  }),
  async ({ runId, ...filter }, ctx) => {
    if (!(await runDetail(ctx.db, { workspaceId: ctx.workspaceId, runId }))) throw new NotFoundError("Run");
    return recordLogPage(ctx.db, { runId, ...filter, limit: 50 });
  },
);
