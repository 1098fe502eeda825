/**
 * What a test file that runs syncs needs: the app's runtime started before its tests and stopped after
 * them, a way to run a sync and wait for its end, and the file's servers (sandboxes) closed at the end.
 */
import { afterAll, beforeAll } from "vitest";
import type { Db } from "@/lib/db/client";
import type { RunModeName } from "@/lib/sync/config";
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
    run: async (p: { workspaceId: string; syncId: string; mode?: RunModeName }, timeoutMs = 120_000) =>
      runtime.runEnded((await requestSyncRun(db, { workspaceId: p.workspaceId, syncId: p.syncId, trigger: "manual", mode: p.mode ?? "incremental" })).id, timeoutMs),
    /** Waits for a run started some other way. */
    runEnded: (runId: string, timeoutMs?: number) => runtime.runEnded(runId, timeoutMs),
    /** Closes the server when the file's tests are done; returns it. */
    closeAfter: <T extends Closable>(server: T): T => (servers.push(server), server),
  };
}
