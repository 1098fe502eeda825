import "server-only";
import type { RowDataPacket } from "mysql2/promise";
import { type DatabaseSecrets, type DatabaseSettings, sharedTableProblem } from "../shared/database-config";
import { type Connector, DestinationConfigError, type DeliveryContext, type DestinationField, type FieldType, type RecordResult, type WriteRecord } from "../types";
import { destinationPool, ident, isRecordError, type MysqlConnection } from "./client";
import { mysqlSecretsSchema, mysqlSettingsSchema } from "./config";
import { mysqlManifest } from "./manifest";

type Ctx = DeliveryContext<DatabaseSettings, DatabaseSecrets>;
type State = { stage?: string; types: Record<string, FieldType> };

function fieldType(dataType: string, columnType: string): FieldType {
  if (columnType === "tinyint(1)") return "boolean";
  if (/^(tinyint|smallint|mediumint|int|bigint)$/.test(dataType)) return "integer";
  if (/^(decimal|float|double)$/.test(dataType)) return "number";
  if (dataType === "date") return "date";
  if (/^(datetime|timestamp)$/.test(dataType)) return "datetime";
  if (dataType === "json") return "json";
  return "string";
}

async function describe(connection: MysqlConnection, table: string) {
  const [rows] = await destinationPool(connection).query<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE = 'YES' AS nullable,
            (COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%' OR EXTRA LIKE '%GENERATED%') AS hasDefault,
            COLUMN_KEY AS columnKey
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
  return rows.map((r) => ({
    name: r.name as string,
    type: fieldType(r.dataType as string, r.columnType as string),
    nullable: Boolean(Number(r.nullable)),
    hasDefault: Boolean(Number(r.hasDefault)),
    key: keyOf.get(r.name as string),
  }));
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

async function upsert(ctx: Ctx, state: State, target: string, records: WriteRecord[]) {
  const rows = records.map((r) => ctx.fields.map((f) => toMysql(r.payload![f], state.types[f])));
  const updates = ctx.fields.filter((f) => f !== ctx.key).map((f) => `${ident(f)} = VALUES(${ident(f)})`);
  const onDuplicate = updates.length ? updates.join(", ") : `${ident(ctx.key)} = ${ident(ctx.key)}`;
  await destinationPool(ctx.connection).query(`INSERT INTO ${target} (${ctx.fields.map(ident).join(", ")}) VALUES ? ON DUPLICATE KEY UPDATE ${onDuplicate}`, [rows]);
}

/** One statement per batch; when refused, record by record to tell which records the destination refuses. */
async function writeUpserts(ctx: Ctx, state: State, target: string, records: WriteRecord[]): Promise<RecordResult[]> {
  try {
    await upsert(ctx, state, target, records);
    return records.map((r) => ({ key: r.key, status: "ok", op: r.op === "update" ? "update" : "create" }));
  } catch (error) {
    if (!isRecordError(error)) throw error;
    if (records.length === 1) return [{ key: records[0]!.key, status: "failed", kind: "rejected", message: (error as Error).message }];
  }
  const results: RecordResult[] = [];
  for (const record of records) results.push(...(await writeUpserts(ctx, state, target, [record])));
  return results;
}

export const mysql: Connector<DatabaseSettings, DatabaseSecrets> = {
  manifest: mysqlManifest,
  settingsSchema: mysqlSettingsSchema,
  secretsSchema: mysqlSecretsSchema,

  async test(connection) {
    try {
      const [rows] = await destinationPool(connection).query<RowDataPacket[]>(
        "SELECT VERSION() AS version, CURRENT_USER() AS user, (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) AS tables",
      );
      const r = rows[0]!;
      return { ok: true, message: `Connected to ${r.version} as ${r.user}; database ${connection.settings.database} has ${r.tables} tables` };
    } catch (error) {
      return { ok: false, message: `Could not connect: ${(error as Error).message}` };
    }
  },

  async listObjects(connection) {
    const [rows] = await destinationPool(connection).query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
      [connection.settings.database],
    );
    return rows.map((r) => ({ name: r.name as string, label: r.name as string }));
  },

  async listFields(connection, table): Promise<DestinationField[]> {
    return (await describe(connection, table)).map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, required: !c.nullable && !c.hasDefault, key: c.key }));
  },

  replaceProblem(fields, mapped, strategy) {
    const key = fields.find((f) => f.key === "primary")?.name ?? "";
    return strategy === "shared_table" ? sharedTableProblem(fields, mapped, key) : undefined;
  },

  delivery: {
    async begin(ctx) {
      const columns = await describe(ctx.connection, ctx.object);
      if (!columns.find((c) => c.name === ctx.key)?.key) throw new DestinationConfigError(`"${ctx.key}" is not the primary key or a unique column of ${ctx.object}`);
      const state: State = { types: Object.fromEntries(columns.map((c) => [c.name, c.type])) };
      if (ctx.mode !== "replace") return state;
      const stage = ident(`relay_stage_${ctx.runId.replace(/-/g, "").slice(0, 24)}`);
      const pool = destinationPool(ctx.connection);
      await pool.query(`CREATE TABLE IF NOT EXISTS ${stage} AS SELECT ${ctx.fields.map(ident).join(", ")} FROM ${ident(ctx.object)} WHERE 1 = 0`);
      const [indexes] = await pool.query<RowDataPacket[]>(`SHOW INDEX FROM ${stage}`);
      if (indexes.length === 0) await pool.query(`ALTER TABLE ${stage} ADD UNIQUE KEY relay_stage_key (${ident(ctx.key)})`);
      return { ...state, stage };
    },

    async write(ctx, raw, records) {
      const state = raw as State;
      const results: RecordResult[] = [];
      const deletes = records.filter((r) => r.op === "delete");
      if (deletes.length) {
        await destinationPool(ctx.connection).query(`DELETE FROM ${ident(ctx.object)} WHERE ${ident(ctx.key)} IN (?)`, [deletes.map((d) => d.key)]);
        results.push(...deletes.map((d): RecordResult => ({ key: d.key, status: "ok", op: "delete" })));
      }
      const upserts = records.filter((r) => r.op !== "delete");
      if (upserts.length) results.push(...(await writeUpserts(ctx, state, state.stage ?? ident(ctx.object), upserts)));
      return { results, state };
    },

    async commit(ctx, raw) {
      const { stage } = raw as State;
      if (!stage) return {};
      const table = ident(ctx.object);
      const key = ident(ctx.key);
      const nonKey = ctx.fields.filter((f) => f !== ctx.key);
      const columns = ctx.fields.map(ident).join(", ");
      const connection = await destinationPool(ctx.connection).getConnection();
      try {
        await connection.beginTransaction();
        const [removed] = (ctx.replaceStrategy === "shared_table"
          ? await connection.query(`UPDATE ${table} t LEFT JOIN ${stage} s ON s.${key} = t.${key} SET ${nonKey.map((f) => `t.${ident(f)} = NULL`).join(", ")} WHERE s.${key} IS NULL`)
          : await connection.query(`DELETE t FROM ${table} t LEFT JOIN ${stage} s ON s.${key} = t.${key} WHERE s.${key} IS NULL`)) as unknown as [{ affectedRows: number }];
        const updates = nonKey.length ? nonKey.map((f) => `${ident(f)} = VALUES(${ident(f)})`).join(", ") : `${key} = ${key}`;
        await connection.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${stage} ON DUPLICATE KEY UPDATE ${updates}`);
        await connection.commit();
        await connection.query(`DROP TABLE IF EXISTS ${stage}`);
        return ctx.replaceStrategy === "shared_table" ? { deleted: 0, message: `Emptied the mapped columns of ${removed.affectedRows} rows that left the dataset` } : { deleted: removed.affectedRows };
      } catch (error) {
        await connection.rollback().catch(() => {});
        throw error;
      } finally {
        connection.release();
      }
    },

    async abort(ctx, raw) {
      const { stage } = raw as State;
      if (stage) await destinationPool(ctx.connection).query(`DROP TABLE IF EXISTS ${stage}`);
    },
  },
};
