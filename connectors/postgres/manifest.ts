import type { ConnectorManifest } from "../types";
import { databaseManifestBase } from "../shared/database-config";

export const postgresManifest: ConnectorManifest = {
  ...databaseManifestBase,
  id: "postgres",
  name: "PostgreSQL",
  description: "Upsert rows into a table of your PostgreSQL database, matched on its primary key or a unique column.",
  batchSize: 5_000,
};
