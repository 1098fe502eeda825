import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { datasets, syncs } from "@/lib/db/schema";
import { datasetEntities } from "@/lib/datasets/definition";
import type { EntityName } from "@/lib/entities/catalog";
import { latestDueTime, scheduleSchema } from "./schedule";
import { queueRun } from "./runs";

/** Queues a run for each enabled scheduled sync whose latest due time has no run yet; returns the runs to start (not those folded into a waiting run). */
export async function queueDueRuns(db: Db, now: Date) {
  const scheduled = await db.query.syncs.findMany({ where: and(eq(syncs.enabled, true), sql`${syncs.schedule} ->> 'type' IN ('interval', 'cron')`) });
  const started: { runId: string; syncId: string; workspaceId: string; dueAt: string }[] = [];
  for (const sync of scheduled) {
    const schedule = scheduleSchema.safeParse(sync.schedule);
    const due = schedule.success ? latestDueTime(schedule.data, sync.createdAt, now) : undefined;
    if (!due) continue;
    const queued = await queueRun(db, { workspaceId: sync.workspaceId, syncId: sync.id, trigger: "schedule", mode: sync.mode, scheduledFor: due });
    if (queued && !queued.folded) started.push({ runId: queued.run.id, syncId: sync.id, workspaceId: sync.workspaceId, dueAt: due.toISOString() });
  }
  return started;
}

/** Enabled real-time syncs of the workspace whose dataset reads `entity`. */
export async function realtimeSyncsUsing(db: Db, p: { workspaceId: string; entity: EntityName }) {
  const rows = await db
    .select({ id: syncs.id, workspaceId: syncs.workspaceId, definition: datasets.definition })
    .from(syncs)
    .innerJoin(datasets, eq(datasets.id, syncs.datasetId))
    .where(and(eq(syncs.workspaceId, p.workspaceId), eq(syncs.enabled, true), sql`${syncs.schedule} ->> 'type' = 'realtime'`));
  return rows.filter((r) => datasetEntities(r.definition).includes(p.entity)).map(({ id, workspaceId }) => ({ id, workspaceId }));
}
