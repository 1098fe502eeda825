/**
 * The app's own Inngest functions (app/api/inngest/route.ts) served over HTTP and driven by a local
 * executor, as `npm run dev` runs them. Sets the INNGEST_* variables before the app's client is imported.
 */
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { syncRuns } from "@/lib/db/schema";
import { LocalExecutor } from "@/inngest/local/executor";
import { generateEventKey, generateSigningKey } from "@/inngest/local/signing";
import { serveHandlers } from "./inngest-harness";

export async function startAppRuntime(db: Db, options: { timeScale?: number } = {}) {
  const keys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };
  const route: { handlers?: Parameters<typeof serveHandlers>[0] extends () => infer H ? H : never } = {};
  const app = await serveHandlers(() => route.handlers!);
  const executor = new LocalExecutor({ db, appUrl: app.url, ...keys, timeScale: options.timeScale ?? 0.01, pollMs: 20, log: process.env.EXECUTOR_LOG ? console.log : () => {} });
  const url = await executor.listen();
  Object.assign(process.env, { INNGEST_BASE_URL: url, INNGEST_SIGNING_KEY: keys.signingKey, INNGEST_EVENT_KEY: keys.eventKey, INNGEST_DEV: "0" });
  route.handlers = (await import("@/app/api/inngest/route")) as unknown as typeof route.handlers;
  await executor.start();
  await executor.syncApp();

  /** Waits until the run has ended and returns it. */
  const runEnded = async (runId: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
      if (run && ["succeeded", "partial", "failed", "cancelled"].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run ${runId} did not end within ${timeoutMs} ms (status ${run?.status})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    await executor.stop();
    await app.close();
  };
  return { executor, runEnded, stop };
}
