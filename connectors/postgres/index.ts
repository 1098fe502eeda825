import "server-only";
import { type DatabaseSecrets, type DatabaseSettings, sharedTableProblem } from "../shared/database-config";
import { type Connector, DestinationConfigError, type DeliveryContext, type DestinationField, type FieldType, type RecordResult, type WriteRecord } from "../types";
import { destinationPool, ident, isRecordError, type PgConnection, qualified, schemaOf } from "./client";
import { postgresSecretsSchema, postgresSettingsSchema } from "./config";
import { postgresManifest } from "./manifest";

type Ctx = DeliveryContext<DatabaseSettings, DatabaseSecrets>;
type State = { stage?: string; keyType: string };

function fieldType(udt: string): FieldType {
  if (/^int[248]$/.test(udt)) return "integer";
  if (/^(numeric|float[48]|money)$/.test(udt)) return "number";
  if (udt === "bool") return "boolean";
  if (udt === "date") return "date";
  if (/^timestamp/.test(udt)) return "datetime";
  if (/^jsonb?$/.test(udt)) return "json";
  return "string";
}

async function describe(connection: PgConnection, table: string) {
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
  return columns.rows.map((c) => ({ ...c, key: keyOf.get(c.name) }));
}

async function upsert(ctx: Ctx, target: string, records: WriteRecord[]): Promise<Map<string, boolean>> {
  const columns = ctx.fields.map(ident).join(", ");
  const updates = ctx.fields.filter((f) => f !== ctx.key).map((f) => `${ident(f)} = EXCLUDED.${ident(f)}`);
  const sql = `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${target}, $1::json)
    ON CONFLICT (${ident(ctx.key)}) DO ${updates.length ? `UPDATE SET ${updates.join(", ")}` : "NOTHING"}
    RETURNING ${ident(ctx.key)}::text AS key, (xmax = 0) AS inserted`;
  const result = await destinationPool(ctx.connection).query<{ key: string; inserted: boolean }>(sql, [JSON.stringify(records.map((r) => r.payload))]);
  return new Map(result.rows.map((r) => [r.key, r.inserted]));
}

/** Writes a batch in one statement; when the destination refuses it, writes record by record to tell which records it refuses. */
async function writeUpserts(ctx: Ctx, target: string, records: WriteRecord[]): Promise<RecordResult[]> {
  const asResults = (records: WriteRecord[], inserted: Map<string, boolean>) =>
    records.map((r): RecordResult => ({ key: r.key, status: "ok", op: inserted.get(String(r.payload![ctx.key])) === false ? "update" : "create" }));
  try {
    return asResults(records, await upsert(ctx, target, records));
  } catch (error) {
    if (!isRecordError(error) || records.length === 1) {
      if (isRecordError(error)) return [{ key: records[0]!.key, status: "failed", kind: "rejected", message: (error as Error).message }];
      throw error;
    }
  }
  const results: RecordResult[] = [];
  for (const record of records) results.push(...(await writeUpserts(ctx, target, [record])));
  return results;
}

