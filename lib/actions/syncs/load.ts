"use server";
import { z } from "zod";
import { runDetail, syncOverview } from "@/lib/syncs/overview";
import { recordLogPage } from "@/lib/syncs/record-log";
import { NotFoundError } from "@/lib/errors";
import { errorKinds, itemStatuses } from "@/lib/vocabulary";
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
    status: z.enum(itemStatuses).optional(),
    errorKind: z.enum(errorKinds).optional(),
    search: z.string().max(200).optional(),
    cursor: z.string().max(1_000).optional(),
  }),
  async (filter, ctx) => recordLogPage(ctx.db, { workspaceId: ctx.workspaceId, ...filter, limit: 50 }),
);
