import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { nextDueTime, scheduleSchema } from "@/lib/sync/schedule";
import { manifests } from "@/connectors/manifests";
import type { FileReport } from "@/connectors/types";
import type { Db } from "../client";
import { connections, datasets, syncRuns, syncs, syncRunSteps } from "../schema";

export type RunSummary = {
  id: string;
  status: string;
  mode: string;
  trigger: string;
  planned: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  delivered: number;
  heldBack: number;
  error: string | null;
  notice: string | null;
  files: FileReport[] | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const summary = (r: typeof syncRuns.$inferSelect): RunSummary => ({
  id: r.id,
  status: r.status,
  mode: r.mode,
  trigger: r.trigger,
  planned: r.planned,
  created: r.created,
  updated: r.updated,
  deleted: r.deleted,
  unchanged: r.unchanged,
  failed: r.failed,
  delivered: r.delivered,
  heldBack: r.heldBack,
  error: r.error,
  notice: r.notice,
  files: r.files,
  queuedAt: r.queuedAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** Every sync of the workspace with its latest run, its run in progress and when it runs next. */
export async function syncOverview(db: Db, p: { workspaceId: string }) {
  const rows = await db
    .select({ sync: syncs, datasetName: datasets.name, connectionName: connections.name, connector: connections.connector })
    .from(syncs)
    .innerJoin(datasets, eq(datasets.id, syncs.datasetId))
    .innerJoin(connections, eq(connections.id, syncs.connectionId))
    .where(eq(syncs.workspaceId, p.workspaceId))
    .orderBy(asc(syncs.name));
  const ids = rows.map((r) => r.sync.id);
  const latest = ids.length
    ? await db.execute<{ id: string }>(sql`SELECT DISTINCT ON (sync_id) id FROM sync_runs WHERE sync_id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) ORDER BY sync_id, queued_at DESC`)
    : { rows: [] };
  const runs = latest.rows.length ? await db.query.syncRuns.findMany({ where: inArray(syncRuns.id, latest.rows.map((r) => r.id)) }) : [];
  const now = new Date();
  return rows.map(({ sync, datasetName, connectionName, connector }) => {
    const run = runs.find((r) => r.syncId === sync.id);
    const schedule = scheduleSchema.safeParse(sync.schedule);
    const next = schedule.success && sync.enabled ? nextDueTime(schedule.data, sync.createdAt, now) : undefined;
    return {
      id: sync.id,
      name: sync.name,
      enabled: sync.enabled,
      mode: sync.mode,
      object: sync.object,
      schedule: schedule.success ? schedule.data : { type: "manual" as const },
      datasetName,
      connectionName,
      connector,
      lastRun: run ? summary(run) : null,
      nextRunAt: next?.toISOString() ?? null,
    };
  });
}

export type SyncOverview = Awaited<ReturnType<typeof syncOverview>>[number];

export async function syncRunHistory(db: Db, p: { workspaceId: string; syncId: string; limit?: number }) {
  const runs = await db.query.syncRuns.findMany({ where: and(eq(syncRuns.workspaceId, p.workspaceId), eq(syncRuns.syncId, p.syncId)), orderBy: desc(syncRuns.queuedAt), limit: p.limit ?? 50 });
  return runs.map(summary);
}

/** A run with its sync's name, how its destination reports outcomes (per record, or per run for files) and the history of its steps. */
export async function runDetail(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await db.query.syncRuns.findFirst({ where: and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId)) });
  if (!run) return undefined;
  const sync = await db.query.syncs.findFirst({ where: eq(syncs.id, run.syncId), columns: { id: true, name: true, connectionId: true } });
  const connection = await db.query.connections.findFirst({ where: eq(connections.id, sync!.connectionId), columns: { connector: true } });
  const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, run.id), orderBy: asc(syncRunSteps.startedAt) });
  return {
    run: summary(run),
    sync: { id: sync!.id, name: sync!.name },
    results: (connection && manifests[connection.connector]?.results) ?? "record",
    steps: steps.map((s) => ({ id: s.id, name: s.name, status: s.status, attempt: s.attempt, error: s.error, startedAt: s.startedAt.toISOString(), finishedAt: s.finishedAt?.toISOString() ?? null })),
  };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof runDetail>>>;
