import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { imports } from "@/lib/db/schema";
import { latestDueTime, scheduleSchema } from "@/lib/sync/schedule";
import { queueImportRun } from "./run-state";

/** Queues a run for each enabled scheduled import whose latest due time has no run yet; returns the runs to start. */
export async function queueDueImportRuns(db: Db, now: Date) {
  const scheduled = await db.query.imports.findMany({ where: and(eq(imports.enabled, true), sql`${imports.schedule} ->> 'type' IN ('interval', 'cron')`) });
  const started: { runId: string; importId: string; workspaceId: string; dueAt: string }[] = [];
  for (const found of scheduled) {
    const schedule = scheduleSchema.safeParse(found.schedule);
    const due = schedule.success ? latestDueTime(schedule.data, found.createdAt, now) : undefined;
    if (!due) continue;
    const queued = await queueImportRun(db, { workspaceId: found.workspaceId, importId: found.id, trigger: "schedule", scheduledFor: due });
    if (queued && !queued.folded) started.push({ runId: queued.run.id, importId: found.id, workspaceId: found.workspaceId, dueAt: due.toISOString() });
  }
  return started;
}
