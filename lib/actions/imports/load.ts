"use server";
import { z } from "zod";
import { importRunView, rejectedRows } from "@/lib/sources/overview";
import { workspaceAction } from "../workspace-action";

/** An import run's page polls this while the run goes: status, counts and steps. */
export const loadImportRun = workspaceAction("view", z.object({ runId: z.uuid() }), async ({ runId }, ctx) => importRunView(ctx.db, { workspaceId: ctx.workspaceId, runId }));

/** The record log of an import run: its rejected source rows with why, 50 at a time. */
export const loadImportRejects = workspaceAction("view", z.object({ runId: z.uuid(), cursor: z.string().regex(/^\d{1,18}$/).optional() }), async (p, ctx) =>
  rejectedRows(ctx.db, { workspaceId: ctx.workspaceId, ...p }),
);
