import "server-only";
import { and, asc, eq, gt, ilike, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { syncRecordLogs, syncRunItems } from "../schema";

export type RecordLogFilter = { status?: "pending" | "done" | "failed"; errorKind?: "not_found" | "duplicate" | "rejected" | "technical"; search?: string; cursor?: string; limit?: number };

/** A page of a run's items in key order: each record's planned operation and outcome. */
export async function runItemsPage(db: Db, p: { runId: string } & RecordLogFilter) {
  const limit = p.limit ?? 50;
  const items = await db
    .select()
    .from(syncRunItems)
    .where(
      and(
        eq(syncRunItems.runId, p.runId),
        p.status ? eq(syncRunItems.status, p.status) : undefined,
        p.errorKind ? eq(syncRunItems.errorKind, p.errorKind) : undefined,
        p.search ? ilike(syncRunItems.recordKey, `%${p.search.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
        p.cursor ? gt(syncRunItems.recordKey, p.cursor) : undefined,
      ),
    )
    .orderBy(asc(syncRunItems.recordKey))
    .limit(limit + 1);
  return { page: items.slice(0, limit), nextCursor: items.length > limit ? items[limit - 1]!.recordKey : null };
}

/** A page of a run's record log: each record's outcome with every attempt that did not go through at once. */
export async function recordLogPage(db: Db, p: { runId: string } & RecordLogFilter) {
  const { page, nextCursor } = await runItemsPage(db, p);
  const logs = page.length
    ? await db.query.syncRecordLogs.findMany({
        where: and(eq(syncRecordLogs.runId, p.runId), inArray(syncRecordLogs.recordKey, page.map((i) => i.recordKey))),
        orderBy: [asc(syncRecordLogs.recordKey), asc(syncRecordLogs.attempt)],
      })
    : [];
  return {
    records: page.map((i) => ({
      key: i.recordKey,
      operation: i.operation,
      status: i.status,
      result: i.resultOp,
      attempts: i.attempts,
      errorKind: i.errorKind,
      message: i.message,
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
