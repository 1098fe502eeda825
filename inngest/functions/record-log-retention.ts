import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { pruneRecordLogs, pruneTombstones } from "@/lib/sync/retention";
import { inngest } from "../client";

/** Every night: record logs older than RECORD_LOG_RETENTION_DAYS (default 30) are dropped, and tombstones no plan needs. */
export const recordLogRetention = inngest.createFunction({ id: "record-log-retention", name: "Record log retention", triggers: [{ cron: "17 3 * * *" }] }, async ({ step }) => {
  const pruned = await step.run("prune", () => pruneRecordLogs(getDb(), { days: env.RECORD_LOG_RETENTION_DAYS }));
  const tombstones = await step.run("prune-tombstones", () => pruneTombstones(getDb(), { fullPlanHours: env.SYNC_FULL_PLAN_HOURS }));
  return { ...pruned, tombstones };
});
