import "server-only";
import { and, asc, eq, type SQL } from "drizzle-orm";
import { countQuery, pageQuery } from "@/lib/datasets/compile";
import { type DatasetDefinition, datasetColumns } from "@/lib/datasets/definition";
import type { Db } from "../client";
import { datasets } from "../schema";

export type Row = Record<string, unknown>;

export const listDatasets = (db: Db, p: { workspaceId: string }) =>
  db.query.datasets.findMany({ where: eq(datasets.workspaceId, p.workspaceId), orderBy: [asc(datasets.name)] });

export const getDataset = (db: Db, p: { workspaceId: string; datasetId: string }) =>
  db.query.datasets.findFirst({ where: and(eq(datasets.id, p.datasetId), eq(datasets.workspaceId, p.workspaceId)) });

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
