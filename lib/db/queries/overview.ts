import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { RunMode, RunTrigger, ShownRunStatus } from "@/lib/vocabulary";
import type { Db } from "../client";
import { connections, datasets, shownRunStatus, syncRuns, syncs } from "../schema";
import { runSteps } from "./runs";

export type RunSummary = {
  id: string;
  status: ShownRunStatus;
  mode: RunMode;
  trigger: RunTrigger;
  planned: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  delivered: number;
  heldBack: number;
  plannedDeletes: number;
  confirmedBy: string | null;
  error: string | null;
  notice: string | null;
  files: (typeof syncRuns.$inferSelect)["files"];
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const summary = (r: typeof syncRuns.$inferSelect): RunSummary => ({
  id: r.id,
  status: shownRunStatus(r),
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
  plannedDeletes: r.plannedDeletes,
  confirmedBy: r.confirmedBy,
  error: r.error,
  notice: r.notice,
  files: r.files,
  queuedAt: r.queuedAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/** Every sync of the workspace with its dataset's and connection's names and its latest run. */
export async function syncsWithLatestRun(db: Db, p: { workspaceId: string }) {
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
  return rows.map((r) => {
    const run = runs.find((x) => x.syncId === r.sync.id);
    return { ...r, lastRun: run ? summary(run) : null };
  });
}

export async function syncRunHistory(db: Db, p: { workspaceId: string; syncId: string; limit?: number }) {
  const runs = await db.query.syncRuns.findMany({ where: and(eq(syncRuns.workspaceId, p.workspaceId), eq(syncRuns.syncId, p.syncId)), orderBy: desc(syncRuns.queuedAt), limit: p.limit ?? 50 });
  return runs.map(summary);
}

/** A run with its sync's name, its connection's connector and the history of its steps. */
export async function findRunDetail(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await db.query.syncRuns.findFirst({ where: and(eq(syncRuns.id, p.runId), eq(syncRuns.workspaceId, p.workspaceId)) });
  if (!run) return undefined;
  const sync = await db.query.syncs.findFirst({ where: eq(syncs.id, run.syncId), columns: { id: true, name: true, connectionId: true } });
  const connection = await db.query.connections.findFirst({ where: eq(connections.id, sync!.connectionId), columns: { connector: true } });
  const steps = await runSteps(db, { runId: run.id });
  return {
    run: summary(run),
    sync: { id: sync!.id, name: sync!.name },
    connector: connection?.connector,
    steps: steps.map((s) => ({ id: s.id, name: s.name, status: s.status, attempt: s.attempt, error: s.error, startedAt: s.startedAt.toISOString(), finishedAt: s.finishedAt?.toISOString() ?? null })),
  };
}
