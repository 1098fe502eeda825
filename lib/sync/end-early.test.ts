/** A run that ends outside its own steps (its job failed for good, or was cancelled by the job runtime) leaves no step "running". */
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { syncRuns, syncRunSteps } from "@/lib/db/schema";
import { customersSyncForFile } from "@/test/customers-sync";
import { connectTestDb } from "@/test/db";
import { endRunEarly } from "./finalize";

const { db } = connectTestDb();
const customers = customersSyncForFile(db);

it("an attempt whose process died, in a run that then ends without running the step again, shows as interrupted", async () => {
  const [run] = await db.insert(syncRuns).values({ workspaceId: customers.workspaceId, syncId: customers.syncId, trigger: "manual", mode: "incremental", status: "running", startedAt: new Date() }).returning();
  await db.insert(syncRunSteps).values({ workspaceId: customers.workspaceId, runId: run!.id, name: "Plan", attempt: 0, status: "running" });

  expect(await endRunEarly(db, run!.id, { status: "failed", error: "The job was cancelled" })).toBe(true);
  expect(await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, run!.id) })).toMatchObject({ status: "failed", error: "The job was cancelled" });
  const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, run!.id) });
  expect(steps.map((s) => [s.name, s.status])).toEqual([["Plan", "interrupted"]]);
  expect(steps[0]!.finishedAt).not.toBeNull();
});
