import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as connectionRoute from "@/app/api/v1/connections/[id]/route";
import * as objectsRoute from "@/app/api/v1/connections/[id]/objects/route";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { startFakePostgres } from "@/test/fake-postgres";

const { db } = connectTestDb();
const STORED = `stored-${Date.now()}-secret`;
let dest: Destination;
let fake: Awaited<ReturnType<typeof startFakePostgres>>;
let api: Awaited<ReturnType<typeof apiAs>>;

beforeAll(async () => {
  dest = await postgresDestination();
  await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY)");
  fake = await startFakePostgres();
  api = await apiAs(db, await newWorkspace(db));
});
afterAll(async () => {
  await dest?.close();
  await fake?.close();
});

const MOVED_ERROR = { secrets: ["Enter the secrets again: the connection now points elsewhere"] };

describe("stored secrets only go where they were entered for (REST API)", () => {
  it("refuses to move a connection without its secrets typed again, however they are left out, and sends the stored one nowhere new", async () => {
    const created = await api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: { password: STORED } } });
    expect(created.status).toBe(201);
    const id = (created.body.data as { id: string }).id;
    const patch = (body: unknown) => api.call(connectionRoute.PATCH, { path: "", params: { id }, method: "PATCH", body });
    const elsewhere = { host: "127.0.0.1", port: fake.port, database: "stolen", user: "mallory" };

    for (const secrets of [undefined, {}, { password: "" }]) {
      const moved = await patch({ settings: elsewhere, ...(secrets ? { secrets } : {}) });
      expect({ secrets, status: moved.status, fields: moved.body.error?.fields }).toEqual({ secrets, status: 422, fields: MOVED_ERROR });
    }
    for (const key of ["port", "database", "user"] as const) expect((await patch({ settings: { [key]: elsewhere[key] }, secrets: {} })).status, key).toBe(422);

    const objects = await api.call(objectsRoute.GET, { path: "", params: { id } });
    expect(objects.body.data).toEqual([{ name: "customers", label: "customers" }]);
    expect(fake.captured).toEqual([]);

    // Typed again, the new secret (and only it) goes to the new place.
    expect((await patch({ settings: elsewhere, secrets: { password: "typed-for-the-new-host" } })).status).toBe(200);
    expect((await api.call(objectsRoute.GET, { path: "", params: { id } })).status).toBe(502);
    expect(fake.captured).toEqual([{ user: "mallory", database: "stolen", password: "typed-for-the-new-host" }]);
  });

  it("keeps the stored secrets when a change leaves out or empties them but the connection stays put", async () => {
    const created = await api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "Kept", settings: dest.settings, secrets: { password: STORED } } });
    const id = (created.body.data as { id: string }).id;
    const renamed = await api.call(connectionRoute.PATCH, { path: "", params: { id }, method: "PATCH", body: { name: "Kept (renamed)", settings: { schema: dest.settings.schema }, secrets: { password: "" } } });
    expect(renamed.status).toBe(200);
    const { loadConnection } = await import("@/lib/connections/load");
    const workspaceId = (await db.query.connections.findFirst({ where: (c, { eq }) => eq(c.id, id) }))!.workspaceId;
    expect((await loadConnection(db, { workspaceId, connectionId: id })).config.secrets).toEqual({ password: STORED });
  });
});
