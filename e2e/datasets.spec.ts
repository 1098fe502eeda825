import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";

test("a newcomer browses the demo datasets and builds one with an aggregate", async ({ page }) => {
  const nav = page.getByRole("navigation", { name: "Main" });
  await page.goto("/");
  await expect(page).toHaveURL(/\/dashboard$/);
  await nav.getByRole("link", { name: "Datasets" }).click();
  await expect(page.getByRole("heading", { name: "Datasets" })).toBeVisible();

  await page.getByRole("link", { name: "Contacts", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Contacts" })).toBeVisible();
  const [count] = await queryAppDatabase<{ n: number }>("SELECT count(*)::int AS n FROM contacts");
  const n = count!.n;
  await expect(page.getByTestId("dataset-total")).toHaveText(n.toLocaleString("en-US"));
  const columns = page.getByRole("list", { name: "Columns" });
  await expect(columns.getByText("orders_count")).toBeVisible();
  await expect(columns.getByText("email_consent")).toBeVisible();

  const rows = page.getByRole("table", { name: "Preview rows" }).locator("tbody tr");
  await expect(rows).toHaveCount(25);
  const [first] = await queryAppDatabase<{ id: string; email: string }>("SELECT id, email FROM contacts ORDER BY id COLLATE \"C\" LIMIT 1");
  await expect(rows.first()).toContainText(first!.id);
  await expect(rows.first()).toContainText(first!.email);
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText(`26–50 of ${n.toLocaleString("en-US")}`)).toBeVisible();

  const name = `Big spenders ${Date.now()}`;
  await nav.getByRole("link", { name: "Datasets" }).click();
  await page.getByRole("link", { name: "New dataset" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add aggregate" }).click();
  const aggregate = page.getByRole("listitem", { name: "Aggregate 1" });
  await aggregate.getByLabel("Function").selectOption("sum");
  await aggregate.getByLabel("Field").selectOption("total");
  await aggregate.getByLabel("Column name").fill("lifetime_value");
  await expect(page.getByRole("list", { name: "Resulting columns" }).getByText("lifetime_value")).toBeVisible();
  await page.getByRole("button", { name: "Create dataset" }).click();

  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByRole("list", { name: "Columns" }).getByText("lifetime_value")).toBeVisible();
  const [top] = await queryAppDatabase<{ total: number }>(
    "SELECT coalesce(sum(total), 0)::float8 AS total FROM orders WHERE contact_id = $1",
    [first!.id],
  );
  const header = page.getByRole("table", { name: "Preview rows" }).locator("thead th");
  const index = (await header.allTextContents()).indexOf("lifetime_value");
  await expect(page.getByRole("table", { name: "Preview rows" }).locator("tbody tr").first().locator("td").nth(index)).toHaveText(top!.total.toLocaleString("en-US"));

  await nav.getByRole("link", { name: "Datasets" }).click();
  await expect(page.getByRole("link", { name })).toBeVisible();
});

test("a bad CSV line is explained and nothing is imported; the fixed file imports", async ({ page }) => {
  const id = `csv-${Date.now()}`;
  await page.goto("/datasets/import");
  await page.getByLabel("The file contains").selectOption("contacts");
  await page.getByLabel("CSV file").setInputFiles({
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`id,email,birth_date\n${id}-a,a@example.com,1990-01-31\n${id}-b,b@example.com,31/01/1990\n`),
  });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("1 of 2 lines have problems, so nothing was imported");
  await expect(page.getByRole("table", { name: "Problems by line" })).toContainText("birth_date must be a date like 2024-05-31");
  expect(await queryAppDatabase("SELECT id FROM contacts WHERE id LIKE $1", [`${id}%`])).toEqual([]);

  await page.getByLabel("CSV file").setInputFiles({
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`id,email,birth_date\n${id}-a,a@example.com,1990-01-31\n${id}-b,b@example.com,1990-01-31\n`),
  });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("status")).toHaveText("Imported 2 contacts.");
  expect(await queryAppDatabase("SELECT id FROM contacts WHERE id LIKE $1 ORDER BY id", [`${id}%`])).toEqual([{ id: `${id}-a` }, { id: `${id}-b` }]);
});

