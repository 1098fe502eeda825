import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startHttpApiSandbox, type SandboxOptions } from "@/connectors/http-api/sandbox";
import * as exportRoute from "@/app/api/v1/runs/[id]/records/export/route";
import * as resendRoute from "@/app/api/v1/runs/[id]/resend/route";
import { contacts, syncRecordLogs, syncRunItems } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { apiAs } from "@/test/api";
import { contactMapping, syncContactsToSandbox } from "@/test/http-api-sync";
import type { MappingEntry } from "@/lib/mapping/schema";
import { connectTestDb } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

/** A workspace with a few contacts, a sandbox API and a sync of the contacts to it. */
async function setup(options: SandboxOptions = {}, contacts = 30, token?: string) {
  const sandbox = runtime.closeAfter(await startHttpApiSandbox(options));
  const country: MappingEntry = { from: { field: "country" }, to: "country", transforms: [] };
  const { workspaceId, sync } = await syncContactsToSandbox(db, { sandbox, contacts, token, mapping: [...contactMapping, country] });
  const run = (mode: "incremental" | "full" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode });
  const logOf = (runId: string, key: string) =>
    db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)), orderBy: asc(syncRecordLogs.attempt) });
  const itemOf = (runId: string, key: string) => db.query.syncRunItems.findFirst({ where: and(eq(syncRunItems.runId, runId), eq(syncRunItems.recordKey, key)) });
  return { sandbox, workspaceId, sync, run, logOf, itemOf, byKey: (key: string) => [...sandbox.contacts.values()].filter((c) => c.contact_id === key) };
}

