import { expect, test } from "@playwright/test";
import { createApiKeyWithCli } from "./api-key";
import { machinePostgres } from "./machine-postgres";

test("a condition left without a value is marked and blocks saving; saving a segment that would delete records asks first, with the count", async ({ page, request }) => {
  test.setTimeout(180_000);
  const destination = await machinePostgres();
  const schema = `e2e_confirm_${Date.now()}`;
  await destination.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.audience (contact_id text PRIMARY KEY, country text)`);
  try {
    const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
    const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
    const connection = await request.post("/api/v1/connections", {
      headers,
      data: { connector: "postgres", name: `Warehouse ${schema}`, settings: { ...destination.settings, schema }, secrets: destination.password ? { password: destination.password } : {} },
    });
    expect(connection.status(), await connection.text()).toBe(201);
    const created = await request.post("/api/v1/syncs", {
      headers,
      data: {
        name: `France and Germany ${schema}`,
        datasetId: datasets.find((d) => d.name === "Contacts")!.id,
        connectionId: ((await connection.json()).data as { id: string }).id,
        object: "audience",
        filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value: ["FR", "DE"] }] },
        mapping: [{ from: { field: "country" }, to: "country" }],
        matchKey: { from: "id", to: "contact_id" },
        onLeave: "delete",
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const syncId = ((await created.json()).data as { id: string }).id;
    const run = ((await (await request.post(`/api/v1/syncs/${syncId}/runs`, { headers, data: {} })).json()).data as { id: string }).id;
    await expect.poll(async () => ((await (await request.get(`/api/v1/runs/${run}`, { headers })).json()).data as { status: string }).status, { timeout: 60_000 }).toBe("succeeded");
    const germans = (await destination.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.audience WHERE country = 'DE'`))[0]!.n;
    expect(germans).toBeGreaterThan(0);
    const storedConditions = async () => ((await (await request.get(`/api/v1/syncs/${syncId}`, { headers })).json()).data as { filter: { children: unknown[] } }).filter.children.length;

    // A new condition starts without a value: its row says so, and the later steps (and saving) stay shut until it has one.
    await page.goto(`/syncs/${syncId}`);
    await page.getByRole("button", { name: /^2\. Segment/ }).click();
    await page.getByRole("button", { name: "Condition", exact: true }).click();
    const row = page.getByRole("group", { name: "Condition 2", exact: true });
    await expect(row.getByRole("alert")).toHaveText("Enter a value, or pick “is empty” to match rows without one");
    await page.getByLabel("Condition 2 value").fill("   ");
    await expect(row.getByRole("alert")).toBeVisible();
    await expect(page.getByRole("button", { name: "Continue" })).toBeDisabled();
    await expect(page.getByRole("button", { name: /^6\. Test and save/ })).toBeDisabled();
    await expect(page.getByRole("button", { name: /^2\. Segment/ }).getByRole("img", { name: "has problems" })).toBeVisible();
    await expect(page.getByText("Complete the conditions marked in red to see the matching rows.")).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/condition-without-value.png", fullPage: true });
    await page.getByLabel("Condition 2 operator").selectOption("is_not_empty");
    await expect(row.getByRole("alert")).toHaveCount(0);

    // Narrowed to France, the next run would delete the Germans the sync wrote: saving asks first.
    await page.getByLabel("Condition 2 column").selectOption("country");
    await page.getByLabel("Condition 2 operator").selectOption("equals");
    await page.getByLabel("Condition 2 value").fill("FR");
    await expect(row.getByRole("alert")).toHaveCount(0);
    await page.getByRole("button", { name: /^6\. Test and save/ }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Delete records on the next run?" });
    await expect(dialog).toContainText(`This sync would delete ${germans.toLocaleString("en-US")} ${germans === 1 ? "record" : "records"} from Warehouse ${schema} (audience) on its next run. Save anyway?`);
    await page.screenshot({ path: "test-results/screenshots/save-confirm-deletions.png", fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    expect(await storedConditions()).toBe(1);

    await page.getByRole("button", { name: "Save changes" }).click();
    await dialog.getByRole("button", { name: "Save anyway" }).click();
    await expect.poll(storedConditions).toBe(2);
    await expect(dialog).toHaveCount(0);
  } finally {
    await destination.query(`DROP SCHEMA ${schema} CASCADE`);
    await destination.close();
  }
});
