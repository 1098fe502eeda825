/** Input that passed our checks but broke the database or the stack answers 4xx at the edge, never 5xx. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fieldsRoute from "@/app/api/v1/connections/[id]/objects/[object]/fields/route";
import * as connectionsRoute from "@/app/api/v1/connections/route";
import * as datasetsRoute from "@/app/api/v1/datasets/route";
import * as recordsRoute from "@/app/api/v1/entities/[entity]/records/route";
import * as runRecordsRoute from "@/app/api/v1/runs/[id]/records/route";
import * as resendRoute from "@/app/api/v1/runs/[id]/resend/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import * as syncRoute from "@/app/api/v1/syncs/[id]/route";
import * as syncsRoute from "@/app/api/v1/syncs/route";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { queueRun } from "@/lib/sync/runs";
import { type ApiResponse, apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";

const { db } = connectTestDb();
let api: Awaited<ReturnType<typeof apiAs>>;
let datasetId: string;
let connectionId: string;
let runId: string;
let syncId: string;
let settings: Record<string, unknown>;
let dest: Destination;
const sync = (fields: Record<string, unknown>) => ({ name: "x", datasetId, connectionId, object: "leads", mapping: [], matchKey: { from: "id", to: "lead_id" }, ...fields });

beforeAll(async () => {
  const workspaceId = await newWorkspace(db, { seed: { contacts: 20, products: 3, orders: 20, orderItems: 30 } });
  api = await apiAs(db, workspaceId);
  datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
  dest = await postgresDestination();
  await dest.query("CREATE TABLE leads (lead_id text PRIMARY KEY, name text)");
  settings = dest.settings;
  connectionId = (await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings, secrets: dest.secrets })).id;
  const created = await createSync(db, { workspaceId, input: sync({ mapping: [{ from: { field: "email" }, to: "name" }] }) });
  syncId = created.id;
  runId = (await queueRun(db, { workspaceId, syncId, trigger: "api", mode: "incremental" }))!.run.id;
});
afterAll(() => dest?.close());

const fieldsOf = (r: ApiResponse) => Object.keys(r.body.error?.fields ?? {});
const condition = (column: string, operator: string, value: unknown) => ({ type: "condition", column, operator, value });
const group = (...children: unknown[]) => ({ type: "group", combinator: "and", children });
/** A filter tree as JSON text: nested this deep, JSON.stringify itself overflows the stack. */
const nested = (depth: number) =>
  `${'{"type":"group","combinator":"and","children":['.repeat(depth)}${JSON.stringify(condition("country", "equals", "FR"))}${"]}".repeat(depth)}`;
const preview = (filter: unknown, raw = JSON.stringify(filter)) => api.call(previewRoute.POST, { path: "/segments/preview", raw: `{"datasetId":"${datasetId}","filter":${raw}}` });

