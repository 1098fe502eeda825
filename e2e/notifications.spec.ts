import { expect, test } from "@playwright/test";
import { startReceiver } from "@/test/receiver";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "@/lib/notify/signature";
import { sentMail } from "./mail";

test("an admin adds an email and a webhook channel, sends test notifications and sees them delivered", async ({ page }) => {
  const receiver = await startReceiver();
  const suffix = Date.now();
  try {
    await page.goto("/settings");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Notifications" }).click();
    await expect(page).toHaveURL(/\/settings\/notifications$/);

    // Email: a bad address is refused on its field, then the channel is added.
    await page.getByLabel("Kind").selectOption("email");
    await page.getByLabel("Name").fill(`Ops mail ${suffix}`);
    await page.getByLabel("Recipients").fill("ops@example.com, not-an-address");
    await page.getByRole("button", { name: "Add channel" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Enter email addresses such as ops@example.com" })).toBeVisible();
    await page.getByLabel("Recipients").fill("ops@example.com, data@example.com");
    await page.getByRole("button", { name: "Add channel" }).click();
    const emailRow = page.getByTestId(`channel-Ops mail ${suffix}`);
    await expect(emailRow).toContainText("ops@example.com, data@example.com");

    // Webhook: no secret typed, so one is generated and shown once.
    await page.getByLabel("Kind").selectOption("webhook");
    await page.getByLabel("Name").fill(`Pager ${suffix}`);
    await page.getByLabel("URL", { exact: true }).fill(`${receiver.url}/relay`);
    await page.getByRole("button", { name: "Add channel" }).click();
    const secret = (await page.getByTestId("webhook-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const webhookRow = page.getByTestId(`channel-Pager ${suffix}`);
    await expect(webhookRow).toBeVisible();

    const mailBefore = sentMail().length;
    await emailRow.getByRole("button", { name: "Send test notification" }).click();
    await expect(emailRow.getByRole("status")).toHaveText("Sent: check the recipients' inboxes");
    await expect.poll(() => sentMail().length).toBe(mailBefore + 1);
    const mail = sentMail().at(-1)!;
    expect(mail.to.sort()).toEqual(["data@example.com", "ops@example.com"]);
    expect(mail.subject).toBe("[Relay] Test notification from Relay (Acme Marketing)");
    expect(mail.text).toContain("the channel works");
    expect(mail.html).toContain("the channel works");

    await webhookRow.getByRole("button", { name: "Send test notification" }).click();
    await expect(webhookRow.getByRole("status")).toHaveText("Delivered: the receiver accepted it");
    const [request] = receiver.requests;
    expect(verifyWebhook(secret, request!.body, { timestamp: request!.headers[TIMESTAMP_HEADER] as string, signature: request!.headers[SIGNATURE_HEADER] as string })).toBe(true);
    expect(JSON.parse(request!.body)).toMatchObject({ type: "test", workspace: "Acme Marketing" });

    // A receiver that refuses says so, on the page and in the history with its attempt.
    receiver.answer(403);
    await webhookRow.getByRole("button", { name: "Send test notification" }).click();
    await expect(webhookRow.getByRole("status")).toContainText("answered 403");
    await page.reload();
    const history = page.getByRole("table", { name: "Notifications" });
    await expect(history.getByRole("row").filter({ hasText: `Pager ${suffix}` })).toHaveCount(2);
    await expect(history.getByRole("row").filter({ hasText: `Pager ${suffix}` }).first()).toContainText("failed");
    await page.screenshot({ path: "test-results/screenshots/notifications.png", fullPage: true });
  } finally {
    await receiver.close();
  }
});
