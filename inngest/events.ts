/** The app's events, typed and validated with zod. */
import { eventType } from "inngest";
import { z } from "zod";
import { entityNames } from "@/lib/entities/catalog";

const counts = z.object({ planned: z.number(), created: z.number(), updated: z.number(), deleted: z.number(), unchanged: z.number(), failed: z.number() });

export const syncRunRequested = eventType("sync/run.requested", {
  schema: z.object({ runId: z.uuid(), syncId: z.uuid(), workspaceId: z.uuid() }),
});

export const syncRunFinished = eventType("sync/run.finished", {
  schema: z.object({
    runId: z.uuid(),
    syncId: z.uuid(),
    workspaceId: z.uuid(),
    status: z.enum(["succeeded", "partial", "failed", "cancelled"]),
    counts: counts.optional(),
    error: z.string().optional(),
  }),
});

export const entityRecordsChanged = eventType("entity/records.changed", {
  schema: z.object({ workspaceId: z.uuid(), entity: z.enum(entityNames), count: z.number().int() }),
});

export const syncRealtimeRequested = eventType("sync/realtime.requested", {
  schema: z.object({ syncId: z.uuid(), workspaceId: z.uuid() }),
});

export const syncRunCancelRequested = eventType("sync/run.cancel-requested", {
  schema: z.object({ runId: z.uuid(), syncId: z.uuid(), workspaceId: z.uuid() }),
});

export const notificationRequested = eventType("notify/delivery.requested", {
  schema: z.object({ deliveryId: z.uuid() }),
});
