import "server-only";
import { getTableColumns } from "drizzle-orm";
import { bulkInsert } from "@/lib/db/bulk";
import type { Db } from "@/lib/db/client";
import { entityTables } from "@/lib/db/schema";
import type { EntityName } from "./catalog";
import type { EntityRecord } from "./records";

/**
 * Inserts or updates records by id and stamps `updated_at`. Fields a record leaves out keep their stored
 * values, and its traits are merged into the stored ones.
 */
export async function upsertRecords(db: Db, p: { workspaceId: string; entity: EntityName; records: EntityRecord[] }) {
  const table = entityTables[p.entity];
  const propertyOf = new Map(Object.entries(getTableColumns(table)).map(([key, col]) => [col.name, key]));
  const now = new Date();
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const record of p.records) {
    const row: Record<string, unknown> = { workspaceId: p.workspaceId, updatedAt: now };
    for (const [field, value] of Object.entries(record)) if (value !== undefined) row[propertyOf.get(field)!] = value;
    const signature = Object.keys(row).sort().join(",");
    groups.set(signature, [...(groups.get(signature) ?? []), row]);
  }
  for (const rows of groups.values()) {
    await bulkInsert(db, table, rows, { conflict: ["workspace_id", "id"], merge: ["traits"] });
  }
  return p.records.length;
}
