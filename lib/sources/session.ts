import "server-only";
import mysql from "mysql2";
import type { Connection as MysqlCallbackConnection } from "mysql2";
import pg from "pg";
import { ident as mysqlIdent } from "@/connectors/mysql/client";
import { ident as postgresIdent } from "@/connectors/postgres/client";
import { type DatabaseSecrets, type DatabaseSettings, databaseEndpoint } from "@/connectors/shared/database-config";
import type { Dialect } from "./sql-guard";
import type { SourceColumn } from "./schema";

export type SourceRow = Record<string, unknown>;

/**
 * One read-only session on a source database: every statement runs in a READ ONLY transaction with a statement
 * timeout, and rows come through a server-side cursor (PostgreSQL) or a row stream (MySQL), a chunk at a time.
 */
export type SourceSession = {
  dialect: Dialect;
  quote: (name: string) => string;
  /** The placeholder of the n-th parameter (1-based). */
  param: (n: number) => string;
  /** The rows of a query, in chunks of about `chunk` rows; stopping early closes the cursor. */
  rows: (sql: string, params: unknown[], chunk: number) => AsyncGenerator<SourceRow[]>;
  /** The columns of a query's result, with their database types. */
  columns: (sql: string, params: unknown[]) => Promise<SourceColumn[]>;
  close: () => Promise<void>;
};

export type SourceEndpoint = { settings: DatabaseSettings; secrets: DatabaseSecrets };

/** How long one statement may run on the source before it is stopped. */
const STATEMENT_TIMEOUT_MS = 60_000;

/** Dates and times stay text as the source wrote them: a cursor value compares exactly, microseconds kept. */
const TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266]);
const pgTypes = { getTypeParser: (oid: number, format?: string) => (TEXT_TYPES.has(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format as "text")) };

async function openPostgres({ settings, secrets }: SourceEndpoint, timeoutMs: number): Promise<SourceSession> {
  const client = new pg.Client({
    ...databaseEndpoint({ settings, secrets }),
    connectionTimeoutMillis: 10_000,
    application_name: "relay-import",
    types: pgTypes,
  });
  client.on("error", () => {});
  await client.connect();
  await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`);
  const quote = postgresIdent;
  // Tables and queries name tables as in the connection's schema, like the destination does.
  if (settings.schema) await client.query(`SET LOCAL search_path TO ${quote(settings.schema)}`);
  let cursors = 0;
  return {
    dialect: "postgres",
    quote,
    param: (n) => `$${n}`,
    async *rows(sql, params, chunk) {
      const name = `relay_read_${++cursors}`;
      await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
      try {
        for (;;) {
          const { rows } = await client.query(`FETCH ${Math.trunc(chunk)} FROM ${name}`);
          if (!rows.length) return;
          yield rows;
        }
      } finally {
        await client.query(`CLOSE ${name}`).catch(() => {});
      }
    },
    async columns(sql, params) {
      const { fields } = await client.query(`SELECT * FROM (${sql}\n) relay_columns LIMIT 0`, params);
      const { rows } = await client.query<{ oid: number; name: string }>("SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])", [fields.map((f) => f.dataTypeID)]);
      const typeOf = new Map(rows.map((r) => [r.oid, r.name]));
      return fields.map((f) => ({ name: f.name, type: typeOf.get(f.dataTypeID) ?? `oid ${f.dataTypeID}` }));
    },
    async close() {
      await client.query("ROLLBACK").catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

const mysqlTypeNames: Record<number, string> = { 1: "tinyint", 2: "smallint", 3: "int", 4: "float", 5: "double", 7: "timestamp", 8: "bigint", 9: "mediumint", 10: "date", 11: "time", 12: "datetime", 13: "year", 15: "varchar", 16: "bit", 245: "json", 246: "decimal", 252: "text", 253: "varchar", 254: "char" };

async function openMysql({ settings, secrets }: SourceEndpoint, timeoutMs: number): Promise<SourceSession> {
  const connection: MysqlCallbackConnection = mysql.createConnection({
    ...databaseEndpoint({ settings, secrets }),
    connectTimeout: 10_000,
    timezone: "Z",
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const db = connection.promise();
  connection.on("error", () => {});
  const [[version]] = (await db.query("SELECT VERSION() AS v")) as unknown as [{ v: string }[]];
  // MariaDB counts its statement limit in seconds (max_statement_time), MySQL in milliseconds (max_execution_time).
  await db.query(/mariadb/i.test(version!.v) ? `SET SESSION max_statement_time = ${timeoutMs / 1000}` : `SET SESSION max_execution_time = ${Math.trunc(timeoutMs)}`);
  await db.query("SET SESSION time_zone = '+00:00'");
  await db.query("START TRANSACTION READ ONLY");
  const quote = mysqlIdent;
  return {
    dialect: "mysql",
    quote,
    param: () => "?",
    async *rows(sql, params, chunk) {
      const query = connection.query(sql, params);
      const stream = query.stream({ highWaterMark: chunk });
      let batch: SourceRow[] = [];
      try {
        for await (const row of stream as AsyncIterable<SourceRow>) {
          batch.push(row);
          if (batch.length >= chunk) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      } finally {
        // Stopping early: the rest of the result is read and dropped so the connection can be closed cleanly.
        stream.destroy();
      }
    },
    async columns(sql, params) {
      const [, fields] = await db.query(`SELECT * FROM (${sql}\n) relay_columns LIMIT 0`, params);
      return (fields ?? []).map((f) => ({ name: f.name, type: mysqlTypeNames[f.columnType ?? f.type ?? -1] ?? "unknown" }));
    },
    async close() {
      await db.query("ROLLBACK").catch(() => {});
      connection.destroy();
    },
  };
}

/** Opens a read-only session on the source's database. */
export const openSourceSession = (dialect: Dialect, endpoint: SourceEndpoint, timeoutMs = STATEMENT_TIMEOUT_MS) =>
  dialect === "postgres" ? openPostgres(endpoint, timeoutMs) : openMysql(endpoint, timeoutMs);
