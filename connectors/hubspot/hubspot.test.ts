/** Syncs into the HubSpot sandbox through the real engine (plan → deliver → finalize, run by the local executor). */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { contacts, syncRecords } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { type HubspotSandboxOptions, startHubspotSandbox } from "./sandbox";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

/** A workspace with `count` contacts, a HubSpot sandbox (on the tests' clock) and a sync of the contacts to it, matched on relay_id. */
async function setup(options: HubspotSandboxOptions = {}, count = 10) {
  const sandbox = runtime.closeAfter(await startHubspotSandbox({ timeScale: 0.01, ...options }));
  const workspaceId = await newWorkspace(db, { seed: { contacts: count, products: 2, orders: count, orderItems: count * 2 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: "hubspot", name: "HubSpot", settings: { apiBaseUrl: sandbox.url }, secrets: { accessToken: sandbox.token } });
  const sync = await createSync(db, {
    workspaceId,
    input: {
      name: "Contacts to HubSpot",
      datasetId: dataset.id,
      connectionId: connection.id,
      object: "contacts",
      mapping: [
        { from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] },
        { from: { field: "first_name" }, to: "firstname", transforms: [{ type: "trim" }] },
        { from: { field: "country" }, to: "country" },
        { from: { field: "birth_date" }, to: "date_of_birth" },
        { from: { field: "total_spent" }, to: "relay_total_spent" },
        { from: { field: "last_order_at" }, to: "relay_last_order_at" },
      ],
      matchKey: { from: "id", to: "relay_id" },
      onLeave: "delete",
      deletionLimit: null,
    },
  });
  // Building the sync read the contacts' properties (field discovery): count the runs' requests only.
  sandbox.log.length = 0;
  sandbox.resetDaily();
  const run = (mode: "incremental" | "full" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
  const { attempts: logOf, itemOf } = runtime;
  const row = async (id: string) => (await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)) }))!;
  const byKey = (key: string) => sandbox.find("contacts", "relay_id", key);
  /** The requests the sandbox received from `from` on, as "METHOD path inputs → status". */
  const calls = (from: number) => sandbox.log.slice(from).map((l) => `${l.method} ${l.path.replace(/^\/crm\/v3\//, "")}${l.inputs ? ` ×${l.inputs}` : ""} → ${l.status}`);
  return { sandbox, workspaceId, sync, run, logOf, itemOf, row, byKey, calls };
}

