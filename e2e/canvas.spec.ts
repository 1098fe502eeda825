import { expect, type Locator, type Page, test } from "@playwright/test";
import { addPostgresConnection, machinePostgres } from "./machine-postgres";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const boxes = async (nodes: Locator) => Promise.all((await nodes.all()).map(async (n) => ({ id: await n.getAttribute("data-id"), box: (await n.boundingBox())! })));

test("the mapping canvas places a new static value clear of nodes and links, keeps moved nodes, keeps its controls and panel in view, and React Flow warns of nothing", async ({ page }) => {
  test.setTimeout(120_000);
  const flowMessages: string[] = [];
  page.on("console", (m) => {
    if ((m.type() === "warning" || m.type() === "error") && /react ?flow|xyflow/i.test(m.text())) flowMessages.push(m.text());
  });
  page.on("pageerror", (e) => flowMessages.push(e.message));
  const destination = await machinePostgres();
  const schema = `e2e_canvas_${Date.now()}`;
  await destination.query(
    `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.people (contact_id text PRIMARY KEY, email text, first_name text, last_name text, city text, country text, source text, score integer, note text, created_at timestamptz)`,
  );
  try {
    await addPostgresConnection(page, destination, { name: `Warehouse ${schema}`, schema });
    await page.getByRole("button", { name: "Add connection" }).click();
    await expect(page).toHaveURL(/\/connections$/);
    await page.goto("/syncs/new");
    await page.getByLabel("Dataset").selectOption({ label: "Contacts" });
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Connection").selectOption({ label: `Warehouse ${schema} (PostgreSQL)` });
    await page.getByLabel("Destination table").selectOption("people");
    await page.getByRole("button", { name: "Continue" }).click();
    const canvas = page.getByTestId("mapping-canvas");
    await expect(canvas).toBeVisible();
    await page.getByRole("button", { name: "Auto-map by name" }).click();
    await expect(canvas.locator(".react-flow__edge")).not.toHaveCount(0);
    await shot(page, "canvas-before-value");

    // A new static value covers no other node, and the zoom controls cover none.
    await page.getByRole("button", { name: "Static value" }).click();
    const value = canvas.locator('.react-flow__node[data-id^="value:"]');
    await expect(value).toHaveCount(1);
    const valueBox = (await value.boundingBox())!;
    const others = (await boxes(canvas.locator(".react-flow__node"))).filter((n) => !n.id?.startsWith("value:"));
    expect(others.length).toBeGreaterThan(10);
    expect(others.filter((n) => overlap(n.box, valueBox)).map((n) => n.id)).toEqual([]);
    const controls = (await canvas.locator(".react-flow__controls").boundingBox())!;
    expect((await boxes(canvas.locator(".react-flow__node"))).filter((n) => overlap(n.box, controls)).map((n) => n.id)).toEqual([]);
    await shot(page, "canvas-after-value");

    // Every change re-renders the canvas: its nodes keep their measured size and handles, never hidden to be
    // measured again (a link drawn right after typing in a value found no handle, and the canvas went blank).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { hiddenNodes: string[] }).hiddenNodes = seen;
      new MutationObserver((changes) => {
        for (const { target } of changes)
          if (target instanceof HTMLElement && target.classList.contains("react-flow__node") && target.style.visibility === "hidden") seen.push(target.dataset.id!);
      }).observe(document.querySelector(".react-flow__nodes")!, { subtree: true, attributes: true, attributeFilter: ["style"] });
    });

    // The value is moved by its label and stays where it was dropped while the canvas changes.
    await page.mouse.move(valueBox.x + 20, valueBox.y + valueBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(valueBox.x + 60, valueBox.y + valueBox.height / 2 + 50, { steps: 10 });
    await page.mouse.up();
    const dropped = (await value.boundingBox())!;
    expect(dropped.y - valueBox.y).toBeGreaterThan(30);
    expect(dropped.x - valueBox.x).toBeGreaterThan(20);
    await value.locator("input").fill("relay");
    await expect(value.locator("input")).toHaveValue("relay");
    expect(await value.boundingBox()).toEqual(dropped);
    expect(await page.evaluate(() => (window as unknown as { hiddenNodes: string[] }).hiddenNodes)).toEqual([]);

    // Selecting a link opens its transforms in view, with the warnings, however tall the canvas.
    await canvas.locator('.react-flow__edge[data-id="col:first_name->dest:first_name"]').click({ force: true });
    await expect(page.getByText("Link into first_name")).toBeInViewport();
    await expect(page.getByRole("alert").first()).toBeInViewport();
    await shot(page, "canvas-link-selected");
    expect(flowMessages).toEqual([]);
  } finally {
    await destination.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await destination.close();
  }
});
