/**
 * What a test file that runs syncs needs: the app's runtime started before its tests and stopped after
 * them, a way to run a sync and wait for its end, and the file's servers (sandboxes) closed at the end.
 */
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import type { Db } from "@/lib/db/client";
import { syncRecordLogs, syncRunItems } from "@/lib/db/schema";
import type { RunMode } from "@/lib/vocabulary";
import { startAppRuntime } from "./app-runtime";

type Closable = { close(): Promise<unknown> | unknown };

export function syncTestRuntime(db: Db) {
  let runtime: Awaited<ReturnType<typeof startAppRuntime>>;
  let requestSyncRun: (typeof import("@/inngest/requests"))["requestSyncRun"];
  const servers: Closable[] = [];
  beforeAll(async () => {
    runtime = await startAppRuntime(db);
    ({ requestSyncRun } = await import("@/inngest/requests"));
  });
  afterAll(async () => {
    await runtime?.stop();
    await Promise.all(servers.map((s) => s.close()));
  });
  return {
    /** Starts a manual run of the sync and returns it once it has ended. */
    run: async (p: { workspaceId: string; syncId: string; mode?: RunMode }, timeoutMs = 120_000) =>
      runtime.runEnded((await requestSyncRun(db, { workspaceId: p.workspaceId, syncId: p.syncId, trigger: "manual", mode: p.mode ?? "incremental" })).id, timeoutMs),
    /** Waits for a run started some other way. */
    runEnded: (runId: string, timeoutMs?: number) => runtime.runEnded(runId, timeoutMs),
    /** A record's attempts in a run's record log, as [attempt, operation, status, error kind, response status]. */
    attempts: async (runId: string, key: string) =>
      (await db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)), orderBy: asc(syncRecordLogs.attempt) })).map((l) => [
        l.attempt,
        l.operation,
        l.status,
        l.errorKind,
        l.responseStatus,
      ]),
    /** A record's item in a run: its planned operation, outcome and error. */
    itemOf: (runId: string, key: string) => db.query.syncRunItems.findFirst({ where: and(eq(syncRunItems.runId, runId), eq(syncRunItems.recordKey, key)) }),
    /** Closes the server when the file's tests are done; returns it. */
    closeAfter: <T extends Closable>(server: T): T => (servers.push(server), server),
  };
}
