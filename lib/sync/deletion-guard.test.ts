import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName, previewDatasetRows } from "@/lib/db/queries/datasets";
import { createSync, updateSync } from "@/lib/syncs/save";
import { syncRecords, syncRunSteps } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { PublicError } from "@/lib/errors";
import { compileFilter } from "@/lib/segment/compile";
import type { FilterGroup } from "@/lib/segment/schema";
import { connectTestDb, newWorkspace, smallScale } from "@/test/db";
import { type Destination, postgresDestination } from "@/test/destinations";
import { syncTestRuntime } from "@/test/sync-runtime";
import type { SyncInput } from "./config";
import { discardHeldRun, endRunWith, queueRun, releaseHeldRun } from "./runs";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const countries = (...values: string[]): FilterGroup => ({ type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: values }] });

describe("the deletion guard, syncing contacts into a PostgreSQL table", () => {
  let dest: Destination;
  let workspaceId: string;
  let datasetId: string;
  let connectionId: string;
  let syncId: string;
  let confirmHeldRun: (typeof import("@/inngest/requests"))["confirmHeldRun"];
  const input = (extra: Partial<SyncInput> = {}): SyncInput => ({
    name: "Customers",
    datasetId,
    connectionId,
    filter: countries("FR", "DE"),
    object: "customers",
    mapping: [{ from: { field: "email" }, to: "email" }],
    matchKey: { from: "id", to: "customer_id" },
    onLeave: "delete",
    ...extra,
  });
  const run = () => runtime.run({ workspaceId, syncId });
  const destinationKeys = async () => (await dest.query<{ customer_id: string }>("SELECT customer_id FROM customers ORDER BY customer_id")).map((r) => r.customer_id);
  const datasetKeys = async (filter: FilterGroup) => {
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const rows = await previewDatasetRows(db, { workspaceId, definition: dataset.definition, limit: 100_000, offset: 0, where: compileFilter(filter, dataset.columns) });
    return rows.map((r) => String(r.id)).sort();
  };
  const stateSize = () => db.$count(syncRecords, eq(syncRecords.syncId, syncId));

  beforeAll(async () => {
    ({ confirmHeldRun } = await import("@/inngest/requests"));
    dest = await postgresDestination();
    await dest.query("CREATE TABLE customers (customer_id text PRIMARY KEY, email text)");
    workspaceId = await newWorkspace(db, { seed: smallScale });
    datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
    connectionId = (await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets })).id;
    syncId = (await createSync(db, { workspaceId, input: input() })).id;
    expect(await run()).toMatchObject({ status: "succeeded", deleted: 0 });
  });
  afterAll(() => dest?.close());

  it("holds a run that would delete more than 20 % of the records: nothing delivered, the plan kept, the reason told", async () => {
    const before = await destinationKeys();
    const leaving = before.length - (await datasetKeys(countries("FR"))).length;
    expect(leaving * 5).toBeGreaterThan(before.length);
    await updateSync(db, { workspaceId, syncId, input: input({ filter: countries("FR") }) });

    const held = await run();
    expect(held).toMatchObject({ status: "held", plannedDeletes: leaving, deleted: 0, error: null });
    expect(held.notice).toContain(`would delete ${leaving} records of the ${before.length} it holds`);
    expect(held.notice).toContain("more than 20 % of its records");
    expect(await destinationKeys()).toEqual(before);
    expect(await stateSize()).toBe(before.length);
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, held.id) });
    expect(steps.map((s) => [s.name, s.status])).toEqual([["Plan", "succeeded"]]);
  });

  it("discarding ends the run without touching the destination or the diff state: the next run is held again", async () => {
    const before = await destinationKeys();
    const [held] = await db.query.syncRuns.findMany({ where: (r, { and, eq }) => and(eq(r.syncId, syncId), eq(r.status, "held")) });
    const discarded = await discardHeldRun(db, { workspaceId, runId: held!.id, discardedBy: "ops@example.com" });
    expect(discarded).toMatchObject({ status: "cancelled", error: "Discarded by ops@example.com: nothing was delivered" });
    expect(await destinationKeys()).toEqual(before);
    expect(await stateSize()).toBe(before.length);
    await expect(discardHeldRun(db, { workspaceId, runId: held!.id, discardedBy: "ops@example.com" })).rejects.toThrow(PublicError);

    expect(await run()).toMatchObject({ status: "held", plannedDeletes: held!.plannedDeletes });
  });

  it("a new run supersedes the held one, which can then no longer be confirmed", async () => {
    const [older] = await db.query.syncRuns.findMany({ where: (r, { and, eq }) => and(eq(r.syncId, syncId), eq(r.status, "held")) });
    const newer = await run();
    expect(newer).toMatchObject({ status: "held", plannedDeletes: older!.plannedDeletes });
    expect(await db.query.syncRuns.findFirst({ where: (r, { eq }) => eq(r.id, older!.id) })).toMatchObject({
      status: "cancelled",
      error: expect.stringContaining("Superseded by a newer run"),
    });
    await expect(confirmHeldRun(db, { workspaceId, runId: older!.id, confirmedBy: "ops@example.com" })).rejects.toMatchObject({ status: 409 });

    // A run already queued will plan again and supersede the held one: confirming the held one is refused meanwhile.
    const waiting = (await queueRun(db, { workspaceId, syncId, trigger: "manual", mode: "incremental" }))!.run;
    await expect(confirmHeldRun(db, { workspaceId, runId: newer.id, confirmedBy: "ops@example.com" })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("Another run of this sync is queued or running"),
    });
    await endRunWith(db, waiting.id, "cancelled", "Cancelled by a user");
  });

  it("Confirm and deliver delivers exactly the kept plan, once, and the diff state follows", async () => {
    const [held] = await db.query.syncRuns.findMany({ where: (r, { and, eq }) => and(eq(r.syncId, syncId), eq(r.status, "held")) });
    const staying = await datasetKeys(countries("FR"));
    // A change after the plan was held is not part of it: the confirmed run does not plan again.
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: staying[0]!, email: "changed.after.hold@example.com" }] });

    await confirmHeldRun(db, { workspaceId, runId: held!.id, confirmedBy: "ops@example.com" });
    const confirmed = await runtime.runEnded(held!.id);
    expect(confirmed).toMatchObject({ status: "succeeded", planned: held!.planned, deleted: held!.plannedDeletes, created: 0, updated: 0, confirmedBy: "ops@example.com" });
    expect(await destinationKeys()).toEqual(staying);
    expect((await dest.query<{ email: string }>("SELECT email FROM customers WHERE customer_id = $1", [staying[0]]))[0]!.email).not.toBe("changed.after.hold@example.com");
    expect(await stateSize()).toBe(staying.length);
    await expect(confirmHeldRun(db, { workspaceId, runId: held!.id, confirmedBy: "ops@example.com" })).rejects.toMatchObject({ status: 409 });

    expect(await run()).toMatchObject({ status: "succeeded", planned: 1, updated: 1, deleted: 0 });
  });

  it("a count limit holds a run over it, and a sync with the limit off deletes what it plans", async () => {
    const staying = await datasetKeys(countries("FR"));
    const leaving = staying.slice(0, 4);
    await updateSync(db, { workspaceId, syncId, input: input({ filter: countries("FR"), deletionLimit: { percent: null, count: 3 } }) });
    await upsertRecords(db, { workspaceId, entity: "contacts", records: leaving.map((id) => ({ id, country: "US" })) });
    const held = await run();
    expect(held).toMatchObject({ status: "held", plannedDeletes: 4 });
    expect(held.notice).toContain("more than 3 records");
    expect(held.notice).not.toContain("% of its records");

    await updateSync(db, { workspaceId, syncId, input: input({ filter: countries("FR"), deletionLimit: null }) });
    expect(await run()).toMatchObject({ status: "succeeded", deleted: 4 });
    expect(await destinationKeys()).toEqual(staying.slice(4));
  });

  it("a run asked for while a confirmed run waits to start gets a run of its own: the confirmed one delivers only its kept plan", async () => {
    await updateSync(db, { workspaceId, syncId, input: input({ filter: countries("DE") }) });
    const held = await run();
    expect(held).toMatchObject({ status: "held" });
    await releaseHeldRun(db, { workspaceId, runId: held.id, confirmedBy: "ops@example.com" });
    const asked = (await queueRun(db, { workspaceId, syncId, trigger: "manual", mode: "incremental" }))!;
    expect(asked.folded).toBe(false);
    expect(asked.run.id).not.toBe(held.id);
    for (const id of [held.id, asked.run.id]) await endRunWith(db, id, "cancelled", "Cancelled by a user");
  });
});
