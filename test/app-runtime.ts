/**
 * The app's own Inngest functions (app/api/inngest/route.ts) served over HTTP and driven by a local
 * executor, as `npm run dev` runs them: the app at APP_URL, the executor at INNGEST_BASE_URL, with
 * the INNGEST_* keys the test setup chose.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { syncRuns } from "@/lib/db/schema";
import { LocalExecutor } from "@/inngest/local/executor";
import { serveHandlers } from "./inngest-harness";

export async function startAppRuntime(db: Db, options: { timeScale?: number } = {}) {
  const keys = { signingKey: process.env.INNGEST_SIGNING_KEY!, eventKey: process.env.INNGEST_EVENT_KEY! };
  const route: { handlers?: Parameters<typeof serveHandlers>[0] extends () => infer H ? H : never } = {};
  const app = await serveHandlers(() => route.handlers!, Number(new URL(process.env.APP_URL!).port));
  const port = Number(new URL(process.env.INNGEST_BASE_URL!).port);
  const executor = new LocalExecutor({ db, appUrl: app.url, ...keys, port, timeScale: options.timeScale ?? 0.01, pollMs: 20, log: process.env.EXECUTOR_LOG ? console.log : () => {} });
  await executor.listen();
  route.handlers = (await import("@/app/api/inngest/route")) as unknown as typeof route.handlers;
  await executor.start();
  await executor.syncApp();

  /** Waits until the run has ended and returns it. */
  const runEnded = async (runId: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
      if (run && ["held", "succeeded", "partial", "failed", "cancelled"].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run ${runId} did not end within ${timeoutMs} ms (status ${run?.status})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    await executor.stop();
    await app.close();
  };
  return { executor, appUrl: app.url, runEnded, stop };
}
