/** What the benchmarks share: timing with the app process's peak memory, the generated contacts, a run's time by step. */
import fs from "node:fs";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { insertDataset } from "@/lib/db/queries/datasets";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { syncRunSteps } from "@/lib/db/schema";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { BenchFailure } from "./report";

export type BenchLine = { id: string; line: string };

export const COLUMNS = ["id", "email", "first_name", "last_name", "country", "city", "created_at"];

const STATUS = "/proc/self/status";

/** The kernel's high-water mark of this process's resident memory (bytes), reset first; undefined off Linux. */
function kernelPeak() {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(STATUS, "utf8"))![1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Sampling where the kernel keeps no resettable peak: misses peaks shorter than the interval or while the loop is busy. */
function sampledPeak() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss));
}

/**
 * Seconds and peak resident memory (MB) while `work` runs, of the whole process: the bench serves the app's
 * route handlers and runs the job executor in this process, so this is the app's memory, every step included.
 */
export async function timed<T>(work: () => Promise<T>) {
  const peak = kernelPeak() ?? sampledPeak();
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000, peakMb: peak() / 1048576 };
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

/** Where a run's time went, by kind of step (plan, deliver, commit, finalize), in seconds; only the kinds the run had. */
export async function stepBreakdown(db: Db, runId: string) {
  const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, runId) });
  const unfinished = steps.find((s) => !s.finishedAt);
  if (unfinished) throw new BenchFailure(`run ${runId}: step ${unfinished.name} never finished`);
  const parts = ["Plan", "Deliver", "Commit", "Finalize"].map((prefix) => {
    const of = steps.filter((s) => s.name.startsWith(prefix));
    return of.length ? `${prefix.toLowerCase()} ${(of.reduce((t, s) => t + (s.finishedAt!.getTime() - s.startedAt.getTime()), 0) / 1000).toFixed(1)} s` : undefined;
  });
  return parts.filter(Boolean).join(", ");
}
