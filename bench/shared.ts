/** What the benchmarks share: timing with peak memory, the generated contacts, a run's time by step. */
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { insertDataset } from "@/lib/db/queries/datasets";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { syncRunSteps } from "@/lib/db/schema";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";

export type BenchLine = { id: string; line: string };

export const COLUMNS = ["id", "email", "first_name", "last_name", "country", "city", "created_at"];

function peakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

/** Seconds and the process's peak resident memory (MB) while `work` runs. */
export async function timed<T>(work: () => Promise<T>) {
  const rss = peakRss();
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000, peakMb: rss.stop() / 1048576 };
}

/** A new workspace holding `rows` generated contacts and a dataset of their COLUMNS. */
export async function benchContacts(db: Db, rows: number) {
  const workspace = await createWorkspace(db, { name: "Bench", slug: `bench-${Date.now()}` });
  await db.execute(sql`
    INSERT INTO contacts (workspace_id, id, email, first_name, last_name, country, city, created_at, updated_at)
    SELECT ${workspace.id}::uuid, 'c' || lpad(g::text, 8, '0'), 'person' || g || '@example.com', 'First' || (g % 997), 'Last' || (g % 1009),
           (ARRAY['FR','DE','GB','ES','US','IT','NL'])[1 + g % 7], 'City ' || (g % 211), now() - make_interval(mins => g), now()
      FROM generate_series(1, ${rows}) g`);
  await db.execute(sql`ANALYZE contacts`);
  const dataset = await insertDataset(db, { workspaceId: workspace.id, name: "Bench contacts", definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: COLUMNS }) });
  return { workspace, dataset };
}

/** Where a run's time went: plan, deliver, commit and finalize steps, in seconds. */
export async function stepBreakdown(db: Db, runId: string) {
  const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, runId) });
  const part = (prefix: string) => steps.filter((s) => s.name.startsWith(prefix)).reduce((t, s) => t + (s.finishedAt!.getTime() - s.startedAt.getTime()), 0) / 1000;
  return `plan ${part("Plan").toFixed(1)} s, deliver ${part("Deliver").toFixed(1)} s, commit ${part("Commit").toFixed(1)} s, finalize ${part("Finalize").toFixed(1)} s`;
}