test("the ingest endpoint, behind a key made by the CLI while the app runs, upserts records and explains bad ones", async ({ request }) => {
  const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
  expect((await request.post("/api/v1/entities/products/records", { data: { records: [{ id: "x" }] } })).status()).toBe(401);
  const ok = await request.post("/api/v1/entities/products/records", { headers, data: { records: [{ id: "e2e-p1", name: "E2E mug", price: 12.5 }] } });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ data: { entity: "products", upserted: 1 } });
  expect(await queryAppDatabase("SELECT name, price::float8 AS price FROM products WHERE id = 'e2e-p1'")).toEqual([{ name: "E2E mug", price: 12.5 }]);

  const bad = await request.post("/api/v1/entities/products/records", { headers, data: { records: [{ id: "e2e-p2", price: "cheap" }] } });
  expect(bad.status()).toBe(422);
  expect(await bad.json()).toEqual({ error: { message: "The body does not match what this endpoint expects", fields: { "records.0.price": ["must be a number"] } } });
});

test("the job runtime's route refuses requests the executor did not sign", async ({ request }) => {
  const forged = await request.post("/api/inngest?fnId=relay-anything&stepId=step", { data: { event: { name: "x", data: {} }, steps: {}, ctx: { run_id: "r" } } });
  expect(forged.status()).toBe(401);
});

test("a CSV import starts no job when no real-time sync reads the entity, and one real-time run when one does", async ({ page, request }) => {
  const importCsv = async (rows: string) => {
    await page.goto("/datasets/import");
    await page.getByLabel("The file contains").selectOption("contacts");
    await page.getByLabel("CSV file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(`id,email\n${rows}`) });
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByRole("status")).toContainText("Imported");
  };
  const realtimeJobsSince = async (since: string) =>
    (await queryAppDatabase<{ n: number }>("SELECT count(*)::int AS n FROM inngest_runs WHERE function_id LIKE '%-sync-realtime%' AND created_at >= $1", [since]))[0]!.n;

  const before = new Date().toISOString();
  await importCsv(`rt-none-${Date.now()},none@example.com\n`);
  await page.waitForTimeout(1_500);
  expect(await realtimeJobsSince(before)).toBe(0);

  const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
  const schema = `e2e_rt_${Date.now()}`;
  await queryAppDatabase(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.leads (lead_id text PRIMARY KEY, email text)`);
  const { port, password } = JSON.parse(fs.readFileSync(".data/e2e/embedded.json", "utf8")) as { port: number; password: string };
  const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
  const connection = await request.post("/api/v1/connections", {
    headers,
    data: { connector: "postgres", name: `Leads ${schema}`, settings: { host: "127.0.0.1", port, database: "relay", user: "postgres", schema }, secrets: { password } },
  });
  const sync = await request.post("/api/v1/syncs", {
    headers,
    data: {
      name: `Real-time leads ${schema}`,
      datasetId: datasets.find((d) => d.name === "Contacts")!.id,
      connectionId: (await connection.json()).data.id,
      object: "leads",
      filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "id", operator: "starts_with", value: schema }] },
      mapping: [{ from: { field: "email" }, to: "email" }],
      matchKey: { from: "id", to: "lead_id" },
      schedule: { type: "realtime" },
    },
  });
  expect(sync.status()).toBe(201);
  const syncId = (await sync.json()).data.id as string;
  try {
    const since = new Date().toISOString();
    await importCsv(`${schema}-1,lead@example.com\n`);
    await expect.poll(() => queryAppDatabase(`SELECT lead_id FROM ${schema}.leads`), { timeout: 30_000 }).toEqual([{ lead_id: `${schema}-1` }]);
    expect(await realtimeJobsSince(since)).toBe(1);
    const ended = async () => (await queryAppDatabase<{ status: string }>("SELECT status FROM sync_runs WHERE sync_id = $1", [syncId])).map((r) => r.status);
    await expect.poll(ended, { timeout: 30_000 }).toEqual(["succeeded"]);
  } finally {
    await request.delete(`/api/v1/syncs/${syncId}`, { headers });
  }
});
