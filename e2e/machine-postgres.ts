import fs from "node:fs";
import type { Page } from "@playwright/test";
import pg from "pg";

export type Destination = { settings: { host: string; port: string; database: string; user: string }; password: string; query: <T>(text: string) => Promise<T[]>; where: string };

async function open(config: pg.ClientConfig) {
  const client = new pg.Client(config);
  await client.connect();
  return client;
}

/**
 * The machine's PostgreSQL (CI always has it) as a sync destination. On a workstation without one the
 * e2e app's own embedded server stands in (still a real PostgreSQL reached over TCP), and says so.
 */
export async function machinePostgres(): Promise<Destination & { close: () => Promise<void> }> {
  const url = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  const machine = { host: url.hostname, port: url.port || "5432", database: url.pathname.slice(1), user: decodeURIComponent(url.username) };
  let client: pg.Client;
  let destination: Omit<Destination, "query">;
  try {
    client = await open({ ...machine, port: Number(machine.port), password: decodeURIComponent(url.password) });
    destination = { settings: machine, password: decodeURIComponent(url.password), where: `the machine's PostgreSQL at ${machine.host}:${machine.port}` };
  } catch (error) {
    if (process.env.CI) throw new Error(`CI must provide PostgreSQL at ${url.host}: ${(error as Error).message}`);
    const { port, password } = JSON.parse(fs.readFileSync(".data/e2e/embedded.json", "utf8")) as { port: number; password: string };
    console.warn(`No PostgreSQL at ${url.host} (${(error as Error).message}): the app's embedded server is the destination instead.`);
    client = await open({ host: "127.0.0.1", port, user: "postgres", password, database: "relay" });
    destination = { settings: { host: "127.0.0.1", port: String(port), database: "relay", user: "postgres" }, password, where: "the embedded PostgreSQL" };
  }
  return { ...destination, query: async <T>(text: string) => (await client.query(text)).rows as T[], close: () => client.end() };
}

/** Adds a PostgreSQL connection to the destination through the connection form, writing to `schema`. */
export async function addPostgresConnection(page: Page, destination: Destination, p: { name: string; schema: string }) {
  await page.goto("/connections/new?connector=postgres");
  await page.getByLabel("Name", { exact: true }).fill(p.name);
  await page.getByLabel("Host").fill(destination.settings.host);
  await page.getByLabel("Port").fill(destination.settings.port);
  await page.getByLabel("Database").fill(destination.settings.database);
  await page.getByLabel("User").fill(destination.settings.user);
  await page.getByLabel("Schema").fill(p.schema);
  if (destination.password) await page.getByLabel("Password").fill(destination.password);
}
