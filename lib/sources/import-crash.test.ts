import { asc, eq, sql } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { inject } from "vitest";
import { contacts } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { mysqlAvailable } from "@/test/destinations";
import { killAll } from "@/test/processes";
import { createImport, finishRun, killedMidRead, peopleImport, peopleSource, startedRun } from "@/test/sources";

const { db } = connectTestDb();
afterAll(() => killAll());
const kinds: ("postgres" | "mysql")[] = ["postgres", ...((await mysqlAvailable()) ? (["mysql"] as const) : [])];

it.each(kinds)("resumes an import from %s whose process was killed mid-read: every row lands once, none lost", async (kind) => {
  const workspaceId = await newWorkspace(db);
  const source = await peopleSource(db, workspaceId, kind, 20_000);
  try {
    const imp = await createImport(db, workspaceId, peopleImport(source.sourceId));
    const runId = await startedRun(db, workspaceId, imp.id);
    const killedAt = await killedMidRead(db, runId, inject("databaseUrl"));
    expect(killedAt).toBeLessThan(200);

    const run = await finishRun(db, runId, { pageSize: 100, budgetMs: 60_000 });
    expect(run).toMatchObject({ status: "succeeded", read: 20_000, created: 20_000, updated: 0, unchanged: 0, pages: 200 });
    const landed = await db.select({ n: sql<number>`count(*)::int`, min: sql<string>`min(id::int)`, max: sql<string>`max(id::int)` }).from(contacts).where(eq(contacts.workspaceId, workspaceId));
    expect(landed[0]).toEqual({ n: 20_000, min: 1, max: 20_000 });
    const sample = await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId)).orderBy(asc(contacts.id)).limit(1);
    expect(sample[0]).toMatchObject({ email: "p1@example.com", firstName: "Person 1" });
  } finally {
    await source.close();
  }
});
