import { expect, test } from "@playwright/test";
import { z } from "zod";
import { connectorConfigs } from "@/connectors/manifests";
import { actions, callAction } from "./routes";

test("every connector's connection form renders from its schema, with advanced settings folded away", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/connections/new");
  await expect(page.getByRole("heading", { name: "Ad audiences" })).toBeVisible();
  for (const id of Object.keys(connectorConfigs)) await expect(page.locator(`a[href="/connections/new?connector=${id}"]`), id).toHaveCount(1);
  for (const [id, config] of Object.entries(connectorConfigs)) {
    await page.goto(`/connections/new?connector=${id}`);
    await expect(page.getByLabel("Name", { exact: true }), id).toBeVisible();
    await expect(page.getByRole("button", { name: "Test connection" }), id).toBeVisible();
    // A new connection has no stored secret to keep.
    await expect(page.getByPlaceholder("Leave empty to keep the stored value"), id).toHaveCount(0);
    const settings = z.toJSONSchema(config.settingsSchema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, { advanced?: boolean }> };
    const advanced = Object.values(settings.properties ?? {}).some((p) => p.advanced);
    await expect(page.getByText("Advanced", { exact: true }), id).toHaveCount(advanced ? 1 : 0);
    if (id === "salesforce" || id === "google-audiences") await page.screenshot({ path: `test-results/screenshots/connection-${id}.png`, fullPage: true });
  }
  expect(errors).toEqual([]);
});

test("saving a connection refuses a base URL the app may not call, through the server action", async ({ request }) => {
  const save = actions.find((a) => a.name === "lib/actions/connections/save-connection.ts#saveConnection")!;
  const settings = { baseUrl: "ftp://files.example.com/", fields: [{ name: "email", key: "unique" }], create: { path: "/contacts" }, update: { path: "/contacts/{id}" } };
  const result = await callAction(request, save, [{ connector: "http-api", name: "Files", settings, secrets: { token: "t0ken" } }]);
  expect(result.body).toContain('"fieldErrors":{"baseUrl":["Only http and https URLs are allowed, not ftp:"]}');
});
