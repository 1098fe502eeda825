import fs from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

/** Answers the page's dialogs (confirm, beforeunload) with `answer.accept`, and notes their types. */
function dialogs(page: Page) {
  const seen: string[] = [];
  const answer = { accept: true };
  page.on("dialog", (d) => {
    seen.push(d.type());
    void (answer.accept ? d.accept() : d.dismiss());
  });
  return { seen, answer };
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a wrong password at sign-in keeps the email typed and asks for the password again", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Wrong email or password")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue("nobody@example.com");
    await expect(page.getByLabel("Password")).toHaveValue("");
  });
});

test("an invitation the server refuses keeps the address and the role", async ({ page }) => {
  await page.goto("/settings/members");
  // The browser takes an address without a domain suffix; the server does not.
  await page.getByLabel("Invite by email").fill("kim@intranet");
  await page.getByLabel("Role", { exact: true }).selectOption("editor");
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByText("Please fix the highlighted fields.")).toBeVisible();
  await expect(page.getByLabel("Invite by email")).toHaveValue("kim@intranet");
  await expect(page.getByLabel("Role", { exact: true })).toHaveValue("editor");
});

test("the sync wizard keeps its step and draft across Back, Reload and a new tab, and asks before leaving", async ({ page, context }) => {
  const { seen, answer } = dialogs(page);
  await page.goto("/syncs/new");
  await page.getByLabel("Dataset").selectOption({ label: "Contacts" });
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=segment/);
  await page.getByRole("button", { name: "Condition", exact: true }).click();
  await page.getByLabel("Condition 1 column").selectOption("country");
  await page.getByLabel("Condition 1 operator").selectOption("equals");
  await page.getByLabel("Condition 1 value").fill("NL");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=destination/);
  await expect(page.getByLabel("Connection")).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(/step=segment/);
  await expect(page.getByLabel("Condition 1 value")).toHaveValue("NL");

  await page.reload();
  expect(seen).toEqual(["beforeunload"]);
  await expect(page).toHaveURL(/step=segment/);
  await expect(page.getByRole("status").filter({ hasText: "Restored your unsaved draft" })).toBeVisible();
  await expect(page.getByLabel("Condition 1 value")).toHaveValue("NL");
  await shot(page, "wizard-restored-draft");

  // A crashed tab: the draft is in this browser, a new tab opens on it.
  const tab = await context.newPage();
  await tab.goto("/syncs/new");
  await expect(tab.getByRole("status").filter({ hasText: "Restored your unsaved draft" })).toBeVisible();
  await expect(tab.getByLabel("Dataset", { exact: true })).toHaveValue(/.+/);
  await tab.getByRole("button", { name: /^2\. Segment/ }).click();
  await expect(tab.getByLabel("Condition 1 value")).toHaveValue("NL");
  await shot(tab, "wizard-restored-draft-new-tab");
  await tab.close();

  // Leaving through the app's own links asks first; staying keeps everything.
  answer.accept = false;
  await page.getByRole("link", { name: "Datasets" }).click();
  expect(seen).toEqual(["beforeunload", "confirm"]);
  await expect(page).toHaveURL(/\/syncs\/new\?step=segment/);
  await expect(page.getByLabel("Condition 1 value")).toHaveValue("NL");

  // Discarding drops the draft: the wizard starts afresh and leaves without asking.
  await page.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByText("Restored your unsaved draft")).toHaveCount(0);
  await expect(page.getByLabel("Dataset", { exact: true })).toHaveValue("");
  await page.reload();
  await expect(page.getByLabel("Dataset", { exact: true })).toHaveValue("");
  await expect(page.getByText("Restored your unsaved draft")).toHaveCount(0);
  expect(seen).toEqual(["beforeunload", "confirm"]);
});

test("the import form keeps its draft across Reload, asks before leaving, and starts afresh once discarded", async ({ page }) => {
  const { seen, answer } = dialogs(page);
  await page.goto("/sources/new");
  await page.getByLabel("A SQL query (read-only)").check();
  await page.getByLabel("Query", { exact: true }).fill("SELECT id, mail FROM customers");
  await page.getByLabel("Entity", { exact: true }).selectOption("products");
  await page.getByLabel("Name", { exact: true }).fill("Catalogue feed");

  await page.reload();
  expect(seen).toEqual(["beforeunload"]);
  await expect(page.getByRole("status").filter({ hasText: "Restored your unsaved draft" })).toBeVisible();
  await expect(page.getByLabel("Query", { exact: true })).toHaveValue("SELECT id, mail FROM customers");
  await expect(page.getByLabel("Entity", { exact: true })).toHaveValue("products");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Catalogue feed");

  answer.accept = false;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
  expect(seen).toEqual(["beforeunload", "confirm"]);
  await expect(page).toHaveURL(/\/sources\/new$/);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Catalogue feed");

  await page.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("Entity", { exact: true })).toHaveValue("contacts");
  await page.reload();
  await expect(page.getByText("Restored your unsaved draft")).toHaveCount(0);
  expect(seen).toEqual(["beforeunload", "confirm"]);
});

test("saving a sync says Saved, a save without changes says so and leaves no audit entry, and the draft is gone", async ({ page, request }) => {
  const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
  const schema = `e2e_keep_${Date.now()}`;
  await queryAppDatabase(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.people (person_id text PRIMARY KEY, email text)`);
  const { port, password } = JSON.parse(fs.readFileSync(".data/e2e/embedded.json", "utf8")) as { port: number; password: string };
  const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
  const connection = await request.post("/api/v1/connections", {
    headers,
    data: { connector: "postgres", name: `Keep ${schema}`, settings: { host: "127.0.0.1", port, database: "relay", user: "postgres", schema }, secrets: { password } },
  });
  const sync = await request.post("/api/v1/syncs", {
    headers,
    data: { name: `People ${schema}`, datasetId: datasets.find((d) => d.name === "Contacts")!.id, connectionId: (await connection.json()).data.id, object: "people", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "person_id" } },
  });
  expect(sync.status()).toBe(201);
  const syncId = (await sync.json()).data.id as string;
  const updates = async () => (await queryAppDatabase<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE target_id = $1 AND action = 'sync.updated'", [syncId]))[0]!.n;

  dialogs(page);
  await page.goto(`/syncs/${syncId}?step=settings`);
  // Typed key by key, as a person does: the kept draft follows every keystroke.
  await page.getByLabel("Name", { exact: true }).clear();
  await page.getByLabel("Name", { exact: true }).pressSequentially(`Renamed ${schema}`);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(`Renamed ${schema}`);
  await page.getByRole("button", { name: /^6\. Test and save/ }).click();
  await expect(page).toHaveURL(/step=save/);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Saved\.$/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: `Renamed ${schema}` })).toBeVisible();
  await shot(page, "sync-saved");
  expect(await updates()).toBe(1);

  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "No changes to save" })).toBeVisible();
  expect(await updates()).toBe(1);

  await page.reload();
  await expect(page.getByRole("heading", { name: `Renamed ${schema}` })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save changes" })).toBeVisible();
  await expect(page.getByText("Restored your unsaved draft")).toHaveCount(0);
});
