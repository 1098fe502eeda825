import "server-only";
import { getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "./client";

/** Rows keyed by database column names, for one JSON parameter (far fewer bytes and params than VALUES lists). */
function toColumnRows(table: PgTable, rows: Record<string, unknown>[]) {
  const columns = Object.entries(getTableColumns(table));
  const present = columns.filter(([key]) => rows.some((r) => r[key] !== undefined));
  const json = rows.map((r) => Object.fromEntries(present.map(([key, col]) => [col.name, r[key] instanceof Date ? (r[key] as Date).toISOString() : r[key]])));
  return { names: present.map(([, col]) => col.name), json };
}

/**
 * INSERT … SELECT FROM json_populate_recordset, in chunks; `conflict` names the key columns to upsert on
 * (every other given column is updated; JSONB columns named in `merge` are merged into the stored value).
 */
export async function bulkInsert(
  db: Db,
  table: PgTable,
  rows: Record<string, unknown>[],
  opts: { conflict?: string[]; merge?: string[]; chunk?: number } = {},
) {
  const chunk = opts.chunk ?? 5_000;
  for (let i = 0; i < rows.length; i += chunk) {
    const { names, json } = toColumnRows(table, rows.slice(i, i + chunk));
    const tableName = sql.identifier(getTableName(table));
    const columnList = sql.join(names.map((n) => sql.identifier(n)), sql`, `);
    let onConflict: SQL = sql``;
    if (opts.conflict) {
      const updates = names
        .filter((n) => !opts.conflict!.includes(n))
        .map((n) =>
          opts.merge?.includes(n)
            ? sql`${sql.identifier(n)} = ${tableName}.${sql.identifier(n)} || excluded.${sql.identifier(n)}`
            : sql`${sql.identifier(n)} = excluded.${sql.identifier(n)}`,
        );
      const target = sql.join(opts.conflict.map((n) => sql.identifier(n)), sql`, `);
      onConflict = updates.length ? sql` ON CONFLICT (${target}) DO UPDATE SET ${sql.join(updates, sql`, `)}` : sql` ON CONFLICT (${target}) DO NOTHING`;
    }
    await db.execute(sql`INSERT INTO ${tableName} (${columnList})
      SELECT ${columnList} FROM json_populate_recordset(NULL::${tableName}, ${JSON.stringify(json)}::json)${onConflict}`);
  }
}
