import "server-only";
import { and, eq } from "drizzle-orm";
import { bulkInsert } from "@/lib/db/bulk";
import type { Db } from "@/lib/db/client";
import { insertDataset } from "@/lib/db/queries/datasets";
import { consents, contacts, datasets, orderItems, orders, products } from "@/lib/db/schema";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { builtInDatasets } from "./datasets";
import { type DemoScale, fullScale, generateDemoData } from "./generate";

/** Fills a workspace with the demo entities and the built-in datasets, all or nothing. */
export async function seedDemo(db: Db, workspaceId: string, scale: DemoScale = fullScale) {
  const data = generateDemoData(scale);
  const withWorkspace = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r, workspaceId }));
  await db.transaction(async (tx) => {
    for (const table of [orderItems, orders, consents, contacts, products]) await tx.delete(table).where(eq(table.workspaceId, workspaceId));
    await tx.delete(datasets).where(and(eq(datasets.workspaceId, workspaceId), eq(datasets.builtIn, true)));
    await bulkInsert(tx, contacts, withWorkspace(data.contacts));
    await bulkInsert(tx, products, withWorkspace(data.products));
    await bulkInsert(tx, orders, withWorkspace(data.orders));
    await bulkInsert(tx, orderItems, withWorkspace(data.orderItems));
    await bulkInsert(tx, consents, withWorkspace(data.consents));
    for (const d of builtInDatasets) {
      await insertDataset(tx, { workspaceId, ...d, definition: datasetDefinitionSchema.parse(d.definition), builtIn: true });
    }
  });
  return {
    contacts: data.contacts.length,
    products: data.products.length,
    orders: data.orders.length,
    orderItems: data.orderItems.length,
    consents: data.consents.length,
  };
}

export async function hasEntityRows(db: Db, workspaceId: string): Promise<boolean> {
  return (await db.query.contacts.findFirst({ where: eq(contacts.workspaceId, workspaceId), columns: { id: true } })) !== undefined;
}
