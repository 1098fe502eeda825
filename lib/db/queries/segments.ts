import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DatasetColumn, DatasetDefinition } from "@/lib/datasets/definition";
import { parseWith } from "@/lib/errors";
import { compileFilter } from "@/lib/segment/compile";
import { type FilterGroup, filterSchemaFor } from "@/lib/segment/schema";
import type { Db } from "../client";
import { segments } from "../schema";
import { countDatasetRows, previewDatasetRows } from "./datasets";

type DatasetRef = { id: string; definition: DatasetDefinition; columns: DatasetColumn[] };

/** The filter checked against the dataset's columns; problems are named by their path from `filter`, as the sync's are. */
const fittingFilter = (dataset: DatasetRef, filter: unknown): FilterGroup =>
  parseWith(z.object({ filter: filterSchemaFor(dataset.columns) }), { filter }, "The filter does not fit the dataset").filter;

/** The matching count and first rows of a dataset narrowed by a filter (validated here against its columns). */
export async function previewSegment(db: Db, p: { workspaceId: string; dataset: DatasetRef; filter?: unknown; limit?: number }) {
  const filter = p.filter === undefined || p.filter === null ? undefined : fittingFilter(p.dataset, p.filter);
  const where = compileFilter(filter, p.dataset.columns);
  const query = { workspaceId: p.workspaceId, definition: p.dataset.definition, where };
  const [count, rows] = await Promise.all([countDatasetRows(db, query), previewDatasetRows(db, { ...query, limit: p.limit ?? 20, offset: 0 })]);
  return { count, rows };
}

export const listSegments = (db: Db, p: { workspaceId: string; datasetId: string }) =>
  db.query.segments.findMany({ where: and(eq(segments.workspaceId, p.workspaceId), eq(segments.datasetId, p.datasetId)), orderBy: asc(segments.name) });

/** Saves a named quick filter; the filter must fit the dataset. */
export async function saveSegment(db: Db, p: { workspaceId: string; dataset: DatasetRef; name: string; filter: unknown }) {
  const filter = fittingFilter(p.dataset, p.filter);
  const [saved] = await db
    .insert(segments)
    .values({ workspaceId: p.workspaceId, datasetId: p.dataset.id, name: p.name, filter })
    .onConflictDoUpdate({ target: [segments.datasetId, segments.name], set: { filter, updatedAt: new Date() } })
    .returning();
  return saved!;
}
