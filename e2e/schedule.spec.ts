import { expect, type Page, test } from "@playwright/test";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { httpApiSettings } from "@/test/http-api";
import { createApiKeyWithCli } from "./api-key";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test("the schedule step reads a cron as a sentence with its next runs, says what is wrong with one, and will not save it until fixed", async ({ page, request }) => {
  test.setTimeout(120_000);
  const sandbox = await startHttpApiSandbox();
  try {
    const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
    const suffix = Date.now();
    const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
    const connection = await request.post("/api/v1/connections", { headers, data: { connector: "http-api", name: `Scheduled CRM ${suffix}`, settings: httpApiSettings(sandbox), secrets: { token: sandbox.token } } });
    expect(connection.status(), await connection.text()).toBe(201);
    const created = await request.post("/api/v1/syncs", {
      headers,
      data: { name: `Scheduled contacts ${suffix}`, datasetId: datasets.find((d) => d.name === "Contacts")!.id, connectionId: (await connection.json()).data.id, object: "contacts", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "contact_id" } },
    });
    expect(created.status(), await created.text()).toBe(201);
    const syncId = (await created.json()).data.id as string;

    await page.goto(`/syncs/${syncId}`);
    await page.getByRole("button", { name: /^5\. Settings/ }).click();
    const preview = page.getByTestId("schedule-preview");
    await expect(preview).toContainText("Runs only when someone starts a run");

    await page.getByLabel("Schedule", { exact: true }).selectOption("interval");
    await expect(preview).toContainText("Runs every 60 minutes, counted from when it was created.");
    await expect(preview.getByRole("list", { name: "Next runs" }).getByRole("listitem")).toHaveCount(3);
    await page.getByLabel("Schedule", { exact: true }).selectOption("realtime");
    await expect(preview).toContainText("Runs in real time: a run starts a few seconds after rows of the dataset change");

    await page.getByLabel("Schedule", { exact: true }).selectOption("cron");
    await page.getByLabel("Time zone", { exact: true }).fill("Europe/Paris");
    await page.getByLabel("Cron", { exact: true }).fill("0 6 * * 1-5");
    await expect(preview).toContainText("Runs at 06:00, Monday through Friday, Europe/Paris.");
    await page.getByLabel("Cron", { exact: true }).fill("0 6 * * *");
    await expect(preview).toContainText("Runs every day at 06:00, Europe/Paris.");
    await expect(preview).toContainText("Next runs (Europe/Paris):");
    const runs = preview.getByRole("list", { name: "Next runs" }).getByRole("listitem");
    await expect(runs).toHaveCount(3);
    for (const run of await runs.all()) await expect(run).toHaveText(/^\w{3}, \d{1,2} \w{3} \d{4}, 06:00 (CET|CEST|GMT\+1|GMT\+2)$/);
    await shot(page, "schedule-step");

    await page.getByLabel("Cron", { exact: true }).fill("61 * * * *");
    await expect(page.getByRole("alert").filter({ hasText: "minute 61 is out of range 0–59" })).toBeVisible();
    await expect(preview).toHaveText("Fix the schedule above to see when it runs.");
    await expect(page.getByRole("button", { name: "Continue" })).toBeDisabled();
    await expect(page.getByRole("button", { name: /^6\. Test and save/ })).toBeDisabled();
    await expect(page.getByRole("button", { name: /^5\. Settings/ }).getByRole("img", { name: "has problems" })).toBeVisible();
    await shot(page, "schedule-step-error");

    await page.getByLabel("Cron", { exact: true }).fill("0 6 * * *");
    await expect(page.getByRole("alert").filter({ hasText: "out of range" })).toHaveCount(0);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect
      .poll(async () => (await (await request.get(`/api/v1/syncs/${syncId}`, { headers })).json()).data.schedule)
      .toEqual({ type: "cron", cron: "0 6 * * *", timezone: "Europe/Paris" });
  } finally {
    await sandbox.close();
  }
});
