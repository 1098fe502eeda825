import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { contacts, importRuns, imports } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { createImport, peopleImport, peopleSource, startedRun } from "@/test/sources";
import { queueDueImportRuns } from "./due";
import { finalizeImportRun } from "./finalize";
import { planImportRun, readImportPages } from "./read";
import { markImportCancelRequested } from "./run-state";

const { db } = connectTestDb();

it("stops a running import before its next page when cancelled, keeping what it committed and deleting nothing", async () => {
  const workspaceId = await newWorkspace(db);
  const source = await peopleSource(db, workspaceId, "postgres", 50);
  try {
    const imp = await createImport(db, workspaceId, peopleImport(source.sourceId, { changes: { type: "full" }, onMissing: "delete" }));
    const runId = await startedRun(db, workspaceId, imp.id);
    await planImportRun(db, runId);
    expect(await readImportPages(db, runId, "rows", { pageSize: 20, budgetMs: 0 })).toEqual({ done: false, cancelled: false });
    await markImportCancelRequested(db, { workspaceId, runId });
    expect(await readImportPages(db, runId, "rows", { pageSize: 20, budgetMs: 60_000 })).toEqual({ done: false, cancelled: true });
    expect(await finalizeImportRun(db, runId, { cancelled: true })).toMatchObject({ status: "cancelled", changed: 20 });
    expect(await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) })).toMatchObject({ status: "cancelled", read: 20, deleted: 0, error: "Cancelled by a user" });
    expect((await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId))).length).toBe(20);
  } finally {
    await source.close();
  }
});

it("queues one run per due time of an import on an interval schedule", async () => {
  const workspaceId = await newWorkspace(db);
  const source = await peopleSource(db, workspaceId, "postgres", 1);
  try {
    const imp = await createImport(db, workspaceId, peopleImport(source.sourceId, { schedule: { type: "interval", minutes: 15 } }));
    const now = new Date();
    await db.update(imports).set({ createdAt: new Date(now.getTime() - 20 * 60_000) }).where(eq(imports.id, imp.id));
    const first = (await queueDueImportRuns(db, now)).filter((r) => r.importId === imp.id);
    expect(first).toHaveLength(1);
    expect((await queueDueImportRuns(db, now)).filter((r) => r.importId === imp.id)).toEqual([]);
    expect(await db.query.importRuns.findFirst({ where: eq(importRuns.id, first[0]!.runId) })).toMatchObject({ trigger: "schedule", status: "queued" });
  } finally {
    await source.close();
  }
});
