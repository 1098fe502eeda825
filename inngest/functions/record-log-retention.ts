import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { pruneRecordLogs } from "@/lib/sync/retention";
import { inngest } from "../client";

/** Every night: record logs older than RECORD_LOG_RETENTION_DAYS (default 30) are dropped. */
export const recordLogRetention = inngest.createFunction({ id: "record-log-retention", name: "Record log retention", triggers: [{ cron: "17 3 * * *" }] }, async ({ step }) =>
  step.run("prune", () => pruneRecordLogs(getDb(), { days: env.RECORD_LOG_RETENTION_DAYS })),
);
