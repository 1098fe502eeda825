/** A database of its own, migrated and empty, for tests of what happens on a fresh install (no user yet). */
import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";

export async function freshDatabase() {
  const server = inject("databaseUrl");
  const name = `relay_fresh_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const handle = createDb(url.toString(), { max: 4 });
  return {
    db: handle.db,
    close: async () => {
      await handle.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
