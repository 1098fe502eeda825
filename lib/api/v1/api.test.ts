import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as objectsRoute from "@/app/api/v1/connections/[id]/objects/route";
import * as fieldsRoute from "@/app/api/v1/connections/[id]/objects/[object]/fields/route";
import * as datasetsRoute from "@/app/api/v1/datasets/route";
import * as recordsRoute from "@/app/api/v1/entities/[entity]/records/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import * as runRoute from "@/app/api/v1/runs/[id]/route";
import * as cancelRoute from "@/app/api/v1/runs/[id]/cancel/route";
import * as runRecordsRoute from "@/app/api/v1/runs/[id]/records/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import * as syncsRoute from "@/app/api/v1/syncs/route";
import * as syncRoute from "@/app/api/v1/syncs/[id]/route";
import * as exportRoute from "@/app/api/v1/syncs/export/route";
import * as importRoute from "@/app/api/v1/syncs/import/route";
import * as startRoute from "@/app/api/v1/syncs/[id]/runs/route";
import { revokeApiKey } from "@/lib/db/queries/api-keys";
import { type ApiResponse, apiAs } from "@/lib/testing/api";
import { startAppRuntime } from "@/lib/testing/app-runtime";
import { connectTestDb, newWorkspace } from "@/lib/testing/db";
import { type Destination, postgresDestination } from "@/lib/testing/destinations";

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let dest: Destination;
let workspaceId: string;
let api: Awaited<ReturnType<typeof apiAs>>;
const seed = { contacts: 60, products: 5, orders: 100, orderItems: 200 };

beforeAll(async () => {
  runtime = await startAppRuntime(db);
  dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text, country text)");
  workspaceId = await newWorkspace(db, { seed });
  api = await apiAs(db, workspaceId);
});
afterAll(async () => {
  await runtime?.stop();
  await dest?.close();
});

