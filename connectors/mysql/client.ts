import "server-only";
import crypto from "node:crypto";
import mysql from "mysql2/promise";
import type { ConnectionConfig } from "../types";
import { type DatabaseSecrets, type DatabaseSettings, databaseEndpoint } from "../shared/database-config";

export type MysqlConnection = ConnectionConfig<DatabaseSettings, DatabaseSecrets>;

const pools = new Map<string, mysql.Pool>();

/** One small pool per destination; strict mode so a bad value is refused instead of silently truncated. */
export function destinationPool({ settings, secrets }: MysqlConnection): mysql.Pool {
  const id = crypto.createHash("sha256").update(JSON.stringify([settings, secrets.password ?? ""])).digest("hex");
  let pool = pools.get(id);
  if (!pool) {
    pool = mysql.createPool({
      ...databaseEndpoint({ settings, secrets }),
      connectionLimit: 4,
      connectTimeout: 10_000,
      timezone: "Z",
      dateStrings: true,
      supportBigNumbers: true,
    });
    pool.on("connection", (c) => void c.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'"));
    pools.set(id, pool);
  }
  return pool;
}

export const ident = (name: string) => `\`${name.replace(/`/g, "``")}\``;

/** Data errors concern one record (bad value, too long, constraint); anything else concerns the destination. */
export function isRecordError(error: unknown): boolean {
  const errno = (error as { errno?: number }).errno ?? 0;
  return [1048, 1062, 1264, 1265, 1292, 1366, 1406, 1451, 1452, 3140, 4025].includes(errno);
}