export const postgres: Connector<DatabaseSettings, DatabaseSecrets> = {
  manifest: postgresManifest,
  settingsSchema: postgresSettingsSchema,
  secretsSchema: postgresSecretsSchema,

  async test(connection) {
    try {
      const pool = destinationPool(connection);
      const { rows } = await pool.query<{ version: string; user: string; tables: number }>(
        "SELECT current_setting('server_version') AS version, current_user AS user, (SELECT count(*)::int FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE') AS tables",
        [schemaOf(connection.settings)],
      );
      const r = rows[0]!;
      return { ok: true, message: `Connected to PostgreSQL ${r.version} as ${r.user}; schema ${schemaOf(connection.settings)} has ${r.tables} tables` };
    } catch (error) {
      return { ok: false, message: `Could not connect: ${(error as Error).message}` };
    }
  },

  async listObjects(connection) {
    const { rows } = await destinationPool(connection).query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
      [schemaOf(connection.settings)],
    );
    return rows.map((r) => ({ name: r.name, label: r.name }));
  },

  async listFields(connection, table): Promise<DestinationField[]> {
    return (await describe(connection, table)).map((c) => ({
      name: c.name,
      type: fieldType(c.udt),
      nullable: c.nullable,
      required: !c.nullable && !c.has_default,
      key: c.key,
    }));
  },

  replaceProblem(fields, mapped, strategy) {
    const key = fields.find((f) => f.key === "primary")?.name ?? "";
    return strategy === "shared_table" ? sharedTableProblem(fields, mapped, key) : undefined;
  },

  delivery: {
    async begin(ctx) {
      const columns = await describe(ctx.connection, ctx.object);
      const key = columns.find((c) => c.name === ctx.key);
      if (!key?.key) throw new DestinationConfigError(`"${ctx.key}" is not the primary key or a unique column of ${ctx.object}`);
      const state: State = { keyType: key.udt };
      if (ctx.mode !== "replace") return state;
      const schema = schemaOf(ctx.connection.settings);
      const stage = qualified(schema, `relay_stage_${ctx.runId.replace(/-/g, "").slice(0, 24)}`);
      const pool = destinationPool(ctx.connection);
      await pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${stage} AS SELECT ${ctx.fields.map(ident).join(", ")} FROM ${qualified(schema, ctx.object)} WITH NO DATA`);
      await pool.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${ident(`relay_stage_key_${ctx.runId.replace(/-/g, "").slice(0, 24)}`)} ON ${stage} (${ident(ctx.key)})`);
      return { ...state, stage };
    },

    async write(ctx, raw, records) {
      const state = raw as State;
      const table = qualified(schemaOf(ctx.connection.settings), ctx.object);
      const results: RecordResult[] = [];
      const deletes = records.filter((r) => r.op === "delete");
      if (deletes.length) {
        await destinationPool(ctx.connection).query(`DELETE FROM ${table} WHERE ${ident(ctx.key)} = ANY($1::${ident(state.keyType)}[])`, [deletes.map((d) => d.key)]);
        results.push(...deletes.map((d): RecordResult => ({ key: d.key, status: "ok", op: "delete" })));
      }
      const upserts = records.filter((r) => r.op !== "delete");
      if (upserts.length) {
        const written = await writeUpserts(ctx, state.stage ?? table, upserts);
        // Into the staging table every row is new; whether it creates or updates is known from the sync's state.
        results.push(...(state.stage ? written.map((w, i) => (w.status === "ok" ? { ...w, op: upserts[i]!.op === "update" ? ("update" as const) : ("create" as const) } : w)) : written));
      }
      return { results, state };
    },

    async commit(ctx, raw) {
      const { stage } = raw as State;
      if (!stage) return {};
      const table = qualified(schemaOf(ctx.connection.settings), ctx.object);
      const key = ident(ctx.key);
      const columns = ctx.fields.map(ident).join(", ");
      const nonKey = ctx.fields.filter((f) => f !== ctx.key);
      const client = await destinationPool(ctx.connection).connect();
      try {
        await client.query("BEGIN");
        const left = `NOT EXISTS (SELECT 1 FROM ${stage} s WHERE s.${key} = t.${key})`;
        const removed =
          ctx.replaceStrategy === "shared_table"
            ? nonKey.length
              ? await client.query(`UPDATE ${table} t SET ${nonKey.map((f) => `${ident(f)} = NULL`).join(", ")} WHERE ${left} AND (${nonKey.map((f) => `t.${ident(f)} IS NOT NULL`).join(" OR ")})`)
              : { rowCount: 0 }
            : await client.query(`DELETE FROM ${table} t WHERE ${left}`);
        await client.query(
          `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${stage}
           ON CONFLICT (${key}) DO ${nonKey.length ? `UPDATE SET ${nonKey.map((f) => `${ident(f)} = EXCLUDED.${ident(f)}`).join(", ")}` : "NOTHING"}`,
        );
        await client.query("COMMIT");
        await client.query(`DROP TABLE IF EXISTS ${stage}`);
        const n = removed.rowCount ?? 0;
        return ctx.replaceStrategy === "shared_table" ? { deleted: 0, message: `Emptied the mapped columns of ${n} rows that left the dataset` } : { deleted: n };
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },

    async abort(ctx, raw) {
      const { stage } = raw as State;
      if (stage) await destinationPool(ctx.connection).query(`DROP TABLE IF EXISTS ${stage}`);
    },
  },
};
