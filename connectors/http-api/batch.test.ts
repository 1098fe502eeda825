/** The HTTP API connector's batch mode through the real engine against the sandbox's /contacts/batch endpoint. */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type SandboxOptions, startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { contacts, syncRecords } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { syncContactsToSandbox } from "@/test/http-api-sync";
import { connectTestDb } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const batchCreate = { path: "/contacts/batch", body: "batch", resultsPointer: "/results" };

/** A workspace with contacts, the sandbox API and a sync that creates through its batch endpoint. */
async function setup(p: { sandbox?: SandboxOptions; contacts?: number; create?: Record<string, unknown>; update?: Record<string, unknown> } = {}) {
  const sandbox = runtime.closeAfter(await startHttpApiSandbox(p.sandbox));
  const settings = { create: { ...batchCreate, ...p.create }, ...(p.update ? { update: p.update } : {}) };
  const { workspaceId, sync } = await syncContactsToSandbox(db, { sandbox, contacts: p.contacts ?? 10, settings });
  const emailOf = async (id: string) =>
    (await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)) }))!.email!.trim().toLowerCase();
  const stateOf = (key: string) => db.query.syncRecords.findFirst({ where: and(eq(syncRecords.syncId, sync.id), eq(syncRecords.recordKey, key)) });
  const requests = (from = 0) => sandbox.log.slice(from).map((l) => `${l.method} ${l.path} ${l.status}`);
  return {
    sandbox,
    workspaceId,
    sync,
    run: () => runtime.run({ workspaceId, syncId: sync.id }),
    emailOf,
    stateOf,
    requests,
    byKey: (key: string) => [...sandbox.contacts.values()].filter((c) => c.contact_id === key),
  };
}

describe("creating through an HTTP API's batch endpoint", () => {
  it("reads a 207 answer record by record: ids kept, a duplicate becomes an update of the existing id, a refused record fails with the API's message", async () => {
    const t = await setup();
    t.sandbox.contacts.set("ct_999", { id: "ct_999", email: await t.emailOf("c_00004"), first_name: "Old" });
    await db.update(contacts).set({ email: "not-an-email" }).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00002")));
    const first = await t.run();
    expect(first).toMatchObject({ status: "partial", created: 9, updated: 0, failed: 1 });
    expect(t.requests()).toEqual(["POST /contacts/batch 207", "PATCH /contacts/ct_999 200"]);
    expect(t.byKey("c_00004").map((c) => c.id)).toEqual(["ct_999"]);
    expect(await runtime.attempts(first.id, "c_00004")).toEqual([
      [1, "create", "failed", "duplicate", 409],
      [2, "update", "ok", null, null],
    ]);
    expect(await runtime.itemOf(first.id, "c_00002")).toMatchObject({ status: "failed", errorKind: "rejected", message: "422: email is not a valid address", responseStatus: 422 });
    expect(await runtime.itemOf(first.id, "c_00002").then((i) => JSON.parse(i!.responseBody!))).toMatchObject({ status: 422, contact_id: "c_00002" });
    // Every record the API holds is known by its id: a change is one PATCH of that id.
    for (const key of ["c_00001", "c_00003", "c_00004", "c_00010"]) expect((await t.stateOf(key))?.destinationId).toBe(t.byKey(key)[0]!.id);
    expect(t.sandbox.contacts.size).toBe(9);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", first_name: "Changed" }] });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "partial", updated: 1, failed: 1 });
    expect(t.requests(before)).toEqual(["POST /contacts/batch 207", `PATCH /contacts/${t.byKey("c_00003")[0]!.id} 200`]);
    expect(t.sandbox.contacts.size).toBe(9);
  });

  it("pairs results with records by the key pointer when the API answers in its own order", async () => {
    const t = await setup({ sandbox: { reverseBatchResults: true }, create: { keyPointer: "/contact_id" } });
    t.sandbox.contacts.set("ct_999", { id: "ct_999", email: await t.emailOf("c_00007") });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 10, updated: 0 });
    for (let i = 1; i <= 10; i++) {
      const key = `c_${String(i).padStart(5, "0")}`;
      expect((await t.stateOf(key))?.destinationId).toBe(t.byKey(key)[0]!.id);
    }
  });

  it("sends records one by one as one-element arrays when the API refuses the batch, and a lone new record the same way", async () => {
    const t = await setup({ sandbox: { maxBatch: 4 } });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 10, failed: 0 });
    expect(t.requests().filter((r) => r === "POST /contacts/batch 200")).toHaveLength(10);
    expect(t.sandbox.contacts.size).toBe(10);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_new", email: "new@example.com", first_name: "New" }] });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 1 });
    expect(t.requests(before)).toEqual(["POST /contacts/batch 200"]);
    expect((await t.stateOf("c_new"))?.destinationId).toBe(t.byKey("c_new")[0]!.id);
  });

  it("sends a lone record as an object to the single-create path when one is configured", async () => {
    const t = await setup({ sandbox: { maxBatch: 4 }, create: { singlePath: "/contacts" }, contacts: 5 });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 5 });
    expect(t.requests()).toEqual(["POST /contacts/batch 400", ...Array(5).fill("POST /contacts 201")]);
  });

  it("never creates a record again because its stored id is empty: it is updated by key, or fails saying why", async () => {
    const byKey = await setup({ update: { path: "/contacts/by-contact-id/{key}" }, contacts: 3 });
    await byKey.run();
    await db.execute(sql`UPDATE sync_records SET destination_id = '' WHERE sync_id = ${byKey.sync.id}`);
    await upsertRecords(db, { workspaceId: byKey.workspaceId, entity: "contacts", records: [{ id: "c_00002", first_name: "Changed" }] });
    const before = byKey.sandbox.log.length;
    expect(await byKey.run()).toMatchObject({ status: "succeeded", updated: 1, created: 0 });
    expect(byKey.requests(before)).toEqual(["PATCH /contacts/by-contact-id/c_00002 200"]);
    expect(byKey.byKey("c_00002")).toEqual([expect.objectContaining({ first_name: "Changed" })]);

    const byId = await setup({ contacts: 3 });
    await byId.run();
    await db.execute(sql`UPDATE sync_records SET destination_id = '' WHERE sync_id = ${byId.sync.id}`);
    await upsertRecords(db, { workspaceId: byId.workspaceId, entity: "contacts", records: [{ id: "c_00002", first_name: "Changed" }] });
    const from = byId.sandbox.log.length;
    const run = await byId.run();
    expect(run).toMatchObject({ status: "partial", failed: 1, created: 0 });
    expect(byId.requests(from)).toEqual([]);
    expect(await runtime.itemOf(run.id, "c_00002")).toMatchObject({ status: "failed", errorKind: "rejected", message: expect.stringMatching(/^The API's id of this record is unknown/) });
    expect(byId.sandbox.contacts.size).toBe(3);
  });
});
