/**
 * P5: real-time latency — contacts ingested one request at a time through ingestRecords, what the ingest route
 * calls once it has checked the API key and the body (the route's module needs Next's runtime), delivered by a real-time sync into a PostgreSQL table; the time from the
 * ingest call's return to the row being visible in the destination, at 1 request/s and at 200 records/s.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { createConnection } from "@/lib/connections/save";
import { createDb, type Db } from "@/lib/db/client";
import { insertDataset } from "@/lib/db/queries/datasets";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { ingestRecords } from "@/lib/entities/ingest";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { env } from "@/lib/env";
import { createSync } from "@/lib/syncs/save";
import { startAppRuntime } from "@/test/app-runtime";
import type { BenchLine } from "./shared";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

type Phase = { name: string; recordsPerRequest: number; intervalMs: number };

/** Watches the destination for ids ingested and not yet seen; resolves each one's latency when it shows up. */
function watchDestination(client: pg.Client, table: string) {
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let polling = true;
  const done = (async () => {
    while (polling || pending.size) {
      const ids = [...pending.keys()];
      if (ids.length) {
        const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1)`, [ids]);
        const now = Date.now();
        for (const { id } of rows) {
          latencies.push(now - pending.get(id)!);
          pending.delete(id);
        }
      }
      await sleep(20);
    }
  })();
  return { expect: (ids: string[], at: number) => ids.forEach((id) => pending.set(id, at)), pending, latencies, stop: () => ((polling = false), done) };
}

const jobRuns = async (db: Db, workspaceId: string, since: Date) => {
  const rows = await db.execute<{ fn: string; runs: number }>(
    sql`SELECT substring(function_id from 'sync-.*') AS fn, count(*)::int AS runs FROM inngest_runs
        WHERE function_id LIKE '%-sync-%' AND event->'data'->>'workspaceId' = ${workspaceId} AND created_at >= ${since.toISOString()}::timestamptz GROUP BY 1`,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.fn, r.runs])) as Record<string, number>;
};

export async function benchP5(databaseUrl: string, seconds: number): Promise<BenchLine[]> {
  const url = new URL(databaseUrl);
  const { db, close } = createDb(url.toString(), { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const watcher = new pg.Client({ connectionString: url.toString() });
  await watcher.connect();
  const lines: BenchLine[] = [];
  try {
    const workspace = await createWorkspace(db, { name: "P5", slug: `p5-${Date.now()}` });
    await db.execute(sql.raw("CREATE SCHEMA p5; CREATE TABLE p5.leads (id text PRIMARY KEY, email text)"));
    const dataset = await insertDataset(db, { workspaceId: workspace.id, name: "P5 contacts", definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: ["id", "email"] }) });
    const connection = await createConnection(db, {
      workspaceId: workspace.id,
      connector: "postgres",
      name: "P5 destination",
      settings: { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) || "postgres", schema: "p5" },
      secrets: url.password ? { password: decodeURIComponent(url.password) } : {},
    });
    await createSync(db, {
      workspaceId: workspace.id,
      input: { name: "P5 real time", datasetId: dataset.id, connectionId: connection.id, object: "leads", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "id" }, schedule: { type: "realtime" } },
    });
    const phases: Phase[] = [
      { name: "1 request/s", recordsPerRequest: 1, intervalMs: 1_000 },
      { name: "200 records/s (10 records per request, 20 requests/s)", recordsPerRequest: 10, intervalMs: 50 },
    ];
    for (const [p, phase] of phases.entries()) {
      const watch = watchDestination(watcher, "p5.leads");
      const since = new Date();
      const requests = Math.round((seconds * 1_000) / phase.intervalMs);
      const started = Date.now();
      for (let n = 0; n < requests; n++) {
        const records = Array.from({ length: phase.recordsPerRequest }, (_, i) => ({ id: `p5-${p}-${n}-${i}`, email: `lead${p}.${n}.${i}@example.com` }));
        await ingestRecords(db, { workspaceId: workspace.id, entity: "contacts", records });
        watch.expect(records.map((r) => r.id), Date.now());
        await sleep(started + (n + 1) * phase.intervalMs - Date.now());
      }
      // Whatever is still missing a minute after the last request counts as lost.
      const lostAfter = Date.now() + 60_000;
      while (watch.pending.size && Date.now() < lostAfter) await sleep(100);
      const lost = watch.pending.size;
      watch.pending.clear();
      await watch.stop();
      const sorted = [...watch.latencies].sort((a, b) => a - b);
      if (sorted.length === 0) throw new Error(`P5 ${phase.name}: none of the ${requests * phase.recordsPerRequest} ingested records reached the destination within a minute`);
      const jobs = await jobRuns(db, workspace.id, since);
      const s = (ms: number) => (ms / 1000).toFixed(2);
      lines.push({
        id: "P5",
        line:
          `P5 real time, ${phase.name} for ${seconds} s, window ${env.REALTIME_WINDOW_MS} ms / max wait ${env.REALTIME_MAX_WAIT_MS} ms (ingestRecords, the ingest route's own function, in-process): ` +
          `p50 ${s(percentile(sorted, 50))} s, p99 ${s(percentile(sorted, 99))} s, max ${s(sorted.at(-1)!)} s over ${sorted.length} records, ${lost} lost; ` +
          `${requests} ingest requests started ${jobs["sync-realtime-run"] ?? 0} real-time job runs and ${jobs["sync-run"] ?? 0} sync runs`,
      });
      if (lost) throw new Error(`${lines.at(-1)!.line}\nP5: ${lost} ingested records never reached the destination`);
    }
    return lines;
  } finally {
    await watcher.end();
    await runtime.stop();
    await close();
  }
}
