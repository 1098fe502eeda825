/** The REST API v1: keys, datasets, connections, bad input, segment previews and the OpenAPI document. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as objectsRoute from "@/app/api/v1/connections/[id]/objects/route";
import * as fieldsRoute from "@/app/api/v1/connections/[id]/objects/[object]/fields/route";
import * as datasetsRoute from "@/app/api/v1/datasets/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import { revokeApiKey } from "@/lib/db/queries/api-keys";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Created, data, type RestWorkspace, restWorkspace } from "@/test/rest-workspace";

const { db } = connectTestDb();
let { api, dest, workspaceId } = {} as RestWorkspace;
beforeAll(async () => ({ api, dest, workspaceId } = await restWorkspace(db)));
afterAll(() => dest?.close());

describe("REST API v1", () => {
  let connectionId: string;
  let datasetId: string;

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
    expect(contacts.columns).toContainEqual({ name: "orders_count", type: "number", integer: true });
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
    expect(await api.call(connectionsRoute.GET, { path: "/connections" })).toEqual({ status: 200, body: { data: [data(got)], nextCursor: null } });
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

  it("lists connections page by page, each as reading it alone shows it", async () => {
    const archive = data<Created>(await api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "Archive", settings: dest.settings, secrets: dest.secrets } })).id;
    const ids = [connectionId, archive].sort();
    const [first, second] = await Promise.all(ids.map(async (id) => data(await api.call(connectionRoute.GET, { path: "", params: { id } }))));
    expect(await api.call(connectionsRoute.GET, { path: "/connections?limit=1" })).toEqual({ status: 200, body: { data: [first], nextCursor: ids[0] } });
    expect(await api.call(connectionsRoute.GET, { path: `/connections?limit=1&cursor=${ids[0]}` })).toEqual({ status: 200, body: { data: [second], nextCursor: null } });
    await api.call(connectionRoute.DELETE, { path: "", params: { id: archive }, method: "DELETE" });
  });

  it("previews a segment", async () => {
    const filter = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "FR" }] };
    const preview = await api.call(previewRoute.POST, { path: "/segments/preview", body: { datasetId, filter, limit: 2 } });
    const result = data<{ count: number; rows: { country: string }[] }>(preview);
    expect(result.count).toBeGreaterThan(2);
    expect(result.rows.map((r) => r.country)).toEqual(["FR", "FR"]);
    const bad = await api.call(previewRoute.POST, { path: "/segments/preview", body: { datasetId, filter: { ...filter, children: [{ type: "condition", column: "country", operator: "gt", value: 3 }] } } });
    expect(bad.body.error!.fields).toEqual({ "filter.children.0.operator": ['">" does not apply to the string column "country"'] });
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
      "/import-runs/{id}",
      "/import-runs/{id}/cancel",
      "/import-runs/{id}/rejects",
      "/imports",
      "/imports/export",
      "/imports/import",
      "/imports/{id}",
      "/imports/{id}/runs",
      "/runs/{id}",
      "/runs/{id}/cancel",
      "/runs/{id}/confirm",
      "/runs/{id}/discard",
      "/runs/{id}/records",
      "/runs/{id}/records/export",
      "/runs/{id}/resend",
      "/segments/preview",
      "/sources",
      "/sources/preview",
      "/sources/{id}",
      "/syncs",
      "/syncs/export",
      "/syncs/import",
      "/syncs/{id}",
      "/syncs/{id}/runs",
    ]);
    expect(JSON.stringify(doc)).toContain("in_last_days");
    expect(JSON.stringify(doc.paths["/syncs/{id}"])).toContain("deletionLimit");
    expect(JSON.stringify(doc.paths["/runs/{id}"])).toContain('"held"');
    expect(JSON.stringify(doc)).toContain("is_empty, is_not_empty and is_true, is_false take no value; every other operator needs one");
  });
});
