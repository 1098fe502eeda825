import "server-only";
import { and, asc, eq, gt, ilike, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { syncRecordLogs, syncRunItems } from "../schema";
import { keysetPage } from "./page";
import type { ErrorKind, ItemStatus } from "@/lib/vocabulary";

export type RecordLogFilter = { status?: ItemStatus; errorKind?: ErrorKind; search?: string; cursor?: string; limit?: number };

/** A page of a run's items in key order: each record's planned operation and outcome. Every reader of the record log (run page, REST, CSV) pages through here. */
export const runItemsPage = (db: Db, p: { runId: string } & RecordLogFilter) =>
  keysetPage(
    p.limit ?? 50,
    (take) =>
      db
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
        .limit(take),
    (item) => item.recordKey,
  );

/** Every logged attempt of these records of a run (those that did not go through at once), in key and attempt order. */
export const recordAttempts = async (db: Db, p: { runId: string; keys: string[] }) =>
  p.keys.length
    ? db.query.syncRecordLogs.findMany({
        where: and(eq(syncRecordLogs.runId, p.runId), inArray(syncRecordLogs.recordKey, p.keys)),
        orderBy: [asc(syncRecordLogs.recordKey), asc(syncRecordLogs.attempt)],
      })
    : [];
