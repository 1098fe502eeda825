import "server-only";
import { count, eq } from "drizzle-orm";
import { type EntityName, entityNames } from "@/lib/entities/catalog";
import type { Db } from "../client";
import { entityTables } from "../schema";

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
