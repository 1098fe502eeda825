"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { createChannel } from "@/lib/notify/channel-store";
import { deleteChannel } from "@/lib/db/queries/notifications";
import { channelInputSchema } from "@/lib/notify/channels";
import { sendTestNotice } from "@/lib/notify/notices";
import { workspaceAction } from "../workspace-action";

/** Adds a channel; a webhook left without a secret gets one, shown this once. */
export const addChannel = workspaceAction("manageNotifications", channelInputSchema, async (input, ctx) => {
  const created = await createChannel(ctx.db, { workspaceId: ctx.workspaceId, input });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "channel.created", target: { type: "channel", id: created.channel.id, name: created.channel.name }, details: { kind: input.kind } });
  revalidatePath("/settings/notifications");
  return created;
});

export const removeChannel = workspaceAction("manageNotifications", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const removed = await deleteChannel(ctx.db, { workspaceId: ctx.workspaceId, channelId: id });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "channel.deleted", target: { type: "channel", id, name: removed.name } });
  revalidatePath("/settings/notifications");
  return { id };
});

/** "Send test notification": one attempt now; the receiver's answer comes back to the page. */
export const testChannel = workspaceAction("manageNotifications", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  const result = await sendTestNotice(ctx.db, { workspaceId: ctx.workspaceId, channelId: id });
  revalidatePath("/settings/notifications");
  return result;
});
