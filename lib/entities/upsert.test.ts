import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { contacts, entityTombstones, orderItems, orders, products } from "@/lib/db/schema";
import type { EntityRecord } from "./records";
import { newWorkspace } from "@/test/db";
import { upsertChangedRecords, upsertRecords } from "./upsert";

// One connection: PL/pgSQL keeps a trigger's plans per session, so what one write leaves behind meets the next.
const { db, close } = createDb(inject("databaseUrl"), { max: 1 });
afterAll(() => close());

const people = (n: number, email: string) => Array.from({ length: n }, (_, i) => ({ id: `p${i}`, email: `${email}${i}@example.com` }));
const write = (workspaceId: string, records: ReturnType<typeof people>) => db.transaction((tx) => upsertRecords(tx, { workspaceId, entity: "contacts", records }));
const elapsed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

describe("entity writes", () => {
  it("updates thousands of stored rows in about the time it takes to insert them, even after a one-row update in the same session", async () => {
    const workspaceId = await newWorkspace(db);
    await write(workspaceId, people(1, "first"));
    await write(workspaceId, people(1, "second"));
    const insert = await elapsed(() => write(workspaceId, people(5_000, "a")));
    const update = await elapsed(() => write(workspaceId, people(5_000, "b")));
    expect(update).toBeLessThan(insert * 4 + 500);
  });

  it("leaves a tombstone of a row's old parent when an update moves it, and none for other updates", async () => {
    const workspaceId = await newWorkspace(db);
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o1", contact_id: "c1", total: 10 }] });
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o1", total: 12 }] });
    const tombstones = () => db.select({ id: entityTombstones.id, contactId: entityTombstones.contactId }).from(entityTombstones).where(and(eq(entityTombstones.workspaceId, workspaceId), eq(entityTombstones.entity, "orders")));
    expect(await tombstones()).toEqual([]);
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o1", contact_id: "c2" }] });
    expect(await tombstones()).toEqual([{ id: "o1", contactId: "c1" }]);
  });

  it("writes only the rows whose values differ, merging traits, and tells created from updated", async () => {
    const workspaceId = await newWorkspace(db);
    const write = (records: { id: string; email: string | null; traits: Record<string, unknown> }[]) =>
      db.transaction((tx) => upsertChangedRecords(tx, { workspaceId, entity: "contacts", fields: ["email", "traits"], records }));
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "kept", email: "kept@example.com", city: "Lyon", traits: { plan: "pro", score: 1 } }] });
    const stored = async () => (await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId))).sort((a, b) => a.id.localeCompare(b.id));
    const before = await stored();
    expect(await write([{ id: "kept", email: "kept@example.com", traits: { score: 1 } }, { id: "new", email: null, traits: { score: 2 } }])).toEqual({ created: 1, updated: 0 });
    expect((await stored()).find((c) => c.id === "kept")).toEqual(before[0]);
    expect(await write([{ id: "kept", email: "kept@example.com", traits: { score: 3 } }, { id: "new", email: null, traits: { score: 2 } }])).toEqual({ created: 0, updated: 1 });
    const kept = (await stored()).find((c) => c.id === "kept")!;
    expect(kept).toMatchObject({ email: "kept@example.com", city: "Lyon", traits: { plan: "pro", score: 3 } });
    expect(kept.updatedAt.getTime()).toBeGreaterThan(before[0]!.updatedAt.getTime());
  });

  it("writes every column type from its typed array, and takes an equal value in another spelling as unchanged", async () => {
    const workspaceId = await newWorkspace(db);
    const write = (entity: "orders" | "products" | "order_items", fields: string[], records: EntityRecord[]) => db.transaction((tx) => upsertChangedRecords(tx, { workspaceId, entity, fields, records }));
    const order = { id: "o1", contact_id: "c1", status: "paid", total: 12.5, ordered_at: "2026-03-01T10:00:00Z" };
    expect(await write("orders", ["contact_id", "status", "total", "ordered_at"], [order])).toEqual({ created: 1, updated: 0 });
    expect(await write("orders", ["contact_id", "status", "total", "ordered_at"], [{ ...order, total: 12.5, ordered_at: "2026-03-01T12:00:00+02:00" }])).toEqual({ created: 0, updated: 0 });
    expect(await write("products", ["price", "active"], [{ id: "p1", price: 3.2, active: false }])).toEqual({ created: 1, updated: 0 });
    expect(await write("order_items", ["order_id", "product_id", "quantity", "unit_price"], [{ id: "i1", order_id: "o1", product_id: "p1", quantity: 2, unit_price: null }])).toEqual({ created: 1, updated: 0 });
    const [o] = await db.select().from(orders).where(eq(orders.workspaceId, workspaceId));
    const [p] = await db.select().from(products).where(eq(products.workspaceId, workspaceId));
    const [i] = await db.select().from(orderItems).where(eq(orderItems.workspaceId, workspaceId));
    expect({ total: o!.total, orderedAt: o!.orderedAt, price: p!.price, active: p!.active, quantity: i!.quantity, unitPrice: i!.unitPrice }).toEqual({
      total: "12.50",
      orderedAt: new Date("2026-03-01T10:00:00Z"),
      price: "3.20",
      active: false,
      quantity: 2,
      unitPrice: null,
    });
  });

  it("writes text as it is, whatever characters an array literal would need escaped", async () => {
    const workspaceId = await newWorkspace(db);
    const odd = ['a"b\\c', "NULL", "{x,y}", "tab\there", "  spaced  ", "ünï😀"];
    const records = odd.map((text, i) => ({ id: `k${i}`, first_name: text, traits: { note: text } }));
    expect(await db.transaction((tx) => upsertChangedRecords(tx, { workspaceId, entity: "contacts", fields: ["first_name", "traits"], records }))).toEqual({ created: odd.length, updated: 0 });
    const stored = await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId));
    expect(stored.sort((a, b) => a.id.localeCompare(b.id)).map((c) => [c.firstName, c.traits.note])).toEqual(odd.map((t) => [t, t]));
  });
});
