/**
 * A process running the app's job runtime (executor + /api/inngest), like `npm run dev` does, for the tests
 * that need several processes or a process to kill. With RUN_SYNC_ID it requests a run of that sync and
 * prints `finished <status>` when it ends; otherwise it prints `ready` and keeps driving runs (resuming
 * those a killed process left).
 */
import { z } from "zod";

const env = z
  .object({ DATABASE_URL: z.string(), RUN_SYNC_ID: z.string().optional(), RUN_WORKSPACE_ID: z.string().optional(), SYNC_TIME_SCALE: z.string().optional() })
  .parse(process.env);

const { createDb } = await import("@/lib/db/client");
const { startAppRuntime } = await import("./app-runtime");
const { db } = createDb(env.DATABASE_URL);
const runtime = await startAppRuntime(db, { timeScale: 1 });
if (env.RUN_SYNC_ID && env.RUN_WORKSPACE_ID) {
  const { requestSyncRun } = await import("@/inngest/requests");
  const run = await requestSyncRun(db, { workspaceId: env.RUN_WORKSPACE_ID, syncId: env.RUN_SYNC_ID, trigger: "manual", mode: "incremental" });
  console.log(`started ${run.id}`);
  const ended = await runtime.runEnded(run.id, 600_000);
  console.log(`finished ${ended.status}`);
  await runtime.stop();
  process.exit(0);
}
console.log("ready");
