import fs from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { formatDate, formatDateTime } from "@/lib/utils";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";
import { newContactsSyncIn } from "./wizard";

// A reader in Paris with a British browser: dates must follow them, not the server.
const reader = { locale: "en-GB", timeZone: "Europe/Paris" };
test.use({ locale: reader.locale, timezoneId: reader.timeZone });

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/look-${name}.png`, fullPage: true });

test("runs, the audit log and dataset previews read plainly: labelled counts, words for actions, dates for the reader", async ({ page, request }) => {
  test.setTimeout(120_000);
  const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
  const schema = `e2e_look_${Date.now()}`;
  await queryAppDatabase(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.people (person_id text PRIMARY KEY, email text)`);
  const { port, password } = JSON.parse(fs.readFileSync(".data/e2e/embedded.json", "utf8")) as { port: number; password: string };
  const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
  const contacts = datasets.find((d) => d.name === "Contacts")!;
  const connection = await request.post("/api/v1/connections", {
    headers,
    data: { connector: "postgres", name: `Look ${schema}`, settings: { host: "127.0.0.1", port, database: "relay", user: "postgres", schema }, secrets: { password } },
  });
  const name = `Look ${schema}`;
  const sync = await request.post("/api/v1/syncs", {
    headers,
    data: {
      name,
      datasetId: contacts.id,
      connectionId: (await connection.json()).data.id,
      object: "people",
      filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "NL" }] },
      mapping: [{ from: { field: "email" }, to: "email" }],
      matchKey: { from: "id", to: "person_id" },
    },
  });
  const syncId = (await sync.json()).data.id;
  const run = async () => {
    const runId = (await (await request.post(`/api/v1/syncs/${syncId}/runs`, { headers, data: {} })).json()).data.id;
    await expect(async () => expect((await (await request.get(`/api/v1/runs/${runId}`, { headers })).json()).data.status).toBe("succeeded")).toPass({ timeout: 30_000 });
  };
  await run();
  const [changed] = await queryAppDatabase<{ id: string }>("SELECT id FROM contacts WHERE country = 'NL' ORDER BY id LIMIT 1");
  await queryAppDatabase("UPDATE contacts SET email = 'look-' || email, updated_at = now() WHERE id = $1", [changed!.id]);
  await run();

  // The dashboard: each count says what it counts.
  await page.goto("/dashboard");
  const row = page.getByTestId(`sync-row-${name}`);
  await expect(row.getByTitle("1 updated")).toHaveText("~1");
  await expect(page.getByTestId("counts-legend")).toHaveText("+ created ~ updated − deleted");
  await shot(page, "dashboard");

  // The history chart: two runs of the same minute have distinct labels; one updated record is a bar one can see.
  await page.goto(`/syncs/${syncId}`);
  const chart = page.getByRole("figure", { name: "Records per run" });
  const tick = chart.getByText(/^\d+ \w+, \d{2}:\d{2}/);
  await expect(tick).toHaveCount(2);
  expect(new Set(await tick.allTextContents()).size).toBe(2);
  const bar = (await chart.locator(".bar-updated .recharts-rectangle").last().boundingBox())!;
  expect(bar.height).toBeGreaterThan(4);
  await shot(page, "sync");

  // The audit log: words, not codes.
  await page.goto("/settings/audit");
  const audit = page.getByRole("table", { name: "Audit log" });
  await expect(audit.getByText("Started a run").first()).toBeVisible();
  await expect(audit.getByText("sync.run_started")).toHaveCount(0);
  await shot(page, "audit");

  // A dataset preview: instants in the reader's time zone and language, calendar dates as dates.
  await page.goto(`/datasets/${contacts.id}`);
  const table = page.getByRole("table", { name: "Preview rows" });
  const columns = await table.locator("thead th").allTextContents();
  const [first] = await queryAppDatabase<{ created_at: Date; birth_date: string | null }>(
    "SELECT created_at, to_char(birth_date, 'YYYY-MM-DD') AS birth_date FROM contacts ORDER BY id COLLATE \"C\" LIMIT 1",
  );
  const cells = table.locator("tbody tr").first().locator("td");
  await expect(cells.nth(columns.indexOf("created_at"))).toHaveText(formatDateTime(first!.created_at, reader));
  if (first!.birth_date) await expect(cells.nth(columns.indexOf("birth_date"))).toHaveText(formatDate(first!.birth_date, reader));
  await shot(page, "dataset");
});

test("a connection form spells acronyms and says what an empty optional field means", async ({ page }) => {
  await page.goto("/connections/new?connector=postgres");
  await expect(page.getByLabel("SSL")).toBeVisible();
  await expect(page.getByText("Ssl", { exact: true })).toHaveCount(0);
  await expect(page.locator('label[for="field-schema"]')).toHaveText("Schema — default: public");
  await shot(page, "connection-form");
});

test("a segment that matches nothing says so", async ({ page }) => {
  await newContactsSyncIn(page, "no such country");
  await expect(page.getByTestId("segment-count")).toHaveText("0");
  await expect(page.getByText("No row matches these conditions")).toBeVisible();
  await shot(page, "empty-segment");
});
