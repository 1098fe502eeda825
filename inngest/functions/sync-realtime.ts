import { getDb } from "@/lib/db/client";
import { realtimeSyncsUsing } from "@/lib/sync/due";
import { queueRun } from "@/lib/sync/runs";
import { inngest } from "../client";
import { entityRecordsChanged, syncRealtimeRequested, syncRunRequested } from "../events";

/** Rows of an entity changed: every enabled real-time sync whose dataset reads that entity gets a run. */
export const syncRealtimeFanout = inngest.createFunction(
  { id: "sync-realtime-fanout", name: "Real-time syncs: fan out", triggers: [entityRecordsChanged] },
  async ({ event, step }) => {
    const syncs = await step.run("find-syncs", () => realtimeSyncsUsing(getDb(), event.data));
    if (syncs.length) await step.sendEvent("request-runs", syncs.map((s) => syncRealtimeRequested.create({ syncId: s.id, workspaceId: s.workspaceId })));
    return { syncs: syncs.length };
  },
);

/** One run per burst of changes: requests are debounced per sync. */
export const syncRealtimeRun = inngest.createFunction(
  { id: "sync-realtime-run", name: "Real-time syncs: start a run", triggers: [syncRealtimeRequested], debounce: { key: "event.data.syncId", period: "5s", timeout: "1m" } },
  async ({ event, step }) => {
    const run = await step.run("queue-run", async () => (await queueRun(getDb(), { ...event.data, trigger: "realtime", mode: "incremental" }))!);
    await step.sendEvent("start", syncRunRequested.create({ runId: run.id, syncId: event.data.syncId, workspaceId: event.data.workspaceId }));
    return { runId: run.id };
  },
);
