import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "@/lib/db/schema";
import { PublicError, ValidationError } from "@/lib/errors";
import { connectTestDb, newWorkspace } from "@/test/db";
import { editRecord, getEntityRecord } from "./edit-record";
import { upsertRecords } from "./upsert";

const { db } = connectTestDb();
const actor = { type: "user" as const, id: "u1", label: "ed@example.com" };

async function workspaceWithContact() {
  const workspaceId = await newWorkspace(db);
  await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "c1", email: "ana@example.com", first_name: "Ana", traits: { tier: "gold" } }] });
  return workspaceId;
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe("editing a record", () => {
  it("saves the typed values through the ingest upsert, moves updated_at, keeps traits and audits the fields that changed", async () => {
    const workspaceId = await workspaceWithContact();
    const before = (await getEntityRecord(db, { workspaceId, entity: "contacts", id: "c1" }))!;
    const after = await editRecord(db, {
      workspaceId,
      role: "editor",
      actor,
      entity: "contacts",
      id: "c1",
      values: { email: "ana@example.com", first_name: "Anna", city: "Lyon", birth_date: "" },
    });
    expect(after).toMatchObject({ id: "c1", email: "ana@example.com", first_name: "Anna", city: "Lyon", birth_date: null, traits: { tier: "gold" } });
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    const events = await db.query.auditEvents.findMany({ where: and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, "record.updated")) });
    expect(events.map((e) => [e.actorLabel, e.targetType, e.targetId, e.targetName, e.details])).toEqual([["ed@example.com", "contacts", "c1", "c1", { fields: ["first_name", "city"] }]]);
  });

  it("names each field whose value does not fit, and stores nothing", async () => {
    const workspaceId = await newWorkspace(db);
    await upsertRecords(db, { workspaceId, entity: "orders", records: [{ id: "o1", status: "paid", total: 10 }] });
    const error = await failure(editRecord(db, { workspaceId, role: "admin", actor, entity: "orders", id: "o1", values: { status: "lost", total: "ten", ordered_at: "yesterday" } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({
      status: ["must be one of pending, paid, shipped, delivered, cancelled, refunded"],
      total: ["must be a number like 12 or 12.50"],
      ordered_at: ["must be an ISO 8601 date-time like 2024-05-31T14:00:00Z"],
    });
    expect(await getEntityRecord(db, { workspaceId, entity: "orders", id: "o1" })).toMatchObject({ status: "paid", total: "10.00" });
  });

  it("refuses a viewer, and a record that does not exist", async () => {
    const workspaceId = await workspaceWithContact();
    const refused = await failure(editRecord(db, { workspaceId, role: "viewer", actor, entity: "contacts", id: "c1", values: { first_name: "Eve" } }));
    expect(refused).toBeInstanceOf(PublicError);
    expect(refused).toMatchObject({ status: 403, message: "Your role (viewer) does not allow editing records" });
    expect(await getEntityRecord(db, { workspaceId, entity: "contacts", id: "c1" })).toMatchObject({ first_name: "Ana" });
    const missing = await failure(editRecord(db, { workspaceId, role: "editor", actor, entity: "contacts", id: "nope", values: { first_name: "Eve" } }));
    expect(missing).toMatchObject({ status: 404, message: 'Contacts record "nope" not found' });
    expect(await getEntityRecord(db, { workspaceId, entity: "contacts", id: "nope" })).toBeUndefined();
  });

  it("changes nothing and audits nothing when the values are those stored", async () => {
    const workspaceId = await workspaceWithContact();
    const before = (await getEntityRecord(db, { workspaceId, entity: "contacts", id: "c1" }))!;
    const after = await editRecord(db, { workspaceId, role: "editor", actor, entity: "contacts", id: "c1", values: { first_name: "Ana", email: "ana@example.com" } });
    expect(after.updated_at).toEqual(before.updated_at);
    expect(await db.query.auditEvents.findMany({ where: and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, "record.updated")) })).toEqual([]);
  });
});
