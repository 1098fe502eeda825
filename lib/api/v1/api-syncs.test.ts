/** The REST API v1 scripted flow: a sync created, run, polled, held, changed, cancelled, exported and deleted through the API. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as recordsRoute from "@/app/api/v1/entities/[entity]/records/route";
import * as runRoute from "@/app/api/v1/runs/[id]/route";
import * as cancelRoute from "@/app/api/v1/runs/[id]/cancel/route";
import * as confirmRoute from "@/app/api/v1/runs/[id]/confirm/route";
import * as discardRoute from "@/app/api/v1/runs/[id]/discard/route";
import * as runRecordsRoute from "@/app/api/v1/runs/[id]/records/route";
import * as syncsRoute from "@/app/api/v1/syncs/route";
import * as syncRoute from "@/app/api/v1/syncs/[id]/route";
import * as exportRoute from "@/app/api/v1/syncs/export/route";
import * as importRoute from "@/app/api/v1/syncs/import/route";
import * as startRoute from "@/app/api/v1/syncs/[id]/runs/route";
import { and, eq } from "drizzle-orm";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { auditEvents } from "@/lib/db/schema";
import { apiAs } from "@/test/api";
import { startAppRuntime } from "@/test/app-runtime";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Created, data, type RestWorkspace, restSeed, restWorkspace } from "@/test/rest-workspace";

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let { api, dest, workspaceId } = {} as RestWorkspace;
let connectionId: string;
let datasetId: string;

beforeAll(async () => {
  runtime = await startAppRuntime(db);
  ({ api, dest, workspaceId } = await restWorkspace(db));
  datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
  connectionId = data<Created>(await api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "Warehouse (prod)", settings: dest.settings, secrets: dest.secrets } })).id;
});
afterAll(async () => {
  await runtime?.stop();
  await dest?.close();
});

const waitForRun = async (runId: string) => {
  for (;;) {
    const run = await api.call(runRoute.GET, { path: `/runs/${runId}`, params: { id: runId } });
    if (!["queued", "running", "cancelling"].includes(data<{ status: string }>(run).status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("REST API v1: a sync from creation to deletion", () => {
  let syncId: string;

  it("runs the scripted flow: sync → run → poll → record log → rows in the table", async () => {
    const created = await api.call(syncsRoute.POST, {
      path: "/syncs",
      body: {
        name: "Customers",
        datasetId,
        connectionId,
        object: "customers",
        filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: ["FR", "DE"] }] },
        mapping: [
          { from: { field: "email" }, to: "email", transforms: [{ type: "lowercase" }] },
          { from: { field: "country" }, to: "country" },
        ],
        matchKey: { from: "id", to: "customer_id" },
        onLeave: "delete",
      },
    });
    expect(created.status).toBe(201);
    syncId = data<Created>(created).id;
    const got = await api.call(syncRoute.GET, { path: "", params: { id: syncId } });
    expect(data(got)).toMatchObject({ name: "Customers", mode: "incremental", schedule: { type: "manual" } });
    expect(await api.call(syncsRoute.GET, { path: "/syncs?limit=1" })).toEqual({ status: 200, body: { data: [data(got)], nextCursor: null } });

    const started = await api.call(startRoute.POST, { path: "", params: { id: syncId }, body: {} });
    expect(started).toEqual({ status: 202, body: { data: { id: expect.any(String), status: "queued" } } });
    const run = data<{ id: string; status: string; counts: { created: number; planned: number }; steps: { name: string }[] }>(await waitForRun(data<Created>(started).id));
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => s.name)).toEqual(["Plan", "Open delivery", "Deliver from batch 1 of 1", "Commit", "Finalize"]);
    const rows = await dest.query<{ customer_id: string; email: string }>("SELECT customer_id, email FROM customers ORDER BY customer_id");
    expect(rows).toHaveLength(run.counts.created);
    expect(rows.every((r) => r.email === r.email.toLowerCase())).toBe(true);

    const page1 = await api.call(runRecordsRoute.GET, { path: `/runs/${run.id}/records?limit=5&status=done`, params: { id: run.id } });
    const page2 = await api.call(runRecordsRoute.GET, { path: `/runs/${run.id}/records?limit=5&status=done&cursor=${page1.body.nextCursor}`, params: { id: run.id } });
    const keys = [...data<{ key: string; result: string }[]>(page1), ...data<{ key: string }[]>(page2)].map((r) => r.key);
    expect(keys).toEqual(rows.slice(0, 10).map((r) => r.customer_id));
    expect(data<{ result: string; status: string }[]>(page1)[0]).toMatchObject({ status: "done", result: "create", attempts: 1 });
  });

  it("erasing a person removes them from the destination on the next run", async () => {
    const [first] = await dest.query<{ customer_id: string }>("SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1");
    const erased = await api.call(recordsRoute.DELETE, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { ids: [first!.customer_id] }, method: "DELETE" });
    expect(data(erased)).toEqual({ entity: "contacts", erased: 1 });
    // The audit log says who erased how many, not whose.
    const [logged] = await db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.action, "records.erased")));
    expect(logged).toMatchObject({ actorType: "api_key", targetType: "entity", targetName: "contacts", details: { requested: 1, erased: 1 } });
    expect(JSON.stringify(logged)).not.toContain(first!.customer_id);
    const started = await api.call(startRoute.POST, { path: "", params: { id: syncId }, body: { mode: "incremental" } });
    expect(data<{ counts: { deleted: number } }>(await waitForRun(data<Created>(started).id)).counts.deleted).toBe(1);
    expect(await dest.query("SELECT 1 FROM customers WHERE customer_id = $1", [first!.customer_id])).toEqual([]);
  });

  it("holds a run over the sync's deletion limit; Discard and Confirm and deliver answer through the API", async () => {
    type Run = { id: string; status: string; notice: string; counts: { deleted: number; plannedDeletes: number }; confirmedBy: string | null };
    const limited = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { deletionLimit: { count: 0 } } });
    expect(data(limited)).toMatchObject({ deletionLimit: { percent: null, count: 0 }, onLeave: "delete" });
    const [leaving] = await dest.query<{ customer_id: string }>("SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1");
    await api.call(recordsRoute.DELETE, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { ids: [leaving!.customer_id] }, method: "DELETE" });
    const startHeld = async () => data<Run>(await waitForRun(data<Created>(await api.call(startRoute.POST, { path: "", params: { id: syncId }, body: {} })).id));

    const held = await startHeld();
    expect(held).toMatchObject({ status: "held", counts: { deleted: 0, plannedDeletes: 1 }, notice: expect.stringContaining("would delete 1 record of the") });
    const call = (route: typeof confirmRoute | typeof discardRoute, id: string, body: unknown = {}) => api.call(route.POST, { path: "", params: { id }, body });
    expect(await call(discardRoute, held.id, { force: true })).toMatchObject({ status: 422, body: { error: { message: "The body does not match what this endpoint expects" } } });
    expect(await call(confirmRoute, "not-a-run")).toMatchObject({ status: 404 });
    expect(await call(confirmRoute, "7f1c5a52-51b8-4a0e-9d7f-3c2f0f0a3b11")).toEqual({ status: 404, body: { error: { message: "Run not found" } } });
    expect(await call(discardRoute, held.id)).toEqual({ status: 200, body: { data: { id: held.id, status: "cancelled" } } });
    expect(await call(confirmRoute, held.id)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining("Only a run held for confirmation can be confirmed or discarded; this one is cancelled") } } });
    expect(await dest.query("SELECT 1 FROM customers WHERE customer_id = $1", [leaving!.customer_id])).toHaveLength(1);

    const again = await startHeld();
    expect(again).toMatchObject({ status: "held", counts: { plannedDeletes: 1 } });
    expect(await call(confirmRoute, again.id)).toEqual({ status: 202, body: { data: { id: again.id, status: "queued" } } });
    expect(data<Run>(await waitForRun(again.id))).toMatchObject({ status: "succeeded", counts: { deleted: 1 }, confirmedBy: expect.any(String) });
    expect(await dest.query("SELECT 1 FROM customers WHERE customer_id = $1", [leaving!.customer_id])).toEqual([]);
  });

  it("keeps the deletion limit on a change that leaves it out, turns it off with null and refuses a bad one", async () => {
    expect(data(await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { name: "Customers" } }))).toMatchObject({ deletionLimit: { percent: null, count: 0 }, onLeave: "delete" });
    const bad = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { deletionLimit: { percent: 150 } } });
    expect(bad).toMatchObject({ status: 422, body: { error: { fields: { "deletionLimit.percent": ["0 to 100"] } } } });
    const empty = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { deletionLimit: { percent: null, count: null } } });
    expect(empty).toMatchObject({ status: 422, body: { error: { fields: { deletionLimit: ["Give a percent, a count or both, or turn the limit off"] } } } });
    expect(data(await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { deletionLimit: null } }))).toMatchObject({ deletionLimit: null });
    expect(data(await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { deletionLimit: { percent: 20, count: 1000 } } }))).toMatchObject({ deletionLimit: { percent: 20, count: 1_000 } });
  });

  it("changes a sync, refuses a change that does not fit, and refuses deleting a connection in use", async () => {
    const patched = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { name: "Customers (EU)", schedule: { type: "interval", minutes: 60 } } });
    expect(data(patched)).toMatchObject({ name: "Customers (EU)", schedule: { type: "interval", minutes: 60 }, object: "customers" });
    const bad = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { mapping: [{ from: { field: "email" }, to: "mail" }] } });
    expect(bad).toMatchObject({ status: 422, body: { error: { fields: { "mapping.0.to": ['The destination has no field "mail"'] } } } });
    const inUse = await api.call(connectionRoute.DELETE, { path: "", params: { id: connectionId }, method: "DELETE" });
    expect(inUse).toEqual({ status: 409, body: { error: { message: 'The connection is used by "Customers (EU)": delete or move those syncs first' } } });
  });

  it("cancels a running run; the batch in flight keeps its results", async () => {
    const locker = new pg.Client({ connectionString: inject("databaseUrl") });
    await locker.connect();
    await locker.query(`BEGIN; LOCK TABLE ${dest.settings.schema as string}.customers IN ACCESS EXCLUSIVE MODE`);
    const started = await api.call(startRoute.POST, { path: "", params: { id: syncId }, body: { mode: "full" } });
    const runId = data<Created>(started).id;
    // Wait until the batch write is in flight: blocked on the locked table.
    const table = `INSERT INTO "${dest.settings.schema as string}"."customers"%`;
    const blocked = async () => (await dest.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [table])).length;
    for (let i = 0; i < 200 && (await blocked()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await blocked()).toBe(1);
    expect(await api.call(cancelRoute.POST, { path: "", params: { id: runId }, body: {} })).toEqual({ status: 202, body: { data: { id: runId, status: "cancelling" } } });
    await new Promise((r) => setTimeout(r, 300));
    await locker.query("COMMIT");
    await locker.end();
    const ended = data<{ status: string; error: string; counts: { planned: number; updated: number } }>(await waitForRun(runId));
    // The batch that was in flight (the only one) went through: the cancelled run counts it.
    expect(ended).toMatchObject({ status: "cancelled", error: "Cancelled by a user" });
    expect(ended.counts.updated).toBe(ended.counts.planned);
    const statuses = async () => new Set(data<{ status: string }[]>(await api.call(runRecordsRoute.GET, { path: `/runs/${runId}/records?limit=1000`, params: { id: runId } })).map((r) => r.status));
    await expect.poll(statuses, { timeout: 15_000 }).toEqual(new Set(["done"]));
    expect((await api.call(cancelRoute.POST, { path: "", params: { id: runId }, body: {} })).status).toBe(409);
  });

  it("exports every sync as one document that another workspace imports into the same syncs", async () => {
    // A change that leaves consent out keeps the consent the sync requires.
    await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { consent: { channel: "email" }, deletionLimit: { percent: 5 } } });
    const renamed = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { name: "Customers (EU)" } });
    expect(data(renamed)).toMatchObject({ name: "Customers (EU)", consent: { channel: "email" } });
    const exported = data<{ syncs: { name: string; dataset: string; connection: { name: string }; consent: unknown }[] }>(await api.call(exportRoute.GET, { path: "/syncs/export" }));
    expect(exported.syncs.map((s) => [s.name, s.dataset, s.connection.name, s.consent])).toEqual([["Customers (EU)", "Contacts", "Warehouse (prod)", { channel: "email" }]]);
    expect(exported.syncs[0]).toMatchObject({ deletionLimit: { percent: 5, count: null } });
    expect(JSON.stringify(exported)).not.toContain("password");

    const target = await apiAs(db, await newWorkspace(db, { seed: restSeed }));
    const missing = await target.call(importRoute.POST, { path: "/syncs/import", body: exported });
    expect(missing.body.error!.fields).toEqual({ "syncs.0.connection": ['No postgres connection named "Warehouse (prod)" in this workspace'] });
    await target.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "Warehouse (prod)", settings: dest.settings, secrets: dest.secrets } });
    expect(data(await target.call(importRoute.POST, { path: "/syncs/import", body: exported }))).toEqual({ created: 1, updated: 0 });
    expect(data(await target.call(importRoute.POST, { path: "/syncs/import", body: exported }))).toEqual({ created: 0, updated: 1 });
    const again = data<{ syncs: unknown[] }>(await target.call(exportRoute.GET, { path: "/syncs/export" }));
    expect({ ...again, exportedAt: undefined }).toEqual({ ...exported, exportedAt: undefined });
  });

  it("deletes a sync", async () => {
    expect(data(await api.call(syncRoute.DELETE, { path: "", params: { id: syncId }, method: "DELETE" }))).toEqual({ id: syncId, deleted: true });
    expect((await api.call(syncRoute.GET, { path: "", params: { id: syncId } })).status).toBe(404);
  });
});
