import { getDb } from "@/lib/db/client";
import { endImportRun } from "@/lib/sources/run-state";
import { CANCELLED_BY_USER } from "@/lib/sync/runs";
import { inngest } from "../client";
import { importRunFinished } from "../events";

/**
 * An import run was cancelled in the job runtime itself (e.g. from Inngest Cloud's dashboard; the app's own Cancel
 * stops the run before its next page): the run ends cancelled with the pages it committed.
 */
export const importRunCancelled = inngest.createFunction(
  {
    id: "import-run-cancelled",
    name: "Import run cancelled",
    triggers: [{ event: "inngest/function.cancelled", if: "event.data.function_id == 'relay-import-run'" }],
  },
  async ({ event, step }) => {
    const { runId, importId, workspaceId } = (event.data as { event: { data: { runId: string; importId: string; workspaceId: string } } }).event.data;
    const ended = await step.run("mark-cancelled", () => endImportRun(getDb(), runId, { status: "cancelled", error: CANCELLED_BY_USER }));
    if (ended) await step.sendEvent("announce", importRunFinished.create({ runId, importId, workspaceId, status: "cancelled" }));
    return { runId, ended: Boolean(ended) };
  },
);
