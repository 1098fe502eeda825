/** Syncing products to the Brevo sandbox through the real engine. */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { products } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { newWorkspace } from "@/test/db";
import { brevoTestbed } from "./sync-testbed";

const { db, runtime, sandboxWith } = brevoTestbed();

describe("syncing products to Brevo", () => {
  it("upserts products by id and marks those that leave as deleted", async () => {
    const sandbox = await sandboxWith();
    const workspaceId = await newWorkspace(db, { seed: { contacts: 2, products: 4, orders: 2, orderItems: 2 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Products" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "brevo", name: "Brevo", settings: { apiBaseUrl: sandbox.url }, secrets: { apiKey: sandbox.apiKey }, rateLimit: { windowSeconds: 1, maxRequests: 10_000 } });
    const sync = await createSync(db, {
      workspaceId,
      input: {
        name: "Catalogue",
        datasetId: dataset.id,
        connectionId: connection.id,
        object: "products",
        mapping: [
          { from: { field: "name" }, to: "name" },
          { from: { field: "sku" }, to: "sku" },
          { from: { field: "price" }, to: "price" },
          { from: { field: "category" }, to: "categories" },
        ],
        matchKey: { from: "id", to: "id" },
        onLeave: "delete",
        deletionLimit: null,
      },
    });
    const run = () => runtime.run({ workspaceId, syncId: sync.id }, 60_000);
    expect(await run()).toMatchObject({ status: "succeeded", created: 4 });
    expect([...sandbox.products.keys()].sort()).toEqual(["p_0001", "p_0002", "p_0003", "p_0004"]);
    expect(sandbox.products.get("p_0001")).toMatchObject({ price: expect.any(Number), categories: [expect.any(String)] });

    await upsertRecords(db, { workspaceId, entity: "products", records: [{ id: "p_0002", name: "Renamed" }] });
    await db.delete(products).where(and(eq(products.workspaceId, workspaceId), eq(products.id, "p_0003")));
    expect(await run()).toMatchObject({ status: "succeeded", updated: 1, deleted: 1 });
    expect(sandbox.products.get("p_0002")!.name).toBe("Renamed");
    expect(sandbox.products.get("p_0003")!.deletedAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    expect(sandbox.log.filter((l) => l.path === "/products").map((l) => l.status).slice(-2).sort()).toEqual([204, 204]);

    // A product removed in Brevo meanwhile: the delete's upsert is a create without name (400), so it is gone already.
    sandbox.products.delete("p_0004");
    await db.delete(products).where(and(eq(products.workspaceId, workspaceId), eq(products.id, "p_0004")));
    const before = sandbox.log.length;
    expect(await run()).toMatchObject({ status: "succeeded", deleted: 1, failed: 0 });
    expect(sandbox.log.slice(before).map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual(["POST /products 400"]);
    expect(sandbox.products.has("p_0004")).toBe(false);
    expect(await run()).toMatchObject({ status: "succeeded", planned: 0 });
  });
});
