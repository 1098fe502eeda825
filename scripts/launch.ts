/**
 * `npm run dev` / `npm start`: brings up the database (the embedded server unless DATABASE_URL is set),
 * applies migrations and the demo seed on a fresh embedded database, starts the local Inngest executor
 * (unless INNGEST_SIGNING_KEY points the app at Inngest Cloud or a self-hosted Inngest), then runs Next,
 * and stops everything again when Next exits.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createDb } from "@/lib/db/client";
import { type EmbeddedServer, startEmbedded } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrate";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";
import { hasEntityRows, seedDemo } from "@/lib/demo/seed";
import { env } from "@/lib/env";
import { LocalExecutor } from "@/inngest/local/executor";
import { loadExecutorKeys } from "@/inngest/local/keys";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") throw new Error("usage: launch.ts dev|start");

const log = (line: string) => console.log(`[relay] ${line}`);

async function prepareEmbedded(): Promise<EmbeddedServer> {
  const embedded = await startEmbedded(env.DATA_DIR, log, { supervise: true });
  await migrateDatabase(embedded.url);
  const handle = createDb(embedded.url, { max: 2 });
  try {
    const workspace = await getDefaultWorkspace(handle.db);
    if (!(await hasEntityRows(handle.db, workspace.id))) {
      log("Seeding the demo data …");
      const counts = await seedDemo(handle.db, workspace.id);
      log(`Demo data ready: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}`);
    }
  } finally {
    await handle.close();
  }
  return embedded;
}

/** The local executor, listening before Next starts so Next can be told where to send events. */
async function prepareExecutor(databaseUrl: string) {
  const keys = loadExecutorKeys(env.DATA_DIR);
  const handle = createDb(databaseUrl, { max: 10 });
  const origin = `http://127.0.0.1:${env.PORT}`;
  const executor = new LocalExecutor({ db: handle.db, appUrl: `${origin}/api/inngest`, ...keys, log: (l) => console.log(`[executor] ${l}`) });
  const url = await executor.listen();
  await executor.start();
  log(`Local Inngest executor on ${url}`);
  // Cloud mode with our own key: the serve route accepts only requests the executor signed, and registers
  // itself at the loopback address the executor calls (the only one the executor accepts).
  const nextEnv = { INNGEST_BASE_URL: url, INNGEST_SIGNING_KEY: keys.signingKey, INNGEST_EVENT_KEY: keys.eventKey, INNGEST_DEV: "0", RELAY_EXECUTOR_URL: url, INNGEST_SERVE_ORIGIN: origin };
  const stop = async () => {
    await executor.stop();
    await handle.close();
  };
  return { executor, nextEnv, stop };
}

async function main() {
  const embedded = env.DATABASE_URL ? undefined : await prepareEmbedded();
  const databaseUrl = env.DATABASE_URL ?? embedded!.url;
  log(embedded ? `Using the embedded PostgreSQL (${env.DATA_DIR}/postgres)` : "Using DATABASE_URL");
  const local = env.INNGEST_SIGNING_KEY ? undefined : await prepareExecutor(databaseUrl);
  if (!local) log(`Using Inngest at ${env.INNGEST_BASE_URL ?? "Inngest Cloud"} (INNGEST_SIGNING_KEY is set)`);

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const next = spawn(process.execPath, [nextBin, mode!, ...process.argv.slice(3)], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1", ...local?.nextEnv },
  });
  local?.executor.syncApp().catch((error: Error) => log(error.message));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => next.kill(signal));
  next.on("exit", async (code, signal) => {
    await local?.stop();
    await embedded?.release();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
