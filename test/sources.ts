/** Source databases for the import tests: a `people` table on the test PostgreSQL or MariaDB, a source and an import over it. */
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Actor } from "@/lib/audit";
import { createConnection } from "@/lib/connections/save";
import type { Db } from "@/lib/db/client";
import { importRuns } from "@/lib/db/schema";
import { finalizeImportRun } from "@/lib/sources/finalize";
import { addImport, addSource } from "@/lib/sources/manage";
import { planImportRun, type ReadOptions, readImportPages } from "@/lib/sources/read";
import { queueImportRun } from "@/lib/sources/run-state";
import type { ImportInput } from "@/lib/sources/schema";
import { type Destination, mysqlDestination, postgresDestination } from "./destinations";
import { killGroup, startProcess } from "./processes";

export const tester: Actor = { type: "system", label: "test" };

export type SourceDb = Destination & { sourceId: string };

/** A fresh source database with `people (id, email, first_name, score, birth, updated_at)` and `rows` people, all updated at one instant. */
export async function peopleSource(db: Db, workspaceId: string, kind: "postgres" | "mysql", rows: number): Promise<SourceDb> {
  const dest = kind === "postgres" ? await postgresDestination() : await mysqlDestination();
  const ts = kind === "postgres" ? "timestamptz(6)" : "datetime(6)";
  await dest.query(`CREATE TABLE people (id int PRIMARY KEY, email varchar(200), first_name varchar(100), score int, birth varchar(20), updated_at ${ts} NOT NULL)`);
  if (rows) await insertPeople(dest, 1, rows, "2026-01-01 00:00:00");
  const connection = await createConnection(db, { workspaceId, connector: kind, name: `People ${kind} ${Date.now()}`, settings: dest.settings, secrets: dest.secrets });
  const source = await addSource(db, { workspaceId, actor: tester, input: { connectionId: connection.id } });
  return { ...dest, sourceId: source.id };
}

/** Inserts people `from`..`to` updated at `at`. */
export async function insertPeople(dest: Destination, from: number, to: number, at: string) {
  for (let start = from; start <= to; start += 1_000) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i <= Math.min(to, start + 999); i++) {
      const p = (n: number) => (dest.kind === "postgres" ? `$${values.length + n}` : "?");
      rows.push(`(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`);
      values.push(i, `p${i}@example.com`, `Person ${i}`, i % 7, "1990-05-17", at);
    }
    await dest.query(`INSERT INTO people (id, email, first_name, score, birth, updated_at) VALUES ${rows.join(", ")}`, values);
  }
}

export const peopleImport = (sourceId: string, over: Partial<ImportInput> = {}): ImportInput => ({
  name: `People ${Date.now()}`,
  sourceId,
  read: { type: "table", table: "people" },
  entity: "contacts",
  mapping: [
    { column: "email", field: "email" },
    { column: "first_name", field: "first_name" },
    { column: "birth", field: "birth_date" },
    { column: "score", field: "traits" },
  ],
  keyColumn: "id",
  changes: { type: "cursor", column: "updated_at" },
  onMissing: "delete",
  schedule: { type: "manual" },
  ...over,
});

export const createImport = (db: Db, workspaceId: string, input: ImportInput) => addImport(db, { workspaceId, actor: tester, input });

/** Queues and marks a run running, as the job's claim step does. */
export async function startedRun(db: Db, workspaceId: string, importId: string) {
  const { run } = (await queueImportRun(db, { workspaceId, importId, trigger: "manual" }))!;
  await db.update(importRuns).set({ status: "running", startedAt: new Date() }).where(eq(importRuns.id, run.id));
  return run.id;
}

/** Runs an import's steps as its job does (plan → read pages → key scan → finalize), in this process. */
export async function runImport(db: Db, workspaceId: string, importId: string, opts: ReadOptions = { pageSize: 1_000, budgetMs: 60_000 }) {
  const runId = await startedRun(db, workspaceId, importId);
  return finishRun(db, runId, opts);
}

export async function finishRun(db: Db, runId: string, opts: ReadOptions = { pageSize: 1_000, budgetMs: 60_000 }) {
  const plan = await planImportRun(db, runId);
  for (const phase of plan.keyScan ? (["rows", "keys"] as const) : (["rows"] as const)) while (!(await readImportPages(db, runId, phase, opts)).done);
  await finalizeImportRun(db, runId, { cancelled: false });
  return (await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) }))!;
}

/**
 * Plans an import run and reads it in a child process, 100 rows a page, killed (SIGKILL to its group) once it has
 * committed 3 pages: returns how many pages it had committed when it died.
 */
export async function killedMidRead(db: Db, runId: string, databaseUrl: string) {
  await planImportRun(db, runId);
  const reader = await startProcess("test/import-process.ts", { DATABASE_URL: databaseUrl, RUN_ID: runId, PAGE_SIZE: "100" });
  await reader.waitFor("reading");
  const pages = async () => (await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) }))!.pages;
  await expect.poll(pages, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(3);
  killGroup(reader);
  await new Promise((r) => reader.child.once("exit", r));
  return pages();
}
