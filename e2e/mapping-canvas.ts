import { expect, type Page } from "@playwright/test";

/** Draws a link on the mapping canvas with the mouse, from a node's source handle to a field's target handle. */
export async function drawLink(page: Page, fromNode: string, toNode: string) {
  const from = page.locator(`.react-flow__node[data-id="${fromNode}"] .react-flow__handle.source`);
  const to = page.locator(`.react-flow__node[data-id="${toNode}"] .react-flow__handle.target`);
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator(`.react-flow__edge[data-id="${fromNode}->${toNode}"]`)).toHaveCount(1);
}
