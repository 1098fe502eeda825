/** The sync wizard's first two steps as most specs walk them. */
import type { Page } from "@playwright/test";

/** Opens a new sync of the Contacts dataset and, on the segment step, keeps the contacts of one country. */
export async function newContactsSyncIn(page: Page, country: string) {
  await page.goto("/syncs/new");
  await page.getByLabel("Dataset").selectOption({ label: "Contacts" });
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Condition", exact: true }).click();
  await page.getByLabel("Condition 1 column").selectOption("country");
  await page.getByLabel("Condition 1 operator").selectOption("equals");
  await page.getByLabel("Condition 1 value").fill(country);
}
