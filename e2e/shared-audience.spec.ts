import { expect, test } from "@playwright/test";
import { startMetaSandbox } from "@/connectors/meta-audiences/sandbox";
import { createApiKeyWithCli } from "./api-key";

test("two syncs on one Meta audience: the builder refuses to make one a replace and says why; a bad phone sends the person with a warning in the record log", async ({ page, request }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  // An ad account of its own: the app's database keeps the syncs of earlier runs, on other sandboxes' audiences of the same ids.
  const sandbox = await startMetaSandbox({ adAccountId: `act_${stamp}` });
  const audience = sandbox.addAudience({ name: "Shared buyers" });
  try {
    const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
    const person = `e2e_warn_${stamp}`;
    const ingest = await request.post("/api/v1/entities/contacts/records", { headers, data: { records: [{ id: person, email: `wanda${stamp}@example.com`, phone: "12", country: "IS", first_name: "Wanda" }] } });
    expect(ingest.ok(), await ingest.text()).toBe(true);
    const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
    const settings = { adAccountId: sandbox.adAccountId, graphVersion: "v25.0", apiBaseUrl: sandbox.url, newAudiences: [] };
    const connection = await request.post("/api/v1/connections", { headers, data: { connector: "meta-audiences", name: `Meta ${stamp}`, settings, secrets: { accessToken: sandbox.token } } });
    expect(connection.status(), await connection.text()).toBe(201);
    const connectionId = ((await connection.json()).data as { id: string }).id;
    const sync = (name: string, filter: unknown) => ({
      name,
      datasetId: datasets.find((d) => d.name === "Contacts")!.id,
      connectionId,
      object: audience.id,
      filter,
      mapping: [{ from: { field: "email" }, to: "EMAIL" }, { from: { field: "phone" }, to: "PHONE" }, { from: { field: "country" }, to: "COUNTRY" }],
      matchKey: { from: "id", to: "EXTERN_ID" },
      onLeave: "delete",
    });
    const wanda = await request.post("/api/v1/syncs", { headers, data: sync(`Wanda ${stamp}`, { type: "group", combinator: "and", children: [{ type: "condition", column: "id", operator: "equals", value: person }] }) });
    expect(wanda.status(), await wanda.text()).toBe(201);
    const others = await request.post("/api/v1/syncs", { headers, data: sync(`Iceland ${stamp}`, { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "IS" }] }) });
    expect(others.status(), await others.text()).toBe(201);

    // Making the first a replace would empty the audience under the second: the builder says so where the audience is picked.
    await page.goto(`/syncs/${(await wanda.json()).data.id}`);
    await page.getByRole("button", { name: /^5\. Settings/ }).click();
    await page.getByLabel("Mode", { exact: true }).selectOption("replace");
    await page.getByRole("button", { name: /^6\. Test and save/ }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    const reason = `The sync "Iceland ${stamp}" also writes to this audience, and a replace swaps the whole audience (/usersreplace), removing the people other syncs add: give this sync its own audience, or run it incrementally`;
    await expect(page.getByText(reason).first()).toBeVisible();
    await page.getByRole("button", { name: /^3\. Destination/ }).click();
    await expect(page.getByText(reason).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/shared-audience-refused.png", fullPage: true });

    // Run as it is (incremental): Wanda goes with her email and country, her phone is left out and named.
    await page.goto(`/syncs/${(await wanda.json()).data.id}`);
    await page.getByRole("button", { name: `Run Wanda ${stamp} now` }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    const row = page.getByTestId("record-row").filter({ hasText: person });
    await expect(row).toContainText("created");
    await expect(row).toContainText("warning");
    await expect(row).toContainText(/PHONE has \d digits: with its country code a phone number has 7 to 15: sent without it/);
    await page.screenshot({ path: "test-results/screenshots/record-warning.png", fullPage: true });
    expect(sandbox.audience(audience.id)!.members.find((m) => m.EXTERN_ID === person)).toMatchObject({ EMAIL: expect.any(String), COUNTRY: expect.any(String) });
  } finally {
    await sandbox.close();
  }
});
