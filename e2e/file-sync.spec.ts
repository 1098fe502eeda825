import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { expect, test } from "@playwright/test";
import { startFtpServer } from "@/test/ftp-server";
import { queryAppDatabase } from "./database";
import { newContactsSyncIn } from "./wizard";

const ACCOUNT = { user: "feeds", password: "e2e-ftp-password" };

test("a user sends a segment as a CSV file over FTP: names the columns on the canvas, runs a replace and reads the file's report", async ({ page }) => {
  test.setTimeout(180_000);
  const server = await startFtpServer(ACCOUNT);
  const stamp = Date.now();
  const name = `Agency feed ${stamp}`;
  try {
    await page.goto("/connections/new?connector=ftp");
    await page.getByLabel("Name", { exact: true }).fill(`Agency FTP ${stamp}`);
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Port").fill(String(server.port));
    await page.getByLabel("User").fill(ACCOUNT.user);
    await page.getByLabel("Tls").selectOption("none");
    await page.getByLabel("File Name").fill("dutch_contacts.csv");
    await page.getByLabel("Delimiter").selectOption("semicolon");
    await page.getByLabel("Password").fill(ACCOUNT.password);
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("status")).toContainText("Connected to");
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);

    await newContactsSyncIn(page, "NL");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Connection").selectOption({ label: `Agency FTP ${stamp} (FTP / FTPS (CSV file))` });
    await page.getByLabel("Destination file").selectOption("dutch_contacts.csv");
    await page.getByRole("button", { name: "Continue" }).click();

    // A file has no fields of its own: the user names its columns.
    await page.getByLabel("New column name").fill("contact_id");
    await page.getByRole("button", { name: "Column", exact: true }).click();
    await page.getByLabel("Source of contact_id").selectOption({ label: "id" });
    await page.getByLabel("New column name").fill("mail");
    await page.getByRole("button", { name: "Column", exact: true }).click();
    await page.getByLabel("Source of mail").selectOption({ label: "email" });
    await page.getByLabel("Match key", { exact: true }).selectOption("contact_id");
    await expect(page.getByTestId("sample-payload")).toContainText('"mail"');
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Mode").selectOption("replace");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Add sync" }).click();
    await expect(page).toHaveURL(/\/syncs\/[0-9a-f-]{36}(\?|$)/);

    // "Run now" runs in the sync's own mode.
    await page.goto("/dashboard");
    const row = page.getByTestId(`sync-row-${name}`);
    await expect(row.getByLabel(`Run mode of ${name}`)).toHaveValue("replace");
    await row.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(row.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    await row.getByRole("link", { name: /UTC$/ }).click();

    const expected = await queryAppDatabase<{ id: string; email: string }>("SELECT id, email FROM contacts WHERE country = 'NL' ORDER BY id");
    // A file sync succeeds or fails as a whole: the files written stand in for the record log.
    await expect(page.getByText("replace run, started by hand")).toBeVisible();
    await expect(page.getByText("Record log")).toHaveCount(0);
    const files = page.getByRole("table", { name: "Files written" });
    await expect(files).toContainText("/dutch_contacts.csv");
    await expect(files.getByRole("row").nth(1)).toContainText(String(expected.length));
    await page.screenshot({ path: "test-results/screenshots/run-files.png", fullPage: true });

    const written = parse(fs.readFileSync(path.join(server.root, "dutch_contacts.csv")), { delimiter: ";" }) as string[][];
    expect(written[0]).toEqual(["contact_id", "mail"]);
    expect(written.slice(1)).toEqual(expected.map((e) => [e.id, e.email ?? ""]));
  } finally {
    await server.close();
  }
});
