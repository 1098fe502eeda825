import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { ValidationError } from "@/lib/errors";
import { connectTestDb, newWorkspace } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import type { SyncInput } from "./config";

const { db } = connectTestDb();
let dest: Destination;
let workspaceId: string;
let base: SyncInput;

beforeAll(async () => {
  dest = await postgresDestination();
  await dest.query("CREATE TABLE people (person_id text PRIMARY KEY, email text NOT NULL, age integer, vip boolean, joined date, nickname text UNIQUE)");
  workspaceId = await newWorkspace(db, { seed: { contacts: 5, products: 1, orders: 5, orderItems: 5 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "PG", settings: dest.settings, secrets: dest.secrets });
  base = {
    name: "People",
    datasetId: dataset.id,
    connectionId: connection.id,
    object: "people",
    mapping: [{ from: { field: "email" }, to: "email" }],
    matchKey: { from: "id", to: "person_id" },
  };
});
afterAll(() => dest.close());

async function problems(input: unknown): Promise<Record<string, string[]>> {
  const error = await createSync(db, { workspaceId, input }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields;
}

describe("sync configurations are checked against the dataset and the destination", () => {
  it("accepts a sync that fits", async () => {
    await expect(createSync(db, { workspaceId, input: base })).resolves.toMatchObject({ name: "People", mode: "incremental", onLeave: "nothing" });
  });

  it("refuses unknown fields on either side, with the path of each problem", async () => {
    expect(
      await problems({ ...base, mapping: [{ from: { field: "emial" }, to: "email" }, { from: { template: "{first_name} {shoe_size}" }, to: "nickname" }, { from: { field: "city" }, to: "town" }] }),
    ).toEqual({
      "mapping.0.from": ['The dataset has no column "emial"'],
      "mapping.1.from": ['The template names "{shoe_size}", which the dataset does not have'],
      "mapping.2.to": ['The destination has no field "town"'],
    });
  });

  it("refuses SQL in names: they must be columns that exist", async () => {
    expect(await problems({ ...base, object: "people; DROP TABLE people" })).toEqual({ object: ['The destination has no table "people; DROP TABLE people"'] });
    expect(await problems({ ...base, mapping: [{ from: { field: 'email"; DROP TABLE contacts; --' }, to: "email" }] })).toEqual({
      "mapping.0.from": ['The dataset has no column "email"; DROP TABLE contacts; --"'],
    });
  });

  it("refuses values of the wrong type, a missing required field and a key that identifies nothing", async () => {
    expect(
      await problems({ ...base, mapping: [{ from: { field: "email" }, to: "email" }, { from: { field: "country" }, to: "age" }, { from: { field: "orders_count" }, to: "vip" }, { from: { field: "created_at" }, to: "joined" }] }),
    ).toEqual({
      "mapping.1.to": ['"age" takes whole numbers, but this link gives text: add the cast "to integer" to the link'],
      "mapping.2.to": ['"vip" takes true/false values, but this link gives whole numbers: add the cast "to boolean" to the link'],
    });
    expect(await problems({ ...base, mapping: [{ from: { field: "country" }, to: "age" }] })).toMatchObject({ mapping: ['The destination requires "email": map it'] });
    expect(await problems({ ...base, matchKey: { from: "id", to: "age" } })).toEqual({
      "matchKey.to": ['"age" does not identify records: match on the primary key or a unique field'],
      mapping: ['The destination requires "person_id": map it'],
    });
    expect(await problems({ ...base, matchKey: { from: "nope", to: "person_id" } })).toEqual({ "matchKey.from": ['The dataset has no column "nope"'] });
  });

  it("refuses decimals into an integer column until a 'to integer' cast converts them, and takes whole numbers as they are", async () => {
    const spent = (transforms: unknown[]) => ({ ...base, mapping: [...base.mapping, { from: { field: "total_spent" }, to: "age", transforms }] });
    expect(await problems(spent([]))).toEqual({
      "mapping.1.to": ['"age" takes whole numbers, but this link gives numbers that may have decimals: add the cast "to integer" to the link'],
    });
    await expect(createSync(db, { workspaceId, input: spent([{ type: "to_integer", rounding: "round" }]) })).resolves.toMatchObject({ name: "People" });
    await expect(createSync(db, { workspaceId, input: { ...base, name: "Counts", mapping: [...base.mapping, { from: { field: "orders_count" }, to: "age" }] } })).resolves.toMatchObject({ name: "Counts" });
  });

  it("refuses a shared-table replace that would have to empty a NOT NULL column", async () => {
    expect(await problems({ ...base, mode: "replace", replaceStrategy: "shared_table" })).toEqual({
      replaceStrategy: ['The shared-table strategy empties the mapped columns of rows that left the dataset, but "email" cannot be NULL: use the sole-admin strategy or make it nullable'],
    });
    expect(await problems({ ...base, mode: "replace" })).toEqual({ replaceStrategy: ["Pick how a replace treats the destination"] });
  });

  it("refuses a bad filter, schedule or reference", async () => {
    expect(await problems({ ...base, filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "orders_count", operator: "gt", value: "many" }] } })).toEqual({
      "filter.children.0.value": ["Enter a number"],
    });
    expect(await problems({ ...base, schedule: { type: "cron", cron: "every day" } })).toEqual({ "schedule.cron": ['Enter 5 fields (minute hour day-of-month month weekday), such as "0 6 * * 1-5"; this has 2'] });
    expect(await problems({ ...base, schedule: { type: "cron", cron: "0 6 * * *", timezone: "Mars/Olympus" } })).toEqual({ "schedule.timezone": ["Unknown time zone"] });
    expect(await problems({ ...base, connectionId: "00000000-0000-4000-8000-000000000000" })).toEqual({ connectionId: ["This workspace has no such connection"] });
    expect(await problems({ ...base, datasetId: "00000000-0000-4000-8000-000000000000" })).toEqual({ datasetId: ["This workspace has no such dataset"] });
  });
});
