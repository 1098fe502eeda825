import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { queueRun } from "@/lib/sync/runs";
import { inngest } from "../client";
import { runRequested, syncRealtimeRequested } from "../events";

const seconds = (ms: number) => `${ms / 1000}s` as `${number}s`;

/**
 * One run per micro-batch of changes to rows a real-time sync reads (inngest/requests.ts asks): it starts once the
 * sync's changes pause for REALTIME_WINDOW_MS, and at the latest REALTIME_MAX_WAIT_MS after the batch's first change.
 */
export const syncRealtimeRun = inngest.createFunction(
  {
    id: "sync-realtime-run",
    name: "Real-time syncs: start a run",
    triggers: [syncRealtimeRequested],
    debounce: { key: "event.data.syncId", period: seconds(env.REALTIME_WINDOW_MS), timeout: seconds(env.REALTIME_MAX_WAIT_MS) },
  },
  // No steps, so the job is one call to the app: a retry folds into the run it queued, and the start event's id dedupes.
  async ({ event }) => {
    const { run, folded } = (await queueRun(getDb(), { ...event.data, trigger: "realtime", mode: "incremental" }))!;
    // A run already waiting its turn plans after these changes: it sends them.
    if (!folded) await inngest.send(runRequested({ runId: run.id, syncId: event.data.syncId, workspaceId: event.data.workspaceId }));
    return { runId: run.id, folded };
  },
);