describe("syncing to an HTTP API", () => {
  it("creates, then updates only what changed, matched by the ids the API gave", async () => {
    const t = await setup();
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 30 });
    expect(t.sandbox.contacts.size).toBe(30);
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", first_name: "Changed" }] });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", updated: 1 });
    expect(t.sandbox.log.slice(before).map((l) => `${l.method} ${l.status}`)).toEqual(["PATCH 200"]);
    expect(t.byKey("c_00003")).toMatchObject([{ first_name: "Changed" }]);
  });

  it("retries an update of a record deleted in the API as a create, and a duplicate create as an update", async () => {
    const t = await setup({}, 10);
    const victim = "c_00002";
    // Someone created c_00004 in the API already (same email): the first create is refused as a duplicate.
    const [existing] = (await db.query.contacts.findMany({ where: (c, { and: a, eq: e }) => a(e(c.workspaceId, t.workspaceId), e(c.id, "c_00004")) })).map((c) => c.email!.trim().toLowerCase());
    t.sandbox.contacts.set("ct_999", { id: "ct_999", email: existing, first_name: "Old" });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 10, updated: 0 });
    expect(t.sandbox.contacts.size).toBe(10);
    expect(t.byKey("c_00004").map((c) => c.id)).toEqual(["ct_999"]);
    expect((await t.logOf(first.id, "c_00004")).map((l) => [l.attempt, l.operation, l.status, l.errorKind, l.responseStatus])).toEqual([
      [1, "create", "failed", "duplicate", 409],
      [2, "update", "ok", null, null],
    ]);
    expect(await t.itemOf(first.id, "c_00004")).toMatchObject({ status: "done", attempts: 2, resultOp: "update", destinationId: "ct_999" });

    const gone = t.byKey(victim)[0]!.id;
    t.sandbox.contacts.delete(gone);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: victim, first_name: "Back" }] });
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", created: 1 });
    expect((await t.logOf(second.id, victim)).map((l) => [l.attempt, l.operation, l.status, l.errorKind, l.responseStatus])).toEqual([
      [1, "update", "failed", "not_found", 404],
      [2, "create", "ok", null, null],
    ]);
    expect(t.byKey(victim)).toMatchObject([{ first_name: "Back" }]);
    expect(t.sandbox.contacts.size).toBe(10);
  });

  it("retries technical failures after 3, 5 and 10 s (time-scaled), gives up, and sends the record again on the next run", async () => {
    const t = await setup({}, 5);
    await t.run();
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00001", first_name: "Retried" }] });
    t.sandbox.configure({ faults: { rate: 1, kinds: ["5xx"] } });
    const before = t.sandbox.log.length;
    const failed = await t.run();
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/^The destination did not answer after retries: PATCH \/contacts\/ct_\d+ answered 503 \(after 4 attempts\)/) });
    const tries = t.sandbox.log.slice(before).map((l) => l.at);
    expect(tries).toHaveLength(4);
    const gaps = tries.slice(1).map((at, i) => at - tries[i]!);
    [30, 50, 100].forEach((expected, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(expected - 5);
      expect(gaps[i]).toBeLessThan(expected + 250);
    });
    const [log] = await t.logOf(failed.id, "c_00001");
    expect(log).toMatchObject({ status: "failed", errorKind: "technical", responseStatus: 503, responseBody: expect.stringContaining("unavailable") });

    t.sandbox.configure({ faults: undefined });
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 1, updated: 1 });
    expect(t.byKey("c_00001")).toMatchObject([{ first_name: "Retried" }]);
  });

  it("resends the failed records of a run on request, and exports its record log as CSV", async () => {
    const t = await setup({}, 4);
    await db.update(contacts).set({ email: "not-an-email" }).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00002")));
    const first = await t.run();
    expect(first).toMatchObject({ status: "partial", failed: 1, created: 3 });
    const api = await apiAs(db, t.workspaceId);
    const csv = await exportRoute.GET(new Request(`http://localhost/api/v1/runs/${first.id}/records/export`, { headers: { authorization: `Bearer ${api.key}` } }), {
      params: Promise.resolve({ id: first.id }),
    });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("key,operation,status,result,attempts,error_kind,message,response_status,response_body,warning");
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith("c_00002,"))).toMatch(/^c_00002,create,failed,,1,rejected,422: email is not a valid address,422,"{""error"":""invalid"",/);

    await db.update(contacts).set({ email: "fixed@example.com" }).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00002")));
    const resent = await api.call(resendRoute.POST, { path: "", params: { id: first.id }, body: {} });
    expect(resent).toMatchObject({ status: 202, body: { data: { records: 1 } } });
    const run = await runtime.runEnded((resent.body.data as { id: string }).id);
    expect(run).toMatchObject({ status: "succeeded", planned: 1, created: 1 });
    expect(t.byKey("c_00002")).toMatchObject([{ email: "fixed@example.com" }]);
    expect((await api.call(resendRoute.POST, { path: "", params: { id: run.id }, body: {} })).status).toBe(409);
  });

  it("under 20% random faults (5xx, timeouts, resets, lost replies) two runs put every record in the API exactly once, every failure logged", async () => {
    const t = await setup({ faults: { rate: 0.2, kinds: ["5xx", "timeout", "reset", "lost_reply"], seed: 7 } }, 80);
    const first = await t.run();
    expect(["succeeded", "partial"]).toContain(first.status);
    const failures = await db.query.syncRunItems.findMany({ where: and(eq(syncRunItems.runId, first.id), eq(syncRunItems.status, "failed")) });
    for (const f of failures) expect((await t.logOf(first.id, f.recordKey)).at(-1)).toMatchObject({ status: "failed", errorKind: "technical", message: expect.any(String) });
    const second = await t.run();
    expect(["succeeded", "partial"]).toContain(second.status);
    const dropped = t.sandbox.log.filter((l) => l.status === "dropped").length;
    expect(dropped).toBeGreaterThan(5);
    const keys = [...t.sandbox.contacts.values()].map((c) => c.contact_id);
    expect(keys).toHaveLength(80);
    expect(new Set(keys).size).toBe(80);
  });

  it("replaces: reads back what the API holds, updates and creates what the dataset has, deletes what it lacks of its own records", async () => {
    const t = await setup({}, 6);
    await t.run();
    // Someone else's record, and one of theirs whose key the dataset now has: the first is left alone, the second taken over.
    t.sandbox.contacts.set("ct_stray", { id: "ct_stray", contact_id: "stray", email: "stray@example.com" });
    t.sandbox.contacts.set("ct_theirs", { id: "ct_theirs", contact_id: "c_new", email: "old@example.com" });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_new", email: "new@example.com", first_name: "New" }] });
    // One of the sync's records deleted in the API, one gone from the dataset.
    t.sandbox.contacts.delete(t.byKey("c_00002")[0]!.id);
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00006")));
    const replaced = await t.run("replace");
    expect(replaced).toMatchObject({ status: "succeeded", created: 1, updated: 5, deleted: 1 });
    expect([...t.sandbox.contacts.values()].map((c) => c.contact_id).sort()).toEqual(["c_00001", "c_00002", "c_00003", "c_00004", "c_00005", "c_new", "stray"]);
    expect(t.sandbox.contacts.get("ct_theirs")).toMatchObject({ email: "new@example.com" });
    // The next replace still leaves the stray alone, and now counts c_new as the sync's own.
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", created: 0, deleted: 0 });
    expect(t.sandbox.contacts.has("ct_stray")).toBe(true);
  });

  it("fails at once, without retries, when the API refuses the credentials", async () => {
    const t = await setup({}, 3, "a-revoked-token");
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", error: expect.stringMatching(/^The API refused the credentials \(401: Invalid or missing bearer token\)/) });
    expect(t.sandbox.log.length).toBeLessThanOrEqual(4);
  });
});
