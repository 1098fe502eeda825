import "server-only";
import { type SqlColumn, type SqlDialect, sqlDestination } from "../shared/sql-destination";
import { DestinationConfigError, type FieldType } from "../types";
import { destinationPool, ident, isRecordError, qualified, schemaOf } from "./client";
import { postgresSecretsSchema, postgresSettingsSchema } from "./config";
import { postgresManifest } from "./manifest";

function fieldType(udt: string): FieldType {
  if (/^int[248]$/.test(udt)) return "integer";
  if (/^(numeric|float[48]|money)$/.test(udt)) return "number";
  if (udt === "bool") return "boolean";
  if (udt === "date") return "date";
  if (/^timestamp/.test(udt)) return "datetime";
  if (/^jsonb?$/.test(udt)) return "json";
  return "string";
}

const runTag = (runId: string) => runId.replace(/-/g, "").slice(0, 24);

const dialect: SqlDialect = {
  async describeServer(connection) {
    const { rows } = await destinationPool(connection).query<{ version: string; user: string; tables: number }>(
      "SELECT current_setting('server_version') AS version, current_user AS user, (SELECT count(*)::int FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE') AS tables",
      [schemaOf(connection.settings)],
    );
    const r = rows[0]!;
    return `Connected to PostgreSQL ${r.version} as ${r.user}; schema ${schemaOf(connection.settings)} has ${r.tables} tables`;
  },

  async listTables(connection) {
    const { rows } = await destinationPool(connection).query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
      [schemaOf(connection.settings)],
    );
    return rows.map((r) => r.name);
  },

  async describe(connection, table): Promise<SqlColumn[]> {
    const pool = destinationPool(connection);
    const schema = schemaOf(connection.settings);
    const columns = await pool.query<{ name: string; udt: string; nullable: boolean; has_default: boolean }>(
      `SELECT column_name AS name, udt_name AS udt, is_nullable = 'YES' AS nullable,
              (column_default IS NOT NULL OR is_identity = 'YES' OR is_generated = 'ALWAYS') AS has_default
         FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [schema, table],
    );
    if (columns.rowCount === 0) throw new DestinationConfigError(`The table ${schema}.${table} does not exist or is not visible to ${connection.settings.user}`);
    const keys = await pool.query<{ column: string; primary: boolean }>(
      `SELECT a.attname AS column, i.indisprimary AS primary
         FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL`,
      [qualified(schema, table)],
    );
    const keyOf = new Map(keys.rows.map((k) => [k.column, k.primary ? ("primary" as const) : ("unique" as const)]));
    return columns.rows.map((c) => ({ name: c.name, type: fieldType(c.udt), nullable: c.nullable, required: !c.nullable && !c.has_default, key: keyOf.get(c.name), native: c.udt }));
  },

  namespace: schemaOf,
  table: (settings, name) => qualified(schemaOf(settings), name),
  ident,
  stageName: (settings, runId) => qualified(schemaOf(settings), `relay_stage_${runTag(runId)}`),

  async createStage(ctx, stage) {
    const pool = destinationPool(ctx.connection);
    await pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${stage} AS SELECT ${ctx.fields.map(ident).join(", ")} FROM ${qualified(schemaOf(ctx.connection.settings), ctx.object)} WITH NO DATA`);
    await pool.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${ident(`relay_stage_key_${runTag(ctx.runId)}`)} ON ${stage} (${ident(ctx.key)})`);
  },

  async upsert(ctx, _state, target, records) {
    const columns = ctx.fields.map(ident).join(", ");
    const updates = ctx.fields.filter((f) => f !== ctx.key).map((f) => `${ident(f)} = EXCLUDED.${ident(f)}`);
    const sql = `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${target}, $1::json)
      ON CONFLICT (${ident(ctx.key)}) DO ${updates.length ? `UPDATE SET ${updates.join(", ")}` : "NOTHING"}
      RETURNING ${ident(ctx.key)}::text AS key, (xmax = 0) AS inserted`;
    const result = await destinationPool(ctx.connection).query<{ key: string; inserted: boolean }>(sql, [JSON.stringify(records.map((r) => r.payload))]);
    return new Map(result.rows.map((r) => [r.key, r.inserted]));
  },

  async deleteKeys(ctx, state, keys) {
    const table = qualified(schemaOf(ctx.connection.settings), ctx.object);
    await destinationPool(ctx.connection).query(`DELETE FROM ${table} WHERE ${ident(ctx.key)} = ANY($1::${ident(state.keyType)}[])`, [keys]);
  },

  async transaction(connection, work) {
    const client = await destinationPool(connection).connect();
    try {
      await client.query("BEGIN");
      await work(async (sql) => (await client.query(sql)).rowCount ?? 0);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  },

  async dropStage(connection, stage) {
    const pool = destinationPool(connection);
    const [found] = (await pool.query<{ there: boolean }>("SELECT to_regclass($1) IS NOT NULL AS there", [stage])).rows;
    await pool.query(`DROP TABLE IF EXISTS ${stage}`);
    return found!.there;
  },

  isRecordError,

  replace: {
    deleteLeft: ({ table, stage, key }) => `DELETE FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM ${stage} s WHERE s.${key} = t.${key})`,
    emptyLeft: ({ table, stage, key, nonKey }) =>
      `UPDATE ${table} t SET ${nonKey.map((f) => `${f} = NULL`).join(", ")} WHERE NOT EXISTS (SELECT 1 FROM ${stage} s WHERE s.${key} = t.${key}) AND (${nonKey.map((f) => `t.${f} IS NOT NULL`).join(" OR ")})`,
    merge: ({ table, stage, key, columns, nonKey }) =>
      `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${columns.join(", ")} FROM ${stage}
       ON CONFLICT (${key}) DO ${nonKey.length ? `UPDATE SET ${nonKey.map((f) => `${f} = EXCLUDED.${f}`).join(", ")}` : "NOTHING"}`,
  },
};

export const postgres = sqlDestination({ manifest: postgresManifest, settingsSchema: postgresSettingsSchema, secretsSchema: postgresSecretsSchema, dialect });
