/** Notification channels as users configure them. Client-safe. */
import { z } from "zod";

export type ChannelKind = "email" | "slack" | "webhook";

const name = z.string().trim().min(1, "Name the channel").max(100);
const httpUrl = (hint: string) =>
  z
    .url(hint)
    .max(2_000)
    .refine((u) => /^https?:\/\//i.test(u), { error: (issue) => `Only http and https URLs are allowed, not ${new URL(String(issue.input)).protocol}` });

export const channelInputSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("email"),
    name,
    recipients: z.array(z.email("Enter email addresses such as ops@example.com").max(254)).min(1, "Add at least one recipient").max(50, "At most 50 recipients"),
  }),
  z.strictObject({ kind: z.literal("slack"), name, webhookUrl: httpUrl("Paste the Slack incoming-webhook URL (https://hooks.slack.com/services/…)") }),
  z.strictObject({
    kind: z.literal("webhook"),
    name,
    url: httpUrl("Enter the URL that receives the notifications"),
    /** Empty: a secret is generated and shown once. */
    secret: z.string().trim().min(16, "At least 16 characters").max(200).optional(),
  }),
]);

export type ChannelInput = z.input<typeof channelInputSchema>;

/** Splits what a user typed into a list of addresses (commas, semicolons, spaces or new lines). */
export const splitRecipients = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((r) => r.trim())
    .filter(Boolean);

export const kindLabels: Record<ChannelKind, string> = { email: "Email", slack: "Slack", webhook: "Webhook" };
