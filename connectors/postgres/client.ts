import "server-only";
import crypto from "node:crypto";
import pg from "pg";
import type { ConnectionConfig } from "../types";
import { type DatabaseSecrets, type DatabaseSettings, databaseEndpoint } from "../shared/database-config";
import { defaultPostgresSchema } from "./config";

export type PgConnection = ConnectionConfig<DatabaseSettings, DatabaseSecrets>;

const pools = new Map<string, pg.Pool>();

/** One small pool per destination, reused across the batches of a run. */
export function destinationPool({ settings, secrets }: PgConnection): pg.Pool {
  const id = crypto.createHash("sha256").update(JSON.stringify([settings, secrets.password ?? ""])).digest("hex");
  let pool = pools.get(id);
  if (!pool) {
    pool = new pg.Pool({
      ...databaseEndpoint({ settings, secrets }),
      max: 4,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 10_000,
      application_name: "relay-sync",
    });
    pool.on("error", () => {});
    pools.set(id, pool);
  }
  return pool;
}

export const schemaOf = (settings: DatabaseSettings) => settings.schema || defaultPostgresSchema;
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const qualified = (schema: string, table: string) => `${ident(schema)}.${ident(table)}`;

/** Connection and permission problems concern the whole destination; data errors concern one record. */
export function isRecordError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return /^(22|23)/.test(code);
}
