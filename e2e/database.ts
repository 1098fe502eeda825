import fs from "node:fs";
import pg from "pg";

/** Reads the e2e app's embedded database directly, to compare what the pages show with what is stored. */
export async function queryAppDatabase<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const { port, password } = JSON.parse(fs.readFileSync(".data/e2e/embedded.json", "utf8")) as { port: number; password: string };
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "relay" });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
