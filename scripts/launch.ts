/**
 * `npm run dev` / `npm start`: brings up the database (the embedded server unless DATABASE_URL is set),
 * applies migrations and the demo seed on a fresh embedded database, then runs Next and stops the
 * embedded server again when Next exits.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createDb } from "@/lib/db/client";
import { startEmbedded } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrate";
import { hasEntityRows, seedDemo } from "@/lib/demo/seed";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";
import { env } from "@/lib/env";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") throw new Error("usage: launch.ts dev|start");

const log = (line: string) => console.log(`[relay] ${line}`);

async function prepareEmbedded() {
  const embedded = await startEmbedded(env.DATA_DIR, log);
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

async function main() {
  const embedded = env.DATABASE_URL ? undefined : await prepareEmbedded();
  const databaseUrl = env.DATABASE_URL ?? embedded!.url;
  log(embedded ? `Using the embedded PostgreSQL (${env.DATA_DIR}/postgres)` : "Using DATABASE_URL");

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const next = spawn(process.execPath, [nextBin, mode!, ...process.argv.slice(3)], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => next.kill(signal));
  next.on("exit", async (code, signal) => {
    await embedded?.release();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
