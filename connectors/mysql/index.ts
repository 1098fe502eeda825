import "server-only";
import type { ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { type SqlColumn, type SqlDialect, sqlDestination } from "../shared/sql-destination";
import { DestinationConfigError, type FieldType } from "../types";
import { destinationPool, ident, isRecordError } from "./client";
import { mysqlSecretsSchema, mysqlSettingsSchema } from "./config";
import { mysqlManifest } from "./manifest";

function fieldType(dataType: string, columnType: string): FieldType {
  if (columnType === "tinyint(1)") return "boolean";
  if (/^(tinyint|smallint|mediumint|int|bigint)$/.test(dataType)) return "integer";
  if (/^(decimal|float|double)$/.test(dataType)) return "number";
  if (dataType === "date") return "date";
  if (/^(datetime|timestamp)$/.test(dataType)) return "datetime";
  if (dataType === "json") return "json";
  return "string";
}

/** JSON values as MySQL takes them: timestamps without the T and Z, JSON as text. */
function toMysql(value: unknown, type: FieldType | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (type === "datetime" && typeof value === "string") {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString().replace("T", " ").replace("Z", "");
  }
  if (type === "json" || (typeof value === "object" && !(value instanceof Date))) return JSON.stringify(value);
  return value;
}

/** MySQL has no "do nothing" on a duplicate key: a key-only upsert sets the key to the value it has (unambiguous in INSERT … SELECT too). */
const onDuplicate = (key: string, nonKey: string[]) => (nonKey.length ? nonKey : [key]).map((f) => `${f} = VALUES(${f})`).join(", ");

const dialect: SqlDialect = {
  async describeServer(connection) {
    const [rows] = await destinationPool(connection).query<RowDataPacket[]>(
      "SELECT VERSION() AS version, CURRENT_USER() AS user, (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) AS tables",
    );
    const r = rows[0]!;
    return `Connected to ${r.version} as ${r.user}; database ${connection.settings.database} has ${r.tables} tables`;
  },

  async listTables(connection) {
    const [rows] = await destinationPool(connection).query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
      [connection.settings.database],
    );
    return rows.map((r) => r.name as string);
  },

  async describe(connection, table): Promise<SqlColumn[]> {
    const [rows] = await destinationPool(connection).query<RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE = 'YES' AS nullable,
              (COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%' OR EXTRA LIKE '%GENERATED%') AS hasDefault
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [connection.settings.database, table],
    );
    if (rows.length === 0) throw new DestinationConfigError(`The table ${table} does not exist in ${connection.settings.database} or is not visible to ${connection.settings.user}`);
    const [unique] = await destinationPool(connection).query<RowDataPacket[]>(
      `SELECT MAX(COLUMN_NAME) AS name, INDEX_NAME = 'PRIMARY' AS isPrimary FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 GROUP BY INDEX_NAME HAVING COUNT(*) = 1`,
      [connection.settings.database, table],
    );
    const keyOf = new Map(unique.map((u) => [u.name as string, Number(u.isPrimary) ? ("primary" as const) : ("unique" as const)]));
    return rows.map((r) => {
      const nullable = Boolean(Number(r.nullable));
      return { name: r.name as string, type: fieldType(r.dataType as string, r.columnType as string), nullable, required: !nullable && !Number(r.hasDefault), key: keyOf.get(r.name as string), native: r.columnType as string };
    });
  },

  namespace: (settings) => settings.database,
  table: (_settings, name) => ident(name),
  ident,
  stageName: (_settings, runId) => ident(`relay_stage_${runId.replace(/-/g, "").slice(0, 24)}`),

  async createStage(ctx, stage) {
    const pool = destinationPool(ctx.connection);
    await pool.query(`CREATE TABLE IF NOT EXISTS ${stage} AS SELECT ${ctx.fields.map(ident).join(", ")} FROM ${ident(ctx.object)} WHERE 1 = 0`);
    const [indexes] = await pool.query<RowDataPacket[]>(`SHOW INDEX FROM ${stage}`);
    if (indexes.length === 0) await pool.query(`ALTER TABLE ${stage} ADD UNIQUE KEY relay_stage_key (${ident(ctx.key)})`);
  },

  async upsert(ctx, state, target, records) {
    const rows = records.map((r) => ctx.fields.map((f) => toMysql(r.payload![f], state.types[f])));
    const nonKey = ctx.fields.filter((f) => f !== ctx.key).map(ident);
    await destinationPool(ctx.connection).query(`INSERT INTO ${target} (${ctx.fields.map(ident).join(", ")}) VALUES ? ON DUPLICATE KEY UPDATE ${onDuplicate(ident(ctx.key), nonKey)}`, [rows]);
    return undefined;
  },

  async deleteKeys(ctx, _state, keys) {
    await destinationPool(ctx.connection).query(`DELETE FROM ${ident(ctx.object)} WHERE ${ident(ctx.key)} IN (?)`, [keys]);
  },

  async transaction(connection, work) {
    const client = await destinationPool(connection).getConnection();
    try {
      await client.beginTransaction();
      await work(async (sql) => (await client.query<ResultSetHeader>(sql))[0].affectedRows);
      await client.commit();
    } catch (error) {
      await client.rollback().catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  },

  async dropStage(connection, stage) {
    // A table that was not there leaves a warning ("Unknown table").
    const [dropped] = await destinationPool(connection).query<ResultSetHeader>(`DROP TABLE IF EXISTS ${stage}`);
    return dropped.warningStatus === 0;
  },

  isRecordError,

  replace: {
    deleteLeft: ({ table, stage, key }) => `DELETE t FROM ${table} t LEFT JOIN ${stage} s ON s.${key} = t.${key} WHERE s.${key} IS NULL`,
    emptyLeft: ({ table, stage, key, nonKey }) => `UPDATE ${table} t LEFT JOIN ${stage} s ON s.${key} = t.${key} SET ${nonKey.map((f) => `t.${f} = NULL`).join(", ")} WHERE s.${key} IS NULL`,
    merge: ({ table, stage, key, columns, nonKey }) => `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.join(", ")} FROM ${stage} ON DUPLICATE KEY UPDATE ${onDuplicate(key, nonKey)}`,
  },
};

export const mysql = sqlDestination({ manifest: mysqlManifest, settingsSchema: mysqlSettingsSchema, secretsSchema: mysqlSecretsSchema, dialect });
