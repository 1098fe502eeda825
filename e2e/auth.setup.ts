import { expect, test as setup } from "@playwright/test";
import { OWNER, OWNER_STATE } from "./owner";

setup("the first visit creates the owner account (a refused attempt keeps what was typed); later visits sign in", async ({ page }) => {
  await page.goto("/datasets");
  await expect(page).toHaveURL(/\/(setup|sign-in)/);
  if (page.url().includes("/setup")) {
    await expect(page.getByRole("heading", { name: "Welcome to Relay" })).toBeVisible();
    await page.getByLabel("Workspace").fill(OWNER.workspace);
    await page.getByLabel("Your name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    // Refused (too short a password): what was typed stays, only the password is asked for again.
    await page.getByLabel(/^Password/).fill("too short");
    await page.getByRole("button", { name: "Create the owner account" }).click();
    await expect(page.getByText("Use at least 10 characters")).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/setup-refused.png", fullPage: true });
    await expect(page.getByLabel("Workspace")).toHaveValue(OWNER.workspace);
    await expect(page.getByLabel("Your name")).toHaveValue(OWNER.name);
    await expect(page.getByLabel("Email")).toHaveValue(OWNER.email);
    await expect(page.getByLabel(/^Password/)).toHaveValue("");
    await page.getByLabel(/^Password/).fill(OWNER.password);
    await page.getByRole("button", { name: "Create the owner account" }).click();
  } else {
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await expect(page).toHaveURL(/\/datasets|\/dashboard/);
  await expect(page.getByText(OWNER.workspace)).toBeVisible();
  await page.context().storageState({ path: OWNER_STATE });
});
