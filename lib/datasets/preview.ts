import "server-only";
import type { Db } from "@/lib/db/client";
import { requireDataset } from "@/lib/db/queries/datasets";
import { previewSegment } from "@/lib/db/queries/segments";

/** The count and first rows of a dataset narrowed by a filter tree (checked against the dataset's columns). */
export async function previewDataset(db: Db, p: { workspaceId: string; datasetId: string; filter?: unknown; limit: number }) {
  const dataset = await requireDataset(db, p);
  return previewSegment(db, { workspaceId: p.workspaceId, dataset, filter: p.filter, limit: p.limit });
}
