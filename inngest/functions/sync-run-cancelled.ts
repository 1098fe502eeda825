import { getDb } from "@/lib/db/client";
import { loadRun } from "@/lib/sync/context";
import { abortDelivery } from "@/lib/sync/deliver";
import { endRunWith } from "@/lib/sync/runs";
import { inngest } from "../client";
import { syncRunFinished } from "../events";

/**
 * A sync run was cancelled: whatever batch was in flight has recorded its results (each batch records
 * them in its own transaction); the run is marked cancelled and the connector's delivery aborted.
 */
export const syncRunCancelled = inngest.createFunction(
  {
    id: "sync-run-cancelled",
    name: "Sync run cancelled",
    triggers: [{ event: "inngest/function.cancelled", if: "event.data.function_id == 'relay-sync-run'" }],
  },
  async ({ event, step }) => {
    const { runId, syncId, workspaceId } = (event.data as { event: { data: { runId: string; syncId: string; workspaceId: string } } }).event.data;
    const ended = await step.run("mark-cancelled", async () => {
      const db = getDb();
      const loaded = await loadRun(db, runId).catch(() => undefined);
      if (loaded) await abortDelivery(db, loaded).catch(() => {});
      return Boolean(await endRunWith(db, runId, "cancelled", "Cancelled by a user"));
    });
    if (ended) await step.sendEvent("announce", syncRunFinished.create({ runId, syncId, workspaceId, status: "cancelled" }));
    return { runId, ended };
  },
);