describe("bad input gets a 4xx, never a 5xx", () => {
  it("a list cursor that is not one of ours", async () => {
    for (const [route, path] of [[syncsRoute.GET, "/syncs"], [connectionsRoute.GET, "/connections"], [datasetsRoute.GET, "/datasets"]] as const) {
      const answer = await api.call(route, { path: `${path}?cursor=abc` });
      expect(answer, path).toEqual({ status: 400, body: { error: { message: "The query parameters do not fit", fields: { cursor: ["Not a cursor of this list: pass the nextCursor of the previous page"] } } } });
    }
    expect((await api.call(runRecordsRoute.GET, { path: `/runs/${runId}/records?cursor=a%00b`, params: { id: runId } })).status).toBe(400);
  });

  it("filter trees nested hundreds deep are refused before they are walked", async () => {
    for (const depth of [6, 600, 5_000]) {
      const answer = await preview(undefined, nested(depth));
      expect(answer.status, `depth ${depth}`).toBe(422);
      expect(answer.body.error!.fields![`filter${".children.0".repeat(6)}`], `depth ${depth}`).toEqual(["Groups can be nested at most 5 deep"]);
    }
    const deepSync = JSON.stringify(sync({ filter: "deep" })).replace('"deep"', nested(700));
    expect((await api.call(syncsRoute.POST, { path: "/syncs", raw: deepSync })).status).toBe(422);
    expect((await preview(undefined, nested(5))).status).toBe(200);
  });

  it("filter values PostgreSQL cannot read: NUL, impossible dates", async () => {
    const cases = [
      condition("country", "equals", "F\u0000R"),
      condition("country", "is_one_of", ["FR", "D\u0000E"]),
      condition("birth_date", "before", "0000-01-01"),
      condition("birth_date", "before", "2024-02-30"),
      condition("last_order_at", "after", "1970-01-01junk"),
      condition("last_order_at", "between", ["2024-01-01", "2024-02-30T00:00:00Z"]),
    ];
    for (const c of cases) {
      const answer = await preview(group(c));
      expect({ status: answer.status, fields: fieldsOf(answer) }, JSON.stringify(c)).toEqual({ status: 422, fields: [expect.stringMatching(/children\.0\.value(\.1)?$/)] });
    }
    for (const value of ["2024-02-29", "2024-05-31T14:00", "2024-05-31T14:00:00.5+02:00"])
      expect((await preview(group(condition("last_order_at", "before", value)))).status, value).toBe(200);
  });

  it("a condition without a value, wherever a filter tree is taken, names the condition's path", async () => {
    const blank = group(condition("country", "equals", "FR"), group(condition("email", "contains", "x"), condition("email", "equals", "  ")));
    const path = "filter.children.1.children.1.value";
    const answers: [string, ApiResponse][] = [
      ["preview", await preview(blank)],
      ["create", await api.call(syncsRoute.POST, { path: "/syncs", body: sync({ filter: blank }) })],
      ["change", await api.call(syncRoute.PATCH, { path: `/syncs/${syncId}`, params: { id: syncId }, body: { filter: blank } })],
    ];
    for (const [what, answer] of answers) {
      expect({ status: answer.status, fields: answer.body.error?.fields }, what).toEqual({ status: 422, fields: { [path]: ["Enter a value, or pick “is empty” to match rows without one"] } });
      expect(answer.body.error!.message, what).toContain(`${path}: Enter a value`);
    }
    for (const value of [[], [" "]]) expect(fieldsOf(await preview(group(condition("country", "is_one_of", value)))), JSON.stringify(value)).toEqual(["filter.children.0.value"]);
    expect((await preview(group(condition("phone", "is_empty", undefined)))).status).toBe(200);
  });

  it("a cron schedule that cannot run, on create and change, names the field and what is wrong", async () => {
    const schedule = { type: "cron", cron: "61 * * * *", timezone: "Europe/Paris" };
    for (const answer of [
      await api.call(syncsRoute.POST, { path: "/syncs", body: sync({ schedule }) }),
      await api.call(syncRoute.PATCH, { path: `/syncs/${syncId}`, params: { id: syncId }, method: "PATCH", body: { schedule } }),
    ])
      expect({ status: answer.status, fields: answer.body.error?.fields }).toEqual({ status: 422, fields: { "schedule.cron": ["minute 61 is out of range 0–59"] } });

    const long = { type: "cron", cron: `${Array.from({ length: 60 }, (_, i) => i).join(",")} ${"1,".repeat(500)}1 * * *` };
    const refused = await api.call(syncRoute.PATCH, { path: `/syncs/${syncId}`, params: { id: syncId }, method: "PATCH", body: { schedule: long } });
    expect({ status: refused.status, fields: refused.body.error?.fields }).toEqual({ status: 422, fields: { "schedule.cron": ["Keep a cron expression under 200 characters"] } });
  });

  it("a NUL character in names, hosts, ids, keys, cursors and object names", async () => {
    const nul = "a\u0000b";
    const answers: [string, Promise<ApiResponse>, string][] = [
      ["connection name", api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: nul, settings } }), "name"],
      ["host", api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "x", settings: { ...settings, host: nul } } }), "settings.host"],
      ["settings key", api.call(connectionsRoute.POST, { path: "/connections", body: { connector: "postgres", name: "x", settings: { ...settings, [nul]: 1 } } }), `settings.${nul}`],
      ["sync name", api.call(syncsRoute.POST, { path: "/syncs", body: sync({ name: nul }) }), "name"],
      ["object", api.call(syncsRoute.POST, { path: "/syncs", body: sync({ object: nul }) }), "object"],
      ["static value", api.call(syncsRoute.POST, { path: "/syncs", body: sync({ mapping: [{ from: { value: nul }, to: "name" }] }) }), "mapping.0.from.value"],
      ["erased id", api.call(recordsRoute.DELETE, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { ids: [nul] }, method: "DELETE" }), "ids.0"],
      ["resend key", api.call(resendRoute.POST, { path: `/runs/${runId}/resend`, params: { id: runId }, body: { keys: [nul] } }), "keys.0"],
    ];
    for (const [what, answer, field] of answers) {
      const a = await answer;
      expect({ status: a.status, fields: fieldsOf(a) }, what).toEqual({ status: 422, fields: [field] });
    }
    const objectField = await api.call(fieldsRoute.GET, { path: "", params: { id: connectionId, object: nul } });
    expect(objectField.status).toBe(404);
  });
});
