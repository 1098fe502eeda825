import { expect, test } from "@playwright/test";
import { startFakePostgres } from "@/test/fake-postgres";
import { queryAppDatabase } from "./database";
import { actions, callAction } from "./routes";

const MOVED = "Enter the secrets again: the connection now points elsewhere";
const action = (name: string) => actions.find((a) => a.name.endsWith(`#${name}`))!;

test("a stored password never goes to a host, port, user or database it was not entered for: not by Test connection, not by Save", async ({ page }) => {
  const fake = await startFakePostgres();
  const stored = `stored-${Date.now()}-password`;
  const where = { host: "db.internal.example", port: 5432, database: "crm", user: "relay" };
  const created = await callAction(page.request, action("saveConnection"), [{ connector: "postgres", name: `Stored secret ${Date.now()}`, settings: where, secrets: { password: stored } }]);
  const id = created.body.match(/"ok":true,"data":\{"id":"([0-9a-f-]{36})"/)![1]!;
  const row = () => queryAppDatabase("SELECT name, settings, secrets FROM connections WHERE id = $1", [id]);
  const before = await row();

  await page.goto(`/connections/${id}`);
  await page.getByLabel("Host").fill("127.0.0.1");
  await page.getByLabel("Port").fill(String(fake.port));
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).toHaveText(MOVED);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert").filter({ hasText: MOVED })).toBeVisible();

  // Called directly, with the secrets left empty rather than out, the actions refuse just the same.
  const elsewhere = { ...where, host: "127.0.0.1", port: fake.port };
  for (const settings of [elsewhere, { ...where, port: fake.port }, { ...where, user: "mallory" }, { ...where, database: "other" }])
    for (const secrets of [{}, { password: "" }]) {
      expect((await callAction(page.request, action("testConnection"), [{ id, connector: "postgres", settings, secrets }])).body, JSON.stringify(settings)).toContain(MOVED);
      expect((await callAction(page.request, action("saveConnection"), [{ id, connector: "postgres", name: "Moved", settings, secrets }])).body, JSON.stringify(settings)).toContain(MOVED);
    }
  expect(fake.captured).toEqual([]);
  expect(await row()).toEqual(before);

  // A password typed for the new place is the one (and the only one) that goes there.
  await page.getByLabel("Password").fill("typed-for-this-host");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status")).not.toHaveText(MOVED);
  await expect.poll(() => fake.captured.map((c) => c.password)).toEqual(["typed-for-this-host"]);
  await fake.close();
});
