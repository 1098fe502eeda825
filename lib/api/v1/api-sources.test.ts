/** The REST API's sources, imports and import runs: bad input answers 4xx with what is wrong; a config round-trips. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as runCancelRoute from "@/app/api/v1/import-runs/[id]/cancel/route";
import * as runRejectsRoute from "@/app/api/v1/import-runs/[id]/rejects/route";
import * as runRoute from "@/app/api/v1/import-runs/[id]/route";
import * as exportRoute from "@/app/api/v1/imports/export/route";
import * as importDocRoute from "@/app/api/v1/imports/import/route";
import * as importRunsRoute from "@/app/api/v1/imports/[id]/runs/route";
import * as importRoute from "@/app/api/v1/imports/[id]/route";
import * as importsRoute from "@/app/api/v1/imports/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import * as previewRoute from "@/app/api/v1/sources/preview/route";
import * as sourceRoute from "@/app/api/v1/sources/[id]/route";
import * as sourcesRoute from "@/app/api/v1/sources/route";
import { encryptJson } from "@/lib/crypto";
import { insertConnection } from "@/lib/db/queries/connections";
import { queueImportRun } from "@/lib/sources/run-state";
import { startAppRuntime } from "@/test/app-runtime";
import { type ApiResponse, apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { peopleImport, peopleSource, type SourceDb } from "@/test/sources";

const { db } = connectTestDb();
let api: Awaited<ReturnType<typeof apiAs>>;
let source: SourceDb;
let workspaceId: string;
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;

beforeAll(async () => {
  runtime = await startAppRuntime(db);
  workspaceId = await newWorkspace(db);
  api = await apiAs(db, workspaceId);
  source = await peopleSource(db, workspaceId, "postgres", 3);
});
afterAll(async () => {
  await runtime?.stop();
  await source?.close();
});

const dataOf = <T>(r: ApiResponse) => r.body.data as T;
const fileImport = { ...peopleImport("00000000-0000-4000-8000-000000000000"), read: { type: "files", folder: "/in", pattern: "contacts-*.csv" }, changes: { type: "full" }, onMissing: "nothing" };

describe("REST API: sources and imports", () => {
  it("marks only database and file-server connections as sources, and lists them", async () => {
    const crm = await insertConnection(db, { workspaceId, connector: "hubspot", name: "CRM", settings: {}, secrets: encryptJson({}), rateLimit: null });
    expect(await api.call(sourcesRoute.POST, { path: "/sources", body: { connectionId: crm.id } })).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/Only PostgreSQL, MySQL\/MariaDB, SFTP and FTP/) } } });
    expect((await api.call(sourcesRoute.POST, { path: "/sources", body: { connectionId: "not-a-uuid" } })).body.error?.fields).toHaveProperty("connectionId");
    expect((await api.call(sourcesRoute.POST, { path: "/sources", body: { connectionId: "00000000-0000-4000-8000-000000000000" } })).status).toBe(404);
    expect(dataOf<{ id: string }[]>(await api.call(sourcesRoute.GET, { path: "/sources" })).map((s) => s.id)).toEqual([source.sourceId]);
  });

  it.each([
    ["an unknown field", { ...peopleImport("x"), colour: "red" }, ""],
    ["a field the entity lacks", { ...peopleImport("00000000-0000-4000-8000-000000000000"), mapping: [{ column: "email", field: "shoe_size" }] }, "mapping.0.field"],
    ["a real-time schedule", { ...peopleImport("00000000-0000-4000-8000-000000000000"), schedule: { type: "realtime" } }, "schedule"],
    ["no mapping", { ...peopleImport("00000000-0000-4000-8000-000000000000"), mapping: [] }, "mapping"],
    ["files read with a cursor", { ...fileImport, changes: { type: "cursor", column: "updated_at" } }, "changes"],
    ["files whose disappeared rows are deleted", { ...fileImport, changes: { type: "full" }, onMissing: "delete" }, "onMissing"],
    ["a file pattern with a folder", { ...fileImport, read: { ...fileImport.read, pattern: "in/*.csv" } }, "read.pattern"],
    ["a relative folder", { ...fileImport, read: { ...fileImport.read, folder: "exports" } }, "read.folder"],
    ["an unknown bad-line choice", { ...fileImport, read: { ...fileImport.read, badLines: "skip" } }, "read.badLines"],
  ])("refuses an import with %s (422, naming the field)", async (_, body, field) => {
    const answer = await api.call(importsRoute.POST, { path: "/imports", body });
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.error?.fields ?? {})).toContain(field);
  });

  it("refuses an import whose query writes, or that names a column the source lacks", async () => {
    const writes = await api.call(importsRoute.POST, { path: "/imports", body: peopleImport(source.sourceId, { read: { type: "query", sql: "DELETE FROM people" } }) });
    expect(writes).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/The query is refused/) } } });
    const missing = await api.call(importsRoute.POST, { path: "/imports", body: peopleImport(source.sourceId, { keyColumn: "person_id" }) });
    expect(missing).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/no column "person_id"/) } } });
    expect((await api.call(previewRoute.POST, { path: "/sources/preview", body: { sourceId: source.sourceId, read: { type: "table", table: "" }, entity: "contacts" } })).status).toBe(422);
  });

  it("creates, changes, runs, exports and imports an import", async () => {
    const created = await api.call(importsRoute.POST, { path: "/imports", body: peopleImport(source.sourceId, { name: "People" }) });
    expect(created.status).toBe(201);
    const id = dataOf<{ id: string }>(created).id;
    const changed = await api.call(importRoute.PATCH, { path: `/imports/${id}`, method: "PATCH", params: { id }, body: { onMissing: "nothing" } });
    expect(dataOf<{ onMissing: string; name: string }>(changed)).toMatchObject({ onMissing: "nothing", name: "People" });
    expect((await api.call(importRoute.PATCH, { path: `/imports/${id}`, method: "PATCH", params: { id }, body: { entity: "planets" } })).status).toBe(422);

    const started = await api.call(importRunsRoute.POST, { path: `/imports/${id}/runs`, params: { id }, body: {} });
    expect(started.status).toBe(202);
    const runId = dataOf<{ id: string }>(started).id;
    expect(dataOf<{ importId: string }>(await api.call(runRoute.GET, { path: `/import-runs/${runId}`, params: { id: runId } })).importId).toBe(id);
    expect((await api.call(runRejectsRoute.GET, { path: `/import-runs/${runId}/rejects?cursor=abc`, params: { id: runId } })).status).toBe(400);
    const run = async () => dataOf<{ status: string; counts: { created: number } }>(await api.call(runRoute.GET, { path: `/import-runs/${runId}`, params: { id: runId } }));
    await expect.poll(async () => (await run()).status, { timeout: 30_000, interval: 50 }).toBe("succeeded");
    expect((await run()).counts.created).toBe(3);
    expect((await api.call(runCancelRoute.POST, { path: `/import-runs/${runId}/cancel`, params: { id: runId }, body: {} })).status).toBe(409);
    const queued = (await queueImportRun(db, { workspaceId, importId: id, trigger: "api" }))!.run.id;
    expect(dataOf<{ status: string }>(await api.call(runCancelRoute.POST, { path: `/import-runs/${queued}/cancel`, params: { id: queued }, body: {} })).status).toBe("cancelled");

    const document = dataOf<{ imports: { name: string; source: { name: string } }[] }>(await api.call(exportRoute.GET, { path: "/imports/export" }));
    expect(document.imports).toHaveLength(1);
    expect(dataOf(await api.call(importDocRoute.POST, { path: "/imports/import", body: document }))).toEqual({ created: 0, updated: 1 });
    const elsewhere = { ...document, imports: [{ ...document.imports[0]!, source: { name: "Nowhere", connector: "postgres" } }] };
    expect((await api.call(importDocRoute.POST, { path: "/imports/import", body: elsewhere })).body.error?.fields).toHaveProperty(["imports.0.source"]);

    expect((await api.call(sourceRoute.DELETE, { path: `/sources/${source.sourceId}`, method: "DELETE", params: { id: source.sourceId } })).status).toBe(409);
    const connectionId = dataOf<{ connectionId: string }[]>(await api.call(sourcesRoute.GET, { path: "/sources" }))[0]!.connectionId;
    expect((await api.call(connectionRoute.DELETE, { path: `/connections/${connectionId}`, method: "DELETE", params: { id: connectionId } })).status).toBe(409);
    expect((await api.call(importRoute.DELETE, { path: `/imports/${id}`, method: "DELETE", params: { id } })).status).toBe(200);
    expect((await api.call(importRoute.GET, { path: `/imports/${id}`, params: { id } })).status).toBe(404);
  });

  it("describes every source and import endpoint in the OpenAPI document", async () => {
    const doc = (await (await openapiRoute.GET(new Request("http://localhost/api/v1/openapi.json"))).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [["/sources", "post"], ["/sources/preview", "post"], ["/imports", "post"], ["/imports/{id}", "patch"], ["/imports/{id}/runs", "post"], ["/import-runs/{id}/cancel", "post"], ["/import-runs/{id}/rejects", "get"], ["/imports/export", "get"], ["/imports/import", "post"]] as const)
      expect(doc.paths[path], `${method} ${path}`).toHaveProperty(method);
  });
});
