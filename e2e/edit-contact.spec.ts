import { expect, type APIRequestContext, type Page, test } from "@playwright/test";
import { createApiKeyWithCli } from "./api-key";
import { queryAppDatabase } from "./database";
import { machinePostgres } from "./machine-postgres";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
type Run = { status: string; mode: string; counts: { created: number; updated: number; unchanged: number; failed: number } };

async function runToEnd(request: APIRequestContext, headers: Record<string, string>, syncId: string): Promise<Run> {
  const started = await request.post(`/api/v1/syncs/${syncId}/runs`, { headers, data: { mode: "incremental" } });
  expect(started.status()).toBe(202);
  const runId = (await started.json()).data.id;
  let run = { status: "queued" } as Run;
  await expect(async () => {
    run = (await (await request.get(`/api/v1/runs/${runId}`, { headers })).json()).data;
    expect(run.status).toBe("succeeded");
  }).toPass({ timeout: 60_000 });
  return run;
}

test("a user edits a contact on the Contacts dataset page and the next incremental run sends exactly that change", async ({ page, request }) => {
  test.setTimeout(180_000);
  const headers = { authorization: `Bearer ${createApiKeyWithCli()}` };
  const destination = await machinePostgres();
  const schema = `e2e_edit_${Date.now()}`;
  await destination.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.people (contact_id text PRIMARY KEY, email text, first_name text)`);
  try {
    const datasets = (await (await request.get("/api/v1/datasets", { headers })).json()).data as { id: string; name: string }[];
    const contacts = datasets.find((d) => d.name === "Contacts")!;
    const connection = await request.post("/api/v1/connections", {
      headers,
      data: { connector: "postgres", name: `Edit ${schema}`, settings: { ...destination.settings, schema }, secrets: { password: destination.password } },
    });
    expect(connection.status()).toBe(201);
    const sync = await request.post("/api/v1/syncs", {
      headers,
      data: {
        name: `People ${schema}`,
        datasetId: contacts.id,
        connectionId: (await connection.json()).data.id,
        object: "people",
        mapping: [
          { from: { field: "email" }, to: "email" },
          { from: { field: "first_name" }, to: "first_name" },
        ],
        matchKey: { from: "id", to: "contact_id" },
      },
    });
    expect(sync.status()).toBe(201);
    const syncId = (await sync.json()).data.id;
    const count = (await queryAppDatabase<{ count: number }>("SELECT count(*)::int AS count FROM contacts"))[0]!.count;
    expect((await runToEnd(request, headers, syncId)).counts.created).toBe(count);

    // A record address that names no storable record (a stray %, a NUL, an unknown id) is a 404, never a failure.
    for (const bad of ["%25", "%2500", "no-such-contact", "x".repeat(300)]) expect((await page.goto(`/datasets/${contacts.id}/records/${bad}`))!.status(), bad).toBe(404);

    // The dataset page: each row opens its contact.
    await page.goto(`/datasets/${contacts.id}`);
    const firstLink = page.getByRole("table", { name: "Preview rows" }).getByRole("link").first();
    const contactId = (await firstLink.textContent())!.trim();
    await firstLink.click();
    await expect(page.getByRole("heading", { name: `Contact ${contactId}` })).toBeVisible();
    const [stored] = await queryAppDatabase<{ first_name: string; updated_at: Date }>("SELECT first_name, updated_at FROM contacts WHERE id = $1", [contactId]);
    await expect(page.getByLabel("first_name")).toHaveValue(stored!.first_name);
    await shot(page, "edit-contact-record");

    // A bad date is refused under its field, and what was typed stays.
    const newName = `Edited ${Date.now()}`;
    await page.getByLabel("first_name").fill(newName);
    await page.getByLabel("birth_date").fill("31/05/1990");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "must be a date like 2024-05-31" })).toBeVisible();
    await expect(page.getByLabel("first_name")).toHaveValue(newName);
    await expect(page.getByLabel("birth_date")).toHaveValue("31/05/1990");
    await shot(page, "edit-contact-refused");

    await page.getByLabel("birth_date").fill("1990-05-31");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
    await shot(page, "edit-contact-saved");
    const [saved] = await queryAppDatabase<{ first_name: string; updated_at: Date }>("SELECT first_name, updated_at FROM contacts WHERE id = $1", [contactId]);
    expect(saved!.first_name).toBe(newName);
    expect(saved!.updated_at.getTime()).toBeGreaterThan(stored!.updated_at.getTime());

    // The next incremental run updates that one row and leaves every other one alone.
    const run = await runToEnd(request, headers, syncId);
    expect(run.counts).toMatchObject({ created: 0, updated: 1, unchanged: count - 1, failed: 0 });
    const rows = await destination.query<{ contact_id: string; first_name: string }>(`SELECT contact_id, first_name FROM ${schema}.people ORDER BY contact_id`);
    const expected = await queryAppDatabase<{ id: string; first_name: string }>("SELECT id, first_name FROM contacts ORDER BY id COLLATE \"C\"");
    expect(rows.find((r) => r.contact_id === contactId)?.first_name).toBe(newName);
    expect(rows.map((r) => [r.contact_id, r.first_name]).sort()).toEqual(expected.map((e) => [e.id, e.first_name]).sort());
  } finally {
    await destination.query(`DROP SCHEMA ${schema} CASCADE`);
    await destination.close();
  }
});
