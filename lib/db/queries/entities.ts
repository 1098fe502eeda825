import "server-only";
import { and, count, eq, inArray } from "drizzle-orm";
import { type EntityName, entityNames } from "@/lib/entities/catalog";
import type { Db } from "../client";
import { consents, contacts, entityTables, orders } from "../schema";

export async function countEntityRows(db: Db, p: { workspaceId: string }): Promise<Record<EntityName, number>> {
  const counts = await Promise.all(
    entityNames.map(async (name) => {
      const table = entityTables[name];
      const [row] = await db.select({ n: count() }).from(table).where(eq(table.workspaceId, p.workspaceId));
      return [name, row?.n ?? 0] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<EntityName, number>;
}

/** Deletes records by id; a contact takes its consents with it and leaves its orders without a contact. Answers how many were deleted. */
export async function deleteEntityRecords(db: Db, p: { workspaceId: string; entity: EntityName; ids: string[] }) {
  if (p.entity === "contacts") {
    await db.delete(consents).where(and(eq(consents.workspaceId, p.workspaceId), inArray(consents.contactId, p.ids)));
    await db.update(orders).set({ contactId: null, updatedAt: new Date() }).where(and(eq(orders.workspaceId, p.workspaceId), inArray(orders.contactId, p.ids)));
  }
  const table = entityTables[p.entity];
  const deleted = await db.delete(table).where(and(eq(table.workspaceId, p.workspaceId), inArray(table.id, p.ids))).returning({ id: contacts.id });
  return deleted.length;
}
