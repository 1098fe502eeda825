import type { ConnectorManifest } from "../types";
import { databaseManifestBase } from "../shared/database-config";

export const mysqlManifest: ConnectorManifest = {
  ...databaseManifestBase,
  id: "mysql",
  name: "MySQL / MariaDB",
  description: "Upsert rows into a table of your MySQL or MariaDB database, matched on its primary key or a unique column.",
  batchSize: 5_000,
};
