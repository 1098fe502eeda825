/**
 * Gives the integration tests a fresh, migrated database: on the server named by TEST_DATABASE_URL, or
 * else on an embedded PostgreSQL started for the run. Says which one it used.
 */
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbedded } from "@/lib/db/embedded";
import { migrateDatabase } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const embedded = process.env.TEST_DATABASE_URL ? undefined : await startEmbedded(".data/test");
  const serverUrl = process.env.TEST_DATABASE_URL ?? embedded!.url;
  const database = `relay_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(serverUrl, database);
  await migrateDatabase(url);
  const where = embedded ? "an embedded PostgreSQL started for this run (.data/test)" : `TEST_DATABASE_URL (${new URL(serverUrl).host})`;
  console.log(`\n[tests] Integration tests use database ${database} on ${where}.\n`);
  project.provide("databaseUrl", url);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await embedded?.release();
  };
}
