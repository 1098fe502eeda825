/** A run is never seen ended while its Finalize step still shows as running: both ends are written together. */
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { syncRuns, syncRunSteps } from "@/lib/db/schema";
import { customersSyncForFile } from "@/test/customers-sync";
import { connectTestDb } from "@/test/db";
import { loadRunContext } from "./context";
import { beginDelivery, deliverBatches } from "./deliver";
import { finalizeRun } from "./finalize";
import { planRun } from "./plan";
import { trackStep } from "./runs";

const { db } = connectTestDb();
const customers = customersSyncForFile(db);

it("closes the Finalize step in the transaction that ends the run", async () => {
  const [run] = await db.insert(syncRuns).values({ workspaceId: customers.workspaceId, syncId: customers.syncId, trigger: "manual", mode: "incremental", status: "running", startedAt: new Date() }).returning();
  const runId = run!.id;
  const { batches } = await planRun(db, await loadRunContext(db, runId), 2);
  await beginDelivery(db, await loadRunContext(db, runId));
  await deliverBatches(db, await loadRunContext(db, runId), { from: 0, min: batches, until: batches, budgetMs: 0 });

  await trackStep(db, { workspaceId: customers.workspaceId, runId, name: "Finalize", attempt: 0 }, async () => {
    await finalizeRun(db, await loadRunContext(db, runId), {});
    // What the run page (or a test waiting for the run) reads the moment the run has ended.
    expect((await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) }))!.status).toBe("succeeded");
    const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, runId) });
    expect(steps.map((s) => [s.name, s.status, s.finishedAt !== null])).toEqual([["Finalize", "succeeded", true]]);
  });
});