describe("syncing to HubSpot", () => {
  it("creates on the first run (results matched out of order), then updates only what changed", async () => {
    const t = await setup({}, 30);
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 30, failed: 0 });
    expect(t.calls(0)).toEqual(["GET properties/contacts → 200", "POST objects/contacts/batch/upsert ×30 → 200"]);
    expect(t.sandbox.records()).toHaveLength(30);
    // The sandbox shuffles results: every stored id must still point at the contact with that record's key.
    const stored = await db.query.syncRecords.findMany({ where: eq(syncRecords.syncId, t.sync.id) });
    expect(stored).toHaveLength(30);
    for (const s of stored) expect(t.sandbox.store.records.contacts.get(s.destinationId!)?.properties.relay_id).toBe(s.recordKey);
    const c3 = await t.row("c_00003");
    expect(t.byKey("c_00003")!.properties).toMatchObject({ email: c3.email!.trim().toLowerCase(), firstname: c3.firstName!.trim(), country: c3.country });
    const born = (await db.query.contacts.findMany({ where: eq(contacts.workspaceId, t.workspaceId) })).find((c) => c.birthDate)!;
    expect(t.byKey(born.id)!.properties.date_of_birth).toBe(String(born.birthDate).slice(0, 10));

    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", first_name: "Changed" }] });
    const untouched = t.byKey("c_00004")!.updatedAt;
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 1, updated: 1, created: 0 });
    expect(t.calls(before)).toEqual(["GET properties/contacts → 200", "GET properties/contacts → 200", "POST objects/contacts/batch/update ×1 → 200"]);
    expect(t.byKey("c_00003")!.properties.firstname).toBe("Changed");
    expect(t.byKey("c_00004")!.updatedAt).toBe(untouched);
    expect(t.sandbox.records()).toHaveLength(30);
  });

  it("updates a contact that already exists under the email (207 CONFLICT item), recording the refused create", async () => {
    const t = await setup({}, 10);
    const email = (await t.row("c_00004")).email!.trim().toLowerCase();
    const existing = t.sandbox.seed("contacts", { email, firstname: "Old" });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 10, updated: 0 });
    expect(await t.logOf(run.id, "c_00004")).toEqual([
      [1, "upsert", "failed", "duplicate", 207],
      [2, "update", "ok", null, null],
    ]);
    expect(await t.itemOf(run.id, "c_00004")).toMatchObject({ status: "done", resultOp: "update", destinationId: existing.id, attempts: 2 });
    expect(t.byKey("c_00004")!.id).toBe(existing.id);
    expect(t.sandbox.records()).toHaveLength(10);
  });

  it("resolves HubSpot's all-or-nothing 409 'Contact already exists. Existing ID: N' into updates, creating the rest", async () => {
    const t = await setup({ allOrNothing: true }, 10);
    const seeded = await Promise.all(["c_00002", "c_00007"].map(async (id) => t.sandbox.seed("contacts", { email: (await t.row(id)).email!.trim().toLowerCase() })));
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 10, updated: 0 });
    expect(t.calls(1)[0]).toBe("POST objects/contacts/batch/upsert ×10 → 409");
    for (const [i, key] of ["c_00002", "c_00007"].entries()) {
      expect(await t.logOf(run.id, key)).toEqual([
        [1, "upsert", "failed", "duplicate", 409],
        [2, "update", "ok", null, null],
      ]);
      expect(t.byKey(key)!.id).toBe(seeded[i]!.id);
    }
    expect(t.sandbox.records()).toHaveLength(10);
  });

  it("creates again a record deleted in HubSpot (update → OBJECT_NOT_FOUND → create), and archives the ones that leave", async () => {
    const t = await setup({}, 10);
    await t.run();
    const gone = t.byKey("c_00002")!.id;
    t.sandbox.remove("contacts", gone);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00002", first_name: "Back" }] });
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00005")));
    const leaving = t.byKey("c_00005")!.id;

    const before = t.sandbox.log.length;
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 1, deleted: 1, failed: 0 });
    expect(await t.logOf(run.id, "c_00002")).toEqual([
      [1, "update", "failed", "not_found", 207],
      [2, "create", "ok", null, null],
    ]);
    const item = await t.itemOf(run.id, "c_00002");
    expect(item).toMatchObject({ status: "done", resultOp: "create" });
    expect(item!.destinationId).not.toBe(gone);
    expect(t.byKey("c_00002")).toMatchObject({ id: item!.destinationId, properties: { firstname: "Back" } });
    expect(t.calls(before).slice(1)).toEqual(["POST objects/contacts/batch/update ×1 → 207", "POST objects/contacts/batch/upsert ×1 → 200", "POST objects/contacts/batch/archive ×1 → 204"]);
    expect(t.sandbox.store.archived.contacts.has(leaving)).toBe(true);
    expect(t.byKey("c_00005")).toBeUndefined();
    expect(t.sandbox.records()).toHaveLength(9);
  });

  it("replaces: lists every contact (paged with `after`), updates and recreates what the dataset has, archives its own contacts it lacks", async () => {
    const t = await setup({ maxPageSize: 4 }, 10);
    await t.run();
    // Others' contacts, with or without a relay_id, are never the sync's to archive.
    const stray = t.sandbox.seed("contacts", { email: "stray@example.com", relay_id: "stray" });
    const foreign = t.sandbox.seed("contacts", { email: "someone@example.com" });
    t.sandbox.remove("contacts", t.byKey("c_00006")!.id);
    const leaving = t.byKey("c_00010")!;
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00010")));
    const before = t.sandbox.log.length;
    const run = await t.run("replace");
    expect(run).toMatchObject({ status: "succeeded", created: 1, updated: 8, deleted: 1 });
    expect(t.calls(before).filter((c) => c.startsWith("GET objects/contacts"))).toHaveLength(3);
    expect(t.sandbox.store.archived.contacts.has(leaving.id)).toBe(true);
    expect(t.sandbox.store.records.contacts.has(stray.id)).toBe(true);
    expect(t.sandbox.store.records.contacts.has(foreign.id)).toBe(true);
    expect(t.sandbox.records().map((r) => r.properties.relay_id).filter(Boolean).sort()).toEqual([...Array.from({ length: 9 }, (_, i) => `c_${String(i + 1).padStart(5, "0")}`), "stray"]);
  });

  it("rejects a record HubSpot refuses (207 VALIDATION_ERROR), with HubSpot's reason, and delivers the others", async () => {
    const t = await setup({}, 5);
    await db.update(contacts).set({ email: "not-an-email" }).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00003")));
    const run = await t.run();
    expect(run).toMatchObject({ status: "partial", created: 4, failed: 1 });
    expect(await t.itemOf(run.id, "c_00003")).toMatchObject({
      status: "failed",
      errorKind: "rejected",
      message: "VALIDATION_ERROR: Property values were not valid: email: Email address not-an-email is invalid",
      responseStatus: 207,
    });
  });

  it("slows down for HubSpot's rolling window (waits out 429 TEN_SECONDLY_ROLLING, pauses when Remaining hits 0) and loses no record", async () => {
    // A window of 100 s (1 s on the tests' clock) holds the whole run: only the connector's pauses keep it within 3 requests.
    const t = await setup({ rateLimit: { max: 3, intervalMs: 100_000 } }, 250);
    t.sandbox.useBudget(3, "next request"); // another app of the account uses the window up just before the run's first request
    const started = Date.now();
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 250, failed: 0 });
    expect(t.sandbox.records()).toHaveLength(250);
    expect(new Set(t.sandbox.records().map((r) => r.properties.relay_id)).size).toBe(250);
    // One refusal (the other app's doing): after it, the connector paused whenever the window was used up.
    expect(t.sandbox.log.filter((l) => l.status === 429).map((l) => l.policy)).toEqual(["TEN_SECONDLY_ROLLING"]);
    expect(t.calls(0)).toEqual([
      "GET properties/contacts → 429",
      "GET properties/contacts → 200",
      "POST objects/contacts/batch/upsert ×100 → 200",
      "POST objects/contacts/batch/upsert ×100 → 200",
      "POST objects/contacts/batch/upsert ×50 → 200",
    ]);
    expect(Date.now() - started).toBeGreaterThan(2_000); // two windows on the tests' clock
  });

  it("fails the run with a clear message when the daily limit is spent, without retrying, and the next run sends the rest", async () => {
    const t = await setup({ dailyLimit: 2 }, 250);
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", created: 100, error: expect.stringMatching(/^HubSpot's daily API limit for this account is spent \("You have reached your daily limit\."\)/) });
    expect(t.calls(0)).toEqual(["GET properties/contacts → 200", "POST objects/contacts/batch/upsert ×100 → 200", "POST objects/contacts/batch/upsert ×100 → 429"]);
    expect(t.sandbox.records()).toHaveLength(100);

    t.sandbox.resetDaily();
    t.sandbox.configure({ dailyLimit: 250_000 });
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 150, created: 150 });
    expect(new Set(t.sandbox.records().map((r) => r.properties.relay_id)).size).toBe(250);
    expect(t.sandbox.records()).toHaveLength(250);
  });

  it("fails at once, without retries, when HubSpot refuses the token or a scope", async () => {
    const t = await setup({}, 3);
    const token = t.sandbox.token;
    t.sandbox.configure({ token: "pat-na1-rotated" });
    const refused = await t.run();
    expect(refused).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^HubSpot refused the access token \(401 INVALID_AUTHENTICATION\): paste a valid private app token in the connection \(Authentication credentials not found\)/),
    });
    expect(t.calls(0)).toEqual(["GET properties/contacts → 401"]);

    t.sandbox.configure({ token, scopes: ["crm.objects.contacts.read"] });
    const scoped = await t.run();
    expect(scoped).toMatchObject({ status: "failed", error: expect.stringContaining("the private app lacks the scope crm.objects.contacts.write (403 MISSING_SCOPES)") });
    expect(t.calls(1)).toEqual(["GET properties/contacts → 200", "POST objects/contacts/batch/upsert ×3 → 403"]);
    expect(t.sandbox.records()).toHaveLength(0);
  });
});
