import "server-only";
import { neonConfig, Pool as NeonPool } from "@neondatabase/serverless";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-serverless";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import ws from "ws";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Both drivers speak the PostgreSQL protocol and return node-postgres shaped results. */
export type Db = NodePgDatabase<Schema>;
export type DbDriver = "pg" | "neon";
export type DbHandle = { db: Db; pool: pg.Pool; driver: DbDriver; close: () => Promise<void> };

export function chooseDriver(url: string, explicit?: DbDriver): DbDriver {
  if (explicit) return explicit;
  return new URL(url).hostname.endsWith(".neon.tech") ? "neon" : "pg";
}

export function createDb(url: string, options: { driver?: DbDriver; max?: number } = {}): DbHandle {
  const driver = chooseDriver(url, options.driver);
  if (driver === "neon") {
    neonConfig.webSocketConstructor ??= ws;
    const pool = new NeonPool({ connectionString: url, max: options.max ?? 10 });
    const db = drizzleNeon({ client: pool, schema }) as unknown as Db;
    return { db, pool: pool as unknown as pg.Pool, driver, close: () => pool.end() };
  }
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  pool.on("error", (error) => console.error("Idle database connection failed:", error.message));
  // A server that goes away (a restart, a crash) fails the queries using the connection; unheard, pg would end the process.
  pool.on("connect", (client) => client.on("error", () => {}));
  return { db: drizzlePg({ client: pool, schema }), pool, driver, close: () => pool.end() };
}

/** The app's database URL; `npm run dev` / `npm start` set it to the embedded server when the user did not. */
export function databaseUrl(): string {
  if (!env.DATABASE_URL) throw new Error("No database configured: set DATABASE_URL, or start the app with `npm run dev` / `npm start`, which run the embedded one.");
  return env.DATABASE_URL;
}

const globalForDb = globalThis as unknown as { relayDb?: DbHandle };

/** The process-wide connection pool (kept across hot reloads in development). */
export function getDbHandle(): DbHandle {
  globalForDb.relayDb ??= createDb(databaseUrl(), { driver: env.DATABASE_DRIVER });
  return globalForDb.relayDb;
}

export const getDb = (): Db => getDbHandle().db;
