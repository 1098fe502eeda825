/**
 * P7: an import of a PostgreSQL table of `rows` people (many sharing one `updated_at`) into contacts, run by the
 * job runtime as a user's run is: seconds, rows/s, the ratio to a raw COPY of the same rows from the same table
 * into the contacts table, and the app process's peak RSS (the import streams through a server-side cursor); then
 * the next run, after a tenth of the source rows changed (entity rows updated, not inserted).
 */
import { pipeline } from "node:stream/promises";
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { createConnection } from "@/lib/connections/save";
import { createDb } from "@/lib/db/client";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { contacts, importRuns, importRunSteps } from "@/lib/db/schema";
import { addImport, addSource } from "@/lib/sources/manage";
import { startImportRun } from "@/lib/sources/runs";
import { formatNumber } from "@/lib/utils";
import { startAppRuntime } from "@/test/app-runtime";
import { assertRunsSucceeded, BenchFailure, measured } from "./report";
import { type BenchLine, timed } from "./shared";

const SOURCE_SCHEMA = "bench_source";
const FIELDS = ["email", "first_name", "last_name", "country", "city"];
const actor = { type: "system" as const, label: "bench" };

export async function benchP7(databaseUrl: string, rows: number, emit: (line: BenchLine) => void) {
  const { db, close } = createDb(databaseUrl, { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const raw = new pg.Client({ connectionString: databaseUrl });
  await raw.connect();
  try {
    await raw.query(`CREATE SCHEMA ${SOURCE_SCHEMA}`);
    await raw.query(`CREATE TABLE ${SOURCE_SCHEMA}.people AS
      SELECT g AS person_id, 'person' || g || '@example.com' AS email, 'First' || (g % 997) AS first_name, 'Last' || (g % 1009) AS last_name,
             (ARRAY['FR','DE','GB','ES','US','IT','NL'])[1 + g % 7] AS country, 'City ' || (g % 211) AS city,
             timestamptz '2026-01-01' + make_interval(secs => g / 1000) AS updated_at
        FROM generate_series(1, ${rows}) g`);
    await raw.query(`ALTER TABLE ${SOURCE_SCHEMA}.people ADD PRIMARY KEY (person_id)`);
    await raw.query(`CREATE INDEX ON ${SOURCE_SCHEMA}.people (updated_at, person_id)`);
    await raw.query(`ANALYZE ${SOURCE_SCHEMA}.people`);

    const copyWorkspace = await createWorkspace(db, { name: "Bench COPY", slug: `bench-copy-${Date.now()}` });
    const copy = await timed(async () => {
      const target = new pg.Client({ connectionString: databaseUrl });
      await target.connect();
      try {
        await pipeline(
          raw.query(copyTo(`COPY (SELECT '${copyWorkspace.id}'::uuid, person_id::text, ${FIELDS.join(", ")} FROM ${SOURCE_SCHEMA}.people ORDER BY updated_at, person_id) TO STDOUT`)),
          target.query(copyFrom(`COPY contacts (workspace_id, id, ${FIELDS.join(", ")}) FROM STDIN`)),
        );
      } finally {
        await target.end();
      }
    });

    const workspace = await createWorkspace(db, { name: "Bench import", slug: `bench-import-${Date.now()}` });
    const url = new URL(databaseUrl);
    const connection = await createConnection(db, {
      workspaceId: workspace.id,
      connector: "postgres",
      name: "Bench source",
      settings: { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username), schema: SOURCE_SCHEMA },
      secrets: url.password ? { password: decodeURIComponent(url.password) } : {},
    });
    const source = await addSource(db, { workspaceId: workspace.id, actor, input: { connectionId: connection.id } });
    const imp = await addImport(db, {
      workspaceId: workspace.id,
      actor,
      input: { name: "Bench people", sourceId: source.id, read: { type: "table", table: "people" }, entity: "contacts", mapping: FIELDS.map((f) => ({ column: f, field: f })), keyColumn: "person_id", changes: { type: "cursor", column: "updated_at" }, schedule: { type: "manual" } },
    });
    const before = process.memoryUsage().rss / 1048576;
    const runToEnd = () =>
      timed(async () => {
        const started = await startImportRun(db, { workspaceId: workspace.id, actor, importId: imp.id, trigger: "manual" });
        for (const deadline = Date.now() + 3_600_000; ; ) {
          const current = (await db.query.importRuns.findFirst({ where: eq(importRuns.id, started.id) }))!;
          if (!["queued", "running"].includes(current.status)) return current;
          if (Date.now() > deadline) throw new BenchFailure(`P7's run did not end within an hour (${current.status}, ${current.read} rows read)`);
          await new Promise((r) => setTimeout(r, 100));
        }
      });
    const run = await runToEnd();
    assertRunsSucceeded([run.result], "P7");
    const [landed] = await db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(and(eq(contacts.workspaceId, workspace.id)));
    if (run.result.created !== rows || landed!.n !== rows) throw new BenchFailure(`P7 imported ${run.result.created} rows (${landed!.n} in contacts) instead of ${rows}`);
    const steps = await db.query.importRunSteps.findMany({ where: eq(importRunSteps.runId, run.result.id) });
    const seconds = measured(run.seconds, "P7's time");
    const ratio = seconds / measured(copy.seconds, "P7's COPY time");
    emit({
      id: "P7",
      line: `P7 import from PostgreSQL, ${formatNumber(rows)} rows in ${formatNumber(run.result.pages)} pages, ${steps.length} steps: ${seconds.toFixed(1)} s, ${formatNumber(Math.round(rows / seconds))} rows/s, ${ratio.toFixed(2)}× a raw COPY of the same rows (${copy.seconds.toFixed(1)} s; target ≤ 3×), peak RSS of the app process ${Math.round(measured(run.peakMb, "P7's peak RSS"))} MB (target < 512 MB; ${Math.round(before)} MB before the run)`,
    });

    // The next run reads what changed since the cursor: a tenth of the rows, each with a new email to update.
    const changed = (await raw.query(`UPDATE ${SOURCE_SCHEMA}.people SET email = 'changed' || person_id || '@example.com', updated_at = updated_at + interval '1 year' WHERE person_id % 10 = 0`)).rowCount ?? 0;
    const next = await runToEnd();
    assertRunsSucceeded([next.result], "P7's next run");
    if (!changed || next.result.read !== changed || next.result.updated !== changed) throw new BenchFailure(`P7's next run read ${next.result.read} rows and updated ${next.result.updated} instead of ${changed}`);
    const nextSeconds = measured(next.seconds, "P7's next run time");
    emit({
      id: "P7",
      line: `P7 next run after ${formatNumber(changed)} source rows changed: ${nextSeconds.toFixed(1)} s, ${formatNumber(Math.round(changed / nextSeconds))} updated rows/s, peak RSS of the app process ${Math.round(measured(next.peakMb, "P7's next run peak RSS"))} MB`,
    });
  } finally {
    await raw.query(`DROP SCHEMA IF EXISTS ${SOURCE_SCHEMA} CASCADE`).catch(() => {});
    await raw.end();
    await runtime.stop();
    await close();
  }
}
