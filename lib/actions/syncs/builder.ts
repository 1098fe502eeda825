"use server";
import { z } from "zod";
import { previewDataset } from "@/lib/datasets/preview";
import { requireDataset } from "@/lib/db/queries/datasets";
import { listSegments, saveSegment } from "@/lib/db/queries/segments";
import { runModes } from "@/lib/vocabulary";
import { dryRun, previewOneRecord, testOneRecord } from "@/lib/sync/try-out";
import { workspaceAction } from "../workspace-action";

/** The count and first rows of a dataset narrowed by the filter being built. */
export const loadSegmentPreview = workspaceAction("view", z.object({ datasetId: z.uuid(), filter: z.unknown().optional() }), async ({ datasetId, filter }, ctx) =>
  previewDataset(ctx.db, { workspaceId: ctx.workspaceId, datasetId, filter, limit: 10 }),
);

export const loadQuickFilters = workspaceAction("view", z.object({ datasetId: z.uuid() }), async ({ datasetId }, ctx) =>
  (await listSegments(ctx.db, { workspaceId: ctx.workspaceId, datasetId })).map((s) => ({ id: s.id, name: s.name, filter: s.filter })),
);

export const saveQuickFilter = workspaceAction("editSyncs", z.object({ datasetId: z.uuid(), name: z.string().trim().min(1, "Name the filter").max(100), filter: z.unknown() }), async (p, ctx) => {
  const saved = await saveSegment(ctx.db, { workspaceId: ctx.workspaceId, dataset: await requireDataset(ctx.db, { workspaceId: ctx.workspaceId, datasetId: p.datasetId }), name: p.name, filter: p.filter });
  return { id: saved.id, name: saved.name };
});

/** What a run of the sync being built would do, without sending anything. */
export const dryRunSync = workspaceAction("editSyncs", z.object({ syncId: z.uuid().optional(), input: z.unknown(), mode: z.enum(runModes) }), async (p, ctx) =>
  dryRun(ctx.db, { workspaceId: ctx.workspaceId, ...p }),
);

/** Shows what one record would be sent as (normalised and hashed for audiences), without sending it. */
export const previewRecord = workspaceAction("editSyncs", z.object({ input: z.unknown(), key: z.string().min(1) }), async (p, ctx) =>
  previewOneRecord(ctx.db, { workspaceId: ctx.workspaceId, ...p }),
);

/** Sends one record now and shows what the destination answered. */
export const sendOneRecord = workspaceAction("editSyncs", z.object({ syncId: z.uuid().optional(), input: z.unknown(), key: z.string().min(1) }), async (p, ctx) =>
  testOneRecord(ctx.db, { workspaceId: ctx.workspaceId, ...p }),
);
