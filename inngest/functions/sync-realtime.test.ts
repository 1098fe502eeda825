import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "@/lib/db/queries/connections";
import { insertDataset } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/db/queries/syncs";
import { syncRuns } from "@/lib/db/schema";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { startAppRuntime } from "@/lib/testing/app-runtime";
import { apiAs } from "@/lib/testing/api";
import { connectTestDb, newWorkspace } from "@/lib/testing/db";
import { type Destination, postgresDestination } from "@/lib/testing/destinations";

const { db } = connectTestDb();
let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
let dest: Destination;
let post: (entity: string, records: unknown[]) => Promise<number>;
let syncId: string;

beforeAll(async () => {
  runtime = await startAppRuntime(db, { timeScale: 1 });
  const route = await import("@/app/api/v1/entities/[entity]/records/route");
  const workspaceId = await newWorkspace(db);
  const api = await apiAs(db, workspaceId);
  post = async (entity, records) => (await api.call(route.POST, { path: `/entities/${entity}/records`, params: { entity }, body: { records } })).status;
  dest = await postgresDestination();
  await dest.query("CREATE TABLE leads (lead_id text PRIMARY KEY, email text)");
  const dataset = await insertDataset(db, { workspaceId, name: `Real-time leads ${Date.now()}`, definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: ["id", "email"] }) });
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Leads DB", settings: dest.settings, secrets: dest.secrets });
  const sync = await createSync(db, {
    workspaceId,
    input: {
      name: "Leads in real time",
      datasetId: dataset.id,
      filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "id", operator: "starts_with", value: "rt-" }] },
      connectionId: connection.id,
      object: "leads",
      mapping: [{ from: { field: "email" }, to: "email" }],
      matchKey: { from: "id", to: "lead_id" },
      schedule: { type: "realtime" },
    },
  });
  syncId = sync.id;
});
afterAll(async () => {
  await runtime?.stop();
  await dest?.close();
});

const runsOf = () => db.query.syncRuns.findMany({ where: eq(syncRuns.syncId, syncId) });

describe("real-time syncs", () => {
  it("start when the ingest endpoint changes rows of an entity the dataset reads, once per burst", async () => {
    for (const n of [1, 2, 3]) expect(await post("contacts", [{ id: `rt-${n}`, email: `lead${n}@example.com` }])).toBe(200);
    const deadline = Date.now() + 30_000;
    while ((await dest.query("SELECT lead_id FROM leads")).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await dest.query("SELECT lead_id, email FROM leads ORDER BY lead_id")).toEqual([
      { lead_id: "rt-1", email: "lead1@example.com" },
      { lead_id: "rt-2", email: "lead2@example.com" },
      { lead_id: "rt-3", email: "lead3@example.com" },
    ]);
    const runs = await runsOf();
    expect(runs).toHaveLength(1);
    expect(await runtime.runEnded(runs[0]!.id)).toMatchObject({ trigger: "realtime", status: "succeeded", created: 3 });
  });

  it("do not start for entities the dataset does not read", async () => {
    expect(await post("products", [{ id: "rt-product", name: "Mug" }])).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await runsOf()).toHaveLength(1);
  });
});
