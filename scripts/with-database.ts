/** Runs a CLI against the app's database: DATABASE_URL, or the embedded server (started for the command when stopped). */
import { createDb, type DbHandle } from "@/lib/db/client";
import { startEmbedded } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrate";
import { env } from "@/lib/env";

export async function withDatabase<T>(fn: (handle: DbHandle) => Promise<T>): Promise<T> {
  const embedded = env.DATABASE_URL ? undefined : await startEmbedded(env.DATA_DIR, console.log);
  const url = env.DATABASE_URL ?? embedded!.url;
  if (embedded) await migrateDatabase(url);
  const handle = createDb(url, { driver: env.DATABASE_DRIVER, max: 4 });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
    await embedded?.release();
  }
}

export function runCli(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
