import { getDb } from "@/lib/db/client";
import { queueDueRuns } from "@/lib/sync/due";
import { inngest } from "../client";
import { syncRunRequested } from "../events";

/** Every minute: starts each interval or cron sync that is due, once per due time. */
export const syncScheduler = inngest.createFunction({ id: "sync-scheduler", name: "Sync scheduler", triggers: [{ cron: "* * * * *" }] }, async ({ step }) => {
  const runs = await step.run("queue-due-runs", () => queueDueRuns(getDb(), new Date()));
  if (runs.length)
    await step.sendEvent(
      "start-due-runs",
      runs.map((r) => syncRunRequested.create({ runId: r.runId, syncId: r.syncId, workspaceId: r.workspaceId }, { id: `sync-schedule:${r.syncId}:${r.dueAt}` })),
    );
  return { started: runs.length };
});
