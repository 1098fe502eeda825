/** A stored segment with a condition left without a value (saved before such conditions were refused) never plans a run. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncRecords, syncRunSteps, syncs } from "@/lib/db/schema";
import type { FilterGroup } from "@/lib/segment/schema";
import { customersSync } from "@/test/customers-sync";
import { connectTestDb } from "@/test/db";
import type { Destination } from "@/test/destinations";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const segment = (condition: { operator: "is_not_empty" | "equals"; value?: unknown }): FilterGroup => ({
  type: "group",
  combinator: "and",
  children: [
    { type: "condition", column: "country", operator: "is_one_of", value: ["FR", "DE"] },
    { type: "group", combinator: "or", children: [{ type: "condition", column: "email", ...condition }] },
  ],
});

describe("a sync whose stored segment has a condition without a value", () => {
  let dest: Destination;
  let workspaceId: string;
  let syncId: string;
  let sent: number;
  const destinationCount = async () => Number((await dest.query<{ n: string }>("SELECT count(*) AS n FROM customers"))[0]!.n);

  beforeAll(async () => {
    ({ dest, workspaceId, syncId } = await customersSync(db, { filter: segment({ operator: "is_not_empty" }), onLeave: "delete" }));
    const first = await runtime.run({ workspaceId, syncId });
    expect(first.status).toBe("succeeded");
    sent = first.created;
    expect(sent).toBeGreaterThan(10);
    // As an older version of the app stored it: the value left empty, read as `equals ""` it matched no row.
    await db.update(syncs).set({ filter: segment({ operator: "equals", value: "" }) }).where(eq(syncs.id, syncId));
  });
  afterAll(() => dest?.close());

  it.each(["incremental", "replace"] as const)("fails a %s run at plan, naming the condition, and deletes nothing", async (mode) => {
    const run = await runtime.run({ workspaceId, syncId, mode });
    expect(run).toMatchObject({ status: "failed", planned: 0, deleted: 0 });
    expect(run.error).toBe("The segment cannot be used: condition 2.1 (email equals): Enter a value, or pick “is empty” to match rows without one. Nothing was sent or deleted: fix the segment in the sync's settings.");
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, run.id) });
    expect(steps.map((s) => [s.name, s.status])).toEqual([["Plan", "failed"]]);
    expect(await destinationCount()).toBe(sent);
    expect(await db.$count(syncRecords, eq(syncRecords.syncId, syncId))).toBe(sent);
  });

  it("fails a run whose stored segment no longer parses (an operator this version does not know), at once and saying why", async () => {
    const broken = { type: "group", combinator: "and", children: [{ type: "condition", column: "email", operator: "sounds_like", value: "x" }] };
    await db.update(syncs).set({ filter: broken as unknown as FilterGroup }).where(eq(syncs.id, syncId));
    const run = await runtime.run({ workspaceId, syncId });
    expect(run).toMatchObject({ status: "failed", planned: 0, deleted: 0 });
    expect(run.error).toMatch(/^The segment cannot be used: children\.0.*Nothing was sent or deleted: fix the segment in the sync's settings\.$/);
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, run.id) });
    expect(steps.map((s) => [s.name, s.status])).toEqual([["Plan", "failed"]]);
    expect(await destinationCount()).toBe(sent);
  });
});
