/**
 * A process holding an app and its local executor, for the crash-resume test: a five-step function whose
 * steps record who ran them. Ports, keys and the database come from the environment so a restarted
 * process is the same app.
 */
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { createDb } from "@/lib/db/client";
import { LocalExecutor } from "@/inngest/local/executor";
import { serveHandlers } from "./inngest-harness";

const env = z.object({ DATABASE_URL: z.string(), SIGNING_KEY: z.string(), EVENT_KEY: z.string(), EXECUTOR_PORT: z.string() }).parse(process.env);
const { db } = createDb(env.DATABASE_URL);
const mark = (runId: string, step: string) => db.execute(sql`INSERT INTO crash_marks (run_id, step, pid) VALUES (${runId}, ${step}, ${process.pid})`);

const route: { handlers?: ReturnType<typeof serve> } = {};
const app = await serveHandlers(() => route.handlers!);
const executor = new LocalExecutor({ db, appUrl: app.url, signingKey: env.SIGNING_KEY, eventKey: env.EVENT_KEY, port: Number(env.EXECUTOR_PORT), leaseMs: 60_000, pollMs: 20, log: () => {} });
const client = new Inngest({ id: "crash-app", isDev: false, signingKey: env.SIGNING_KEY, eventKey: env.EVENT_KEY, baseUrl: await executor.listen() });
route.handlers = serve({
  client,
  serveOrigin: new URL(app.url).origin,
  functions: [
    client.createFunction({ id: "five-steps", triggers: [{ event: "test/crash" }] }, async ({ step, runId }) => {
      for (const name of ["one", "two", "three", "four", "five"]) {
        await step.run(name, async () => {
          await mark(runId, `${name}:start`);
          await new Promise((r) => setTimeout(r, name === "three" ? 4_000 : 50));
          await mark(runId, `${name}:end`);
        });
      }
      return "done";
    }),
  ],
});
await executor.start();
await executor.syncApp();
console.log("ready");
