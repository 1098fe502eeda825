import "server-only";
import { z } from "zod";
import { datasetsPage } from "@/lib/db/queries/datasets";
import { previewDataset } from "@/lib/datasets/preview";
import { filterGroupSchema } from "@/lib/segment/schema";
import { defineRoute, pageQuery } from "../route";
import { datasetOut } from "./schemas";

export const listDatasets = defineRoute({
  method: "GET",
  path: "/datasets",
  tag: "Datasets",
  summary: "List the datasets, with their typed columns and primary key",
  query: pageQuery,
  response: z.array(datasetOut),
  handle: async ({ db, workspaceId, query }) => {
    const { page, nextCursor } = await datasetsPage(db, { workspaceId, ...query });
    return { data: page.map((d) => ({ id: d.id, name: d.name, description: d.description, columns: d.columns, primaryKey: d.primaryKey })), nextCursor };
  },
});

export const previewSegmentRoute = defineRoute({
  method: "POST",
  path: "/segments/preview",
  tag: "Datasets",
  summary: "Count and first rows of a dataset narrowed by a filter tree",
  body: z.strictObject({ datasetId: z.uuid(), filter: filterGroupSchema.nullable().optional(), limit: z.number().int().min(1).max(100).default(20) }),
  response: z.object({ count: z.number(), rows: z.array(z.record(z.string(), z.unknown())) }),
  handle: async ({ db, workspaceId, body }) => ({ data: await previewDataset(db, { workspaceId, ...body }) }),
});
