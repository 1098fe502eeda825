import { getDb } from "@/lib/db/client";
import { queueDueImportRuns } from "@/lib/sources/due";
import { inngest } from "../client";
import { importRunRequested } from "../events";

/** Every minute: starts each interval or cron import that is due, once per due time. */
export const importScheduler = inngest.createFunction({ id: "import-scheduler", name: "Import scheduler", triggers: [{ cron: "* * * * *" }] }, async ({ step }) => {
  const runs = await step.run("queue-due-runs", () => queueDueImportRuns(getDb(), new Date()));
  if (runs.length)
    await step.sendEvent(
      "start-due-runs",
      runs.map((r) => importRunRequested.create({ runId: r.runId, importId: r.importId, workspaceId: r.workspaceId }, { id: `import-schedule:${r.importId}:${r.dueAt}` })),
    );
  return { started: runs.length };
});
