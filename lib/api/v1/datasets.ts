import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { datasets } from "@/lib/db/schema";
import { getDataset } from "@/lib/db/queries/datasets";
import { previewSegment } from "@/lib/db/queries/segments";
import { NotFoundError } from "@/lib/errors";
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
    const rows = await db.query.datasets.findMany({
      where: and(eq(datasets.workspaceId, workspaceId), query.cursor ? gt(datasets.id, query.cursor) : undefined),
      orderBy: asc(datasets.id),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      data: page.map((d) => ({ id: d.id, name: d.name, description: d.description, columns: d.columns, primaryKey: d.primaryKey })),
      nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
    };
  },
});

export const previewSegmentRoute = defineRoute({
  method: "POST",
  path: "/segments/preview",
  tag: "Datasets",
  summary: "Count and first rows of a dataset narrowed by a filter tree",
  body: z.strictObject({ datasetId: z.uuid(), filter: filterGroupSchema.nullable().optional(), limit: z.number().int().min(1).max(100).default(20) }),
  response: z.object({ count: z.number(), rows: z.array(z.record(z.string(), z.unknown())) }),
  handle: async ({ db, workspaceId, body }) => {
    const dataset = await getDataset(db, { workspaceId, datasetId: body.datasetId });
    if (!dataset) throw new NotFoundError("Dataset");
    return { data: await previewSegment(db, { workspaceId, dataset, filter: body.filter, limit: body.limit }) };
  },
});
