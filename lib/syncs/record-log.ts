import "server-only";
import type { Db } from "@/lib/db/client";
import { type RecordLogFilter, recordAttempts, runItemsPage } from "@/lib/db/queries/record-log";
import type { syncRunItems } from "@/lib/db/schema";
import { requireRun } from "@/lib/db/queries/runs";

/** A record's planned operation and outcome, as the run page and the REST API both name them. */
export const recordOutcome = (i: typeof syncRunItems.$inferSelect) => ({
  key: i.recordKey,
  operation: i.operation,
  status: i.status,
  result: i.resultOp,
  attempts: i.attempts,
  errorKind: i.errorKind,
  message: i.message,
  warning: i.warning,
});

/** A page of a run's record log as the run page shows it: each record's outcome with every attempt that did not go through at once. */
export async function recordLogPage(db: Db, p: { workspaceId: string; runId: string } & RecordLogFilter) {
  const run = await requireRun(db, p);
  const { page, nextCursor } = await runItemsPage(db, { ...p, runId: run.id });
  const logs = await recordAttempts(db, { runId: run.id, keys: page.map((i) => i.recordKey) });
  return {
    records: page.map((i) => ({
      ...recordOutcome(i),
      responseStatus: i.responseStatus,
      responseBody: i.responseBody,
      history: logs
        .filter((l) => l.recordKey === i.recordKey)
        .map((l) => ({ attempt: l.attempt, operation: l.operation, status: l.status, errorKind: l.errorKind, message: l.message, responseStatus: l.responseStatus, responseBody: l.responseBody })),
    })),
    nextCursor,
  };
}

export type RecordLogEntry = Awaited<ReturnType<typeof recordLogPage>>["records"][number];
