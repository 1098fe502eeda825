import { expect, test } from "@playwright/test";
import { startHubspotSandbox } from "@/connectors/hubspot/sandbox";
import { queryAppDatabase } from "./database";
import { newContactsSyncIn } from "./wizard";

test("a user connects HubSpot, maps contacts in the visual builder, runs the sync and sees the contacts arrive", async ({ page }) => {
  test.setTimeout(180_000);
  const sandbox = await startHubspotSandbox();
  const stamp = Date.now();
  const name = `Contacts to HubSpot ${stamp}`;
  try {
    // The API base URL is an advanced setting, folded away: tests and proxies only.
    await page.goto("/connections/new?connector=hubspot");
    await page.getByLabel("Name", { exact: true }).fill(`HubSpot ${stamp}`);
    await expect(page.getByLabel("Api Base Url")).toBeHidden();
    await page.getByText("Advanced", { exact: true }).click();
    await page.getByLabel("Api Base Url").fill(sandbox.url);
    await page.getByLabel("Access Token").fill("pat-na1-wrong");
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("status")).toContainText(/token/i);
    await page.getByLabel("Access Token").fill(sandbox.token);
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("status")).toContainText("Connected to HubSpot: the token reads contacts");
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);

    await newContactsSyncIn(page, "DE");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Connection").selectOption({ label: `HubSpot ${stamp} (HubSpot)` });
    await page.getByLabel("Destination object").selectOption("contacts");
    await page.getByRole("button", { name: "Continue" }).click();

    // The canvas shows HubSpot's own properties, read live; the key fields are marked.
    await expect(page.locator('.react-flow__node[data-id="dest:relay_id"]')).toBeVisible();
    await page.getByLabel("Source of relay_id").selectOption({ label: "id" });
    await page.getByLabel("Source of email").selectOption({ label: "email" });
    await page.getByLabel("Source of firstname").selectOption({ label: "first_name" });
    await page.getByLabel("Match key", { exact: true }).selectOption("relay_id");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Continue" }).click();
    // What one record would be sent as, without sending it.
    const requestsBefore = sandbox.log.length;
    await page.getByRole("button", { name: "Preview payload" }).click();
    const preview = page.getByRole("table", { name: "Payload preview" });
    await expect(preview.getByRole("row", { name: /relay_id/ })).toContainText("sent as mapped");
    await expect(preview.getByRole("row", { name: /email/ })).toContainText("@");
    expect(sandbox.log.slice(requestsBefore).filter((l) => l.method !== "GET")).toEqual([]);
    await page.getByRole("button", { name: "Add sync" }).click();
    await expect(page).toHaveURL(/\/syncs\/[0-9a-f-]{36}(\?|$)/);

    await page.goto("/dashboard");
    const row = page.getByTestId(`sync-row-${name}`);
    await row.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(row.getByTestId("run-status")).toHaveText(/succeeded|partial/, { timeout: 90_000 });
    await row.getByRole("link", { name: /UTC$/ }).click();
    await page.screenshot({ path: "test-results/screenshots/hubspot-run.png", fullPage: true });

    const expected = await queryAppDatabase<{ id: string; email: string | null; first_name: string | null }>("SELECT id, email, first_name FROM contacts WHERE country = 'DE' ORDER BY id");
    const arrived = sandbox.records("contacts").map((r) => r.properties);
    const failed = await queryAppDatabase<{ n: number }>(
      "SELECT count(*)::int AS n FROM sync_run_items i JOIN syncs s ON s.id = (SELECT sync_id FROM sync_runs WHERE id = i.run_id) WHERE s.name = $1 AND i.status = 'failed'",
      [name],
    );
    // Every contact of the segment is in HubSpot, or in the record log with HubSpot's reason.
    expect(arrived.length + failed[0]!.n).toBe(expected.length);
    expect(arrived.length).toBeGreaterThan(0);
    for (const p of arrived) expect(expected.find((e) => e.id === p.relay_id)).toMatchObject({ first_name: p.firstname ?? null });
    await expect(page.getByTestId("run-totals")).toContainText(`Created${arrived.length}`);
  } finally {
    await sandbox.close();
  }
});
