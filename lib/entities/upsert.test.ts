import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { contacts, entityTombstones } from "@/lib/db/schema";
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
});
