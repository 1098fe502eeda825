import "server-only";
import { decryptJson, encryptJson } from "@/lib/crypto";
import type { Db } from "@/lib/db/client";
import { insertChannel, publicChannel } from "@/lib/db/queries/notifications";
import type { NotificationChannel } from "@/lib/db/schema";
import { assertSavedUrls } from "@/lib/security/saved-urls";
import { type ChannelInput, channelInputSchema } from "./channels";
import type { OpenChannel } from "./send";
import { newWebhookSecret } from "./signature";

/** Creates a channel; a webhook without a secret gets a generated one, returned this once. */
export async function createChannel(db: Db, p: { workspaceId: string; input: ChannelInput }) {
  const input = channelInputSchema.parse(p.input);
  await assertSavedUrls(input, ["webhookUrl", "url"]);
  let secret: string | undefined;
  let values: { settings: Record<string, unknown>; secrets: string | null };
  if (input.kind === "email") values = { settings: { recipients: input.recipients }, secrets: null };
  else if (input.kind === "slack") values = { settings: { slackHost: new URL(input.webhookUrl).host }, secrets: encryptJson({ webhookUrl: input.webhookUrl }) };
  else {
    secret = input.secret ?? newWebhookSecret();
    values = { settings: { url: input.url }, secrets: encryptJson({ secret }) };
  }
  const created = await insertChannel(db, { workspaceId: p.workspaceId, kind: input.kind, name: input.name, ...values });
  return { channel: publicChannel(created), generatedSecret: input.kind === "webhook" && !input.secret ? secret : undefined };
}

/** The channel with what sending needs, decrypted: for server code that delivers. */
export function openChannel(row: NotificationChannel): OpenChannel {
  const settings = row.settings as { recipients?: string[]; url?: string };
  if (row.kind === "email") return { kind: "email", recipients: settings.recipients ?? [] };
  if (row.kind === "slack") return { kind: "slack", webhookUrl: decryptJson<{ webhookUrl: string }>(row.secrets!).webhookUrl };
  return { kind: "webhook", url: settings.url!, secret: decryptJson<{ secret: string }>(row.secrets!).secret };
}
