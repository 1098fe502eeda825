import { expect, test } from "@playwright/test";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { httpApiSettings } from "@/test/http-api";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";

const countries = (...value: string[]) => ({ type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "is_one_of", value }] });

test("a run that would delete half of a sync's records is held; the run page says why and Confirm and deliver delivers the kept plan", async ({ page, request }) => {
  test.setTimeout(180_000);
  const sandbox = await startHttpApiSandbox();
  try {
    const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
    const suffix = Date.now();
    const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
    const connection = await request.post("/api/v1/connections", { headers, data: { connector: "http-api", name: `Guarded CRM ${suffix}`, settings: httpApiSettings(sandbox), secrets: { token: sandbox.token } } });
    expect(connection.status(), await connection.text()).toBe(201);
    const name = `Guarded contacts ${suffix}`;
    const input = {
      name,
      datasetId: datasets.find((d) => d.name === "Contacts")!.id,
      connectionId: (await connection.json()).data.id,
      object: "contacts",
      mapping: [{ from: { field: "email" }, to: "email" }],
      matchKey: { from: "id", to: "contact_id" },
      onLeave: "delete",
    };
    const created = await request.post("/api/v1/syncs", { headers, data: { ...input, filter: countries("NL", "IT") } });
    expect(created.status(), await created.text()).toBe(201);
    const syncId = (await created.json()).data.id as string;
    const ids = async (country: string) => (await queryAppDatabase<{ id: string }>("SELECT id FROM contacts WHERE country = $1 ORDER BY id", [country])).map((c) => c.id);
    const [dutch, italians] = [await ids("NL"), await ids("IT")];
    expect(italians.length * 5).toBeGreaterThan(dutch.length + italians.length);
    const inSandbox = () => [...sandbox.contacts.values()].map((c) => c.contact_id as string).sort();

    await page.goto(`/syncs/${syncId}`);
    await page.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    expect(inSandbox()).toEqual([...dutch, ...italians].sort());

    // The segment narrowed to one country: the next run would delete every Italian contact.
    expect((await request.patch(`/api/v1/syncs/${syncId}`, { headers, data: { filter: countries("NL") } })).status()).toBe(200);
    await page.goto(`/syncs/${syncId}`);
    await page.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    const heldRun = page.url();
    await expect(page.getByTestId("run-status")).toHaveText("held for confirmation", { timeout: 60_000 });
    const held = page.getByTestId("held-run");
    await expect(held).toContainText(`this run would delete ${italians.length} records of the ${dutch.length + italians.length} it holds`);
    await expect(held).toContainText("more than 20 % of its records");
    await expect(page.getByTestId("run-totals")).toContainText(`Would delete${italians.length}`);
    await expect(page.getByTestId("run-totals")).toContainText("Deleted0");
    expect(inSandbox()).toEqual([...dutch, ...italians].sort());

    await page.goto("/dashboard");
    await expect(page.getByTestId("held-runs")).toContainText(`${name} holds a run for confirmation: it would delete ${italians.length} records`);
    await expect(page.getByRole("button", { name: `Confirm and deliver the held run of ${name}` })).toBeVisible();

    await page.goto(heldRun);
    await page.screenshot({ path: "test-results/screenshots/run-held.png", fullPage: true });
    await page.getByRole("button", { name: "Confirm and deliver the held run" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    await expect(page.getByTestId("run-totals")).toContainText(`Deleted${italians.length}`);
    await expect(page.getByText("Deletions over the sync's limit confirmed by")).toBeVisible();
    await expect(page.getByRole("button", { name: "Confirm and deliver the held run" })).toHaveCount(0);
    expect(inSandbox()).toEqual(dutch);
  } finally {
    await sandbox.close();
  }
});
