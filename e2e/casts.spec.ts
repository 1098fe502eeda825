import { expect, type Page, test } from "@playwright/test";
import { queryAppDatabase } from "./database";
import { addPostgresConnection, machinePostgres } from "./machine-postgres";
import { OWNER } from "./owner";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test("a user maps a decimal column to an integer column, is told which cast to add, adds 'to integer' on the link and every record goes through", async ({ page }) => {
  test.setTimeout(180_000);
  const destination = await machinePostgres();
  const schema = `e2e_casts_${Date.now()}`;
  const name = `Spenders ${schema}`;
  await destination.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.spenders (contact_id text PRIMARY KEY, email text NOT NULL, total_spent integer)`);
  const contacts = await queryAppDatabase<{ id: string; email: string; total_spent: string | null }>(
    `SELECT c.id, c.email, (SELECT coalesce(sum(o.total), 0) FROM orders o WHERE o.workspace_id = c.workspace_id AND o.contact_id = c.id)::text AS total_spent
       FROM contacts c JOIN workspaces w ON w.id = c.workspace_id WHERE w.name = $1 ORDER BY c.id`,
    [OWNER.workspace],
  );
  const decimal = contacts.find((c) => c.total_spent && !c.total_spent.endsWith(".00"))!;
  const rounded = (spent: string | null) => (spent === null ? null : Math.sign(Number(spent)) * Math.round(Math.abs(Number(spent))));
  try {
    await addPostgresConnection(page, destination, { name: `Warehouse ${schema}`, schema });
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);

    await page.goto("/syncs");
    await page.getByRole("link", { name: /^Add (your first )?sync$/ }).first().click();
    await page.getByLabel("Dataset").selectOption({ label: "Contacts" });
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Connection").selectOption({ label: `Warehouse ${schema} (PostgreSQL)` });
    await page.getByLabel("Destination table").selectOption("spenders");
    await page.getByRole("button", { name: "Continue" }).click();

    // The canvas: email and total_spent by name, the key by hand; decimals into an integer column are flagged with the cast to add.
    await page.getByRole("button", { name: "Auto-map by name" }).click();
    await page.getByLabel("Source of contact_id").selectOption({ label: "id" });
    await page.getByLabel("Match key", { exact: true }).selectOption("contact_id");
    const warning = page.getByRole("alert").filter({ hasText: '"total_spent" takes whole numbers, but this link gives numbers that may have decimals: add the cast "to integer" to the link' });
    await expect(warning).toBeVisible();
    await expect(warning.getByRole("button", { name: "Add “to integer”" })).toBeVisible();
    await expect(page.locator('.react-flow__node[data-id="col:orders_count"]')).toContainText("integer");
    await shot(page, "casts-warning");

    // The user opens the link and converts it to an integer, rounding to the nearest.
    await page.locator('.react-flow__edge[data-id="col:total_spent->dest:total_spent"]').click({ force: true });
    await expect(page.getByText("Link into total_spent")).toBeVisible();
    await page.getByLabel("Convert").selectOption({ label: "to integer" });
    await expect(page.getByLabel("Rounding")).toHaveValue("round");
    await expect(warning).toHaveCount(0);
    await expect(page.getByTestId("sample-payload")).not.toContainText(/"total_spent": \d+\.\d/);
    await shot(page, "casts-link");
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Continue" }).click();
    // One record's payload shows the converted value.
    await page.getByLabel("Record to send now").fill(decimal.id);
    await page.getByRole("button", { name: "Preview payload" }).click();
    const spentRow = page.getByRole("table", { name: "Payload preview" }).getByRole("row").filter({ hasText: "total_spent" });
    await expect(spentRow).toContainText(`total_spent${rounded(decimal.total_spent)}`);
    await shot(page, "casts-preview");
    await page.getByRole("button", { name: "Add sync" }).click();
    await expect(page).toHaveURL(/\/syncs\/[0-9a-f-]{36}(\?|$)/);

    await page.goto("/dashboard");
    const row = page.getByTestId(`sync-row-${name}`);
    await row.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(row.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    await expect(row.getByTestId("run-counts")).toContainText(`+${contacts.length.toLocaleString("en-US")} `);
    await expect(row.getByTestId("run-counts")).toContainText("0 failed");

    const rows = await destination.query<{ contact_id: string; email: string; total_spent: number | null }>(`SELECT * FROM ${schema}.spenders ORDER BY contact_id`);
    expect(rows).toEqual(contacts.map((c) => ({ contact_id: c.id, email: c.email, total_spent: rounded(c.total_spent) })));
  } finally {
    await destination.query(`DROP SCHEMA ${schema} CASCADE`);
    await destination.close();
  }
});
