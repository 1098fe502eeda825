import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName, previewDatasetRows, type Row } from "@/lib/db/queries/datasets";
import { createSync, updateSync } from "@/lib/syncs/save";
import { syncRecordLogs, syncRunItems, syncRunSteps } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { buildPayload } from "@/lib/mapping/payload";
import { mappingSchema } from "@/lib/mapping/schema";
import { compileFilter } from "@/lib/segment/compile";
import type { FilterGroup } from "@/lib/segment/schema";
import { connectTestDb, newWorkspace, smallScale } from "@/test/db";
import { type Destination, mysqlAvailable, mysqlDestination, postgresDestination } from "@/test/destinations";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const withMysql = await mysqlAvailable();

const TABLES = {
  postgres: `CREATE TABLE customers (customer_id text PRIMARY KEY, email varchar(60), full_name text, country char(2), orders integer,
    spent numeric(12,2), last_order timestamptz, source text, notes text)`,
  mysql: `CREATE TABLE customers (customer_id varchar(64) PRIMARY KEY, email varchar(60), full_name varchar(200), country char(2), orders int,
    spent decimal(12,2), last_order datetime(6), source varchar(20), notes varchar(200))`,
};

const segment: FilterGroup = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: ["FR", "DE"] }] };
const mapping: z.input<typeof mappingSchema> = [
  { from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] },
  { from: { template: "{first_name} {last_name}" }, to: "full_name", transforms: [{ type: "trim" }] },
  { from: { field: "country" }, to: "country" },
  { from: { field: "orders_count" }, to: "orders" },
  { from: { field: "total_spent" }, to: "spent" },
  { from: { field: "last_order_at" }, to: "last_order" },
  { from: { value: "relay" }, to: "source" },
];
const matchKey = { from: "id", to: "customer_id" };

/** Destination rows as plain values comparable with the payloads. */
function normalise(row: Row): Row {
  const lastOrder = row.last_order;
  return {
    ...row,
    spent: row.spent === null ? null : Number(row.spent),
    last_order: lastOrder === null ? null : new Date(lastOrder instanceof Date ? lastOrder : `${String(lastOrder).replace(" ", "T")}${String(lastOrder).includes("Z") || lastOrder instanceof Date ? "" : "Z"}`).toISOString(),
  };
}

