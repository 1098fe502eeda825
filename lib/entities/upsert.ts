import "server-only";
import { getTableColumns, sql } from "drizzle-orm";
import { bulkInsert } from "@/lib/db/bulk";
import type { Db } from "@/lib/db/client";
import { entityTables } from "@/lib/db/schema";
import type { EntityName } from "./catalog";
import type { EntityRecord } from "./records";

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Inserts or updates records by id and stamps `updated_at`. Fields a record leaves out keep their stored
 * values, and its traits are merged into the stored ones. Call inside a transaction.
 */
export async function upsertRecords(db: Db, p: { workspaceId: string; entity: EntityName; records: EntityRecord[] }) {
  const table = entityTables[p.entity];
  const propertyOf = new Map(Object.entries(getTableColumns(table)).map(([key, col]) => [col.name, key]));
  const now = new Date();
  const records = [...p.records].sort(byId);
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const record of records) {
    const row: Record<string, unknown> = { workspaceId: p.workspaceId, updatedAt: now };
    for (const [field, value] of Object.entries(record)) if (value !== undefined) row[propertyOf.get(field)!] = value;
    const signature = Object.keys(row).sort().join(",");
    const group = groups.get(signature);
    if (group) group.push(row);
    else groups.set(signature, [row]);
  }
  // Every row is locked in one statement, in id order, so writers of the same ids queue instead of deadlocking: the
  // records' own statement when they all set the same fields, else a first statement of their ids.
  if (groups.size > 1)
    await db.execute(sql`INSERT INTO ${table} (workspace_id, id, updated_at)
      SELECT ${p.workspaceId}, r.id, ${now.toISOString()}::timestamptz FROM jsonb_array_elements_text(${JSON.stringify(records.map((r) => r.id))}::jsonb) WITH ORDINALITY AS r(id, n)
      ORDER BY r.n
      ON CONFLICT (workspace_id, id) DO UPDATE SET updated_at = excluded.updated_at`);
  for (const signature of [...groups.keys()].sort()) {
    await bulkInsert(db, table, groups.get(signature)!, { conflict: ["workspace_id", "id"], merge: ["traits"], chunk: groups.size > 1 ? undefined : Number.MAX_SAFE_INTEGER });
  }
  return p.records.length;
}

/**
 * Writes records that set the same `fields` (their keys besides `id`; traits are merged into the stored ones) in
 * one statement: new ids are inserted, stored rows are updated (and `updated_at` stamped) only where a value
 * differs, so an unchanged row is not written at all. Rows are locked in id order. Returns how many rows were
 * created and how many updated; the rest were unchanged. Call inside a transaction.
 */
export async function upsertChangedRecords(db: Db, p: { workspaceId: string; entity: EntityName; fields: string[]; records: EntityRecord[] }) {
  if (!p.records.length) return { created: 0, updated: 0 };
  const columns = new Map(Object.values(getTableColumns(entityTables[p.entity])).map((col) => [col.name, col]));
  const names = ["id", ...p.fields.filter((f) => f !== "id")];
  const arrays = names.map((name) => {
    const column = columns.get(name);
    if (!column) throw new Error(`${p.entity} has no column ${name}`);
    const json = column.getSQLType() === "jsonb";
    const values = p.records.map((r) => (r[name] === undefined || r[name] === null ? null : json ? JSON.stringify(r[name]) : r[name]));
    return sql`${sql.param(values)}::${sql.raw(column.getSQLType())}[]`;
  });
  const ident = (name: string) => sql.identifier(name);
  const stored = (name: string) => sql`stored.${ident(name)}`;
  const incoming = (name: string) => (name === "traits" ? sql`stored.traits || excluded.traits` : sql`excluded.${ident(name)}`);
  const changing = names.filter((n) => n !== "id");
  const update = changing.length
    ? sql`DO UPDATE SET ${sql.join([...changing.map((n) => sql`${ident(n)} = ${incoming(n)}`), sql`updated_at = excluded.updated_at`], sql`, `)}
        WHERE (${sql.join(changing.map(stored), sql`, `)}) IS DISTINCT FROM (${sql.join(changing.map(incoming), sql`, `)})`
    : sql`DO NOTHING`;
  // xmax is 0 on a row this statement inserted, and names this transaction on a row it updated.
  const result = await db.execute<{ created: number; written: number }>(sql`WITH written AS (
      INSERT INTO ${entityTables[p.entity]} AS stored (workspace_id, updated_at, ${sql.join(names.map(ident), sql`, `)})
      SELECT ${p.workspaceId}::uuid, now(), incoming.* FROM unnest(${sql.join(arrays, sql`, `)}) AS incoming(${sql.join(names.map(ident), sql`, `)})
      ORDER BY incoming.id COLLATE "C"
      ON CONFLICT (workspace_id, id) ${update}
      RETURNING stored.xmax = 0 AS created)
    SELECT (count(*) FILTER (WHERE created))::int AS created, count(*)::int AS written FROM written`);
  const { created, written } = result.rows[0]!;
  return { created, updated: written - created };
}
