import { expect, type Page, test } from "@playwright/test";
import { queryAppDatabase } from "./database";
import { addPostgresConnection, machinePostgres } from "./machine-postgres";
import { drawLink } from "./mapping-canvas";

// A window tall enough for the whole canvas: links are drawn with the mouse, which reaches only what is on screen.
test.use({ viewport: { width: 1280, height: 1600 } });

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test("a user builds a Postgres sync with a nested segment and a drawn mapping, runs it from the dashboard and reads the run", async ({ page }) => {
  test.setTimeout(180_000);
  const destination = await machinePostgres();
  const schema = `e2e_ui_${Date.now()}`;
  const name = `NL audience ${schema}`;
  await destination.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.audience (contact_id text PRIMARY KEY, email text NOT NULL, first_name text, source text)`);
  try {
    // Connections: the form comes from the connector's schema; the password is write-only.
    await addPostgresConnection(page, destination, { name: `Warehouse ${schema}`, schema });
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("status")).toContainText(/connected|reached|ok/i);
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);

    // The wizard: dataset, then a segment of one condition and a nested "any of" group of two.
    await page.goto("/syncs");
    await page.getByRole("link", { name: /^Add (your first )?sync$/ }).first().click();
    await page.getByLabel("Dataset").selectOption({ label: "Contacts" });
    await expect(page.getByText(/rows; columns id, email/)).toBeVisible();
    await expect(page.getByRole("table", { name: "Dataset preview" }).getByRole("row")).toHaveCount(11);
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("button", { name: "Condition", exact: true }).click();
    await page.getByLabel("Condition 1 column").selectOption("country");
    await page.getByLabel("Condition 1 operator").selectOption("equals");
    await page.getByLabel("Condition 1 value").fill("NL");
    await page.getByRole("button", { name: "Group", exact: true }).click();
    await expect(page.getByLabel("Group 2: match")).toHaveValue("or");
    await page.getByLabel("Condition 2.1 column").selectOption("first_name");
    await page.getByLabel("Condition 2.1 operator").selectOption("starts_with");
    await page.getByLabel("Condition 2.1 value").fill("m");
    await page.getByRole("button", { name: "Condition in group 2" }).click();
    await page.getByLabel("Condition 2.2 column").selectOption("city");
    await page.getByLabel("Condition 2.2 value").fill("Utrecht");
    const segmentCount = (
      await queryAppDatabase<{ count: number }>("SELECT count(*)::int AS count FROM contacts WHERE country = 'NL' AND (lower(first_name) LIKE 'm%' OR city = 'Utrecht')")
    )[0]!.count;
    await expect(page.getByTestId("segment-count")).toHaveText(String(segmentCount));
    await shot(page, "wizard-segment");
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByLabel("Connection").selectOption({ label: `Warehouse ${schema} (PostgreSQL)` });
    await page.getByLabel("Destination table").selectOption("audience");
    await page.getByRole("button", { name: "Continue" }).click();

    // The canvas: two columns and a static value drawn onto destination fields, one field mapped with the keyboard.
    await expect(page.getByTestId("mapping-canvas")).toBeVisible();
    await drawLink(page, "col:id", "dest:contact_id");
    await drawLink(page, "col:email", "dest:email");
    await page.getByRole("button", { name: "Static value" }).click();
    const constant = page.locator('input[aria-label^="Static value value:"]');
    await constant.fill("relay-ui");
    const constantId = (await constant.getAttribute("aria-label"))!.replace("Static value ", "");
    await drawLink(page, constantId, "dest:source");
    await page.getByLabel("Source of first_name").selectOption({ label: "first_name" });
    await expect(page.getByLabel("Match key", { exact: true })).toHaveValue("contact_id");
    await expect(page.getByTestId("sample-payload")).toContainText('"source": "relay-ui"');
    await shot(page, "mapping-canvas");
    await page.getByRole("button", { name: "Continue" }).click();

    // Settings: a cron schedule typed wrong is named at once on its field and holds the wizard until fixed.
    await page.getByLabel("Name", { exact: true }).fill(name);
    await expect(page.getByRole("group", { name: "Alerts" }).getByLabel("when a run fails")).toBeChecked();
    await page.getByRole("group", { name: "Alerts" }).getByLabel("when no run has completed for").check();
    await page.getByLabel("Hours without a completed run").fill("48");
    await page.getByLabel("Schedule").selectOption("cron");
    await page.getByLabel("Cron").fill("every morning");
    await expect(page.getByRole("alert").filter({ hasText: "Enter 5 fields (minute hour day-of-month month weekday)" })).toBeVisible();
    await expect(page.getByRole("button", { name: /5\. Settings/ }).getByRole("img", { name: "has problems" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Continue" })).toBeDisabled();
    await page.getByLabel("Cron").fill("0 6 * * *");
    await page.getByLabel("Time zone").fill("Europe/Amsterdam");
    await expect(page.getByTestId("schedule-preview")).toContainText("Runs every day at 06:00, Europe/Amsterdam.");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Dry run" }).click();
    await expect(page.getByTestId("try-out")).toContainText(`A run now would: ${segmentCount} create, 0 update, 0 delete`);
    await shot(page, "wizard-dry-run");
    await page.getByRole("button", { name: "Add sync" }).click();
    await expect(page).toHaveURL(/\/syncs\/[0-9a-f-]{36}(\?|$)/);
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /^Saved\.$/ })).toBeVisible();

    // The dashboard: run now, watch the run finish.
    await page.goto("/dashboard");
    const row = page.getByTestId(`sync-row-${name}`);
    await row.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(row.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    await expect(row.getByTestId("run-counts")).toContainText(`+${segmentCount} `);
    await shot(page, "dashboard");

    // The run: its steps and its record log.
    await row.getByRole("link", { name: /UTC$/ }).click();
    await expect(page.getByRole("heading", { name: `Run of ${name}` })).toBeVisible();
    const steps = page.getByTestId("run-step");
    await expect(steps.first()).toContainText("Plan");
    await expect(steps.filter({ hasText: "Deliver from batch 1" })).toHaveCount(1);
    await expect(steps.last()).toContainText("Finalize");
    await expect(page.getByTestId("run-totals")).toContainText(`Created${segmentCount}`);
    const expected = await queryAppDatabase<{ id: string; email: string; first_name: string }>(
      "SELECT id, email, first_name FROM contacts WHERE country = 'NL' AND (lower(first_name) LIKE 'm%' OR city = 'Utrecht') ORDER BY id",
    );
    await page.getByLabel("Search by key").fill(expected[0]!.id);
    await expect(page.getByTestId("record-row")).toHaveCount(1);
    await expect(page.getByTestId("record-row")).toContainText("created");
    await page.getByLabel("Search by key").fill("");
    await shot(page, "run");

    // The destination holds exactly the segment's rows with the mapped values.
    const rows = await destination.query<{ contact_id: string; email: string; first_name: string; source: string }>(`SELECT * FROM ${schema}.audience ORDER BY contact_id`);
    expect(rows).toEqual(expected.map((e) => ({ contact_id: e.id, email: e.email, first_name: e.first_name, source: "relay-ui" })));
    const [saved] = await queryAppDatabase<{ alerts: { onFailure: boolean; staleHours: number } }>("SELECT alerts FROM syncs WHERE name = $1", [name]);
    expect(saved!.alerts).toMatchObject({ onFailure: true, staleHours: 48, rejected: { percent: 10, count: null } });
  } finally {
    await destination.query(`DROP SCHEMA ${schema} CASCADE`);
    await destination.close();
  }
});
