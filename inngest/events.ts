/** The app's events, typed and validated with zod. */
import { eventType } from "inngest";
import { z } from "zod";
import { finishedRunStatuses } from "@/lib/vocabulary";

const counts = z.object({ planned: z.number(), created: z.number(), updated: z.number(), deleted: z.number(), unchanged: z.number(), failed: z.number() });

export const syncRunRequested = eventType("sync/run.requested", {
  schema: z.object({ runId: z.uuid(), syncId: z.uuid(), workspaceId: z.uuid() }),
});

/** The request to start a queued run; its id makes a repeated request start the run once. */
export const runRequested = (p: { runId: string; syncId: string; workspaceId: string }) => syncRunRequested.create(p, { id: `sync-run:${p.runId}` });

export const syncRunFinished = eventType("sync/run.finished", {
  schema: z.object({
    runId: z.uuid(),
    syncId: z.uuid(),
    workspaceId: z.uuid(),
    status: z.enum(finishedRunStatuses),
    counts: counts.optional(),
    error: z.string().optional(),
  }),
});

export const syncRealtimeRequested = eventType("sync/realtime.requested", {
  schema: z.object({ syncId: z.uuid(), workspaceId: z.uuid() }),
});

export const notificationRequested = eventType("notify/delivery.requested", {
  schema: z.object({ deliveryId: z.uuid() }),
});

export const importRunRequested = eventType("import/run.requested", {
  schema: z.object({ runId: z.uuid(), importId: z.uuid(), workspaceId: z.uuid() }),
});

/** The request to start a queued import run; its id makes a repeated request start the run once. */
export const importRequested = (p: { runId: string; importId: string; workspaceId: string }) => importRunRequested.create(p, { id: `import-run:${p.runId}` });

export const importRunFinished = eventType("import/run.finished", {
  schema: z.object({
    runId: z.uuid(),
    importId: z.uuid(),
    workspaceId: z.uuid(),
    status: z.enum(finishedRunStatuses),
    error: z.string().optional(),
  }),
});
