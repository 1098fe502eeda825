/**
 * P1: initial sync of a generated 1,000,000-row dataset into a PostgreSQL table, beside a raw COPY of the
 * same rows. P2: the incremental run after 1% of the rows changed. App database and destination are both
 * on the PostgreSQL named by BENCH_DATABASE_URL (default: the machine's, 127.0.0.1:5432). P6: P1 at another
 * size than 1,000,000 rows, beside the 1M time last measured on this machine.
 */
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { createDb } from "@/lib/db/client";
import { createConnection } from "@/lib/connections/save";
import { createSync } from "@/lib/syncs/save";
import { startAppRuntime } from "@/test/app-runtime";
import { formatNumber } from "@/lib/utils";
import { recordP1, REFERENCE_ROWS, referenceP1 } from "./history";
import { assertRunsSucceeded, BenchFailure, measured, scaleLine } from "./report";
import { type BenchLine, benchContacts, COLUMNS, stepBreakdown, timed } from "./shared";

/** `databaseUrl` names a fresh, migrated database, also set as DATABASE_URL before the app's modules loaded. */
export async function benchP1P2(databaseUrl: string, rows: number, options: { incremental: boolean; emit: (line: BenchLine) => void }) {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  const { db, close } = createDb(url.toString(), { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const { requestSyncRun } = await import("@/inngest/requests");
  try {
    const { workspace, dataset } = await benchContacts(db, rows);
    await db.execute(sql.raw(`CREATE SCHEMA dest; CREATE TABLE dest.synced (id text PRIMARY KEY, email text, first_name text, last_name text, country text, city text, created_at timestamptz);
      CREATE TABLE dest.copied (id text PRIMARY KEY, email text, first_name text, last_name text, country text, city text, created_at timestamptz)`));

    const copy = await timed(async () => {
      const source = new pg.Client({ connectionString: url.toString() });
      const target = new pg.Client({ connectionString: url.toString() });
      await Promise.all([source.connect(), target.connect()]);
      await pipeline(
        source.query(copyTo(`COPY (SELECT ${COLUMNS.join(", ")} FROM contacts WHERE workspace_id = '${workspace.id}' ORDER BY id) TO STDOUT`)),
        target.query(copyFrom(`COPY dest.copied (${COLUMNS.join(", ")}) FROM STDIN`)),
      );
      await Promise.all([source.end(), target.end()]);
    });

    const connection = await createConnection(db, {
      workspaceId: workspace.id,
      connector: "postgres",
      name: "Bench destination",
      settings: { host: url.hostname, port: Number(url.port || 5432), database, user: decodeURIComponent(url.username) || "postgres", schema: "dest" },
      secrets: url.password ? { password: decodeURIComponent(url.password) } : {},
    });
    const sync = await createSync(db, {
      workspaceId: workspace.id,
      input: {
        name: "Bench",
        datasetId: dataset.id,
        connectionId: connection.id,
        object: "synced",
        mapping: COLUMNS.filter((c) => c !== "id").map((c) => ({ from: { field: c }, to: c })),
        matchKey: { from: "id", to: "id" },
      },
    });
    const runSync = () =>
      timed(async () => runtime.runEnded((await requestSyncRun(db, { workspaceId: workspace.id, syncId: sync.id, trigger: "manual", mode: "incremental" })).id, 3_600_000));

    const p1 = await runSync();
    assertRunsSucceeded([p1.result], "P1");
    const breakdown = (runId: string) => stepBreakdown(db, runId);
    const [synced] = (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM dest.synced`)).rows;
    if (synced!.n !== rows) throw new BenchFailure(`P1 left ${synced!.n} rows in the destination instead of ${rows}`);
    const p1Run = { rows, seconds: measured(p1.seconds, "P1's time"), peakMb: measured(p1.peakMb, "P1's peak RSS") };
    options.emit({
      id: "P1",
      line: `P1 initial ${formatNumber(rows)} rows: ${p1.seconds.toFixed(1)} s, ${formatNumber(Math.round(rows / p1.seconds))} rows/s, ratio to COPY ${(p1.seconds / measured(copy.seconds, "COPY's time")).toFixed(1)} (COPY ${copy.seconds.toFixed(1)} s), peak RSS of the app process ${Math.round(p1.peakMb)} MB — ${await breakdown(p1.result.id)}`,
    });
    if (rows !== REFERENCE_ROWS) options.emit({ id: "P6", line: scaleLine(p1Run, referenceP1()) });
    recordP1(p1Run);
    if (!options.incremental) return;

    await db.execute(sql`UPDATE contacts SET email = 'changed.' || email, updated_at = now() WHERE workspace_id = ${workspace.id} AND (substr(id, 2)::int % 100) = 0`);
    const p2 = await runSync();
    assertRunsSucceeded([p2.result], "P2");
    if (p2.result.updated !== Math.floor(rows / 100)) throw new BenchFailure(`P2 updated ${p2.result.updated} rows instead of ${rows / 100}`);
    options.emit({
      id: "P2",
      line: `P2 incremental after 1% changed (${formatNumber(p2.result.updated)} rows): ${measured(p2.seconds, "P2's time").toFixed(1)} s, ${((p2.seconds / p1.seconds) * 100).toFixed(1)}% of P1, peak RSS of the app process ${Math.round(p2.peakMb)} MB — ${await breakdown(p2.result.id)}`,
    });
  } finally {
    await runtime.stop();
    await close();
  }
}
