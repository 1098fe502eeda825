import fs from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { startFtpServer } from "@/test/ftp-server";
import { queryAppDatabase } from "./database";
import { addPostgresConnection, machinePostgres } from "./machine-postgres";
import { drawLink } from "./mapping-canvas";

// A window tall enough for the whole canvas: links are drawn with the mouse, which reaches only what is on screen.
test.use({ viewport: { width: 1280, height: 1600 } });

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
/** The keys this spec imports start with "0src-": before every letter, so they are the dataset page's first rows. */
const KEY_PREFIX = "0src-";

test("a table of the machine's PostgreSQL becomes a source, is imported into contacts, and its rows are on the dataset page", async ({ page }) => {
  test.setTimeout(180_000);
  const machine = await machinePostgres();
  const schema = `e2e_src_${Date.now()}`;
  const key = (n: number) => `${KEY_PREFIX}${schema}-${n}`;
  // An earlier run of this spec on the same data folder left its contacts: they would push this run's off the first page.
  await queryAppDatabase("DELETE FROM contacts WHERE id LIKE $1", [`${KEY_PREFIX}%`]);
  await machine.query(`CREATE SCHEMA ${schema}`);
  await machine.query(`CREATE TABLE ${schema}.customers (customer_id text PRIMARY KEY, email text, first_name text, born text, plan text, updated_at timestamptz NOT NULL DEFAULT now())`);
  await machine.query(`INSERT INTO ${schema}.customers (customer_id, email, first_name, born, plan) VALUES
    ('${key(1)}', 'ada@${schema}.example', 'Ada', '1990-01-31', 'pro'),
    ('${key(2)}', 'bob@${schema}.example', 'Bob', '1985-06-15', 'free'),
    ('${key(3)}', 'cy@${schema}.example', 'Cy', NULL, 'pro'),
    ('${key(4)}', 'dee@${schema}.example', 'Dee', '31/01/1990', 'free')`);
  const connection = `Shop DB ${schema}`;
  const name = `Shop customers ${schema}`;
  try {
    // An admin adds the database and marks it usable as a source.
    await addPostgresConnection(page, machine, { name: connection, schema });
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources" }).click();
    await expect(page.getByRole("heading", { name: "Sources" })).toBeVisible();
    const databases = page.getByRole("table", { name: "Source databases" });
    await page.getByRole("button", { name: `Use ${connection} as a source` }).click();
    await expect(databases.getByRole("row").filter({ hasText: connection })).toContainText("usable as a source");

    // The import: the table, its columns on the canvas, the key, and the cursor suggested from updated_at.
    await page.getByRole("link", { name: "Add import" }).click();
    await expect(page).toHaveURL(/\/sources\/new$/);
    await page.getByLabel("Source", { exact: true }).selectOption({ label: `${connection} (PostgreSQL)` });
    // A query that writes is refused before anything runs, saying why.
    await page.getByLabel("A SQL query (read-only)").check();
    await page.getByLabel("Query", { exact: true }).fill("UPDATE customers SET plan = 'gold' RETURNING *");
    await page.getByRole("button", { name: "Read columns" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toContainText("The query is refused: it is UPDATE, not SELECT");
    expect(await machine.query(`SELECT count(*)::int AS n FROM ${schema}.customers WHERE plan = 'gold'`)).toEqual([{ n: 0 }]);
    await page.getByLabel("A table or view").check();
    await page.getByLabel("Table or view", { exact: true }).fill("customers");
    await page.getByRole("button", { name: "Read columns" }).click();
    await expect(page.getByTestId("source-columns")).toContainText("customer_id (text)");
    await page.getByTestId("mapping-canvas").scrollIntoViewIfNeeded();
    await page.getByRole("button", { name: "Auto-map by name" }).click();
    await expect(page.getByLabel("Source of plan")).toHaveValue("col:plan");
    // Drawn on the canvas: the key fills the id; "born" lands in birth_date instead of as a trait of its own.
    await drawLink(page, "col:customer_id", "dest:id");
    await drawLink(page, "col:born", "dest:birth_date");
    await expect(page.getByLabel("Source of born")).toHaveValue("");
    await expect(page.getByLabel("Key column")).toHaveValue("customer_id");
    await expect(page.getByLabel("How changes are found")).toHaveValue("cursor");
    await expect(page.getByLabel("Cursor column")).toHaveValue("updated_at");

    // The preview shows the rows as they will land, and the one whose date does not read as a date.
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("table", { name: "Import preview" });
    await expect(preview.getByTestId("preview-row")).toHaveCount(4);
    await expect(preview.getByRole("row").filter({ hasText: key(4) })).toContainText("Type mismatch");
    await expect(preview.getByRole("row").filter({ hasText: key(4) })).toContainText("born → birth_date must be a date like 2024-05-31");
    await expect(preview.getByRole("row").filter({ hasText: key(1) })).toContainText("1990-01-31");
    await shot(page, "import-preview");

    // Refused without a name: the message is under the field and everything typed stays.
    await page.getByRole("button", { name: "Add import" }).click();
    await expect(page.getByText("Name the import", { exact: true })).toBeVisible();
    await expect(page.getByText("The import does not fit yet")).toBeVisible();
    await expect(page.getByLabel("Table or view", { exact: true })).toHaveValue("customers");
    await expect(page.getByLabel("Key column")).toHaveValue("customer_id");
    await expect(page.getByLabel("Source of birth_date")).toHaveValue("col:born");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Add import" }).click();
    await expect(page).toHaveURL(/\/sources\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { name })).toBeVisible();

    // Run now: three rows land, the fourth is in the record log with why.
    await page.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(page).toHaveURL(/\/sources\/[0-9a-f-]{36}\/runs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("run-status")).toHaveText("partial", { timeout: 60_000 });
    await expect(page.getByTestId("run-totals")).toContainText("Read4");
    await expect(page.getByTestId("run-totals")).toContainText("Created3");
    await expect(page.getByTestId("run-totals")).toContainText("Rejected1");
    const rejected = page.getByTestId("rejected-row");
    await expect(rejected).toHaveCount(1);
    await expect(rejected).toContainText(key(4));
    await expect(rejected).toContainText("Type mismatch");
    await expect(page.getByTestId("run-step")).toHaveText([/^Plan/, /^Read rows \(step 1\)/, /^Finalize/]);
    await shot(page, "import-run");

    // Datasets → Contacts: the imported rows are there, typed; the rejected one is not.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
    await page.getByRole("link", { name: "Contacts", exact: true }).click();
    const rows = page.getByRole("table", { name: "Preview rows" });
    for (const n of [1, 2, 3]) await expect(rows.getByRole("row").filter({ hasText: key(n) })).toBeVisible();
    await expect(rows.getByRole("row").filter({ hasText: key(1) })).toContainText(`ada@${schema}.example`);
    await expect(rows.getByRole("row").filter({ hasText: key(4) })).toHaveCount(0);
    expect(await queryAppDatabase("SELECT id, birth_date::text AS born, traits->>'plan' AS plan FROM contacts WHERE id LIKE $1 ORDER BY id", [`${KEY_PREFIX}${schema}%`])).toEqual([
      { id: key(1), born: "1990-01-31", plan: "pro" },
      { id: key(2), born: "1985-06-15", plan: "free" },
      { id: key(3), born: null, plan: "pro" },
    ]);
    await shot(page, "import-dataset");

    // A change in the source reaches the contact on the next run; the list of imports shows the last run.
    await machine.query(`UPDATE ${schema}.customers SET email = 'ada.new@${schema}.example', updated_at = now() WHERE customer_id = '${key(1)}'`);
    await page.goto("/sources");
    await page.getByRole("link", { name }).click();
    await page.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(page.getByTestId("run-status")).toHaveText(/^(succeeded|partial)$/, { timeout: 60_000 });
    await expect(page.getByTestId("run-totals")).toContainText("Updated1");
    expect(await queryAppDatabase("SELECT email FROM contacts WHERE id = $1", [key(1)])).toEqual([{ email: `ada.new@${schema}.example` }]);
    await page.goto("/sources");
    await expect(page.getByRole("table", { name: "Imports" }).getByRole("row").filter({ hasText: name })).toContainText(/succeeded|partial/);
    await shot(page, "sources");
    await page.getByRole("link", { name }).click();
    await expect(page.getByTestId("source-columns")).toContainText("customer_id (text)");
    await expect(page.getByLabel("Source of birth_date")).toHaveValue("col:born");
    await shot(page, "import-page");
  } finally {
    await machine.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await machine.close();
  }
});

test("CSV files on an FTP folder become a source: each matching file is imported once, a malformed line is logged with its number, the file moves to processed/", async ({ page }) => {
  test.setTimeout(180_000);
  const account = { user: "drops", password: "e2e-ftp-source" };
  const server = await startFtpServer(account);
  const stamp = Date.now();
  const key = (n: number) => `${KEY_PREFIX}ftp-${stamp}-${n}`;
  const connection = `Nightly drops ${stamp}`;
  const name = `Dropped customers ${stamp}`;
  fs.writeFileSync(path.join(server.root, "customers-1.csv"), ["customer_id,email,first_name", `${key(1)},ada@${stamp}.example,Ada`, `${key(2)},bob@${stamp}.example`, `${key(3)},cy@${stamp}.example,Cy`].join("\n") + "\n");
  fs.writeFileSync(path.join(server.root, "other.csv"), "customer_id,email,first_name\nnot-this,no@example.com,No\n");
  try {
    // An admin adds the FTP folder and marks it usable as a source.
    await page.goto("/connections/new?connector=ftp");
    await page.getByLabel("Name", { exact: true }).fill(connection);
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Port").fill(String(server.port));
    await page.getByLabel("User").fill(account.user);
    await page.getByLabel("Tls").selectOption("none");
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);
    await page.goto("/sources");
    await page.getByRole("button", { name: `Use ${connection} as a source` }).click();
    await expect(page.getByRole("table", { name: "Source databases and folders" }).getByRole("row").filter({ hasText: connection })).toContainText("usable as a source");

    // The import names a folder and a pattern; the header of the first matching file gives the columns.
    await page.getByRole("link", { name: "Add import" }).click();
    await page.getByLabel("Source", { exact: true }).selectOption({ label: `${connection} (FTP)` });
    await page.getByLabel("Folder").fill("/");
    await page.getByLabel("File name pattern").fill("customers-*.csv");
    await page.getByLabel("Once a file is imported").selectOption("move");
    await page.getByRole("button", { name: "Read columns" }).click();
    await expect(page.getByTestId("source-columns")).toContainText("customer_id (text)");
    await page.getByTestId("mapping-canvas").scrollIntoViewIfNeeded();
    await page.getByRole("button", { name: "Auto-map by name" }).click();
    await drawLink(page, "col:customer_id", "dest:id");
    await expect(page.getByLabel("Key column")).toHaveValue("customer_id");
    await expect(page.getByText("Rows that disappeared do not apply to files")).toBeVisible();
    await expect(page.getByLabel("How changes are found")).toHaveCount(0);
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByRole("table", { name: "Import preview" }).getByTestId("preview-row")).toHaveCount(2);
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Add import" }).click();
    await expect(page).toHaveURL(/\/sources\/[0-9a-f-]{36}$/);

    // Run now: two rows land, the short line is in the record log with its line number, the file is moved.
    await page.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(page.getByTestId("run-status")).toHaveText("partial", { timeout: 60_000 });
    await expect(page.getByTestId("run-totals")).toContainText("Created2");
    await expect(page.getByTestId("rejected-row")).toHaveCount(1);
    await expect(page.getByTestId("rejected-row")).toContainText("Line 3: expected 3 fields, got 2");
    expect(await queryAppDatabase("SELECT id, email FROM contacts WHERE id LIKE $1 ORDER BY id", [`${KEY_PREFIX}ftp-${stamp}%`])).toEqual([
      { id: key(1), email: `ada@${stamp}.example` },
      { id: key(3), email: `cy@${stamp}.example` },
    ]);
    expect(fs.readdirSync(path.join(server.root, "processed"))).toEqual(["customers-1.csv"]);
    await shot(page, "file-import-run");

    // The dashboard says the import needs attention, and leads to its run.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await expect(page.getByTestId("import-alerts")).toContainText(`${name} (import) rejected 1 row`);
    await page.getByTestId("import-alerts").getByRole("link", { name: `${name} (import)` }).click();
    await expect(page.getByTestId("rejected-row")).toContainText("Line 3: expected 3 fields, got 2");
  } finally {
    await server.close();
  }
});
