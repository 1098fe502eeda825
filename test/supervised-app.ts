/**
 * A process like `npm start` without Next, for the supervision test: the embedded PostgreSQL of DATA_DIR,
 * started and supervised as the launcher does, migrated, and the app's job runtime (executor + /api/inngest)
 * working on it. Prints `ready <database url>`; its log lines go to stdout as the launcher's do. SIGTERM stops it all.
 */
import { startEmbedded } from "@/lib/db/embedded";

const embedded = await startEmbedded(process.env.DATA_DIR!, (line) => console.log(`[relay] ${line}`), { supervise: true });
// Before the app's modules read the environment: the app uses this server, as `npm start` tells Next.
process.env.DATABASE_URL = embedded.url;
const { migrateDatabase } = await import("@/lib/db/migrate");
await migrateDatabase(embedded.url);
const { createDb } = await import("@/lib/db/client");
const { startAppRuntime } = await import("./app-runtime");
const runtime = await startAppRuntime(createDb(embedded.url).db, { timeScale: 1 });
process.on("SIGTERM", async () => {
  await runtime.stop();
  await embedded.release();
  process.exit(0);
});
console.log(`ready ${embedded.url}`);
