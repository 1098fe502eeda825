import { describe, expect, it } from "vitest";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb } from "@/test/db";
import { contactMapping, syncContactsToSandbox } from "@/test/http-api-sync";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

describe("a run whose mapping casts values", () => {
  it("sends what converts, and fails a record whose value does not, naming the value, the cast and the field", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox());
    const mapping = [contactMapping[0]!, { from: { field: "first_name" }, to: "first_name", transforms: [{ type: "to_integer" as const, rounding: "floor" as const }, { type: "to_string" as const }] }];
    const { workspaceId, sync } = await syncContactsToSandbox(db, { sandbox, contacts: 3, mapping });
    const names = { c_00001: "7.9", c_00002: "maybe", c_00003: " 12 " };
    await upsertRecords(db, { workspaceId, entity: "contacts", records: Object.entries(names).map(([id, first_name]) => ({ id, first_name })) });

    const run = await runtime.run({ workspaceId, syncId: sync.id });
    expect(run).toMatchObject({ status: "partial", created: 2, failed: 1 });
    expect([...sandbox.contacts.values()].map((c) => [c.contact_id, c.first_name]).sort()).toEqual([
      ["c_00001", "7"],
      ["c_00003", "12"],
    ]);
    expect(await runtime.itemOf(run.id, "c_00002")).toMatchObject({ status: "failed", errorKind: "rejected", message: 'Cannot convert "maybe" to integer, for "first_name"' });
    expect(await runtime.attempts(run.id, "c_00002")).toEqual([[1, "create", "failed", "rejected", null]]);
  });
});
