import { migrateDatabase } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { runCli, withDatabase } from "./with-database";

runCli(async () => {
  if (env.DATABASE_URL) await migrateDatabase(env.DATABASE_URL);
  else await withDatabase(async () => {});
  console.log("Migrations applied.");
});
