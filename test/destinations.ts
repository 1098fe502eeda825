/** Real destination databases for the sync tests: a fresh schema on the test PostgreSQL, a fresh database on MariaDB. */
import crypto from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { inject } from "vitest";

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

export type Destination = {
  kind: "postgres" | "mysql";
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** Runs SQL on the destination (`?` placeholders on MySQL, `$1` on PostgreSQL). */
  query: <T = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
};

const suffix = () => crypto.randomBytes(4).toString("hex");

export async function postgresDestination(): Promise<Destination> {
  const url = new URL(inject("databaseUrl"));
  const schema = `dest_${suffix()}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`SET search_path TO ${schema}`);
  return {
    kind: "postgres",
    settings: { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username), schema },
    secrets: url.password ? { password: decodeURIComponent(url.password) } : {},
    query: async (text, values) => {
      const client = await pool.connect();
      try {
        await client.query(`SET search_path TO ${schema}`);
        return (await client.query(text, values)).rows;
      } finally {
        client.release();
      }
    },
    close: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

/** MariaDB is not something the tests can start: without it they are skipped, except in CI where it must be there. */
export async function mysqlAvailable(): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3_000 });
    await c.end();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`MariaDB/MySQL is required in CI at ${MYSQL_URL}: ${(error as Error).message}`);
    console.warn(`Skipping the MySQL destination tests: no MySQL/MariaDB at ${MYSQL_URL} (${(error as Error).message}). Set TEST_MYSQL_URL to run them.`);
    return false;
  }
}

export async function mysqlDestination(): Promise<Destination> {
  const url = new URL(MYSQL_URL);
  const database = `relay_dest_${suffix()}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE ${database}`);
  const pool = mysql.createPool({ uri: MYSQL_URL, database, connectionLimit: 3, dateStrings: true, timezone: "Z" });
  return {
    kind: "mysql",
    settings: { host: url.hostname, port: Number(url.port || 3306), database, user: decodeURIComponent(url.username) },
    secrets: url.password ? { password: decodeURIComponent(url.password) } : {},
    query: async (text, values) => (await pool.query(text, values))[0] as never,
    close: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE ${database}`);
      await admin.end();
    },
  };
}