describe.each([["postgres"], ...(withMysql ? [["mysql"]] : [])] as ["postgres" | "mysql"][])("syncing the Contacts dataset into a %s table", (kind) => {
  let dest: Destination;
  let workspaceId: string;
  let dataset: NonNullable<Awaited<ReturnType<typeof getDatasetByName>>>;
  let connectionId: string;
  let syncId: string;
  const input = (extra: Record<string, unknown> = {}) => ({
    name: "Customers", datasetId: dataset.id, filter: segment, connectionId, object: "customers", mapping, matchKey, mode: "incremental", onLeave: "nothing", ...extra,
  });
  const run = (mode: "incremental" | "full" | "replace" = "incremental") => runtime.run({ workspaceId, syncId, mode }, 60_000);
  const destinationRows = async () => (await dest.query<Row>("SELECT customer_id, email, full_name, country, orders, spent, last_order, source FROM customers ORDER BY customer_id")).map(normalise);
  const expectedRows = async (filter = segment) => {
    const rows = await previewDatasetRows(db, { workspaceId, definition: dataset.definition, limit: 100_000, offset: 0, where: compileFilter(filter, dataset.columns) });
    return rows.map((r) => normalise(buildPayload(r, mappingSchema.parse(mapping), matchKey))).sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)));
  };

  beforeAll(async () => {
    dest = kind === "postgres" ? await postgresDestination() : await mysqlDestination();
    await dest.query(TABLES[kind]);
    workspaceId = await newWorkspace(db, { seed: smallScale });
    dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    connectionId = (await createConnection(db, { workspaceId, connector: kind, name: "Warehouse", settings: dest.settings, secrets: dest.secrets })).id;
    syncId = (await createSync(db, { workspaceId, input: input() })).id;
  });
  afterAll(() => dest?.close());

  it("sends every row of the segment on the first run, with the mapped values", async () => {
    const finished = await run();
    const expected = await expectedRows();
    expect(expected.length).toBeGreaterThan(20);
    expect(finished).toMatchObject({ status: "succeeded", planned: expected.length, created: expected.length, updated: 0, deleted: 0, failed: 0 });
    expect(await destinationRows()).toEqual(expected);
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, finished.id), orderBy: syncRunSteps.startedAt });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["Plan", "succeeded"],
      ["Open delivery", "succeeded"],
      ["Deliver from batch 1 of 1", "succeeded"],
      ["Commit", "succeeded"],
      ["Finalize", "succeeded"],
    ]);
  });

  it("sends nothing when nothing changed", async () => {
    const finished = await run();
    expect(finished).toMatchObject({ status: "succeeded", planned: 0, created: 0, updated: 0, unchanged: (await expectedRows()).length });
  });

  it("sends only changed rows; a row that left the segment stays when on-leave is 'nothing'", async () => {
    const [a, b, leaving] = (await expectedRows()).map((r) => String(r.customer_id));
    const entering = (await previewDatasetRows(db, { workspaceId, definition: dataset.definition, limit: 1, offset: 0, where: compileFilter({ ...segment, children: [{ type: "condition", column: "country", operator: "equals", value: "GB" }] }, dataset.columns) }))[0]!.id as string;
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [
      { id: a!, email: "New.Address@Example.com" },
      { id: b!, first_name: "Renamed" },
      { id: leaving!, country: "US" },
      { id: entering, country: "FR" },
    ] });
    const finished = await run();
    expect(finished).toMatchObject({ status: "succeeded", planned: 3, created: 1, updated: 2, deleted: 0 });
    const rows = await destinationRows();
    expect(rows.find((r) => r.customer_id === a)!.email).toBe("new.address@example.com");
    expect(rows.find((r) => r.customer_id === b)!.full_name).toMatch(/^Renamed /);
    expect(rows.some((r) => r.customer_id === leaving)).toBe(true);
    expect(rows.some((r) => r.customer_id === entering)).toBe(true);
  });

  it("deletes rows that leave the segment when on-leave is 'delete', including those that left before", async () => {
    await updateSync(db, { workspaceId, syncId, input: input({ onLeave: "delete" }) });
    const [leaving] = (await expectedRows()).map((r) => String(r.customer_id));
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: leaving!, country: "ES" }] });
    const finished = await run();
    expect(finished).toMatchObject({ status: "succeeded", deleted: 2, created: 0, updated: 0 });
    expect((await destinationRows()).map((r) => r.customer_id)).toEqual((await expectedRows()).map((r) => r.customer_id));
  });

  it("re-sends every row when the mapping changes", async () => {
    const changed = mapping.map((m) => (m.to === "source" ? { ...m, from: { value: "relay-v2" } } : m));
    await updateSync(db, { workspaceId, syncId, input: input({ onLeave: "delete", mapping: changed }) });
    const finished = await run();
    const expected = await expectedRows();
    expect(finished).toMatchObject({ status: "succeeded", updated: expected.length });
    expect(new Set((await destinationRows()).filter((r) => expected.some((e) => e.customer_id === r.customer_id)).map((r) => r.source))).toEqual(new Set(["relay-v2"]));
    await updateSync(db, { workspaceId, syncId, input: input({ onLeave: "delete" }) });
    await run();
  });

  it("rejects a record the destination refuses, explains it, and retries it on the next run", async () => {
    const [victim] = (await expectedRows()).map((r) => String(r.customer_id));
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: victim!, email: `${"x".repeat(70)}@example.com` }] });
    const first = await run();
    expect(first).toMatchObject({ status: "partial", failed: 1 });
    const item = await db.query.syncRunItems.findFirst({ where: and(eq(syncRunItems.runId, first.id), eq(syncRunItems.recordKey, victim!)) });
    expect(item).toMatchObject({ status: "failed", errorKind: "rejected" });
    expect(item!.message).toMatch(kind === "postgres" ? /value too long/ : /Data too long/);
    expect(await db.$count(syncRecordLogs, eq(syncRecordLogs.runId, first.id))).toBe(1);

    const again = await run();
    expect(again).toMatchObject({ status: "partial", planned: 1, failed: 1 });
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: victim!, email: "short@example.com" }] });
    expect(await run()).toMatchObject({ status: "succeeded", updated: 1, failed: 0 });
  });

  it("a full resend upserts every row and deletes nothing", async () => {
    await dest.query("INSERT INTO customers (customer_id, email) VALUES ('zz-not-in-dataset', 'keep@example.com')");
    const finished = await run("full");
    const expected = await expectedRows();
    expect(finished).toMatchObject({ status: "succeeded", planned: expected.length, updated: expected.length, deleted: 0 });
    expect((await destinationRows()).some((r) => r.customer_id === "zz-not-in-dataset")).toBe(true);
  });

  it("replace as sole admin: the table ends up holding exactly the dataset and never looks empty", async () => {
    await updateSync(db, { workspaceId, syncId, input: input({ mode: "replace", replaceStrategy: "sole_admin", onLeave: "delete" }) });
    await dest.query("INSERT INTO customers (customer_id, email) VALUES ('zz-stray', 'stray@example.com')");
    const counts: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) counts.push(Number((await dest.query<{ n: number }>("SELECT count(*) AS n FROM customers"))[0]!.n));
    })();
    const finished = await run("replace");
    reading = false;
    await reader;
    const expected = await expectedRows();
    expect(finished.status).toBe("succeeded");
    expect(finished.deleted).toBe(2);
    expect(await destinationRows()).toEqual(expected);
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(expected.length);
  });

  it("replace on a shared table: rows that left have empty mapped columns, other columns keep their values", async () => {
    await dest.query("UPDATE customers SET notes = 'kept by another tool'");
    await dest.query("INSERT INTO customers (customer_id, email, full_name, notes) VALUES ('zz-other', 'other@example.com', 'Other Tool', 'theirs')");
    await updateSync(db, { workspaceId, syncId, input: input({ mode: "replace", replaceStrategy: "shared_table", onLeave: "delete" }) });
    const finished = await run("replace");
    expect(finished.status).toBe("succeeded");
    const rows = await dest.query<Row>("SELECT customer_id, email, full_name, source, notes FROM customers ORDER BY customer_id");
    expect(rows.find((r) => r.customer_id === "zz-other")).toEqual({ customer_id: "zz-other", email: null, full_name: null, source: null, notes: "theirs" });
    const expected = await expectedRows();
    for (const e of expected) expect(rows.find((r) => r.customer_id === e.customer_id)).toMatchObject({ email: e.email, source: "relay", notes: "kept by another tool" });
  });

  it("replace on a shared table mapping only the key: rows that left keep every value, the dataset's keys are all there", async () => {
    await dest.query("INSERT INTO customers (customer_id, email, notes) VALUES ('zz-key-only', 'kept@example.com', 'theirs')");
    await updateSync(db, { workspaceId, syncId, input: input({ mapping: [], mode: "replace", replaceStrategy: "shared_table", onLeave: "delete" }) });
    const finished = await run("replace");
    expect(finished).toMatchObject({ status: "succeeded", deleted: 0 });
    expect((await dest.query<Row>("SELECT customer_id, email, notes FROM customers WHERE customer_id = 'zz-key-only'"))[0]).toEqual({ customer_id: "zz-key-only", email: "kept@example.com", notes: "theirs" });
    const keys = (await dest.query<Row>("SELECT customer_id FROM customers")).map((r) => r.customer_id);
    for (const e of await expectedRows()) expect(keys).toContain(e.customer_id);
  });

  it("a replace that fails at the swap changes neither the table nor the sync's state: the next run sends what it had staged", async () => {
    await updateSync(db, { workspaceId, syncId, input: input({ mode: "replace", replaceStrategy: "sole_admin", onLeave: "delete" }) });
    expect(await run("replace")).toMatchObject({ status: "succeeded" });
    const [changed] = (await expectedRows()).map((r) => String(r.customer_id));
    const arriving = "zz-arriving";
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: changed!, email: "moved@example.com" }, { id: arriving, email: "new@example.com", first_name: "New", country: "FR" }] });
    // The staging table takes every row; the swap into the table refuses the new one.
    await dest.query(`ALTER TABLE customers ADD CONSTRAINT refuse_arriving CHECK (customer_id <> '${arriving}')`);
    const before = await destinationRows();
    const failed = await run("replace");
    expect(failed.status).toBe("failed");
    expect(failed).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await destinationRows()).toEqual(before);

    await dest.query("ALTER TABLE customers DROP CONSTRAINT refuse_arriving");
    await updateSync(db, { workspaceId, syncId, input: input({ onLeave: "delete" }) });
    const next = await run();
    expect(next).toMatchObject({ status: "succeeded", created: 1, updated: 1 });
    expect(await destinationRows()).toEqual(await expectedRows());
  });
});
