/**
 * What every SQL destination (PostgreSQL, MySQL) does the same way: upserts in one statement per batch, split
 * in halves down to the records the database refuses; deletes by key; replaces through a staging table swapped in
 * one transaction. A dialect says only how its engine words each statement.
 */
import "server-only";
import type { z } from "zod";
import type { Connector, ConnectionConfig, ConnectorManifest, DeliveryContext, DestinationField, FieldType, RecordResult, WriteRecord } from "../types";
import { DestinationConfigError } from "../types";
import { type DatabaseSecrets, type DatabaseSettings, sharedTableProblem, tableSharing } from "./database-config";

export type SqlConnection = ConnectionConfig<DatabaseSettings, DatabaseSecrets>;
export type SqlContext = DeliveryContext<DatabaseSettings, DatabaseSecrets>;
/** A table's column as the dialect reads it: `native` is the engine's own type name. */
export type SqlColumn = DestinationField & { native: string };
/** Between steps: the staging table of a replace, and the columns' types (values are converted, keys cast by them). */
export type SqlState = { stage?: string; types: Record<string, FieldType>; keyType: string };

export type SqlDialect = {
  /** "Connected to … as …; … has N tables". */
  describeServer(connection: SqlConnection): Promise<string>;
  listTables(connection: SqlConnection): Promise<string[]>;
  /** The table's columns with their keys; throws DestinationConfigError when the table is not there. */
  describe(connection: SqlConnection, table: string): Promise<SqlColumn[]>;
  /** Where a table lives (a schema, a database): what tells two syncs' tables apart. */
  namespace(settings: DatabaseSettings): string;
  table(settings: DatabaseSettings, name: string): string;
  ident(name: string): string;
  createStage(ctx: SqlContext, stage: string): Promise<void>;
  stageName(settings: DatabaseSettings, runId: string): string;
  /** Upserts the rows into `target`; answers, when the engine tells, which keys were inserted (true) or updated (false). */
  upsert(ctx: SqlContext, state: SqlState, target: string, records: WriteRecord[]): Promise<Map<string, boolean> | undefined>;
  deleteKeys(ctx: SqlContext, state: SqlState, keys: string[]): Promise<void>;
  /** Runs statements in one transaction; each answers how many rows it touched. */
  transaction(connection: SqlConnection, work: (run: (sql: string) => Promise<number>) => Promise<void>): Promise<void>;
  /** Drops the staging table; answers whether it was still there (a swap at commit drops it too). */
  dropStage(connection: SqlConnection, stage: string): Promise<boolean>;
  /** A value or constraint the database refused for one record, not a problem of the whole destination. */
  isRecordError(error: unknown): boolean;
  replace: {
    /** Deletes the table's rows whose key the stage lacks. */
    deleteLeft(p: { table: string; stage: string; key: string }): string;
    /** Empties (NULL) the columns `nonKey` (never empty) in the rows whose key the stage lacks. */
    emptyLeft(p: { table: string; stage: string; key: string; nonKey: string[] }): string;
    /** Upserts the stage's rows into the table. */
    merge(p: { table: string; stage: string; key: string; columns: string[]; nonKey: string[] }): string;
  };
};

/**
 * Writes a batch in one statement; when the destination refuses it, writes each half the same way, down to the
 * records it refuses: a few bad records in a large batch cost a few dozen statements, not one per record.
 */
async function writeUpserts(dialect: SqlDialect, ctx: SqlContext, state: SqlState, target: string, records: WriteRecord[]): Promise<RecordResult[]> {
  try {
    const inserted = await dialect.upsert(ctx, state, target, records);
    return records.map((r): RecordResult => {
      const known = target === state.stage ? undefined : inserted?.get(String(r.payload![ctx.key]));
      // Into the staging table every row is new; whether it creates or updates is then known from the sync's state.
      const op = known === undefined ? (r.op === "update" ? "update" : "create") : known ? "create" : "update";
      return { key: r.key, status: "ok", op };
    });
  } catch (error) {
    if (!dialect.isRecordError(error)) throw error;
    if (records.length === 1) return [{ key: records[0]!.key, status: "failed", kind: "rejected", message: (error as Error).message }];
  }
  const half = Math.ceil(records.length / 2);
  return [...(await writeUpserts(dialect, ctx, state, target, records.slice(0, half))), ...(await writeUpserts(dialect, ctx, state, target, records.slice(half)))];
}

