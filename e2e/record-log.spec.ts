import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { httpApiSettings } from "@/test/http-api";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";

const BLOCKED = "first_name is on the block list";

test("rejected records of an HTTP API sync show the API's answer and are resent from the run page", async ({ page, request }) => {
  test.setTimeout(180_000);
  // The API refuses every contact whose first name starts with M, as its own validation would.
  const sandbox = await startHttpApiSandbox({ reject: (r) => (String(r.first_name ?? "").startsWith("M") ? BLOCKED : undefined) });
  try {
    const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
    const suffix = Date.now();
    const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
    const connection = await request.post("/api/v1/connections", {
      headers,
      data: { connector: "http-api", name: `Sandbox ${suffix}`, settings: httpApiSettings(sandbox), secrets: { token: sandbox.token } },
    });
    expect(connection.status(), await connection.text()).toBe(201);
    const name = `Sandbox contacts ${suffix}`;
    const sync = await request.post("/api/v1/syncs", {
      headers,
      data: {
        name,
        datasetId: datasets.find((d) => d.name === "Contacts")!.id,
        connectionId: (await connection.json()).data.id,
        object: "contacts",
        filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "NL" }] },
        mapping: [{ from: { field: "email" }, to: "email" }, { from: { field: "first_name" }, to: "first_name" }, { from: { field: "country" }, to: "country" }],
        matchKey: { from: "id", to: "contact_id" },
      },
    });
    expect(sync.status(), await sync.text()).toBe(201);
    const contacts = await queryAppDatabase<{ id: string; first_name: string }>("SELECT id, first_name FROM contacts WHERE country = 'NL' ORDER BY id");
    const refused = contacts.filter((c) => c.first_name.startsWith("M"));
    expect(refused.length).toBeGreaterThan(1);

    await page.goto(`/syncs/${(await sync.json()).data.id}`);
    await page.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    const firstRun = page.url();
    await expect(page.getByTestId("run-status")).toHaveText("partial", { timeout: 60_000 });
    await expect(page.getByTestId("run-totals")).toContainText(`Created${contacts.length - refused.length}`);
    await expect(page.getByTestId("run-totals")).toContainText(`Failed${refused.length}`);

    // The record log: only the failures, each with the API's answer.
    await page.getByLabel("Status").selectOption("failed");
    await page.getByLabel("Error kind").selectOption("rejected");
    const rows = page.getByTestId("record-row");
    await expect(rows.first()).toContainText(refused[0]!.id);
    await expect(rows.first()).toContainText("rejected");
    await page.getByRole("button", { name: `Details of ${refused[0]!.id}` }).click();
    await expect(page.getByText("HTTP 422").first()).toBeVisible();
    await expect(page.getByText(BLOCKED).first()).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/run-rejected.png", fullPage: true });

    // The export is the failed records of the run as CSV, straight from the browser's session.
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const csv = fs.readFileSync((await (await download).path())!, "utf8").trim().split("\n");
    expect(csv[0]).toBe("key,operation,status,result,attempts,error_kind,message,response_status,response_body,warning");
    expect(csv.slice(1).map((line) => line.split(",")[0])).toEqual(refused.map((c) => c.id));
    expect(csv[1]).toContain(",failed,");
    // A session reads the API; it never writes through it.
    expect((await page.request.post(`/api/v1/runs/${firstRun.split("/").pop()}/resend`, { data: {} })).status()).toBe(401);

    // The API is fixed; one chosen record goes again, then every other failure.
    sandbox.configure({ reject: undefined });
    await page.getByLabel(`Select ${refused[0]!.id}`).check();
    await page.getByRole("button", { name: "Resend selected (1)" }).click();
    await expect(page).not.toHaveURL(firstRun);
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    await expect(page.getByTestId("run-totals")).toContainText("Planned1");
    await expect(page.getByTestId("run-totals")).toContainText("Created1");

    await page.goto(firstRun);
    await page.getByRole("button", { name: "Resend all failed" }).click();
    await expect(page).not.toHaveURL(firstRun);
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    // The one already resent is unchanged now; the others are created.
    await expect(page.getByTestId("run-totals")).toContainText(`Created${refused.length - 1}`);

    const delivered = [...sandbox.contacts.values()].map((c) => c.contact_id).sort();
    expect(delivered).toEqual(contacts.map((c) => c.id));
  } finally {
    await sandbox.close();
  }
});
