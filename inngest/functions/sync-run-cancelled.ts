import { getDb } from "@/lib/db/client";
import { endRunEarly } from "@/lib/sync/finalize";
import { CANCELLED_BY_USER } from "@/lib/sync/runs";
import { inngest } from "../client";
import { syncRunFinished } from "../events";

/**
 * A sync run was cancelled in the job runtime itself (e.g. from Inngest Cloud's dashboard; the app's own
 * Cancel stops the run at a batch boundary instead): the run is marked cancelled with what it delivered,
 * and the connector's delivery aborted.
 */
export const syncRunCancelled = inngest.createFunction(
  {
    id: "sync-run-cancelled",
    name: "Sync run cancelled",
    triggers: [{ event: "inngest/function.cancelled", if: "event.data.function_id == 'relay-sync-run'" }],
  },
  async ({ event, step }) => {
    const { runId, syncId, workspaceId } = (event.data as { event: { data: { runId: string; syncId: string; workspaceId: string } } }).event.data;
    const ended = await step.run("mark-cancelled", () => endRunEarly(getDb(), runId, { status: "cancelled", error: CANCELLED_BY_USER }));
    if (ended) await step.sendEvent("announce", syncRunFinished.create({ runId, syncId, workspaceId, status: "cancelled" }));
    return { runId, ended };
  },
);