const data = <T>(r: ApiResponse) => r.body.data as T;
type Created = { id: string };
const waitForRun = async (runId: string) => {
  for (;;) {
    const run = await api.call(runRoute.GET, { path: `/runs/${runId}`, params: { id: runId } });
    if (!["queued", "running"].includes(data<{ status: string }>(run).status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("REST API v1", () => {
  let connectionId: string;
  let datasetId: string;
  let syncId: string;

  it("refuses calls without a valid key", async () => {
    expect(await api.call(datasetsRoute.GET, { path: "/datasets", key: null })).toEqual({
      status: 401,
      body: { error: { message: "Missing API key: send the header Authorization: Bearer <key>" } },
    });
    expect((await api.call(datasetsRoute.GET, { path: "/datasets", key: "rly_" + "x".repeat(40) })).status).toBe(401);
    const other = await apiAs(db, workspaceId);
    await revokeApiKey(db, { idOrPrefix: other.key.slice(0, 10) });
    expect(await other.call(datasetsRoute.GET, { path: "/datasets" })).toEqual({ status: 401, body: { error: { message: "Invalid or revoked API key" } } });
  });

  it("lists datasets page by page", async () => {
    const first = await api.call(datasetsRoute.GET, { path: "/datasets?limit=3" });
    expect(data<unknown[]>(first)).toHaveLength(3);
    const second = await api.call(datasetsRoute.GET, { path: `/datasets?limit=3&cursor=${first.body.nextCursor}` });
    expect(second.body.nextCursor).toBeNull();
    type Dataset = { id: string; name: string; primaryKey: string; columns: { name: string; type: string }[] };
    const all = [...data<Dataset[]>(first), ...data<Dataset[]>(second)];
    expect(all.map((d) => d.name).sort()).toEqual(["Contacts", "Order items", "Orders", "Products"]);
    const contacts = all.find((d) => d.name === "Contacts")!;
    expect(contacts.primaryKey).toBe("id");
    expect(contacts.columns).toContainEqual({ name: "orders_count", type: "number" });
    datasetId = contacts.id;
    expect((await api.call(datasetsRoute.GET, { path: "/datasets?limit=9999" })).status).toBe(400);
  });

  it("creates, reads, lists and changes connections without ever returning their secrets", async () => {
    const created = await api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: { password: "s3cr3t-never-shown", ...dest.secrets } } });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain("s3cr3t");
    connectionId = data<Created>(created).id;
    const got = await api.call(connectionRoute.GET, { path: `/connections/${connectionId}`, params: { id: connectionId } });
    expect(data<{ name: string; settings: { host: string } }>(got)).toMatchObject({ name: "Warehouse", settings: { host: dest.settings.host } });
    expect(JSON.stringify(got.body)).not.toContain("password");
    expect(data<unknown[]>(await api.call(connectionsRoute.GET, { path: "/connections" }))).toHaveLength(1);
    const objects = await api.call(objectsRoute.GET, { path: `/connections/${connectionId}/objects`, params: { id: connectionId } });
    expect(data(objects)).toEqual([{ name: "customers", label: "customers" }]);
    const fields = await api.call(fieldsRoute.GET, { path: "", params: { id: connectionId, object: "customers" } });
    expect(data<{ name: string; key?: string }[]>(fields).find((f) => f.name === "customer_id")).toMatchObject({ key: "primary", type: "string" });
    expect((await api.call(fieldsRoute.GET, { path: "", params: { id: connectionId, object: "nope" } })).status).toBe(404);

    const renamed = await api.call(connectionRoute.PATCH, { path: "", params: { id: connectionId }, method: "PATCH", body: { name: "Warehouse (prod)", rateLimit: { windowSeconds: 60, maxRequests: 100 } } });
    expect(data(renamed)).toMatchObject({ name: "Warehouse (prod)", rateLimit: { windowSeconds: 60, maxRequests: 100 } });
    const moved = await api.call(connectionRoute.PATCH, { path: "", params: { id: connectionId }, method: "PATCH", body: { settings: { host: "evil.example.com" } } });
    expect(moved).toEqual({ status: 422, body: { error: { message: expect.any(String), fields: { secrets: ["Enter the secrets again: the connection now points elsewhere"] } } } });
  });

  it("answers bad input with the right status and a clear message", async () => {
    const post = (body: unknown, raw?: string) => api.call(connectionsRoute.POST, { path: "/connections", body, raw });
    expect((await post(undefined, "{ not json")).status).toBe(400);
    expect((await post({ connector: "postgres", name: "x", settings: dest.settings, colour: "red" })).body.error!.fields).toEqual({ "": ['Unrecognized key: "colour"'] });
    expect((await post({ connector: "oracle", name: "x", settings: {} })).body.error!.fields).toEqual({ connector: [expect.stringMatching(/^Unknown connector: use one of postgres, mysql, http-api, sftp, ftp, salesforce, hubspot, /)] });
    expect((await post({ connector: "postgres", name: "x", settings: { ...dest.settings, port: "five" } })).body.error!.fields).toMatchObject({ port: [expect.stringMatching(/number/i)] });
    expect((await post(undefined, JSON.stringify({ connector: "postgres", name: "y".repeat(11 * 1024 * 1024), settings: {} }))).status).toBe(413);
    const sqlName = await post({ connector: "postgres", name: "x'); DROP TABLE connections; --", settings: dest.settings, secrets: dest.secrets });
    expect(data<{ name: string }>(sqlName).name).toBe("x'); DROP TABLE connections; --");
    await api.call(connectionRoute.DELETE, { path: "", params: { id: data<Created>(sqlName).id }, method: "DELETE" });

    const other = await apiAs(db, await newWorkspace(db));
    expect((await other.call(connectionRoute.GET, { path: "", params: { id: connectionId } })).status).toBe(404);
    expect((await other.call(connectionRoute.DELETE, { path: "", params: { id: connectionId }, method: "DELETE" })).status).toBe(404);
    expect((await api.call(connectionRoute.GET, { path: "", params: { id: "not-a-uuid" } })).status).toBe(404);
  });

  it("previews a segment", async () => {
    const filter = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "FR" }] };
    const preview = await api.call(previewRoute.POST, { path: "/segments/preview", body: { datasetId, filter, limit: 2 } });
    const result = data<{ count: number; rows: { country: string }[] }>(preview);
    expect(result.count).toBeGreaterThan(2);
    expect(result.rows.map((r) => r.country)).toEqual(["FR", "FR"]);
    const bad = await api.call(previewRoute.POST, { path: "/segments/preview", body: { datasetId, filter: { ...filter, children: [{ type: "condition", column: "country", operator: "gt", value: 3 }] } } });
    expect(bad.body.error!.fields).toEqual({ "children.0.operator": ['">" does not apply to the string column "country"'] });
  });

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
    expect(data(await api.call(syncRoute.GET, { path: "", params: { id: syncId } }))).toMatchObject({ name: "Customers", mode: "incremental", schedule: { type: "manual" } });

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
    const started = await api.call(startRoute.POST, { path: "", params: { id: syncId }, body: { mode: "incremental" } });
    expect(data<{ counts: { deleted: number } }>(await waitForRun(data<Created>(started).id)).counts.deleted).toBe(1);
    expect(await dest.query("SELECT 1 FROM customers WHERE customer_id = $1", [first!.customer_id])).toEqual([]);
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
    const ended = data<{ status: string; error: string; steps: { name: string; status: string }[] }>(await waitForRun(runId));
    expect(ended).toMatchObject({ status: "cancelled", error: "Cancelled by a user" });
    expect(ended.steps.map((s) => s.name)).not.toContain("Finalize");
    // The run is marked cancelled at once; the batch that was in flight records its results when its write returns.
    const statuses = async () => new Set(data<{ status: string }[]>(await api.call(runRecordsRoute.GET, { path: `/runs/${runId}/records?limit=1000`, params: { id: runId } })).map((r) => r.status));
    await expect.poll(statuses, { timeout: 15_000 }).toEqual(new Set(["done"]));
    expect((await api.call(cancelRoute.POST, { path: "", params: { id: runId }, body: {} })).status).toBe(409);
  });

  it("exports every sync as one document that another workspace imports into the same syncs", async () => {
    // A change that leaves consent out keeps the consent the sync requires.
    await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { consent: { channel: "email" } } });
    const renamed = await api.call(syncRoute.PATCH, { path: "", params: { id: syncId }, method: "PATCH", body: { name: "Customers (EU)" } });
    expect(data(renamed)).toMatchObject({ name: "Customers (EU)", consent: { channel: "email" } });
    const exported = data<{ syncs: { name: string; dataset: string; connection: { name: string }; consent: unknown }[] }>(await api.call(exportRoute.GET, { path: "/syncs/export" }));
    expect(exported.syncs.map((s) => [s.name, s.dataset, s.connection.name, s.consent])).toEqual([["Customers (EU)", "Contacts", "Warehouse (prod)", { channel: "email" }]]);
    expect(JSON.stringify(exported)).not.toContain("password");

    const target = await apiAs(db, await newWorkspace(db, { seed }));
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

  it("publishes an OpenAPI 3.1 document of every endpoint", async () => {
    const response = openapiRoute.GET(new Request("http://localhost:3000/api/v1/openapi.json"));
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; servers: { url: string }[] };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0]!.url).toBe("http://localhost:3000/api/v1");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/connections",
      "/connections/{id}",
      "/connections/{id}/objects",
      "/connections/{id}/objects/{object}/fields",
      "/datasets",
      "/entities/{entity}/records",
      "/runs/{id}",
      "/runs/{id}/cancel",
      "/runs/{id}/records",
      "/runs/{id}/records/export",
      "/runs/{id}/resend",
      "/segments/preview",
      "/syncs",
      "/syncs/export",
      "/syncs/import",
      "/syncs/{id}",
      "/syncs/{id}/runs",
    ]);
    expect(JSON.stringify(doc)).toContain("in_last_days");
  });
});