/** Swaps the staging table in: rows that left are deleted (sole admin) or emptied (shared table), the stage's rows upserted. */
async function swapStage(dialect: SqlDialect, ctx: SqlContext, stage: string) {
  const table = dialect.table(ctx.connection.settings, ctx.object);
  const key = dialect.ident(ctx.key);
  const nonKey = ctx.fields.filter((f) => f !== ctx.key).map(dialect.ident);
  const shared = ctx.replaceStrategy === "shared_table";
  let removed = 0;
  await dialect.transaction(ctx.connection, async (run) => {
    // A shared-table replace that maps only the key has no column of its own to empty.
    if (!shared) removed = await run(dialect.replace.deleteLeft({ table, stage, key }));
    else if (nonKey.length) removed = await run(dialect.replace.emptyLeft({ table, stage, key, nonKey }));
    await run(dialect.replace.merge({ table, stage, key, columns: ctx.fields.map(dialect.ident), nonKey }));
  });
  await dialect.dropStage(ctx.connection, stage);
  return shared ? { deleted: 0, message: `Emptied the mapped columns of ${removed} rows that left the dataset` } : { deleted: removed };
}

/** A SQL destination from its manifest, schemas and dialect. */
export function sqlDestination(p: {
  manifest: ConnectorManifest;
  settingsSchema: z.ZodType<DatabaseSettings>;
  secretsSchema: z.ZodType<DatabaseSecrets>;
  dialect: SqlDialect;
}): Connector<DatabaseSettings, DatabaseSecrets, SqlState> {
  const { dialect } = p;
  return {
    manifest: p.manifest,
    settingsSchema: p.settingsSchema,
    secretsSchema: p.secretsSchema,

    async test({ connection }) {
      try {
        return { ok: true, message: await dialect.describeServer(connection) };
      } catch (error) {
        return { ok: false, message: `Could not connect: ${(error as Error).message}` };
      }
    },

    async listObjects({ connection }) {
      return (await dialect.listTables(connection)).map((name) => ({ name, label: name }));
    },

    async listFields({ connection }, table) {
      return (await dialect.describe(connection, table)).map((c): DestinationField => ({ name: c.name, type: c.type, nullable: c.nullable, required: c.required, key: c.key }));
    },

    sharing({ connection }, sync) {
      return tableSharing(connection.settings, dialect.namespace(connection.settings), sync);
    },

    replaceProblem(_ctx, fields, mapped, strategy) {
      const key = fields.find((f) => f.key === "primary")?.name ?? "";
      return strategy === "shared_table" ? sharedTableProblem(fields, mapped, key) : undefined;
    },

    delivery: {
      async begin(ctx) {
        const columns = await dialect.describe(ctx.connection, ctx.object);
        const key = columns.find((c) => c.name === ctx.key);
        if (!key?.key) throw new DestinationConfigError(`"${ctx.key}" is not the primary key or a unique column of ${ctx.object}`);
        const state: SqlState = { types: Object.fromEntries(columns.map((c) => [c.name, c.type])), keyType: key.native };
        if (ctx.mode !== "replace") return state;
        const stage = dialect.stageName(ctx.connection.settings, ctx.runId);
        await dialect.createStage(ctx, stage);
        return { ...state, stage };
      },

      async write(ctx, state, records) {
        const results: RecordResult[] = [];
        const deletes = records.filter((r) => r.op === "delete");
        if (deletes.length) {
          await dialect.deleteKeys(ctx, state, deletes.map((d) => d.key));
          results.push(...deletes.map((d): RecordResult => ({ key: d.key, status: "ok", op: "delete" })));
        }
        const upserts = records.filter((r) => r.op !== "delete");
        if (upserts.length) results.push(...(await writeUpserts(dialect, ctx, state, state.stage ?? dialect.table(ctx.connection.settings, ctx.object), upserts)));
        return { results, state };
      },

      async commit(ctx, state) {
        return state.stage ? swapStage(dialect, ctx, state.stage) : {};
      },

      async abort(ctx, state) {
        // Rows written to a stage never swapped in reached nothing.
        if (state.stage) return { discarded: await dialect.dropStage(ctx.connection, state.stage) };
      },
    },
  };
}
