import "server-only";
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import { countQuery, pageQuery } from "@/lib/datasets/compile";
import { type DatasetDefinition, datasetColumns } from "@/lib/datasets/definition";
import { NotFoundError } from "@/lib/errors";
import type { Db } from "../client";
import { datasets } from "../schema";
import { keysetPage, type PageParams } from "./page";

export type Row = Record<string, unknown>;

export const listDatasets = (db: Db, p: { workspaceId: string }) =>
  db.query.datasets.findMany({ where: eq(datasets.workspaceId, p.workspaceId), orderBy: [asc(datasets.name)] });

/** A page of the workspace's datasets in id order (the REST list). */
export const datasetsPage = (db: Db, p: { workspaceId: string } & PageParams) =>
  keysetPage(
    p.limit,
    (take) => db.query.datasets.findMany({ where: and(eq(datasets.workspaceId, p.workspaceId), p.cursor ? gt(datasets.id, p.cursor) : undefined), orderBy: asc(datasets.id), limit: take }),
    (d) => d.id,
  );

export const getDataset = (db: Db, p: { workspaceId: string; datasetId: string }) =>
  db.query.datasets.findFirst({ where: and(eq(datasets.id, p.datasetId), eq(datasets.workspaceId, p.workspaceId)) });

/** The dataset of the workspace; a NotFoundError when it has none by that id. */
export async function requireDataset(db: Db, p: { workspaceId: string; datasetId: string }) {
  const dataset = await getDataset(db, p);
  if (!dataset) throw new NotFoundError("Dataset");
  return dataset;
}

export async function getDatasetByName(db: Db, p: { workspaceId: string; name: string }) {
  return db.query.datasets.findFirst({ where: and(eq(datasets.name, p.name), eq(datasets.workspaceId, p.workspaceId)) });
}

export async function insertDataset(
  db: Db,
  p: { workspaceId: string; name: string; description?: string; definition: DatasetDefinition; builtIn?: boolean },
) {
  const [created] = await db
    .insert(datasets)
    .values({ ...p, columns: datasetColumns(p.definition), primaryKey: "id" })
    .returning();
  return created!;
}

export async function countDatasetRows(db: Db, p: { workspaceId: string; definition: DatasetDefinition; where?: SQL }): Promise<number> {
  const result = await db.execute<{ count: number }>(countQuery(p.definition, p.workspaceId, p.where));
  return result.rows[0]!.count;
}

export async function previewDatasetRows(
  db: Db,
  p: { workspaceId: string; definition: DatasetDefinition; limit: number; offset: number; where?: SQL },
): Promise<Row[]> {
  const result = await db.execute<Row>(pageQuery(p.definition, p.workspaceId, p));
  return result.rows;
}
