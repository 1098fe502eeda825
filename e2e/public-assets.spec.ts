import { expect, test } from "@playwright/test";
import { connectorConfigs } from "@/connectors/manifests";

test("the favicon browsers ask every page for is served, not a 404", async ({ request }) => {
  const response = await request.get("/favicon.ico");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^image\//);
});

test("the new connection picker shows each connector's logo", async ({ page, request }) => {
  await page.goto("/connections/new");
  for (const id of Object.keys(connectorConfigs)) {
    const logo = page.locator(`a[href="/connections/new?connector=${id}"] img`);
    await expect(logo, id).toHaveCount(1);
    const response = await request.get((await logo.getAttribute("src"))!);
    expect(response.status(), id).toBe(200);
    expect(response.headers()["content-type"], id).toContain("image/svg+xml");
  }
});
