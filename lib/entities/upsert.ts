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
