import "server-only";
import { manifests } from "@/connectors/manifests";
import type { Db } from "@/lib/db/client";
import { findRunDetail, syncsWithLatestRun } from "@/lib/db/queries/overview";
import { nextDueTime, scheduleSchema } from "@/lib/sync/schedule";

/** Every sync of the workspace with its latest run, its run in progress and when it runs next. */
export async function syncOverview(db: Db, p: { workspaceId: string }) {
  const now = new Date();
  return (await syncsWithLatestRun(db, p)).map(({ sync, datasetName, connectionName, connector, lastRun }) => {
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
      lastRun,
      nextRunAt: next?.toISOString() ?? null,
    };
  });
}

export type SyncOverview = Awaited<ReturnType<typeof syncOverview>>[number];

/** A run with its sync's name, how its destination reports outcomes (per record, or per run for files) and the history of its steps. */
export async function runDetail(db: Db, p: { workspaceId: string; runId: string }) {
  const found = await findRunDetail(db, p);
  if (!found) return undefined;
  const { connector, ...detail } = found;
  return { ...detail, results: (connector && manifests[connector]?.results) ?? "record" };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof runDetail>>>;
